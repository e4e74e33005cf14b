"""The dossier board: the reader's scope only, overdue first (working days, Tết off),
then by step in the procedure's order; filters; who must act; a constant number of
queries whatever the number of dossiers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from langso.places.testing import make_commune
from langso.recognition.models import Step
from langso.recognition.selectors.board import BoardFilters, dossier_board, dossiers_for_role
from langso.recognition.tests.dossier_pages import World, make_dossier, make_world

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 2, 27)


@pytest.fixture
def world() -> World:
    return make_world()


def test_overdue_first_then_by_step_in_the_procedure_order(world: World) -> None:
    """A dossier past its due date comes first, the most overdue before; the others
    follow the procedure's order of steps."""
    c3 = make_commune(province=world.province, code="37003", name="Xã Ninh Bình 3")
    c4 = make_commune(province=world.province, code="37004", name="Xã Ninh Bình 4")
    decision = make_dossier(world, unit=world.a, step=Step.DECISION, due_on=dt.date(2026, 3, 30))
    consultation = make_dossier(world, unit=world.b, step=Step.CONSULTATION)
    late = make_dossier(world, unit=c3, step=Step.APPRAISAL, due_on=dt.date(2026, 2, 20))
    later = make_dossier(world, unit=c4, step=Step.SUBMISSION, due_on=dt.date(2026, 2, 12))

    board = dossier_board(user=world.province_officer, filters=BoardFilters(), today=TODAY)

    assert [row.dossier for row in board.rows] == [later, late, consultation, decision]
    # Past 12/02/2026 to 27/02: 13/02 and 23–27/02; Tết (16–20/02) and weekends are off.
    assert [row.overdue for row in board.rows] == [6, 5, 0, 0]
    assert board.rows[0].step_label == "Hoàn thiện và trình hồ sơ"


def test_a_commune_reader_sees_only_their_commune(world: World) -> None:
    """The commune leader of A sees A's dossier, not B's nor another province's."""
    mine = make_dossier(world, unit=world.a)
    make_dossier(world, unit=world.b)
    make_dossier(world, unit=world.ha_noi.communes[0])
    board = dossier_board(user=world.leader_a, filters=BoardFilters(), today=TODAY)
    assert [row.dossier for row in board.rows] == [mine]
    other = dossier_board(user=world.appraiser_ha_noi, filters=BoardFilters(), today=TODAY)
    assert [row.dossier.unit for row in other.rows] == [world.ha_noi.communes[0]]


def test_a_central_admin_picks_a_province(world: World) -> None:
    make_dossier(world, unit=world.a)
    make_dossier(world, unit=world.ha_noi.communes[0])
    assert dossier_board(user=world.central_admin, filters=BoardFilters()).needs_province
    board = dossier_board(user=world.central_admin, filters=BoardFilters(province=world.province))
    assert [row.dossier.unit for row in board.rows] == [world.a]


def test_filters_by_set_year_and_step(world: World) -> None:
    a = make_dossier(world, unit=world.a, step=Step.APPRAISAL)
    b = make_dossier(world, unit=world.b, step=Step.CONSULTATION, year=2027)

    def shown(**filters: Any) -> list[Any]:
        board = dossier_board(user=world.appraiser, filters=BoardFilters(**filters), today=TODAY)
        return [row.dossier for row in board.rows]

    assert shown(step=Step.APPRAISAL) == [a]
    assert shown(year=2027) == [b]
    assert shown(set_code="xa_ntm_2026_2030", year=2026) == [a]
    assert shown(set_code="thon_thong_minh") == []


def test_who_must_act_names_the_holders_of_the_steps_role(world: World) -> None:
    """At submission the commune leader signs off (A's, not B's) and the commune
    officer prepares; at appraisal, the province's appraisers (not Hà Nội's)."""
    make_dossier(world, unit=world.a, step=Step.SUBMISSION)
    make_dossier(world, unit=world.b, step=Step.APPRAISAL)
    board = dossier_board(user=world.province_officer, filters=BoardFilters(), today=TODAY)
    by_unit = {row.dossier.unit: row.acting for row in board.rows}
    submission, appraisal = by_unit[world.a], by_unit[world.b]
    assert submission.actor is not None
    assert submission.preparer is not None
    assert submission.actor.label == "Lãnh đạo UBND xã"
    assert submission.actor.names == ("Vũ Chủ Tịch Xã",)
    assert submission.preparer.names == ("Phạm Cán Bộ Xã",)
    assert appraisal.actor is not None
    assert appraisal.preparer is None
    assert appraisal.actor.names == ("Bùi Thẩm Định",)


def test_the_board_reads_a_constant_number_of_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    """One dossier or 130 communes' dossiers: the same queries (rows, who must act,
    the sets' names, the reader's roles)."""
    make_dossier(world, unit=world.a, step=Step.APPRAISAL, due_on=dt.date(2026, 2, 20))
    with django_assert_max_num_queries(4):
        one = dossier_board(user=world.province_officer, filters=BoardFilters(), today=TODAY)
    assert len(one.rows) == 1
    steps = [Step.CONSULTATION, Step.SUBMISSION, Step.APPRAISAL, Step.SUPPLEMENT, Step.DECISION]
    for n in range(3, 132):
        commune = make_commune(province=world.province, code=f"37{n:03d}", name=f"Xã Thử {n}")
        make_dossier(
            world, unit=commune, step=steps[n % len(steps)], due_on=dt.date(2026, 3, n % 28 + 1)
        )
    user = type(world.province_officer).objects.get(pk=world.province_officer.pk)
    with django_assert_max_num_queries(4):
        many = dossier_board(user=user, filters=BoardFilters(), today=TODAY)
    assert len(many.rows) == 50
    assert many.has_next
    with django_assert_max_num_queries(4):
        last = dossier_board(user=user, filters=BoardFilters(page=3), today=TODAY)
    assert len(last.rows) == 30
    assert not last.has_next


def test_a_roles_home_lists_the_dossiers_waiting_for_it(world: World) -> None:
    """The appraiser's: those in appraisal; the commune leader's: submission and
    supplement; with no role, every open dossier of the unit."""
    appraisal = make_dossier(world, unit=world.a, step=Step.APPRAISAL)
    supplement = make_dossier(world, unit=world.b, step=Step.SUPPLEMENT)
    make_dossier(world, unit=world.a, step=Step.RECOGNISED, year=2025)
    waiting = dossiers_for_role(
        user=world.appraiser, unit=world.province, role="province_appraiser", shown=5
    )
    assert [row.dossier for row in waiting.rows] == [appraisal]
    assert [(s.label, s.count) for s in waiting.steps] == [("Thẩm định", 1)]
    leader = dossiers_for_role(user=world.leader_b, unit=world.b, role="commune_leader", shown=5)
    assert [row.dossier for row in leader.rows] == [supplement]
    everything = dossiers_for_role(user=world.officer_a, unit=world.a, role=None, shown=5)
    assert [row.dossier for row in everything.rows] == [appraisal]
