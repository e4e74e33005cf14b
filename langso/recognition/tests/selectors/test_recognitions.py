"""Recognised units within a user's scope, the at-risk flag (a recognised unit whose live
evaluation no longer meets its set), and the dossiers within a user's scope."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from langso.criteria.models import CriteriaSet
from langso.criteria.services import assessment_record
from langso.criteria.testing import criteria_assess_met
from langso.recognition.models import Step
from langso.recognition.selectors.recognitions import (
    dossiers_for_user,
    recognitions_at_risk,
    recognitions_for_user,
)
from langso.registry.testing import SEES_A1_A2_B1, RegistryTree, RegistryUsers

from ..conftest import SET_CODE, dossier_make, recognition_make

YEAR = 2026


def test_a_recognised_commune_that_now_fails_is_flagged(
    catalogue: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    """Both communes met the set when recognised; commune B's criterion 3 is then found
    not met: B is flagged with criterion 3 named, A (still meeting it) is not, and a
    revoked recognition is never flagged."""
    for unit in (tree.a, tree.b):
        criteria_assess_met(actor=users.province_officer, unit=unit, met=10, year=YEAR)
        recognition_make(unit=unit, year=YEAR)
    assert recognitions_at_risk(province=tree.province, year=YEAR) == []
    assessment_record(
        actor=users.province_officer,
        criteria_set=CriteriaSet.objects.get(code=SET_CODE, province=None),
        indicator_code="3",
        unit=tree.b,
        year=YEAR,
        verdict="fail",
        note="Kiểm tra lại: thuỷ lợi xuống cấp",
    )
    flagged = recognitions_at_risk(province=tree.province, year=YEAR)
    assert [r.recognition.unit for r in flagged] == [tree.b]
    assert flagged[0].status == "fail"
    assert [c.code for c in flagged[0].failing] == ["3"]
    assert flagged[0].failing[0].name_vi
    flagged[0].recognition.revoked_on = flagged[0].recognition.decision_date
    flagged[0].recognition.save()
    assert recognitions_at_risk(province=tree.province, year=YEAR) == []


def test_the_flag_costs_the_same_queries_with_more_recognised_communes(
    catalogue: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    """One evaluation run for the province's recognised units: one recognised commune or
    two, the same number of queries."""
    criteria_assess_met(actor=users.province_officer, unit=tree.a, met=10, year=YEAR)
    recognition_make(unit=tree.a, year=YEAR)
    with CaptureQueriesContext(connection) as one:
        recognitions_at_risk(province=tree.province, year=YEAR)
    criteria_assess_met(actor=users.province_officer, unit=tree.b, met=10, year=YEAR)
    recognition_make(unit=tree.b, year=YEAR)
    with CaptureQueriesContext(connection) as two:
        recognitions_at_risk(province=tree.province, year=YEAR)
    assert len(two.captured_queries) == len(one.captured_queries), "\n".join(
        q["sql"] for q in two.captured_queries
    )


@pytest.mark.parametrize(("who", "sees"), SEES_A1_A2_B1)
def test_recognitions_and_dossiers_within_scope(
    tree: RegistryTree, users: RegistryUsers, who: str, sees: set[str]
) -> None:
    """Recognitions of villages A1, A2 and B1 (and dossiers of the same): each user sees
    those of their scope, as every scoped list."""
    units = {"a1": tree.a1, "a2": tree.a2, "b1": tree.b1}
    for unit in units.values():
        recognition_make(unit=unit)
        dossier_make(unit=unit, by=users.officer_a, step=Step.APPRAISAL)
    user = users.of(who)
    names = {unit.pk: key for key, unit in units.items()}
    assert {names[r.unit_id] for r in recognitions_for_user(user=user)} == sees
    assert {names[d.unit_id] for d in dossiers_for_user(user=user)} == sees


def test_filters_and_the_latest_snapshot(tree: RegistryTree, users: RegistryUsers) -> None:
    """Filters by unit subtree, set, year and step; each dossier carries its snapshot's
    hash (none before the first)."""
    frozen = dossier_make(unit=tree.a, by=users.officer_a)
    fresh = dossier_make(unit=tree.b, by=users.officer_b, step=Step.SELF_ASSESSMENT, snapshot=False)
    admin = users.central_admin
    found = {d.pk: d for d in dossiers_for_user(user=admin)}
    assert found[frozen.pk].snapshot_sha256 == frozen.snapshots.get().sha256  # type: ignore[attr-defined]  # annotated
    assert found[fresh.pk].snapshot_sha256 is None  # type: ignore[attr-defined]  # annotated
    assert list(dossiers_for_user(user=admin, unit=tree.b)) == [fresh]
    assert list(dossiers_for_user(user=admin, step=Step.CONSULTATION)) == [frozen]
    assert list(dossiers_for_user(user=admin, year=2025)) == []
    assert list(dossiers_for_user(user=admin, set_code="khac")) == []
    recognition_make(unit=tree.a, year=2025)
    assert [r.year for r in recognitions_for_user(user=admin, unit=tree.a, year=2025)] == [2025]
    assert list(recognitions_for_user(user=admin, unit=tree.b)) == []
