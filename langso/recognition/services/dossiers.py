"""A dossier's steps on the commune's side: opening it, freezing the self-assessment and
publishing it for comments, closing the consultation, the documents, the submission
signed off by the commune leader, and withdrawal. Each transition is one transaction
on the locked dossier (`steps`): refused with the reason, or done whole."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from langso.core.actors import Actor
from langso.core.errors import DomainError
from langso.core.evidence import evidence_files_check
from langso.core.files import file_sha256
from langso.core.models import AuditEntry
from langso.core.services import audit_record
from langso.criteria.models import Recognition
from langso.criteria.selectors.sets import criteria_set_in_force
from langso.places.models import AdminUnit, Level

from ..models import CLOSED_STEPS, AppraisalRound, Document, Dossier, Snapshot, Step, Transition
from ..selectors.dossiers import satisfaction_read, snapshot_latest
from ..selectors.procedures import procedure_in_force, procedure_spec
from .snapshots import snapshot_take
from .steps import (
    acting_role,
    dossier_lock,
    dossier_move,
    dossier_notify_on_commit,
    expect_step,
    spec_of,
    step_actor,
    step_due_on,
    step_preparer,
    step_spec,
    today,
)

# The kind of a document the commune adds beyond those the procedure lists.
OTHER_DOCUMENT = "khac"


def _already_open(unit: AdminUnit, set_name: str, year: int) -> DomainError:
    return DomainError(
        _("%(unit)s đã có một hồ sơ đang mở cho bộ tiêu chí “%(set)s” năm %(year)s.")
        % {"unit": unit.name, "set": set_name, "year": year}
    )


@transaction.atomic
def dossier_open(*, actor: Actor, unit: AdminUnit, set_code: str, year: int) -> Dossier:
    """Open the dossier of `unit` for the set `set_code` and `year`, at self-assessment,
    under the procedure in force for it; by the role the procedure names for the
    self-assessment. Refused: a unit of another level or no longer current, a set the
    procedure does not cover or that does not apply in `year`, a dossier already open
    or a recognition in force for the same unit, set and year."""
    procedure = procedure_in_force(set_code=set_code, unit=unit)
    spec = procedure_spec(procedure)
    if unit.valid_to is not None:
        raise DomainError(
            _("%(unit)s không còn là đơn vị hành chính hiện hành.") % {"unit": unit.name}
        )
    if unit.level != spec.level:
        raise DomainError(
            _("Quy trình “%(procedure)s” công nhận đơn vị cấp %(level)s.")
            % {"procedure": spec.name_vi, "level": Level(spec.level).label}
        )
    if set_code not in spec.set_codes:
        raise DomainError(
            _("Quy trình “%(procedure)s” không áp dụng cho bộ tiêu chí “%(set)s”.")
            % {"procedure": spec.name_vi, "set": set_code}
        )
    role = acting_role(actor, unit, [spec.step(Step.SELF_ASSESSMENT).actor])
    criteria_set = criteria_set_in_force(code=set_code, province=unit.province, year=year)
    if not criteria_set.applies_in(year):
        raise DomainError(
            _("Bộ tiêu chí “%(set)s” không áp dụng cho năm %(year)s.")
            % {"set": criteria_set.name_vi, "year": year}
        )
    open_dossiers = Dossier.objects.filter(unit=unit, set_code=set_code, year=year).exclude(
        step__in=CLOSED_STEPS
    )
    if open_dossiers.exists():
        raise _already_open(unit, criteria_set.name_vi, year)
    recognised = Recognition.objects.filter(
        unit=unit, set_code=set_code, year=year, revoked_on__isnull=True
    ).first()
    if recognised is not None:
        raise DomainError(
            _(
                "%(unit)s đã được công nhận đạt chuẩn “%(set)s” năm %(year)s "
                "(quyết định %(number)s)."
            )
            % {
                "unit": unit.name,
                "set": criteria_set.name_vi,
                "year": year,
                "number": recognised.decision_number,
            }
        )
    dossier = Dossier(
        unit=unit,
        province=unit.province or unit,
        set_code=set_code,
        year=year,
        criteria_set=criteria_set,
        procedure=procedure,
        step=Step.SELF_ASSESSMENT,
        step_started_on=today(),
        opened_by_id=actor.pk,
    )
    dossier.step_due_on = step_due_on(dossier, Step.SELF_ASSESSMENT, dossier.step_started_on)
    try:
        # A savepoint: the constraint is the last guard against two officers at once.
        with transaction.atomic():
            dossier.save(force_insert=True)
    except IntegrityError as exc:
        raise _already_open(unit, criteria_set.name_vi, year) from exc
    Transition.objects.create(
        dossier=dossier,
        action="open",
        from_step="",
        to_step=Step.SELF_ASSESSMENT,
        actor_id=actor.pk,
        role=role,
    )
    audit_record(
        actor=actor,
        instance=dossier,
        action=AuditEntry.Action.CREATE,
        after={"unit": unit.pk, "set_code": set_code, "year": year, "step": dossier.step},
    )
    dossier_notify_on_commit(dossier)
    return dossier


@transaction.atomic
def snapshot_freeze(*, actor: Actor, dossier: Dossier) -> Snapshot:
    """Freeze the self-assessment as it stands now: during the self-assessment (its
    actor), or during a supplement round (its preparer or actor)."""
    dossier = dossier_lock(dossier)
    expect_step(dossier, [Step.SELF_ASSESSMENT, Step.SUPPLEMENT], _("chốt kết quả tự đánh giá"))
    if dossier.step == Step.SELF_ASSESSMENT:
        step_actor(actor, dossier, Step.SELF_ASSESSMENT)
    else:
        step_preparer(actor, dossier, Step.SUPPLEMENT)
    return snapshot_take(actor=actor, dossier=dossier)


@transaction.atomic
def dossier_publish(*, actor: Actor, dossier: Dossier) -> Dossier:
    """Self-assessment → public consultation: the self-assessment is frozen (unless a
    snapshot was taken during it already) and posted for the procedure's days."""
    dossier = dossier_lock(dossier)
    expect_step(dossier, [Step.SELF_ASSESSMENT], _("công bố lấy ý kiến"))
    role = step_actor(actor, dossier, Step.SELF_ASSESSMENT)
    step_spec(dossier, Step.CONSULTATION)
    if snapshot_latest(dossier) is None:
        snapshot_take(actor=actor, dossier=dossier)
    return dossier_move(
        dossier, actor=actor, role=role, action="publish", to_step=Step.CONSULTATION
    )


@transaction.atomic
def consultation_close(*, actor: Actor, dossier: Dossier) -> Dossier:
    """Public consultation → submission, once its days have run and every comment
    shown publicly has its answer."""
    dossier = dossier_lock(dossier)
    expect_step(dossier, [Step.CONSULTATION], _("kết thúc lấy ý kiến"))
    role = step_actor(actor, dossier, Step.CONSULTATION)
    if dossier.step_due_on is not None and today() < dossier.step_due_on:
        raise DomainError(
            _("Kết quả tự đánh giá phải công khai đến hết ngày %(day)s mới kết thúc lấy ý kiến.")
            % {"day": f"{dossier.step_due_on:%d/%m/%Y}"}
        )
    unanswered = dossier.comments.filter(hidden_reason="", answer="").count()
    if unanswered:
        raise DomainError(
            _("Còn %(count)s ý kiến góp ý chưa được trả lời.") % {"count": unanswered}
        )
    return dossier_move(
        dossier, actor=actor, role=role, action="close_consultation", to_step=Step.SUBMISSION
    )


# The steps during which the commune uploads the dossier's documents.
UPLOAD_STEPS = (Step.CONSULTATION, Step.SUBMISSION, Step.SUPPLEMENT)


def document_kinds(dossier: Dossier) -> dict[str, str]:
    """The uploaded documents the procedure lists for the consultation, submission and
    supplement, by code, with their names."""
    spec = spec_of(dossier)
    return {
        document.code: document.name_vi
        for step in UPLOAD_STEPS
        if step in spec.steps
        for document in spec.step(step).documents
        if not document.generated
    }


@transaction.atomic
def document_upload(
    *, actor: Actor, dossier: Dossier, kind: str, file: UploadedFile[Any]
) -> Document:
    """Upload a document of the dossier from its consultation until it is submitted,
    or while it is supplemented: one the procedure lists (by its code), or another
    (`khac`). Uploading a listed one again replaces it; the replaced file is kept."""
    dossier = dossier_lock(dossier)
    expect_step(dossier, UPLOAD_STEPS, _("tải lên tài liệu"))
    step_preparer(actor, dossier, dossier.step)
    kinds = document_kinds(dossier)
    if kind != OTHER_DOCUMENT and kind not in kinds:
        raise DomainError(
            _("Quy trình không có loại tài liệu “%(kind)s” để tải lên.") % {"kind": kind}
        )
    evidence_files_check([file])
    # Hashed before it is stored: the store may move a large upload's temporary file.
    sha256 = file_sha256(file)
    document = Document.objects.create(
        dossier=dossier,
        kind=kind,
        file=file,
        name=PurePosixPath(file.name or "").name[:255],
        sha256=sha256,
        uploaded_by_id=actor.pk,
    )
    if kind != OTHER_DOCUMENT:
        Document.objects.filter(dossier=dossier, kind=kind, replaced_by__isnull=True).exclude(
            pk=document.pk
        ).update(replaced_by=document)
    audit_record(
        actor=actor,
        instance=document,
        action=AuditEntry.Action.CREATE,
        after={"kind": kind, "name": document.name, "sha256": document.sha256},
    )
    return document


def _missing_documents(dossier: Dossier) -> list[str]:
    uploaded = set(
        dossier.documents.filter(replaced_by__isnull=True).values_list("kind", flat=True)
    )
    return [
        document.name_vi or document.code
        for document in spec_of(dossier).uploads_due(Step.SUBMISSION)
        if document.code not in uploaded
    ]


def _satisfaction_checked(dossier: Dossier) -> dict[str, Any]:
    """The residents' satisfaction, read live, refused where it is missing, its
    threshold unknown, or below it; the figures used, to be kept with the dossier."""
    figures = satisfaction_read(dossier)
    if figures is None:
        return {}
    if figures["threshold"] is None:
        raise DomainError(
            _(
                "Tỉnh chưa nhập ngưỡng tỷ lệ người dân hài lòng cho bộ tiêu chí này: "
                "chưa thể trình hồ sơ."
            )
        )
    if figures["value"] is None:
        raise DomainError(
            _("Chưa có kết quả lấy ý kiến sự hài lòng của người dân năm %(year)s.")
            % {"year": dossier.year}
        )
    if figures["status"] != "pass":
        raise DomainError(
            _("Tỷ lệ người dân hài lòng là %(value)s%%, chưa đạt ngưỡng %(threshold)s%%.")
            % {"value": figures["value"], "threshold": figures["threshold"]}
        )
    return figures | {"period": str(dossier.year), "read_on": today().isoformat()}


def appraisal_round_open(dossier: Dossier) -> AppraisalRound:
    """The next appraisal round, on the dossier's latest snapshot."""
    snapshot = snapshot_latest(dossier)
    if snapshot is None:
        raise DomainError(_("Hồ sơ chưa có bản chốt tự đánh giá."))
    number = dossier.rounds.count() + 1
    return AppraisalRound.objects.create(
        dossier=dossier, number=number, snapshot=snapshot, started_on=today()
    )


@transaction.atomic
def dossier_submit(*, actor: Actor, dossier: Dossier) -> Dossier:
    """Submission → appraisal, signed off by the submission's actor (the commune
    leader): every required document uploaded and the residents' satisfaction at the
    procedure's threshold. The first appraisal round opens on the latest snapshot."""
    dossier = dossier_lock(dossier)
    expect_step(dossier, [Step.SUBMISSION], _("trình hồ sơ"))
    role = step_actor(actor, dossier, Step.SUBMISSION)
    missing = _missing_documents(dossier)
    if missing:
        raise DomainError(
            _("Còn thiếu tài liệu bắt buộc: %(names)s.") % {"names": "; ".join(missing)}
        )
    satisfaction = _satisfaction_checked(dossier)
    appraisal_round_open(dossier)
    return dossier_move(
        dossier,
        actor=actor,
        role=role,
        action="submit",
        to_step=Step.APPRAISAL,
        extra={"satisfaction": satisfaction},
    )


@transaction.atomic
def dossier_withdraw(*, actor: Actor, dossier: Dossier, reason: str) -> Dossier:
    """Any open step → withdrawn, by the commune's leader (the submission's actor),
    with the reason."""
    dossier = dossier_lock(dossier)
    open_steps = [step for step in Step.values if step not in CLOSED_STEPS]
    expect_step(dossier, open_steps, _("rút hồ sơ"))
    role = step_actor(actor, dossier, Step.SUBMISSION)
    if not reason.strip():
        raise DomainError(_("Cần ghi lý do rút hồ sơ."))
    return dossier_move(
        dossier,
        actor=actor,
        role=role,
        action="withdraw",
        to_step=Step.WITHDRAWN,
        note=reason.strip(),
    )
