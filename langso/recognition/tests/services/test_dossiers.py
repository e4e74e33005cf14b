"""A dossier's steps on the commune's side: opening, publishing, closing the
consultation, documents, submission, withdrawal — and every refusal with its reason."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.utils import timezone

from langso.core.errors import AccessDenied, DomainError, NotFound
from langso.core.models import AuditEntry
from langso.core.workdays import working_days_add
from langso.criteria.services import recognition_record
from langso.indicators.models import ReportedValue
from langso.places.testing import make_commune
from langso.recognition.models import AppraisalRound, Comment, Document, Dossier, Step, Transition
from langso.recognition.services.dossiers import (
    consultation_close,
    document_upload,
    dossier_open,
    dossier_publish,
    dossier_submit,
    dossier_withdraw,
)
from langso.recognition.testing import TEST_PROCEDURE, make_procedure

from ..conftest import (
    SET,
    YEAR,
    World,
    in_consultation,
    in_submission,
    opened,
    pdf,
    public_days_run,
    satisfaction_report,
)

# --- Opening -------------------------------------------------------------------------


def test_the_commune_officer_opens_a_dossier_at_self_assessment(world: World) -> None:
    """The self-assessment's actor opens it under the procedure in force; the timeline
    and the audit trail have the opening."""
    dossier = opened(world)
    assert dossier.step == Step.SELF_ASSESSMENT
    assert dossier.procedure == world.procedure
    assert dossier.province == world.ninh_binh.province
    assert dossier.step_started_on == timezone.localdate()
    transition = Transition.objects.get(dossier=dossier)
    assert (transition.to_step, transition.role) == (Step.SELF_ASSESSMENT, "commune_officer")
    assert AuditEntry.objects.filter(object_id=str(dossier.pk), action="create").exists()


def test_a_second_open_dossier_for_the_same_unit_set_and_year_is_refused(world: World) -> None:
    opened(world)
    with pytest.raises(DomainError, match="đã có một hồ sơ đang mở"):
        opened(world)
    assert Dossier.objects.count() == 1


def test_the_database_constraint_refusal_reads_the_same(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two officers at once: the check passes for both, the constraint refuses the
    second, and the officer reads the same message."""
    first = opened(world)
    original = Dossier.objects.filter

    def blind(*args: object, **kwargs: object) -> object:
        if kwargs.get("unit") == world.a and "step" not in kwargs:
            return original(pk=-1)
        return original(*args, **kwargs)

    monkeypatch.setattr(Dossier.objects, "filter", blind)
    with pytest.raises(DomainError, match="đã có một hồ sơ đang mở"):
        opened(world)
    monkeypatch.undo()
    assert list(Dossier.objects.all()) == [first]


def test_a_unit_recognised_in_force_cannot_open_another_dossier(world: World) -> None:
    recognition_record(
        unit=world.a,
        set_code=SET,
        year=YEAR,
        decision_number="9/QĐ-UBND",
        decision_date=dt.date(2026, 3, 2),
        signer="Chủ tịch",
    )
    with pytest.raises(DomainError, match=r"đã được công nhận đạt chuẩn.*9/QĐ-UBND"):
        opened(world)


def test_a_closed_dossier_lets_a_new_one_open(world: World) -> None:
    first = opened(world)
    dossier_withdraw(actor=world.leader, dossier=first, reason="Chưa đủ điều kiện")
    assert opened(world).pk != first.pk


def test_a_set_the_procedure_does_not_cover_is_refused(world: World) -> None:
    with pytest.raises(NotFound, match="Chưa có quy trình công nhận"):
        dossier_open(actor=world.officer, unit=world.a, set_code="xa_ntm_2021_2025", year=2025)


def test_a_unit_of_another_level_is_refused(world: World) -> None:
    village = world.ninh_binh.villages_of(world.a)[0]
    with pytest.raises(NotFound, match="ở cấp Thôn"):
        dossier_open(actor=world.officer, unit=village, set_code=SET, year=YEAR)


def test_a_unit_no_longer_current_is_refused(world: World) -> None:
    legacy = make_commune(
        province=world.ninh_binh.province,
        code="37999",
        name="Xã Cũ",
        valid_to=dt.date(2025, 6, 30),
    )
    with pytest.raises(DomainError, match="không còn là đơn vị hành chính hiện hành"):
        dossier_open(actor=world.officer, unit=legacy, set_code=SET, year=YEAR)


def test_a_year_the_set_does_not_apply_to_is_refused(world: World) -> None:
    with pytest.raises(DomainError, match="không áp dụng cho năm 2024"):
        dossier_open(actor=world.officer, unit=world.a, set_code=SET, year=2024)


@pytest.mark.parametrize("who", ["leader", "appraiser", "leader_b"])
def test_only_the_self_assessment_actor_opens(world: World, who: str) -> None:
    with pytest.raises(AccessDenied, match=r"Bước này do Cán bộ xã thực hiện."):
        dossier_open(actor=getattr(world, who), unit=world.a, set_code=SET, year=YEAR)
    assert not Dossier.objects.exists()


# --- Publishing and the consultation -------------------------------------------------


def test_publishing_freezes_the_snapshot_and_posts_it_for_the_public_days(world: World) -> None:
    dossier = in_consultation(world)
    assert dossier.step == Step.CONSULTATION
    assert dossier.snapshots.count() == 1
    # Calendar days: the consultation stays posted 15 days, weekends and holidays too.
    assert dossier.step_due_on == timezone.localdate() + dt.timedelta(days=15)


def test_publishing_twice_is_refused_with_the_step(world: World) -> None:
    dossier = in_consultation(world)
    with pytest.raises(
        DomainError, match="Hồ sơ đang ở bước Lấy ý kiến công khai, không thể công bố lấy ý kiến"
    ):
        dossier_publish(actor=world.officer, dossier=dossier)


def test_the_consultation_cannot_close_before_its_days_have_run(world: World) -> None:
    dossier = in_consultation(world)
    with pytest.raises(DomainError, match="phải công khai đến hết ngày"):
        consultation_close(actor=world.officer, dossier=dossier)
    dossier.refresh_from_db()
    assert dossier.step == Step.CONSULTATION


def test_the_consultation_cannot_close_while_a_shown_comment_is_unanswered(
    world: World,
) -> None:
    """Hidden comments need no answer; the refusal counts the others."""
    dossier = in_consultation(world)
    public_days_run(dossier)
    for text, hidden in (("Đường thôn 2 chưa làm", ""), ("Quảng cáo", "Không liên quan")):
        Comment.objects.create(
            dossier=dossier,
            author_kind=Comment.Author.RESIDENT,
            author_name="Nguyễn Văn An",
            text=text,
            hidden_reason=hidden,
        )
    with pytest.raises(DomainError, match="Còn 1 ý kiến góp ý chưa được trả lời"):
        consultation_close(actor=world.officer, dossier=dossier)
    Comment.objects.filter(hidden_reason="").update(answer="Đã đưa vào kế hoạch 2027.")
    assert consultation_close(actor=world.officer, dossier=dossier).step == Step.SUBMISSION


# --- Documents -----------------------------------------------------------------------


def test_a_document_is_stored_with_its_hash_and_an_upload_again_replaces_it(
    world: World,
) -> None:
    dossier = in_submission(world)
    first = document_upload(actor=world.officer, dossier=dossier, kind="to_trinh", file=pdf())
    second = document_upload(
        actor=world.officer, dossier=dossier, kind="to_trinh", file=pdf(body=b"v2")
    )
    first.refresh_from_db()
    assert first.replaced_by == second
    assert second.replaced_by is None
    assert len(second.sha256) == 64
    assert second.sha256 != first.sha256
    extra = document_upload(actor=world.officer, dossier=dossier, kind="khac", file=pdf("a.pdf"))
    assert extra.replaced_by is None


def test_a_document_of_the_wrong_type_is_refused_by_name(world: World) -> None:
    dossier = in_submission(world)
    upload = SimpleUploadedFile("to-trinh.exe", b"MZ...", "application/octet-stream")
    with pytest.raises(DomainError, match=r"“to-trinh.exe”: chỉ nhận"):
        document_upload(actor=world.officer, dossier=dossier, kind="to_trinh", file=upload)
    assert not Document.objects.exists()


def test_a_document_too_large_is_refused_by_name(world: World) -> None:
    dossier = in_submission(world)
    upload = pdf("lon.pdf")
    upload.size = 21 * 1024 * 1024
    with pytest.raises(DomainError, match=r"“lon.pdf” lớn quá 20 MB"):
        document_upload(actor=world.officer, dossier=dossier, kind="to_trinh", file=upload)


def test_a_document_kind_the_procedure_does_not_list_is_refused(world: World) -> None:
    dossier = in_submission(world)
    with pytest.raises(DomainError, match="không có loại tài liệu “bien_ban_la”"):
        document_upload(actor=world.officer, dossier=dossier, kind="bien_ban_la", file=pdf())


def test_documents_are_refused_before_the_consultation(world: World) -> None:
    dossier = opened(world)
    with pytest.raises(DomainError, match="không thể tải lên tài liệu"):
        document_upload(actor=world.officer, dossier=dossier, kind="to_trinh", file=pdf())


def _with_consultation_summary(world: World) -> None:
    """A procedure whose consultation requires the summary of the comments (as the
    shipped one does), in force from now."""
    steps = copy.deepcopy(TEST_PROCEDURE["steps"])
    steps["consultation"]["documents"] = [
        {"code": "tong_hop_y_kien", "name_vi": "Báo cáo tổng hợp ý kiến"}
    ]
    make_procedure(version=2, steps=steps)


def test_the_consultations_summary_may_be_uploaded_during_the_consultation(
    world: World,
) -> None:
    _with_consultation_summary(world)
    dossier = in_consultation(world)
    document = document_upload(
        actor=world.officer, dossier=dossier, kind="tong_hop_y_kien", file=pdf("tong-hop.pdf")
    )
    assert document.kind == "tong_hop_y_kien"


def test_a_submission_without_the_consultations_summary_is_refused_naming_it(
    world: World,
) -> None:
    _with_consultation_summary(world)
    dossier = in_submission(world)
    document_upload(actor=world.officer, dossier=dossier, kind="to_trinh", file=pdf())
    with pytest.raises(DomainError, match="Báo cáo tổng hợp ý kiến"):
        dossier_submit(actor=world.leader, dossier=dossier)
    document_upload(
        actor=world.officer, dossier=dossier, kind="tong_hop_y_kien", file=pdf("tong-hop.pdf")
    )
    assert dossier_submit(actor=world.leader, dossier=dossier).step == Step.APPRAISAL


# --- Submission ----------------------------------------------------------------------


def test_the_commune_leader_submits_and_the_first_round_opens(world: World) -> None:
    dossier = in_submission(world)
    document_upload(actor=world.officer, dossier=dossier, kind="to_trinh", file=pdf())
    dossier = dossier_submit(actor=world.leader, dossier=dossier)
    assert dossier.step == Step.APPRAISAL
    assert dossier.step_due_on == working_days_add(timezone.localdate(), 15)
    appraisal = AppraisalRound.objects.get(dossier=dossier)
    assert appraisal.number == 1
    assert appraisal.snapshot == dossier.snapshots.get()
    assert Decimal(dossier.satisfaction["value"]) == 85
    assert dossier.satisfaction["threshold"] == "70"
    assert dossier.satisfaction["status"] == "pass"


def test_the_commune_officer_cannot_sign_the_submission_off(world: World) -> None:
    dossier = in_submission(world)
    document_upload(actor=world.officer, dossier=dossier, kind="to_trinh", file=pdf())
    with pytest.raises(AccessDenied, match=r"Bước này do Lãnh đạo UBND xã thực hiện."):
        dossier_submit(actor=world.officer, dossier=dossier)


def test_another_communes_leader_cannot_submit(world: World) -> None:
    dossier = in_submission(world)
    document_upload(actor=world.officer, dossier=dossier, kind="to_trinh", file=pdf())
    with pytest.raises(AccessDenied, match="Lãnh đạo UBND xã"):
        dossier_submit(actor=world.leader_b, dossier=dossier)
    dossier.refresh_from_db()
    assert dossier.step == Step.SUBMISSION


def test_a_submission_without_a_required_document_is_refused_naming_it(world: World) -> None:
    dossier = in_submission(world)
    with pytest.raises(DomainError, match="Còn thiếu tài liệu bắt buộc: Tờ trình của UBND xã"):
        dossier_submit(actor=world.leader, dossier=dossier)
    assert not AppraisalRound.objects.exists()


def test_a_submission_below_the_satisfaction_threshold_is_refused(world: World) -> None:
    dossier = in_submission(world)
    document_upload(actor=world.officer, dossier=dossier, kind="to_trinh", file=pdf())
    satisfaction_report(world, satisfied=60)
    with pytest.raises(DomainError, match=r"hài lòng là 60.*chưa đạt ngưỡng 70%"):
        dossier_submit(actor=world.leader, dossier=dossier)
    dossier.refresh_from_db()
    assert (dossier.step, dossier.satisfaction) == (Step.SUBMISSION, {})


def test_a_submission_without_a_satisfaction_result_is_refused(world: World) -> None:
    dossier = in_submission(world)
    document_upload(actor=world.officer, dossier=dossier, kind="to_trinh", file=pdf())
    ReportedValue.objects.all().delete()
    with pytest.raises(DomainError, match="Chưa có kết quả lấy ý kiến sự hài lòng"):
        dossier_submit(actor=world.leader, dossier=dossier)


def test_a_submission_with_the_threshold_unknown_is_refused(world: World) -> None:
    dossier = in_submission(world)
    document_upload(actor=world.officer, dossier=dossier, kind="to_trinh", file=pdf())
    spec = dict(TEST_PROCEDURE)
    spec["satisfaction"] = {SET: {"indicator": "resident-satisfaction-ntm", "threshold": "unknown"}}
    dossier.procedure.spec = spec
    dossier.procedure.save(update_fields=["spec"])
    with pytest.raises(DomainError, match="Tỉnh chưa nhập ngưỡng"):
        dossier_submit(actor=world.leader, dossier=dossier)


def test_submitting_from_self_assessment_is_refused_with_the_step(world: World) -> None:
    dossier = opened(world)
    with pytest.raises(DomainError, match="Hồ sơ đang ở bước Tự đánh giá, không thể trình hồ sơ"):
        dossier_submit(actor=world.leader, dossier=dossier)


# --- Withdrawal ----------------------------------------------------------------------


def test_the_commune_leader_withdraws_with_a_reason(world: World) -> None:
    dossier = in_consultation(world)
    with pytest.raises(DomainError, match="lý do"):
        dossier_withdraw(actor=world.leader, dossier=dossier, reason=" ")
    with pytest.raises(AccessDenied):
        dossier_withdraw(actor=world.officer, dossier=dossier, reason="x")
    dossier = dossier_withdraw(actor=world.leader, dossier=dossier, reason="Chưa đủ điều kiện")
    assert dossier.step == Step.WITHDRAWN
    assert dossier.closed_at is not None
    assert dossier.step_due_on is None
    with pytest.raises(DomainError, match="Đã rút hồ sơ, không thể rút hồ sơ"):
        dossier_withdraw(actor=world.leader, dossier=dossier, reason="Lần nữa")


def test_a_large_upload_kept_on_disk_is_hashed_as_sent(world: World) -> None:
    """An upload Django spooled to a temporary file (moved, not copied, by the store)
    is hashed from the bytes the officer sent."""
    dossier = in_submission(world)
    content = b"%PDF-1.4\n" + b"0" * 4096 + b"\n%%EOF\n"
    upload = TemporaryUploadedFile("to-trinh.pdf", "application/pdf", len(content), None)
    upload.write(content)
    upload.seek(0)
    document = document_upload(actor=world.officer, dossier=dossier, kind="to_trinh", file=upload)
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    with document.file.open("rb") as stored:
        assert stored.read() == content
    upload.close()  # as the request's end does: the moved temporary file is gone


def test_the_self_assessment_is_due_when_the_procedure_gives_it_a_limit(world: World) -> None:
    """A province's variant (the next version) gives the self-assessment 20 working
    days; a dossier opened under it is due then. The test procedure gives none."""
    assert opened(world).step_due_on is None
    limited = copy.deepcopy(TEST_PROCEDURE["steps"])
    limited["self_assessment"]["deadline_working_days"] = 20
    make_procedure(province=world.ninh_binh.province, version=2, steps=limited)
    dossier = dossier_open(actor=world.officer, unit=world.a, set_code=SET, year=YEAR + 1)
    assert dossier.step_due_on == working_days_add(timezone.localdate(), 20)
