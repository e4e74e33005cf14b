"""`unit_get_for_user`: this unit, for this user — the one door to a page about a unit."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from langso.accounts.roles import Permission
from langso.accounts.selectors import unit_get_for_user
from langso.core.errors import NotFound
from langso.places.models import UnitLineage, UnitSource
from langso.places.testing import make_commune, make_district

from ..conftest import Holders, Units

pytestmark = pytest.mark.django_db


def test_a_unit_within_the_subtree_is_given(units: Units, holders: Holders) -> None:
    for user in (holders.commune_officer, holders.province_officer, holders.central_admin):
        assert unit_get_for_user(user=user, code=units.a1.code) == units.a1


@pytest.mark.parametrize("role", ["commune_officer", "village_head", "nobody"])
def test_a_unit_outside_it_is_not_found_as_if_it_did_not_exist(
    units: Units, holders: Holders, role: str
) -> None:
    user = holders.of(role)
    with pytest.raises(NotFound) as outside:
        unit_get_for_user(user=user, code=units.c.code)
    with pytest.raises(NotFound) as missing:
        unit_get_for_user(user=user, code="99999")
    # The refusal reads the same whether the unit exists or not.
    assert outside.value.message == "Không có đơn vị này trong phạm vi của bạn."
    assert "99999" in missing.value.message


def test_the_anonymous_user_reaches_no_unit(units: Units) -> None:
    with pytest.raises(NotFound):
        unit_get_for_user(user=AnonymousUser(), code=units.province.code)


def test_the_permission_asked_decides(units: Units, holders: Holders) -> None:
    # A village head sees village A1 but grants no roles there.
    assert unit_get_for_user(user=holders.village_head, code=units.a1.code) == units.a1
    with pytest.raises(NotFound):
        unit_get_for_user(
            user=holders.village_head, code=units.a1.code, permission=Permission.ASSIGN_ROLES
        )


def test_a_commune_abolished_in_2025_belongs_to_whoever_holds_what_it_became(
    units: Units, holders: Holders
) -> None:
    district = make_district(province=units.province, code="379", name="Huyện Cũ")
    old = make_commune(province=units.province, district=district, code="37999", name="Xã Cũ")
    source = UnitSource.objects.create(name="test", version="1")
    UnitLineage.objects.create(predecessor=old, successor=units.a, kind="whole", source=source)
    assert unit_get_for_user(user=holders.commune_officer, code=old.code) == old
    assert unit_get_for_user(user=holders.province_officer, code=district.code) == district
    # A village head holds only village A1, not the commune the old one went into.
    with pytest.raises(NotFound):
        unit_get_for_user(user=holders.village_head, code=old.code)
