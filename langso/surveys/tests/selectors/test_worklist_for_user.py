"""A collector's worklist: only their team's villages; never-visited households first
(by id), then the one visited longest ago; keyset pages; the same queries with one
household or many."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoAssertNumQueries

from langso.accounts.roles import Role
from langso.accounts.tests.factories import make_role, make_user
from langso.core.errors import NotFound
from langso.places.testing import UnitTree
from langso.registry.models import Household, HouseholdStatus
from langso.registry.services.households import household_last_visit_set
from langso.registry.testing import make_household
from langso.surveys.selectors_worklist import (
    WorklistCursor,
    worklist_for_user,
    worklist_household,
    worklist_villages,
)
from langso.surveys.services.teams import digital_team_create
from langso.surveys.testing import FormUsers

pytestmark = pytest.mark.django_db


@pytest.fixture
def team_village(tree: UnitTree, users: FormUsers) -> object:
    village = tree.villages_of(tree.communes[0])[0]
    digital_team_create(
        actor=users.officer_a, village=village, name="Tổ thôn 1", members=[users.team_member_a]
    )
    return village


def _visited(village: object, day: dt.date | None, **fields: object) -> Household:
    household = make_household(village=village, **fields)  # type: ignore[arg-type]
    if day is not None:
        household_last_visit_set(household_id=household.pk, visited_on=day)
    return household


def test_a_team_member_sees_only_their_teams_villages(
    tree: UnitTree, users: FormUsers, team_village: object
) -> None:
    """The member's commune holds other villages: their worklist offers only the team's,
    and another village's code is answered as one that does not exist."""
    other = tree.villages_of(tree.communes[0])[1]
    mine = _visited(team_village, None)
    _visited(other, None)
    assert worklist_villages(user=users.team_member_a) == [team_village]
    page = worklist_for_user(user=users.team_member_a)
    assert (page.village, [h.pk for h in page.households]) == (team_village, [mine.pk])
    with pytest.raises(NotFound):
        worklist_for_user(user=users.team_member_a, village=other.code)
    assert worklist_household(user=users.team_member_a, address_code=mine.address_code) == mine
    assert worklist_household(user=users.team_member_a, address_code="TEST-NOPE") is None


def test_an_officer_outside_any_team_works_on_their_communes_villages(
    tree: UnitTree, users: FormUsers
) -> None:
    """A commune officer surveys their own commune: its villages, never another's."""
    villages = worklist_villages(user=users.officer_a)
    assert set(villages) == set(tree.villages_of(tree.communes[0]))
    with pytest.raises(NotFound):
        worklist_for_user(user=users.officer_a, village=tree.villages_of(tree.communes[1])[0].code)


def test_someone_who_does_not_collect_has_no_village(tree: UnitTree) -> None:
    """A cooperative's manager sees the commune but collects nowhere."""
    viewer = make_user(username="htx")
    make_role(user=viewer, role=Role.COOPERATIVE_MANAGER, unit=tree.communes[0])
    page = worklist_for_user(user=viewer)
    assert (page.villages, page.village, page.households) == ([], None, [])


def test_never_visited_first_then_the_oldest_visit_over_keyset_pages(
    users: FormUsers, team_village: object
) -> None:
    """Order: never visited by id, then by last visit and id; pages of two follow one
    another without a gap or a repeat, across the never/visited border; households
    that left the village's list (moved away) are not due."""
    late = _visited(team_village, dt.date(2026, 11, 2))
    never_1 = _visited(team_village, None)
    early = _visited(team_village, dt.date(2026, 3, 9))
    never_2 = _visited(team_village, None)
    same_day = _visited(team_village, dt.date(2026, 3, 9))
    _visited(team_village, None, status=HouseholdStatus.MOVED_AWAY)
    expected = [never_1.pk, never_2.pk, early.pk, same_day.pk, late.pk]

    whole = worklist_for_user(user=users.team_member_a, limit=10)
    assert [h.pk for h in whole.households] == expected
    assert whole.next_after is None

    seen: list[int] = []
    after = ""
    for _page in range(5):
        page = worklist_for_user(user=users.team_member_a, after=after, limit=2)
        seen += [h.pk for h in page.households]
        if page.next_after is None:
            break
        after = page.next_after
    assert seen == expected


def test_a_cursor_that_is_not_one_starts_at_the_first_page() -> None:
    for value in ("", "x", "n.", "2026-13-01.5", "n.abc"):
        assert WorklistCursor.decode(value) is None
    cursor = WorklistCursor(last_visited_on=dt.date(2026, 3, 9), household_id=7)
    assert WorklistCursor.decode(cursor.encode()) == cursor


def test_worklist_query_budget(
    users: FormUsers, team_village: object, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """The same queries with one household due or many (never visited and visited)."""
    _visited(team_village, None)
    worklist_for_user(user=users.team_member_a)
    with CaptureQueriesContext(connection) as one:
        worklist_for_user(user=users.team_member_a)
    for index in range(20):
        _visited(team_village, dt.date(2026, 1, 1 + index) if index % 2 else None)
    with django_assert_num_queries(len(one.captured_queries)):
        page = worklist_for_user(user=users.team_member_a)
    assert len(page.households) == 21
