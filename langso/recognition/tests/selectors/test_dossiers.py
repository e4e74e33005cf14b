"""Deadlines in Vietnamese working days, Tết included."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from langso.recognition.models import Step
from langso.recognition.selectors.dossiers import dossier_overdue
from langso.recognition.services import steps
from langso.recognition.services.dossiers import document_upload, dossier_submit
from langso.recognition.testing import TEST_PROCEDURE, make_procedure

from ..conftest import World, in_submission, pdf

TET_EVE = dt.date(2026, 2, 13)


def test_a_step_started_before_tet_is_due_after_it(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Submitted on Friday 13/02/2026, a 5-working-day appraisal skips Tết (14–22/02)
    and falls due on 27/02/2026; on Monday 02/03 it is one working day overdue."""
    five_days = copy.deepcopy(TEST_PROCEDURE["steps"])
    five_days["appraisal"]["deadline_working_days"] = 5
    make_procedure(version=2, steps=five_days)
    dossier = in_submission(world)
    document_upload(actor=world.officer, dossier=dossier, kind="to_trinh", file=pdf())
    monkeypatch.setattr(steps, "today", lambda: TET_EVE)
    dossier = dossier_submit(actor=world.leader, dossier=dossier)
    assert (dossier.step, dossier.step_started_on) == (Step.APPRAISAL, TET_EVE)
    assert dossier.step_due_on == dt.date(2026, 2, 27)
    assert dossier_overdue(dossier, today=dt.date(2026, 2, 20)) == 0
    assert dossier_overdue(dossier, today=dt.date(2026, 2, 27)) == 0
    assert dossier_overdue(dossier, today=dt.date(2026, 2, 28)) == 0
    assert dossier_overdue(dossier, today=dt.date(2026, 3, 2)) == 1
    assert dossier_overdue(dossier, today=dt.date(2026, 3, 6)) == 5


def test_a_step_without_a_limit_or_a_closed_dossier_is_never_overdue(world: World) -> None:
    dossier = in_submission(world)
    dossier.step_due_on = None
    assert dossier_overdue(dossier, today=dt.date(2030, 1, 1)) == 0
    dossier.step_due_on = dt.date(2026, 1, 5)
    dossier.step = Step.WITHDRAWN
    assert dossier_overdue(dossier, today=dt.date(2030, 1, 1)) == 0
