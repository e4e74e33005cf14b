"""registry_create: the one create of the seven placed registries — scope, place, key,
audit. Rules of one registry are tested in test_<registry>_rules.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from langso.core.errors import AccessDenied
from langso.core.models import AuditEntry
from langso.core.selectors import audit_history
from langso.registry.services.placed import RegistryInvalid, registry_create
from langso.registry.specs import COOPERATIVE, VESSEL, WIFI_POINT, RegistrySpec
from langso.registry.testing import (
    ALL_SPECS,
    MANAGES_A1,
    Points,
    RegistryTree,
    RegistryUsers,
    each_spec,
    good_values,
)

pytestmark = pytest.mark.django_db


@each_spec
def test_a_row_is_placed_in_its_village_and_audited(
    spec: RegistrySpec[Any], tree: RegistryTree, users: RegistryUsers, points: Points
) -> None:
    """The row carries the province, commune and village of its unit and its point; one
    audit entry records the creation with the key, the unit code and the values."""
    values = good_values(spec, unit=tree.a1) | {"unit": tree.a1, "location": points.inside_a}
    row = registry_create(spec=spec, actor=users.officer_a, values=values)
    assert (row.province_id, row.commune_id, row.village_id) == (
        tree.province.pk,
        tree.a.pk,
        tree.a1.pk,
    )
    assert row.location is not None
    assert row.location.coords == points.inside_a.coords
    [entry] = audit_history(instance=row)
    assert entry.action == AuditEntry.Action.CREATE
    assert entry.actor == users.officer_a
    assert entry.changes["unit"] == [None, tree.a1.code]
    assert entry.changes[spec.key] == [None, getattr(row, spec.key)]


@pytest.mark.parametrize("spec", [s for s in ALL_SPECS if s.code_prefix], ids=lambda s: s.name)
def test_codes_are_generated_per_commune(
    spec: RegistrySpec[Any], tree: RegistryTree, users: RegistryUsers
) -> None:
    """Without a code, rows get "<commune code>-<prefix><0001>", numbered per commune, in
    a village or in the commune itself."""
    first = registry_create(
        spec=spec,
        actor=users.province_officer,
        values=good_values(spec, unit=tree.a1) | {"unit": tree.a1},
    )
    second = registry_create(
        spec=spec,
        actor=users.province_officer,
        values=good_values(spec, unit=tree.a) | {"unit": tree.a},
    )
    other = registry_create(
        spec=spec,
        actor=users.province_officer,
        values=good_values(spec, unit=tree.b1) | {"unit": tree.b1},
    )
    prefix = spec.code_prefix
    assert getattr(first, spec.key) == f"{tree.a.code}-{prefix}0001"
    assert getattr(second, spec.key) == f"{tree.a.code}-{prefix}0002"
    assert getattr(other, spec.key) == f"{tree.b.code}-{prefix}0001"
    assert second.village_id is None
    assert second.commune_id == tree.a.pk


@pytest.mark.parametrize(("role", "allowed"), MANAGES_A1)
@each_spec
def test_only_managers_of_the_unit_may_add(
    spec: RegistrySpec[Any], role: str, allowed: bool, tree: RegistryTree, users: RegistryUsers
) -> None:
    """Managers of village A1 or above may add there; the officer of commune B, a digital
    team member (who only views) and a user with no role are refused, and nothing is
    written."""
    values = good_values(spec, unit=tree.a1) | {"unit": tree.a1}
    before = spec.model._default_manager.count()
    if allowed:
        registry_create(spec=spec, actor=users.of(role), values=values)
        assert spec.model._default_manager.count() == before + 1
    else:
        with pytest.raises(AccessDenied):
            registry_create(spec=spec, actor=users.of(role), values=values)
        assert spec.model._default_manager.count() == before


def test_the_village_head_may_not_add_in_another_village(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    """A village head keeps the lists of the village only."""
    with pytest.raises(AccessDenied):
        registry_create(
            spec=WIFI_POINT,
            actor=users.village_head_a1,
            values={"place": "Nhà văn hóa", "unit": tree.a2},
        )


def test_anonymous_users_are_refused(tree: RegistryTree) -> None:
    with pytest.raises(AccessDenied):
        registry_create(
            spec=WIFI_POINT, actor=AnonymousUser(), values={"place": "X", "unit": tree.a1}
        )


def test_the_unit_must_be_a_current_commune_or_village(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    """A province is not a place for a row; a missing unit is named."""
    with pytest.raises(RegistryInvalid) as province:
        registry_create(
            spec=WIFI_POINT,
            actor=users.central_admin,
            values={"place": "X", "unit": tree.province},
        )
    assert "unit" in province.value.errors
    with pytest.raises(RegistryInvalid) as missing:
        registry_create(spec=WIFI_POINT, actor=users.central_admin, values={"place": "X"})
    assert set(missing.value.errors) == {"unit"}


def test_points_outside_vietnam_or_the_commune_are_refused(
    tree: RegistryTree, users: RegistryUsers, points: Points
) -> None:
    """A point must lie in Vietnam, and inside the commune where its boundary is loaded;
    commune B has no boundary, so any point in Vietnam is accepted there."""
    for unit, point in ((tree.a1, points.outside_a), (tree.b1, points.outside_vietnam)):
        with pytest.raises(RegistryInvalid) as refused:
            registry_create(
                spec=WIFI_POINT,
                actor=users.central_admin,
                values={"place": "X", "unit": unit, "location": point},
            )
        assert set(refused.value.errors) == {"location"}
    accepted = registry_create(
        spec=WIFI_POINT,
        actor=users.central_admin,
        values={"place": "X", "unit": tree.b1, "location": points.outside_a},
    )
    assert accepted.location is not None


def test_a_given_code_is_normalised_checked_and_unique(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    """A typed code is kept upper case without spaces; a malformed or taken code is
    refused with the code named."""
    row = registry_create(
        spec=WIFI_POINT,
        actor=users.officer_a,
        values={"place": "X", "unit": tree.a1, "code": " 37001-wf 77 "},
    )
    assert row.code == "37001-WF77"
    with pytest.raises(RegistryInvalid) as taken:
        registry_create(
            spec=WIFI_POINT,
            actor=users.officer_a,
            values={"place": "Y", "unit": tree.a1, "code": "37001-WF77"},
        )
    assert "37001-WF77" in taken.value.errors["code"]
    with pytest.raises(RegistryInvalid) as malformed:
        registry_create(
            spec=WIFI_POINT,
            actor=users.officer_a,
            values={"place": "Y", "unit": tree.a1, "code": "wifi/1"},
        )
    assert "code" in malformed.value.errors


def test_every_bad_value_is_reported_at_once(tree: RegistryTree, users: RegistryUsers) -> None:
    """A bad key, a missing name, a bad e-mail and a founding date in the future are all
    named in one refusal, and the message names the fields in Vietnamese."""
    with pytest.raises(RegistryInvalid) as refused:
        registry_create(
            spec=COOPERATIVE,
            actor=users.officer_a,
            values={
                "unit": tree.a1,
                "code": "?",
                "name": "  ",
                "email": "khong-phai-email",
                "founded_on": dt.date(2999, 1, 1),
            },
        )
    assert set(refused.value.errors) == {"code", "name", "email", "founded_on"}
    assert "ngày thành lập" in refused.value.message
    assert not COOPERATIVE.model._default_manager.exists()


def test_the_vessel_number_is_required(tree: RegistryTree, users: RegistryUsers) -> None:
    """Vessels have no generated code: the registration number must be given."""
    with pytest.raises(RegistryInvalid) as refused:
        registry_create(spec=VESSEL, actor=users.officer_a, values={"unit": tree.a})
    assert "NA-90123-TS" in refused.value.errors["registration_number"]
