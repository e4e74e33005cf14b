"""`manage.py load_demo_recognition`: the demo province's three dossiers — one in
appraisal after a supplement round, one recognised, one recognised and now at risk —
walked through the services, with the province's demo threshold; idempotent."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from langso.criteria.models import Recognition
from langso.criteria.services import criteria_catalogue_load
from langso.places.testing import UnitTree, make_unit_tree
from langso.recognition.models import (
    AppraisalRound,
    Comment,
    Dossier,
    Procedure,
    Snapshot,
    Step,
    Transition,
)
from langso.recognition.selectors.dossiers import satisfaction_read, snapshot_verify
from langso.recognition.selectors.recognitions import recognitions_at_risk
from langso.recognition.services.procedures import procedures_load

pytestmark = pytest.mark.django_db

YEAR = 2026


@pytest.fixture
def tree(definitions: None, settings: Any, tmp_path: Path) -> UnitTree:
    """Ninh Bình with three communes, the demo accounts and criteria, the shipped
    procedures: what `serve.sh` has loaded before this command."""
    settings.MEDIA_ROOT = str(tmp_path)
    built = make_unit_tree(province_code="37", communes=3, villages_per_commune=1)
    call_command("load_demo", force=True, stdout=StringIO())
    criteria_catalogue_load()
    call_command("load_demo_criteria", stdout=StringIO())
    procedures_load()
    return built


def run() -> str:
    out = StringIO()
    call_command("load_demo_recognition", force=True, stdout=out)
    return out.getvalue()


def test_refuses_without_debug_unless_forced(tree: UnitTree) -> None:
    """Demo dossiers never land on a real server by accident."""
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo_recognition", stdout=StringIO())
    assert not Dossier.objects.exists()


def test_without_demo_accounts_it_says_to_load_them(definitions: None) -> None:
    make_unit_tree(province_code="37", communes=3, villages_per_commune=1)
    with pytest.raises(CommandError, match="load_demo"):
        run()


def test_three_dossiers_in_their_states_once(tree: UnitTree) -> None:
    """The demo commune's dossier is in appraisal in its second round (the first returned
    with a supplement, the self-assessment frozen twice); the second commune is
    recognised; the third is recognised and flagged at risk on criterion 5. The demo
    threshold is the province's own version, said to be a demo value. A second run adds
    nothing."""
    output = run()
    demo, second, third = tree.communes
    assert "70% — giá trị minh họa" in output

    procedure = Procedure.objects.get(province=tree.province)
    assert procedure.spec["satisfaction"]["xa_ntm_2026_2030"]["threshold"] == "70"

    in_appraisal = Dossier.objects.get(unit=demo)
    assert in_appraisal.step == Step.APPRAISAL
    assert in_appraisal.procedure == procedure
    rounds = list(in_appraisal.rounds.order_by("number"))
    assert [r.outcome for r in rounds] == [AppraisalRound.Outcome.RETURNED, ""]
    assert rounds[0].supplements
    assert rounds[1].snapshot.number == 2
    assert [t.action for t in Transition.objects.filter(dossier=in_appraisal)] == [
        "open",
        "publish",
        "close_consultation",
        "submit",
        "return",
        "resubmit",
    ]
    satisfaction = satisfaction_read(in_appraisal)
    assert satisfaction is not None
    assert satisfaction["status"] == "pass"

    for unit in (second, third):
        dossier = Dossier.objects.get(unit=unit)
        assert dossier.step == Step.RECOGNISED
        assert Recognition.objects.get(unit=unit, year=YEAR).in_force
    assert not Recognition.objects.filter(unit=demo).exists()

    [at_risk] = recognitions_at_risk(province=tree.province, year=YEAR)
    assert at_risk.recognition.unit == third
    assert [c.code for c in at_risk.failing] == ["5"]
    assert third.name in output
    assert "Có nguy cơ không giữ chuẩn" in output

    assert all(snapshot_verify(s) for s in Snapshot.objects.all())
    assert Comment.objects.exclude(answer="").count() == 3

    counts = (Dossier.objects.count(), Snapshot.objects.count(), Transition.objects.count())
    again = run()
    assert (Dossier.objects.count(), Snapshot.objects.count(), Transition.objects.count()) == (
        counts
    )
    assert Procedure.objects.filter(province=tree.province).count() == 1
    assert "giữ nguyên" in again
