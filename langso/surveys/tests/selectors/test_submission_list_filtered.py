"""The submission list narrowed to a unit, a review state and what became of the
household values: a unit keeps the submissions about its households and the new
households' made there; it never widens the reader's reach."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from langso.places.testing import UnitTree
from langso.registry.testing import make_household
from langso.surveys.models import EntityState, FormVersion, Submission
from langso.surveys.selectors import SubmissionFilters, submission_list_filtered
from langso.surveys.services.forms import shipped_forms_publish
from langso.surveys.testing import FormUsers, make_submission

pytestmark = pytest.mark.django_db


@dataclass
class Rows:
    a_received: Submission
    a_issues: Submission
    a_conflict: Submission
    a_new_household: Submission
    b_received: Submission


@pytest.fixture
def rows(tree: UnitTree, users: FormUsers) -> Rows:
    shipped_forms_publish(actor=users.central_admin)
    version = FormVersion.objects.order_by("pk").first()
    assert version is not None
    a, b = tree.communes
    village_a, village_b = tree.villages_of(a)[0], tree.villages_of(b)[0]
    in_a = make_household(village=village_a, members=3, adults=2)
    in_b = make_household(village=village_b, members=3, adults=2)
    return Rows(
        a_received=make_submission(version=version, key="a1", household=in_a),
        a_issues=make_submission(
            version=version, key="a2", household=in_a, state=Submission.State.HAS_ISSUES
        ),
        a_conflict=make_submission(
            version=version,
            key="a3",
            household=in_a,
            state=Submission.State.APPROVED,
            entity_state=EntityState.CONFLICT,
        ),
        a_new_household=make_submission(version=version, key="a4", place=village_a),
        b_received=make_submission(version=version, key="b1", household=in_b),
    )


def _keys(filters: SubmissionFilters, users: FormUsers) -> set[str]:
    found = submission_list_filtered(user=users.province_officer, filters=filters)
    return {s.instance_id.removeprefix("uuid:") for s in found}


def test_a_unit_keeps_its_households_submissions_and_the_new_ones_made_there(
    rows: Rows, tree: UnitTree, users: FormUsers
) -> None:
    a, b = tree.communes
    village_a = tree.villages_of(a)[0]
    assert _keys(SubmissionFilters(), users) == {"a1", "a2", "a3", "a4", "b1"}
    assert _keys(SubmissionFilters(unit=a), users) == {"a1", "a2", "a3", "a4"}
    assert _keys(SubmissionFilters(unit=village_a), users) == {"a1", "a2", "a3", "a4"}
    assert _keys(SubmissionFilters(unit=tree.villages_of(a)[1]), users) == set()
    assert _keys(SubmissionFilters(unit=b), users) == {"b1"}
    assert _keys(SubmissionFilters(unit=tree.province), users) == {"a1", "a2", "a3", "a4", "b1"}


def test_unit_state_and_household_values_combine(
    rows: Rows, tree: UnitTree, users: FormUsers
) -> None:
    a = tree.communes[0]
    received = SubmissionFilters(unit=a, state=Submission.State.RECEIVED)
    assert _keys(received, users) == {"a1", "a4"}
    issues = SubmissionFilters(unit=a, state=Submission.State.HAS_ISSUES)
    assert _keys(issues, users) == {"a2"}
    assert _keys(SubmissionFilters(unit=a, entity_state=EntityState.CONFLICT), users) == {"a3"}


def test_a_unit_out_of_reach_shows_nothing_more(
    rows: Rows, tree: UnitTree, users: FormUsers
) -> None:
    """Commune A's officer narrowing to commune B, or to the province, sees no more than
    their own reach: nothing of B."""
    b = tree.communes[1]
    officer = users.officer_a
    assert not submission_list_filtered(user=officer, filters=SubmissionFilters(unit=b)).exists()
    province = submission_list_filtered(user=officer, filters=SubmissionFilters(unit=tree.province))
    assert {s.pk for s in province} == {
        rows.a_received.pk,
        rows.a_issues.pk,
        rows.a_conflict.pk,
        rows.a_new_household.pk,
    }
