"""What each home shows as needing the user now: a commune's scorecard (failures first),
its submissions to review and conflicts, its likely duplicates, the user's imports in
progress and the teams' progress; a province's communes meeting the set, those left out
and those furthest from it; a collector's next households. Never anything of a unit
outside the home's own."""

from __future__ import annotations

import pytest

from langso.accounts.models import User
from langso.core.services import job_create, job_succeed
from langso.criteria.models import CriteriaSet
from langso.criteria.services import assessment_record
from langso.criteria.testing import NATIONAL_2026, criteria_assess_met
from langso.home.selectors import (
    CAP,
    SHOWN,
    collector_home,
    commune_home,
    commune_scorecard,
    province_home,
    submissions_waiting,
)
from langso.places.models import AdminUnit, Kind
from langso.places.testing import make_commune
from langso.registry.models import Household
from langso.registry.testing import RegistryTree, RegistryUsers, create_household
from langso.surveys.models import EntityState, FormVersion, Submission
from langso.surveys.services.teams import digital_team_create
from langso.surveys.testing import make_submission

pytestmark = pytest.mark.django_db

YEAR = 2026


def _fail(*, actor: User, unit: AdminUnit, criterion: str) -> None:
    assessment_record(
        actor=actor,
        criteria_set=CriteriaSet.objects.get(code=NATIONAL_2026, province=None),
        indicator_code=criterion,
        unit=unit,
        year=YEAR,
        verdict="fail",
        note="Biên bản kiểm tra",
    )


def test_a_communes_scorecard_counts_what_it_meets_and_lists_failures_first(
    catalogue: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    """Three criteria met, criterion 9 failed: 3 of 10 met; what is missing starts with
    the failure, then the unknown ones, as many as a home lists, and says how many more."""
    criteria_assess_met(actor=users.officer_a, unit=tree.a, met=3, year=YEAR)
    _fail(actor=users.officer_a, unit=tree.a, criterion="9")
    card = commune_scorecard(unit=tree.a, year=YEAR)
    assert card.criteria_set is not None
    assert card.criteria_set.code == NATIONAL_2026
    assert card.evaluation is not None
    assert (card.evaluation.passed, card.evaluation.total) == (3, 10)
    assert [(m.result.criterion.code, m.label) for m in card.missing[:2]] == [
        ("9", "Chưa đạt"),
        ("4", "Thiếu dữ liệu"),
    ]
    assert len(card.missing) == SHOWN
    assert card.more_missing == 7 - SHOWN


def test_a_ward_has_no_scorecard_and_says_why(catalogue: None, tree: RegistryTree) -> None:
    ward = make_commune(
        province=tree.province, code="37990", name="Phường Hoa Lư", kind=Kind.PHUONG
    )
    card = commune_scorecard(unit=ward, year=YEAR)
    assert card.evaluation is None
    assert "không thuộc diện xét" in card.problem


def _submission(
    version: FormVersion, household: Household, n: int, *, state: str, entity_state: str = ""
) -> None:
    make_submission(
        version=version,
        key=f"home-{n}",
        household=household,
        state=state,
        entity_state=entity_state,
    )


def test_submissions_waiting_are_those_of_the_homes_unit(
    forms: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    """Commune A's officer sees A's two unreviewed, one with issues and one conflict;
    B's submission is neither counted for A nor seen by A's officer on B."""
    version = FormVersion.objects.order_by("pk").first()
    assert version is not None
    in_a = create_household(actor=users.officer_a, village=tree.a1, members=2, adults=2)
    in_b = create_household(actor=users.officer_b, village=tree.b1, members=2, adults=2)
    received, issues, approved = (
        Submission.State.RECEIVED,
        Submission.State.HAS_ISSUES,
        Submission.State.APPROVED,
    )
    _submission(version, in_a, 1, state=received)
    _submission(version, in_a, 2, state=received)
    _submission(version, in_a, 3, state=issues)
    _submission(version, in_a, 4, state=approved, entity_state=EntityState.CONFLICT)
    _submission(version, in_b, 5, state=received)
    waiting = submissions_waiting(user=users.officer_a, unit=tree.a)
    assert (str(waiting.received), str(waiting.has_issues), str(waiting.conflicts)) == (
        "2",
        "1",
        "1",
    )
    on_b = submissions_waiting(user=users.officer_a, unit=tree.b)
    assert not on_b
    assert str(submissions_waiting(user=users.officer_b, unit=tree.b).received) == "1"


def test_a_long_list_is_counted_up_to_the_cap(
    forms: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    version = FormVersion.objects.order_by("pk").first()
    assert version is not None
    household = create_household(actor=users.officer_a, village=tree.a1, members=1, adults=1)
    Submission.objects.bulk_create(
        Submission(
            version=version,
            form=version.form,
            instance_id=f"uuid:cap-{n}",
            xml="<data/>",
            household=household,
        )
        for n in range(CAP + 1)
    )
    assert str(submissions_waiting(user=users.officer_a, unit=tree.a).received) == f"{CAP}+"


def test_a_communes_home_lists_its_duplicates_jobs_and_teams_only(
    catalogue: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    """Two households of A1 with one head's name are likely duplicates; B's pair is not
    A's. Only the officer's own unfinished jobs show. Only A's teams show."""
    for village in (tree.a1, tree.a1, tree.b1, tree.b1):
        actor = users.officer_a if village == tree.a1 else users.officer_b
        create_household(actor=actor, village=village, head_name="Nguyễn Văn An", members=3)
    running = job_create(kind="registry.import.household", created_by=users.officer_a)
    done = job_create(kind="registry.import.household", created_by=users.officer_a)
    job_succeed(job_id=done.pk, result={})
    job_create(kind="registry.import.household", created_by=users.officer_b)
    digital_team_create(
        actor=users.officer_a, village=tree.a1, name="Tổ thôn A1", members=[users.digital_team_a]
    )
    digital_team_create(actor=users.officer_b, village=tree.b1, name="Tổ thôn B1")
    home = commune_home(user=users.officer_a, unit=tree.a, year=YEAR)
    assert {h.village_id for h in home.duplicates} == {tree.a1.pk}
    assert len(home.duplicates) == 2
    assert not home.more_duplicates
    assert [job.pk for job in home.jobs] == [running.pk]
    assert [p.team.name for p in home.teams] == ["Tổ thôn A1"]


def test_a_provinces_home_counts_communes_meeting_the_set_and_those_left_out(
    catalogue: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    """B meets all 10 criteria, A three: 1 of 2 communes; a ward is left out and said to
    be; A, the furthest from the set, needs attention."""
    make_commune(province=tree.province, code="37990", name="Phường Hoa Lư", kind=Kind.PHUONG)
    criteria_assess_met(actor=users.officer_a, unit=tree.a, met=3, year=YEAR)
    criteria_assess_met(actor=users.officer_b, unit=tree.b, met=10, year=YEAR)
    home = province_home(user=users.province_officer, unit=tree.province, year=YEAR)
    assert home.criteria_set is not None
    assert home.criteria_set.code == NATIONAL_2026
    assert (home.passed, home.communes, home.left_out_count) == (1, 2, 1)
    assert "1 phường" in home.left_out_note
    assert [row.unit for row in home.attention] == [tree.a]


def test_a_collectors_home_lists_never_visited_households_and_the_survey(
    forms: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    for _ in range(SHOWN + 1):
        create_household(actor=users.officer_a, village=tree.a1, members=2, adults=2)
    digital_team_create(
        actor=users.officer_a, village=tree.a1, name="Tổ thôn A1", members=[users.digital_team_a]
    )
    home = collector_home(user=users.digital_team_a)
    assert home.village == tree.a1
    assert len(home.households) == SHOWN
    assert home.more_households
    assert all(h.last_visited_on is None for h in home.households)
    assert home.survey is not None
    assert [p.team.name for p in home.teams] == ["Tổ thôn A1"]
