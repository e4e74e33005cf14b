"""The household list narrowed by door-to-door visits: never visited ("chưa khảo sát"),
visited, or last visited before a day; paged by keyset like every other filter, with
the same queries whatever the number of households."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoAssertNumQueries

from langso.registry.models import Household
from langso.registry.selectors.households import (
    HouseholdFilterInvalid,
    HouseholdFilters,
    household_list_for_user,
)
from langso.registry.services.households import household_last_visit_set, household_update
from langso.registry.testing import RegistryTree, RegistryUsers, create_household

pytestmark = pytest.mark.django_db


@pytest.fixture
def households(tree: RegistryTree, users: RegistryUsers) -> dict[str, Household]:
    made = {
        name: create_household(actor=users.central_admin, village=village, head_name=name)
        for name, village in (
            ("never", tree.a1),
            ("june", tree.a1),
            ("november", tree.a2),
            ("other commune", tree.b1),
        )
    }
    for name, day in (("june", dt.date(2026, 6, 1)), ("november", dt.date(2026, 11, 20))):
        household_last_visit_set(household_id=made[name].pk, visited_on=day)
    return made


def _names(user: object, **filters: object) -> set[str]:
    page = household_list_for_user(user=user, filters=HouseholdFilters(**filters))  # type: ignore[arg-type]
    return {h.head_name for h in page.rows}


def test_never_visited_keeps_households_no_visit_was_logged_for(
    households: dict[str, Household], users: RegistryUsers
) -> None:
    """ "Chưa khảo sát" keeps the households without a visit, within the reader's scope."""
    assert _names(users.officer_a, visit="never") == {"never"}
    assert _names(users.province_officer, visit="never") == {"never", "other commune"}
    assert _names(users.officer_a, visit="visited") == {"june", "november"}


def test_visited_before_a_day_keeps_those_due_again(
    households: dict[str, Household], users: RegistryUsers
) -> None:
    """Last visited before the day, or never: both are due a visit."""
    assert _names(users.officer_a, visited_before=dt.date(2026, 9, 1)) == {"never", "june"}
    assert _names(users.officer_a, visited_before=dt.date(2026, 6, 1)) == {"never"}
    assert _names(users.officer_a, visit="visited", visited_before=dt.date(2026, 12, 1)) == {
        "june",
        "november",
    }


def test_an_unknown_visit_filter_is_refused(users: RegistryUsers) -> None:
    with pytest.raises(HouseholdFilterInvalid) as refused:
        household_list_for_user(user=users.officer_a, filters=HouseholdFilters(visit="sometimes"))
    assert refused.value.param == "visit"


def test_never_visited_pages_by_keyset(tree: RegistryTree, users: RegistryUsers) -> None:
    """Pages of the never-visited follow one another without a gap or a repeat."""
    made = [create_household(actor=users.central_admin, village=tree.a1) for _ in range(5)]
    household_last_visit_set(household_id=made[2].pk, visited_on=dt.date(2026, 1, 5))
    filters = HouseholdFilters(unit=tree.a.code, visit="never")
    first = household_list_for_user(user=users.officer_a, filters=filters, limit=2)
    second = household_list_for_user(
        user=users.officer_a, filters=filters, after=first.next_after, limit=2
    )
    assert second.next_after is None
    seen = [h.pk for h in first.rows + second.rows]
    assert seen == sorted((made[i].pk for i in (0, 1, 3, 4)), reverse=True)


def test_an_officers_edit_keeps_the_last_visit(
    households: dict[str, Household], users: RegistryUsers
) -> None:
    """An edit saves the household it read, which may predate the visit: it never
    writes the last visit back."""
    stale = Household.objects.get(pk=households["never"].pk)
    household_last_visit_set(household_id=stale.pk, visited_on=dt.date(2026, 12, 1))
    household_update(actor=users.officer_a, household=stale, values={"members": 6})
    fresh = Household.objects.get(pk=stale.pk)
    assert (fresh.members, fresh.last_visited_on) == (6, dt.date(2026, 12, 1))


def test_visit_filters_query_budget(
    tree: RegistryTree,
    users: RegistryUsers,
    households: dict[str, Household],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    """The same queries with one household due or many, across villages."""
    filters = HouseholdFilters(unit=tree.province.code, visited_before=dt.date(2026, 9, 1))
    # The reader's roles are read once per user object: measure after that read.
    household_list_for_user(user=users.province_officer, filters=filters)
    with CaptureQueriesContext(connection) as one:
        household_list_for_user(user=users.province_officer, filters=filters)
    for village in (tree.a1, tree.a2, tree.b1, tree.b2) * 5:
        create_household(actor=users.central_admin, village=village)
    with django_assert_num_queries(len(one.captured_queries)):
        page = household_list_for_user(user=users.province_officer, filters=filters)
    assert len(page.rows) == 23
