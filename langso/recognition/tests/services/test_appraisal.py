"""The province's side: appraisal rounds with findings, field visits and a supplement
loop, the conclusion, the decision that makes the recognition a fact, its revocation —
the full walk with every role, refusals by role, scope and step, and atomicity."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from langso.core.errors import AccessDenied, DomainError
from langso.criteria.models import Assessment, Recognition
from langso.recognition.models import (
    AppraisalRound,
    CriterionFinding,
    Decision,
    Dossier,
    FieldVisit,
    Step,
    Transition,
)
from langso.recognition.services import appraisal
from langso.recognition.services.appraisal import (
    appraisal_conclude,
    decision_record,
    dossier_resubmit,
    dossier_return,
    dossier_revoke,
    field_visit_record,
    finding_record,
)
from langso.recognition.services.dossiers import document_upload

from ..conftest import SET, YEAR, World, all_agreed, in_appraisal, in_decision, pdf, recognised


def test_the_full_walk_through_every_step_with_every_role(world: World) -> None:
    """Commune officer, commune leader, province appraiser, province leader: from the
    self-assessment to the recognition, with one supplement round; the timeline keeps
    every move with the role that made it."""
    dossier = in_appraisal(world)
    finding_record(
        actor=world.appraiser,
        dossier=dossier,
        criterion_code="5",
        agrees=False,
        note="Trạm y tế chưa đạt chuẩn.",
    )
    field_visit_record(
        actor=world.appraiser,
        dossier=dossier,
        visited_on=timezone.localdate(),
        members="Sở Nông nghiệp và Môi trường",
        notes="Kiểm tra trạm y tế xã.",
        file=pdf("bien-ban-kiem-tra.pdf"),
    )
    dossier = dossier_return(
        actor=world.appraiser,
        dossier=dossier,
        supplements=["Biên bản nghiệm thu trạm y tế", "  "],
        conclusion="Bổ sung tiêu chí 5.",
    )
    assert dossier.step == Step.SUPPLEMENT
    first = AppraisalRound.objects.get(dossier=dossier, number=1)
    assert (first.outcome, first.supplements) == ("returned", ["Biên bản nghiệm thu trạm y tế"])
    document_upload(actor=world.officer, dossier=dossier, kind="khac", file=pdf("nghiem-thu.pdf"))
    dossier = dossier_resubmit(actor=world.leader, dossier=dossier, refreeze=True)
    second = AppraisalRound.objects.get(dossier=dossier, number=2)
    assert second.snapshot.number == 2
    all_agreed(world, dossier)
    dossier = appraisal_conclude(
        actor=world.appraiser, dossier=dossier, recommend=True, conclusion="Đủ điều kiện."
    )
    assert dossier.step == Step.DECISION
    decision = decision_record(
        actor=world.province_leader,
        dossier=dossier,
        number="125/QĐ-UBND",
        signed_on=timezone.localdate(),
        signer="Chủ tịch UBND tỉnh",
        file=pdf("quyet-dinh.pdf"),
    )
    assert len(decision.sha256) == 64
    dossier.refresh_from_db()
    assert dossier.step == Step.RECOGNISED
    assert dossier.closed_at is not None
    recognition = Recognition.objects.get(unit=world.a, set_code=SET, year=YEAR)
    assert (recognition.decision_number, recognition.in_force) == ("125/QĐ-UBND", True)
    timeline = list(
        Transition.objects.filter(dossier=dossier).values_list("action", "to_step", "role")
    )
    assert timeline == [
        ("open", "self_assessment", "commune_officer"),
        ("publish", "consultation", "commune_officer"),
        ("close_consultation", "submission", "commune_officer"),
        ("submit", "appraisal", "commune_leader"),
        ("return", "supplement", "province_appraiser"),
        ("resubmit", "appraisal", "commune_leader"),
        ("conclude", "decision", "province_appraiser"),
        ("decide", "recognised", "province_leader"),
    ]


def test_revocation_by_the_province_leader_revokes_the_recognition(world: World) -> None:
    dossier = recognised(world)
    with pytest.raises(AccessDenied, match="Lãnh đạo UBND tỉnh"):
        dossier_revoke(
            actor=world.appraiser,
            dossier=dossier,
            number="7/QĐ-UBND",
            signed_on=timezone.localdate(),
            signer="Chủ tịch",
            reason="Tiêu chí 5 không còn đạt",
            file=pdf("thu-hoi.pdf"),
        )
    decision = dossier_revoke(
        actor=world.province_leader,
        dossier=dossier,
        number="7/QĐ-UBND",
        signed_on=timezone.localdate(),
        signer="Chủ tịch",
        reason="Tiêu chí 5 không còn đạt",
        file=pdf("thu-hoi.pdf"),
    )
    assert decision.kind == Decision.Kind.REVOCATION
    dossier.refresh_from_db()
    assert dossier.step == Step.REVOKED
    recognition = Recognition.objects.get(unit=world.a)
    assert (recognition.revoked_on, recognition.revocation_number) == (
        timezone.localdate(),
        "7/QĐ-UBND",
    )


def test_another_provinces_appraiser_is_refused(world: World) -> None:
    dossier = in_appraisal(world)
    with pytest.raises(AccessDenied, match=r"Bước này do Cán bộ thẩm định của tỉnh thực hiện."):
        finding_record(
            actor=world.appraiser_ha_noi,
            dossier=dossier,
            criterion_code="1",
            agrees=True,
            note="",
        )
    with pytest.raises(AccessDenied):
        appraisal_conclude(
            actor=world.appraiser_ha_noi, dossier=dossier, recommend=False, conclusion="Không"
        )
    assert not CriterionFinding.objects.exists()


def test_the_commune_cannot_appraise_its_own_dossier(world: World) -> None:
    dossier = in_appraisal(world)
    for who in (world.officer, world.leader, world.province_leader):
        with pytest.raises(AccessDenied):
            dossier_return(actor=who, dossier=dossier, supplements=["x"])


def test_a_finding_on_a_criterion_not_in_the_snapshot_is_refused(world: World) -> None:
    dossier = in_appraisal(world)
    with pytest.raises(DomainError, match="không có tiêu chí “11”"):
        finding_record(
            actor=world.appraiser, dossier=dossier, criterion_code="11", agrees=True, note=""
        )


def test_a_finding_entered_again_replaces_the_rounds_earlier_one(world: World) -> None:
    dossier = in_appraisal(world)
    finding_record(
        actor=world.appraiser, dossier=dossier, criterion_code="2", agrees=False, note="Thiếu"
    )
    finding_record(actor=world.appraiser, dossier=dossier, criterion_code="2", agrees=True, note="")
    assert list(CriterionFinding.objects.values_list("criterion_code", "agrees")) == [("2", True)]


def test_a_return_needs_a_supplement(world: World) -> None:
    dossier = in_appraisal(world)
    with pytest.raises(DomainError, match="ít nhất một nội dung"):
        dossier_return(actor=world.appraiser, dossier=dossier, supplements=["", "  "])


def test_recommending_needs_a_finding_on_every_criterion(world: World) -> None:
    dossier = in_appraisal(world)
    finding_record(actor=world.appraiser, dossier=dossier, criterion_code="1", agrees=True, note="")
    with pytest.raises(DomainError, match="Chưa có ý kiến thẩm định cho tiêu chí: 2, 3"):
        appraisal_conclude(actor=world.appraiser, dossier=dossier, recommend=True, conclusion="Đạt")


def test_not_recommending_closes_the_dossier(world: World) -> None:
    dossier = in_appraisal(world)
    dossier = appraisal_conclude(
        actor=world.appraiser, dossier=dossier, recommend=False, conclusion="Không đạt tiêu chí 5."
    )
    assert dossier.step == Step.NOT_RECOGNISED
    assert AppraisalRound.objects.get().outcome == "not_recommended"


def test_a_field_visit_in_the_future_is_refused(world: World) -> None:
    dossier = in_appraisal(world)
    with pytest.raises(DomainError, match="không được sau hôm nay"):
        field_visit_record(
            actor=world.appraiser,
            dossier=dossier,
            visited_on=timezone.localdate() + dt.timedelta(days=1),
            members="",
            notes="Kiểm tra",
        )
    assert not FieldVisit.objects.exists()


def test_a_decision_out_of_order_is_refused_with_the_step(world: World) -> None:
    dossier = in_appraisal(world)
    with pytest.raises(
        DomainError, match="Hồ sơ đang ở bước Thẩm định, không thể ghi quyết định công nhận"
    ):
        decision_record(
            actor=world.province_leader,
            dossier=dossier,
            number="1",
            signed_on=timezone.localdate(),
            signer="Chủ tịch",
            file=pdf(),
        )


def test_a_decision_dated_before_the_appraisals_conclusion_is_refused(world: World) -> None:
    dossier = in_decision(world)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(DomainError, match="không được trước ngày"):
        decision_record(
            actor=world.province_leader,
            dossier=dossier,
            number="125/QĐ-UBND",
            signed_on=yesterday,
            signer="Chủ tịch",
            file=pdf(),
        )
    with pytest.raises(DomainError, match="không được sau hôm nay"):
        decision_record(
            actor=world.province_leader,
            dossier=dossier,
            number="125/QĐ-UBND",
            signed_on=timezone.localdate() + dt.timedelta(days=1),
            signer="Chủ tịch",
            file=pdf(),
        )
    assert not Decision.objects.exists()
    assert not Recognition.objects.exists()


def test_a_decision_that_is_not_a_pdf_is_refused(world: World) -> None:
    dossier = in_decision(world)
    png = pdf("quyet-dinh.png")
    with pytest.raises(DomainError, match="phải là tệp PDF"):
        decision_record(
            actor=world.province_leader,
            dossier=dossier,
            number="125/QĐ-UBND",
            signed_on=timezone.localdate(),
            signer="Chủ tịch",
            file=png,
        )
    fake = SimpleUploadedFile("quyet-dinh.pdf", b"<html>not a pdf</html>", "application/pdf")
    with pytest.raises(DomainError, match="nội dung không phải tệp PDF"):
        decision_record(
            actor=world.province_leader,
            dossier=dossier,
            number="125/QĐ-UBND",
            signed_on=timezone.localdate(),
            signer="Chủ tịch",
            file=fake,
        )


def test_a_failure_mid_decision_leaves_everything_as_it_was(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The recognition write fails after the decision row is written: the dossier, its
    rows and the recognitions are as before."""
    dossier = in_decision(world)
    before = Dossier.objects.filter(pk=dossier.pk).values().get()
    transitions = Transition.objects.count()

    def broken(**kwargs: object) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(appraisal, "recognition_record", broken)
    with pytest.raises(RuntimeError):
        decision_record(
            actor=world.province_leader,
            dossier=dossier,
            number="125/QĐ-UBND",
            signed_on=timezone.localdate(),
            signer="Chủ tịch",
            file=pdf(),
        )
    assert Dossier.objects.filter(pk=dossier.pk).values().get() == before
    assert Transition.objects.count() == transitions
    assert not Decision.objects.exists()
    assert not Recognition.objects.exists()


def test_a_failure_of_the_file_store_mid_resubmission_leaves_the_dossier_as_it_was(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Refreezing copies the evidence files: the store raising leaves no snapshot, no
    round and the dossier at supplement."""
    dossier = in_appraisal(world)
    dossier = dossier_return(actor=world.appraiser, dossier=dossier, supplements=["Biên bản"])
    before = Dossier.objects.filter(pk=dossier.pk).values().get()

    def full(*args: object, **kwargs: object) -> None:
        raise OSError("No space left on device")

    monkeypatch.setattr(default_storage, "save", full)
    with pytest.raises(OSError, match="No space"):
        dossier_resubmit(actor=world.leader, dossier=dossier, refreeze=True)
    assert Dossier.objects.filter(pk=dossier.pk).values().get() == before
    assert dossier.snapshots.count() == 1
    assert AppraisalRound.objects.filter(dossier=dossier).count() == 1
    assert Assessment.objects.filter(unit=world.a).count() == 10
