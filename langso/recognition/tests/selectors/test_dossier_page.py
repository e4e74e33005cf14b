"""What the dossier page reads: the timeline in the procedure's order, who must act,
the due date and how far past it, and what is missing before the step can be left."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from langso.recognition.models import (
    AppraisalRound,
    Comment,
    CriterionFinding,
    Document,
    Step,
    Transition,
)
from langso.recognition.selectors.dossier_page import (
    CURRENT,
    DONE,
    TO_COME,
    Satisfaction,
    dossier_page,
)
from langso.recognition.testing import TEST_PROCEDURE, make_procedure
from langso.recognition.tests.dossier_pages import (
    World,
    make_dossier,
    make_snapshot,
    make_world,
    pdf_file,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world()


def test_the_timeline_follows_the_procedure_with_the_supplement_round(world: World) -> None:
    """Steps done with their date and who moved them on; the current one; those to come
    on the main path. A supplement round is drawn where it happened."""
    dossier = make_dossier(world, step=Step.APPRAISAL)
    moves = [
        (Step.SELF_ASSESSMENT, Step.CONSULTATION, world.officer_a, "commune_officer"),
        (Step.CONSULTATION, Step.SUBMISSION, world.officer_a, "commune_officer"),
        (Step.SUBMISSION, Step.APPRAISAL, world.leader_a, "commune_leader"),
        (Step.APPRAISAL, Step.SUPPLEMENT, world.appraiser, "province_appraiser"),
        (Step.SUPPLEMENT, Step.APPRAISAL, world.leader_a, "commune_leader"),
    ]
    for day, (start, end, actor, role) in enumerate(moves, start=2):
        Transition.objects.create(
            dossier=dossier,
            action="move",
            from_step=start,
            to_step=end,
            actor=actor,
            role=role,
            at=dt.datetime(2026, 3, day, 9, tzinfo=dt.UTC),
        )
    page = dossier_page(user=world.officer_a, pk=dossier.pk, today=dt.date(2026, 3, 10))
    steps = [(e.step, e.state) for e in page.timeline]
    assert steps == [
        (Step.SELF_ASSESSMENT, DONE),
        (Step.CONSULTATION, DONE),
        (Step.SUBMISSION, DONE),
        (Step.APPRAISAL, DONE),
        (Step.SUPPLEMENT, DONE),
        (Step.APPRAISAL, CURRENT),
        (Step.DECISION, TO_COME),
        (Step.RECOGNISED, TO_COME),
    ]
    submission = page.timeline[2]
    assert submission.by == "Vũ Chủ Tịch Xã"
    assert submission.role == "Lãnh đạo UBND xã"
    assert submission.ended_at == dt.datetime(2026, 3, 4, 9, tzinfo=dt.UTC)
    assert page.timeline[0].label == "Tự đánh giá"


def test_a_new_dossier_shows_every_step_to_come(world: World) -> None:
    dossier = make_dossier(world)
    page = dossier_page(user=world.officer_a, pk=dossier.pk)
    assert [e.state for e in page.timeline] == [CURRENT] + [TO_COME] * 5
    assert page.missing == ["Chưa chốt kết quả tự đánh giá."]


def test_steps_passed_with_no_move_recorded_are_shown_done(world: World) -> None:
    dossier = make_dossier(world, step=Step.APPRAISAL, started_on=dt.date(2026, 3, 9))
    page = dossier_page(user=world.officer_a, pk=dossier.pk)
    assert [e.state for e in page.timeline] == [DONE, DONE, DONE, CURRENT, TO_COME, TO_COME]
    assert page.timeline[3].label == "Thẩm định"
    assert page.timeline[3].started_at is None  # the page shows `step_started_on`


def test_overdue_is_counted_in_working_days_across_tet(world: World) -> None:
    """Due Thursday 12/02/2026, seen Monday 23/02: only Friday 13/02 and Monday 23/02
    count — Tết (16–20/02) and the weekends are days off."""
    dossier = make_dossier(world, step=Step.APPRAISAL, due_on=dt.date(2026, 2, 12))
    page = dossier_page(user=world.appraiser, pk=dossier.pk, today=dt.date(2026, 2, 23))
    assert page.overdue == 2
    due_on_tet = make_dossier(world, unit=world.b, step=Step.DECISION, due_on=dt.date(2026, 2, 20))
    page = dossier_page(user=world.appraiser, pk=due_on_tet.pk, today=dt.date(2026, 2, 27))
    assert page.overdue == 5


def test_who_must_act_at_submission(world: World) -> None:
    dossier = make_dossier(world, step=Step.SUBMISSION)
    page = dossier_page(user=world.leader_province, pk=dossier.pk)
    assert page.acting.actor is not None
    assert page.acting.preparer is not None
    assert (page.acting.actor.label, page.acting.actor.names) == (
        "Lãnh đạo UBND xã",
        ("Vũ Chủ Tịch Xã",),
    )
    assert page.acting.preparer.names == ("Phạm Cán Bộ Xã",)


def test_submission_lists_the_missing_document_comments_and_satisfaction(
    world: World, settings: object, tmp_path: object
) -> None:
    """The required upload not made (a replaced one does not count twice), comments
    without an answer (hidden ones aside), and no satisfaction figure yet."""
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]  # pytest-django's settings
    dossier = make_dossier(world, step=Step.SUBMISSION)
    make_snapshot(dossier, taken_by=world.officer_a)
    for text, answer, hidden in (("Đường xấu", "", ""), ("Tốt", "Cảm ơn", ""), ("x", "", "spam")):
        Comment.objects.create(
            dossier=dossier,
            author_kind=Comment.Author.RESIDENT,
            author_name="Người dân",
            text=text,
            answer=answer,
            hidden_reason=hidden,
        )
    page = dossier_page(user=world.officer_a, pk=dossier.pk)
    assert page.missing == [
        "Chưa tải lên: Tờ trình của UBND xã.",
        "1 ý kiến của người dân chưa được trả lời.",
        "Chưa có kết quả lấy ý kiến sự hài lòng của người dân (cần ≥ 70%).",
    ]
    Document.objects.create(
        dossier=dossier,
        kind="to_trinh",
        file=pdf_file(),
        name="Tờ trình.pdf",
        sha256="0" * 64,
        uploaded_by=world.officer_a,
    )
    page = dossier_page(user=world.officer_a, pk=dossier.pk)
    assert "Chưa tải lên: Tờ trình của UBND xã." not in page.missing
    assert page.documents[0].kind_label == "Tờ trình của UBND xã"


def test_an_unknown_threshold_is_said_plainly(world: World) -> None:
    satisfaction = dict(TEST_PROCEDURE["satisfaction"])
    satisfaction["xa_ntm_2026_2030"] = {
        "indicator": "resident-satisfaction-ntm",
        "threshold": "unknown",
    }
    procedure = make_procedure(version=2, satisfaction=satisfaction)
    dossier = make_dossier(world, step=Step.SUBMISSION, procedure=procedure)
    page = dossier_page(user=world.officer_a, pk=dossier.pk)
    assert any(line.startswith("Tỉnh chưa nhập ngưỡng") for line in page.missing)


def test_satisfaction_against_its_threshold() -> None:
    below = Satisfaction(value=Decimal("65.5"), threshold=Decimal("70"), comparator="gte")
    assert not below.met
    assert below.text == "Tỷ lệ người dân hài lòng 65,5%, chưa đạt ngưỡng ≥ 70%."
    above = Satisfaction(value=Decimal("85"), threshold=Decimal("70"), comparator="gte")
    assert above.met


def test_appraisal_lists_the_criteria_without_a_finding(world: World) -> None:
    dossier = make_dossier(world, step=Step.APPRAISAL)
    snapshot = make_snapshot(dossier, taken_by=world.officer_a, statuses={"2": "fail"})
    appraisal = AppraisalRound.objects.create(
        dossier=dossier, number=1, snapshot=snapshot, started_on=dt.date(2026, 3, 10)
    )
    CriterionFinding.objects.create(
        round=appraisal, criterion_code="1", agrees=True, entered_by=world.appraiser
    )
    page = dossier_page(user=world.appraiser, pk=dossier.pk)
    assert page.missing == [
        "2 tiêu chí chưa có ý kiến thẩm định: 2. Giao thông, 3. Thủy lợi và phòng, chống thiên tai."
    ]
    findings = page.rounds[0].findings
    assert [(f.code, f.commune_status, f.agrees_label) for f in findings] == [
        ("1", "Đạt", "Nhất trí"),
        ("2", "Chưa đạt", "Chưa có ý kiến"),
        ("3", "Đạt", "Chưa có ý kiến"),
    ]
    assert page.snapshot is not None
    assert (page.snapshot.passed, page.snapshot.total) == (2, 3)


def test_supplement_lists_what_was_asked(world: World) -> None:
    dossier = make_dossier(world, step=Step.SUPPLEMENT)
    snapshot = make_snapshot(dossier, taken_by=world.officer_a)
    AppraisalRound.objects.create(
        dossier=dossier,
        number=1,
        snapshot=snapshot,
        started_on=dt.date(2026, 3, 10),
        outcome=AppraisalRound.Outcome.RETURNED,
        supplements=["Biên bản họp thôn Đông", "Ảnh tuyến đường trục xã"],
        closed_at=timezone.now(),
    )
    page = dossier_page(user=world.officer_a, pk=dossier.pk)
    assert page.missing == [
        "Cần bổ sung: Biên bản họp thôn Đông",
        "Cần bổ sung: Ảnh tuyến đường trục xã",
    ]
