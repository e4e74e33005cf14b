"""household_update: only the given fields change; freshness moves per field group."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from langso.core.errors import AccessDenied
from langso.core.selectors import audit_history
from langso.registry.events import HouseholdsChanged
from langso.registry.models import AddressCodeKind, Household, Source
from langso.registry.services.households import HouseholdInvalid, household_update
from langso.registry.testing import (
    MANAGES_A1,
    Points,
    RegistryTree,
    RegistryUsers,
    create_household,
)

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.now() - dt.timedelta(days=400)


@pytest.fixture
def household(tree: RegistryTree, users: RegistryUsers, points: Points) -> Household:
    """A household of A1 with every group filled in, last updated long ago."""
    household = create_household(
        actor=users.officer_a,
        village=tree.a1,
        house_number="7",
        head_name="Trần Thị Lan",
        head_phone="0987654321",
        members=4,
        adults=3,
        adults_smartphone=1,
        adults_epayment=1,
        broadband="none",
        location=points.inside_a,
    )
    Household.objects.filter(pk=household.pk).update(
        **{f"{group}_updated_at": LONG_AGO for group in _GROUPS},
        **{f"{group}_source": Source.IMPORT for group in _GROUPS},
    )
    household.refresh_from_db()
    return household


_GROUPS = ("identity", "composition", "readiness", "connectivity", "location")


def _fresh(household: Household) -> set[str]:
    household.refresh_from_db()
    return {g for g in _GROUPS if getattr(household, f"{g}_updated_at") != LONG_AGO}


def test_only_the_group_that_changed_is_fresh(household: Household, users: RegistryUsers) -> None:
    """Changing a readiness count makes readiness fresh (with its source), nothing else;
    fields not given keep their values."""
    household_update(
        actor=users.officer_a,
        household=household,
        values={"adults_smartphone": 3, "members": 4},
        source=Source.SURVEY,
    )
    assert _fresh(household) == {"readiness"}
    assert household.readiness_source == Source.SURVEY
    assert household.composition_source == Source.IMPORT
    assert household.adults_smartphone == 3
    assert household.head_name == "Trần Thị Lan"
    assert household.adults_epayment == 1


def test_a_value_sent_back_unchanged_changes_nothing(
    household: Household, users: RegistryUsers, household_events: list[HouseholdsChanged]
) -> None:
    """A form saved without changes writes no audit entry, no event, no freshness."""
    household_update(
        actor=users.officer_a,
        household=household,
        values={
            "head_name": " Trần  Thị Lan ",
            "members": 4,
            "location": Point(household.location.x, household.location.y, srid=4326),  # type: ignore[union-attr]  # set by the fixture
        },
    )
    assert _fresh(household) == set()
    assert household_events == []
    assert len(audit_history(instance=household)) == 1


def test_name_change_renews_the_name_key_and_identity(
    household: Household, users: RegistryUsers
) -> None:
    household_update(
        actor=users.officer_a, household=household, values={"head_name": "Trần Thị Hoà"}
    )
    assert _fresh(household) == {"identity"}
    assert household.head_name_key == "trần thị hòa"


def test_moving_to_another_village_moves_the_ancestors(
    household: Household, tree: RegistryTree, users: RegistryUsers, points: Points
) -> None:
    """The province officer moves the household to B1: commune and province follow; the
    address code stays; location freshness moves."""
    code = household.address_code
    household_update(
        actor=users.province_officer,
        household=household,
        values={"village": tree.b1, "location": points.in_b},
    )
    assert _fresh(household) == {"location"}
    assert (household.commune_id, household.village_id) == (tree.b.pk, tree.b1.pk)
    assert household.address_code == code


def test_moving_keeps_the_point_inside_the_new_commune(
    tree: RegistryTree, users: RegistryUsers, points: Points
) -> None:
    """A household of B with a point outside A cannot move to A without a new point."""
    household = create_household(actor=users.officer_b, village=tree.b1, location=points.in_b)
    with pytest.raises(HouseholdInvalid) as caught:
        household_update(
            actor=users.province_officer, household=household, values={"village": tree.a1}
        )
    assert "ranh giới" in caught.value.errors["location"]


def test_moving_outside_the_actors_scope_is_refused(
    household: Household, tree: RegistryTree, users: RegistryUsers
) -> None:
    with pytest.raises(AccessDenied):
        household_update(actor=users.officer_a, household=household, values={"village": tree.b1})
    household.refresh_from_db()
    assert household.village_id == tree.a1.pk


def test_counts_are_checked_against_the_stored_ones(
    household: Household, users: RegistryUsers
) -> None:
    """Lowering adults below the stored smartphone count is refused; so is a count above
    the stored members."""
    with pytest.raises(HouseholdInvalid) as caught:
        household_update(actor=users.officer_a, household=household, values={"adults": 0})
    assert "adults_smartphone" in caught.value.errors
    with pytest.raises(HouseholdInvalid) as caught:
        household_update(actor=users.officer_a, household=household, values={"adults": 9})
    assert "adults" in caught.value.errors
    household.refresh_from_db()
    assert household.adults == 3


def test_a_national_code_replaces_the_generated_one(
    household: Household, users: RegistryUsers
) -> None:
    household_update(actor=users.officer_a, household=household, values={"address_code": "vn-999"})
    household.refresh_from_db()
    assert household.address_code == "VN-999"
    assert household.address_code_kind == AddressCodeKind.NATIONAL


def test_a_code_of_another_household_is_refused(
    household: Household, tree: RegistryTree, users: RegistryUsers
) -> None:
    other = create_household(actor=users.officer_a, village=tree.a2, address_code="VN-1")
    with pytest.raises(HouseholdInvalid) as caught:
        household_update(
            actor=users.officer_a, household=household, values={"address_code": "VN-1"}
        )
    assert "đã thuộc một hộ khác" in caught.value.errors["address_code"]
    assert other.address_code == "VN-1"


def test_phone_changes_are_audited_masked(household: Household, users: RegistryUsers) -> None:
    """The trail shows that the phone changed, never the numbers, even when the two
    numbers end alike."""
    household_update(
        actor=users.officer_a, household=household, values={"head_phone": "0911111321"}
    )
    entry = audit_history(instance=household).first()
    assert entry is not None
    old, new = entry.changes["head_phone"]
    assert old.startswith("•••321")
    assert new.startswith("•••321")
    assert old != new
    assert "0911111321" not in str(entry.changes)
    assert "0987654321" not in str(entry.changes)


def test_audit_keeps_old_and_new(household: Household, users: RegistryUsers) -> None:
    household_update(actor=users.officer_a, household=household, values={"members": 6})
    entry = audit_history(instance=household).first()
    assert entry is not None
    assert entry.actor == users.officer_a
    assert entry.changes == {"members": [4, 6]}


def test_publishes_before_and_after(
    household: Household,
    tree: RegistryTree,
    users: RegistryUsers,
    household_events: list[HouseholdsChanged],
) -> None:
    """The event carries the counts and ancestors before and after the change."""
    household_update(
        actor=users.province_officer,
        household=household,
        values={"adults_epayment": 2, "village": tree.a2},
    )
    ((pk, before, after),) = household_events[0].changes
    assert pk == household.pk
    assert before is not None
    assert after is not None
    assert (before["adults_epayment"], after["adults_epayment"]) == (1, 2)
    assert (before["village_id"], after["village_id"]) == (tree.a1.pk, tree.a2.pk)
    assert before["members"] == after["members"] == 4


@pytest.mark.parametrize(("user", "allowed"), MANAGES_A1)
def test_only_those_who_manage_it_may_change_it(
    household: Household, users: RegistryUsers, user: str, allowed: bool
) -> None:
    if allowed:
        household_update(actor=users.of(user), household=household, values={"members": 5})
        household.refresh_from_db()
        assert household.members == 5
    else:
        with pytest.raises(AccessDenied):
            household_update(actor=users.of(user), household=household, values={"members": 5})
        household.refresh_from_db()
        assert household.members == 4
