"""Test helpers of the registry that other apps' tests use: a household leaving the
list, as the oracle tests of derived data (indicator aggregates, map cells) walk it."""

from __future__ import annotations

from langso.accounts.models import User

from .models import Household, HouseholdStatus
from .services.households import household_set_status


def household_leave(*, actor: User, household: Household, merged: bool) -> None:
    """`household` leaves the list: it moves away or, `merged`, merges into the first
    other active household."""
    if not merged:
        household_set_status(actor=actor, household=household, status=HouseholdStatus.MOVED_AWAY)
        return
    target = next(
        h for h in Household.objects.filter(status=HouseholdStatus.ACTIVE) if h != household
    )
    household_set_status(
        actor=actor, household=household, status=HouseholdStatus.MERGED, merged_into=target
    )
