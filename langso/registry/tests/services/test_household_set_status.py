"""household_set_status: moved away or merged into another household, never deleted."""

from __future__ import annotations

import pytest

from langso.core.errors import AccessDenied
from langso.core.selectors import audit_history
from langso.registry.events import HouseholdsChanged
from langso.registry.models import HouseholdStatus
from langso.registry.services.households import HouseholdInvalid, household_set_status
from langso.registry.testing import RegistryTree, RegistryUsers, create_household

pytestmark = pytest.mark.django_db


def test_merge_into_another_household(
    tree: RegistryTree, users: RegistryUsers, household_events: list[HouseholdsChanged]
) -> None:
    """Merged points at the household it duplicated; audited and published."""
    kept = create_household(actor=users.officer_a, village=tree.a1, members=3)
    gone = create_household(actor=users.officer_a, village=tree.a1, members=3)
    household_events.clear()
    household_set_status(
        actor=users.officer_a, household=gone, status=HouseholdStatus.MERGED, merged_into=kept
    )
    gone.refresh_from_db()
    assert gone.status == HouseholdStatus.MERGED
    assert gone.merged_into_id == kept.pk
    ((_pk, before, after),) = household_events[0].changes
    assert before is not None
    assert after is not None
    assert (before["status"], after["status"]) == ("active", "merged")
    entry = audit_history(instance=gone).first()
    assert entry is not None
    assert entry.changes["status"] == ["active", "merged"]


def test_back_to_active_clears_the_merge(tree: RegistryTree, users: RegistryUsers) -> None:
    kept = create_household(actor=users.officer_a, village=tree.a1)
    gone = create_household(actor=users.officer_a, village=tree.a1)
    household_set_status(
        actor=users.officer_a, household=gone, status=HouseholdStatus.MERGED, merged_into=kept
    )
    household_set_status(actor=users.officer_a, household=gone, status=HouseholdStatus.ACTIVE)
    gone.refresh_from_db()
    assert gone.merged_into_id is None


@pytest.mark.parametrize("case", ["missing", "itself", "inactive", "bad status"])
def test_bad_status_changes_are_refused(
    tree: RegistryTree, users: RegistryUsers, case: str
) -> None:
    household = create_household(actor=users.officer_a, village=tree.a1)
    target = create_household(actor=users.officer_a, village=tree.a1)
    if case == "inactive":
        household_set_status(
            actor=users.officer_a, household=target, status=HouseholdStatus.MOVED_AWAY
        )
    status = "gone" if case == "bad status" else HouseholdStatus.MERGED
    merged_into = {"missing": None, "itself": household}.get(case, target)
    with pytest.raises(HouseholdInvalid) as caught:
        household_set_status(
            actor=users.officer_a, household=household, status=status, merged_into=merged_into
        )
    assert set(caught.value.errors) <= {"status", "merged_into"}
    household.refresh_from_db()
    assert household.status == HouseholdStatus.ACTIVE


def test_merging_into_a_household_outside_scope_is_refused(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    household = create_household(actor=users.officer_a, village=tree.a1)
    elsewhere = create_household(actor=users.officer_b, village=tree.b1)
    with pytest.raises(AccessDenied):
        household_set_status(
            actor=users.officer_a,
            household=household,
            status=HouseholdStatus.MERGED,
            merged_into=elsewhere,
        )


def test_a_viewer_cannot_change_the_status(tree: RegistryTree, users: RegistryUsers) -> None:
    household = create_household(actor=users.officer_a, village=tree.a1)
    with pytest.raises(AccessDenied):
        household_set_status(
            actor=users.digital_team_a, household=household, status=HouseholdStatus.MOVED_AWAY
        )
