"""household_create: checked whole, placed in the tree, coded, audited and published."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.gis.geos import Point

from langso.core.errors import AccessDenied
from langso.core.models import AuditEntry
from langso.core.selectors import audit_history
from langso.places.testing import make_commune
from langso.registry import address_codes
from langso.registry.events import HouseholdsChanged
from langso.registry.models import AddressCodeKind, Household, Source
from langso.registry.services.households import HouseholdInvalid, household_create
from langso.registry.testing import Points, RegistryTree, RegistryUsers

pytestmark = pytest.mark.django_db

GOOD: dict[str, Any] = {
    "house_number": "12",
    "street": "Xóm Đông",
    "head_name": "Nguyễn Văn Hoà",
    "head_phone": "0912 345 678",
    "members": 5,
    "adults": 3,
    "adults_smartphone": 2,
    "broadband": "fibre",
}


def _refused(tree: RegistryTree, users: RegistryUsers, **values: Any) -> dict[str, str]:
    with pytest.raises(HouseholdInvalid) as caught:
        household_create(actor=users.officer_a, village=tree.a1, values=values)
    assert not Household.objects.exists()
    return caught.value.errors


def test_creates_a_household_in_the_village_with_a_generated_code(
    tree: RegistryTree, users: RegistryUsers, points: Points
) -> None:
    """The ancestors come from the village; the code is the commune's next generated
    code; the name key is normalised; the phone is kept without separators."""
    household = household_create(
        actor=users.officer_a, village=tree.a1, values=GOOD | {"location": points.inside_a}
    )
    household.refresh_from_db()
    assert (household.province_id, household.commune_id, household.village_id) == (
        tree.province.pk,
        tree.a.pk,
        tree.a1.pk,
    )
    assert household.address_code == address_codes.format_generated(tree.a.code, 1)
    assert address_codes.is_valid_generated(household.address_code)
    assert household.address_code_kind == AddressCodeKind.GENERATED
    assert household.head_name_key == "nguyễn văn hòa"
    assert household.head_phone == "0912345678"
    assert household.location is not None
    second = household_create(actor=users.officer_a, village=tree.a2, values={})
    assert second.address_code == address_codes.format_generated(tree.a.code, 2)


def test_a_national_code_is_kept_as_national(tree: RegistryTree, users: RegistryUsers) -> None:
    """A national digital-address code is normalised (upper case, no spaces) and used."""
    household = household_create(
        actor=users.officer_a, village=tree.a1, values={"address_code": " vn-37 0001 "}
    )
    assert household.address_code == "VN-370001"
    assert household.address_code_kind == AddressCodeKind.NATIONAL


def test_a_commune_without_villages_takes_households(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    """A household can be placed on the commune itself, village left empty."""
    household = household_create(actor=users.officer_b, commune=tree.b, values={})
    assert household.village_id is None
    assert household.commune_id == tree.b.pk


def test_freshness_only_for_groups_given(tree: RegistryTree, users: RegistryUsers) -> None:
    """Identity and location are always known; other groups only once a value is given."""
    household = household_create(
        actor=users.officer_a,
        village=tree.a1,
        values={"members": 4},
        source=Source.IMPORT,
    )
    assert household.identity_source == Source.IMPORT
    assert household.location_source == Source.IMPORT
    assert household.composition_source == Source.IMPORT
    assert household.composition_updated_at is not None
    assert household.readiness_updated_at is None
    assert household.readiness_source == ""
    assert household.connectivity_updated_at is None


def test_audited_with_the_phone_masked(tree: RegistryTree, users: RegistryUsers) -> None:
    """The audit entry names the actor and the values, but never the phone number."""
    household = household_create(actor=users.officer_a, village=tree.a1, values=GOOD)
    (entry,) = audit_history(instance=household)
    assert entry.action == AuditEntry.Action.CREATE
    assert entry.actor == users.officer_a
    assert entry.changes["head_phone"] == [None, "•••678"]
    assert entry.changes["members"] == [None, 5]
    assert "0912345678" not in str(entry.changes)


def test_publishes_the_new_values(
    tree: RegistryTree, users: RegistryUsers, household_events: list[HouseholdsChanged]
) -> None:
    """One event, before None, after with the counts, connectivity and devices, status
    and ancestors."""
    household = household_create(actor=users.officer_a, village=tree.a1, values=GOOD)
    (event,) = household_events
    assert event.source == Source.OFFICER
    ((pk, before, after),) = event.changes
    assert pk == household.pk
    assert before is None
    assert after == {
        "members": 5,
        "adults": 3,
        "adults_smartphone": 2,
        "adults_epayment": None,
        "adults_vneid": None,
        "adults_public_service": None,
        "broadband": "fibre",
        "mobile_coverage": "",
        "has_tv": None,
        "has_radio": None,
        "status": "active",
        "province_id": tree.province.pk,
        "commune_id": tree.a.pk,
        "village_id": tree.a1.pk,
    }


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"members": -1}, "members", "không được âm"),
        ({"adults_vneid": -2}, "adults_vneid", "không được âm"),
        ({"members": "năm"}, "members", "số nguyên"),
        ({"members": 2, "adults": 3}, "adults", "lớn hơn số nhân khẩu"),
        ({"adults": 2, "adults_smartphone": 3}, "adults_smartphone", "lớn hơn số người"),
        ({"adults": 1, "adults_epayment": 2}, "adults_epayment", "lớn hơn số người"),
        ({"broadband": "adsl"}, "broadband", "không hợp lệ"),
        ({"mobile_coverage": "6g"}, "mobile_coverage", "không hợp lệ"),
        ({"has_tv": "có"}, "has_tv", "có, không"),
        ({"head_phone": "12ab"}, "head_phone", "điện thoại"),
        ({"head_name": "x" * 151}, "head_name", "dài quá 150"),
        ({"address_code": "a"}, "address_code", "3 đến 32"),
        ({"address_code": "37001-000001-A"}, "address_code", "Làng Số cấp"),
        ({"location": Point(2.35, 48.85, srid=4326)}, "location", "ngoài lãnh thổ"),
        ({"location": Point(105.80, 20.25, srid=4326)}, "location", "ranh giới"),
        ({"location": "105.9, 20.2"}, "location", "một điểm"),
        ({"status": "merged"}, "status", "không sửa được"),
    ],
)
def test_bad_values_are_refused_and_named(
    tree: RegistryTree, users: RegistryUsers, values: dict[str, Any], field: str, words: str
) -> None:
    """Each bad value is named with a Vietnamese reason, and nothing is written."""
    errors = _refused(tree, users, **values)
    assert field in errors
    assert words in errors[field]


def test_every_bad_value_is_listed_at_once(tree: RegistryTree, users: RegistryUsers) -> None:
    """Several bad fields are reported together, and the message names each field."""
    with pytest.raises(HouseholdInvalid) as caught:
        household_create(
            actor=users.officer_a,
            village=tree.a1,
            values={"members": -1, "broadband": "x", "location": Point(0, 0, srid=4326)},
        )
    assert set(caught.value.errors) == {"members", "broadband", "location"}
    assert "số nhân khẩu" in caught.value.message


def test_errors_never_repeat_the_phone(tree: RegistryTree, users: RegistryUsers) -> None:
    """A bad phone number is named, not repeated: messages may reach logs."""
    errors = _refused(tree, users, head_phone="0912-345-67890123456")
    assert "0912" not in errors["head_phone"]


def test_a_point_on_a_commune_without_boundary_needs_only_vietnam(
    tree: RegistryTree, users: RegistryUsers, points: Points
) -> None:
    """Commune B has no boundary loaded: any point in Vietnam is accepted there."""
    household = household_create(
        actor=users.officer_b, village=tree.b1, values={"location": points.outside_a}
    )
    assert household.location is not None


def test_a_national_code_already_given_is_refused(tree: RegistryTree, users: RegistryUsers) -> None:
    """Two households never share a code, whatever its case or spacing."""
    household_create(actor=users.officer_a, village=tree.a1, values={"address_code": "VN-1234"})
    with pytest.raises(HouseholdInvalid) as caught:
        household_create(
            actor=users.officer_a, village=tree.a2, values={"address_code": "vn-12 34"}
        )
    assert "đã thuộc một hộ khác" in caught.value.errors["address_code"]
    assert Household.objects.count() == 1


def test_a_legacy_or_unknown_unit_is_refused(tree: RegistryTree, users: RegistryUsers) -> None:
    """Only a current village (or commune) takes households."""
    legacy = make_commune(
        province=tree.province, code="99999", name="Xã Cũ", valid_to=tree.province.valid_from
    )
    with pytest.raises(HouseholdInvalid) as caught:
        household_create(actor=users.province_officer, commune=legacy, values={})
    assert "village" in caught.value.errors
    with pytest.raises(HouseholdInvalid):
        household_create(actor=users.province_officer, commune=tree.province, values={})


@pytest.mark.parametrize(
    ("user", "village", "allowed"),
    [
        ("central_admin", "b1", True),
        ("province_officer", "b1", True),
        ("officer_a", "a2", True),
        ("officer_a", "b1", False),
        ("officer_b", "a1", False),
        ("village_head_a1", "a1", True),
        ("village_head_a1", "a2", False),
        ("digital_team_a", "a1", False),
        ("nobody", "a1", False),
    ],
)
def test_only_those_who_manage_the_village_may_add(
    tree: RegistryTree, users: RegistryUsers, user: str, village: str, allowed: bool
) -> None:
    """Each role adds households only inside its subtree; a digital-team member only
    views. A refusal writes nothing."""
    unit = getattr(tree, village)
    if allowed:
        household_create(actor=users.of(user), village=unit, values={})
        assert Household.objects.count() == 1
    else:
        with pytest.raises(AccessDenied):
            household_create(actor=users.of(user), village=unit, values={})
        assert not Household.objects.exists()
