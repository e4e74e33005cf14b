"""A dossier's steps on the province's side: the appraisal rounds (findings per
criterion, field visits, a return for supplements and the commune's resubmission, the
conclusion), the recognition decision that makes the unit's recognition a fact of the
criteria module, and its revocation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import PurePosixPath
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from langso.core.actors import Actor
from langso.core.errors import DomainError
from langso.core.evidence import evidence_files_check
from langso.core.files import file_sha256
from langso.core.models import AuditEntry
from langso.core.services import audit_record
from langso.criteria.services import recognition_record, recognition_revoke

from ..models import AppraisalRound, CriterionFinding, Decision, Dossier, FieldVisit, Step
from .dossiers import appraisal_round_open
from .snapshots import snapshot_take
from .steps import (
    REVOCATION,
    date_shown,
    dossier_lock,
    dossier_move,
    expect_step,
    step_actor,
    today,
)


def _round_current(dossier: Dossier) -> AppraisalRound:
    found = dossier.rounds.filter(outcome="").order_by("-number").first()
    if found is None:
        raise DomainError(_("Hồ sơ không có vòng thẩm định nào đang mở."))
    return found


def _snapshot_criteria(appraisal: AppraisalRound) -> list[str]:
    return [criterion["code"] for criterion in appraisal.snapshot.content["criteria"]]


def _appraising(actor: Actor, dossier: Dossier, action: str) -> tuple[Dossier, str]:
    dossier = dossier_lock(dossier)
    expect_step(dossier, [Step.APPRAISAL], action)
    return dossier, step_actor(actor, dossier, Step.APPRAISAL)


@transaction.atomic
def finding_record(
    *, actor: Actor, dossier: Dossier, criterion_code: str, agrees: bool, note: str
) -> CriterionFinding:
    """An appraiser's finding on one criterion of the round's snapshot: agrees or not
    with the commune's result. Entered again, it replaces the round's earlier one."""
    dossier, _role = _appraising(actor, dossier, _("ghi ý kiến thẩm định"))
    appraisal = _round_current(dossier)
    if criterion_code not in _snapshot_criteria(appraisal):
        raise DomainError(
            _("Bản chốt của hồ sơ không có tiêu chí “%(code)s”.") % {"code": criterion_code}
        )
    if not agrees and not note.strip():
        raise DomainError(_("Không thống nhất với kết quả của xã thì cần ghi rõ lý do."))
    finding, created = CriterionFinding.objects.update_or_create(
        round=appraisal,
        criterion_code=criterion_code,
        defaults={
            "agrees": agrees,
            "note": note.strip(),
            "entered_by_id": actor.pk,
            "entered_at": timezone.now(),
        },
    )
    audit_record(
        actor=actor,
        instance=finding,
        action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
        after={"agrees": agrees, "note": finding.note},
    )
    return finding


@transaction.atomic
def findings_record(
    *, actor: Actor, dossier: Dossier, findings: Sequence[tuple[str, bool, str]]
) -> list[CriterionFinding]:
    """Several criteria's findings at once (criterion code, agrees, note), as the
    appraisal form sends them: all recorded, or none when one is refused."""
    if not findings:
        raise DomainError(_("Chưa chọn ý kiến cho tiêu chí nào."))
    return [
        finding_record(actor=actor, dossier=dossier, criterion_code=code, agrees=agrees, note=note)
        for code, agrees, note in findings
    ]


@transaction.atomic
def field_visit_record(
    *,
    actor: Actor,
    dossier: Dossier,
    visited_on: dt.date,
    members: str,
    notes: str,
    file: UploadedFile[Any] | None = None,
) -> FieldVisit:
    """A field visit of the current round, with its minutes (a file, optional)."""
    dossier, _role = _appraising(actor, dossier, _("ghi kết quả kiểm tra thực tế"))
    appraisal = _round_current(dossier)
    if visited_on > today():
        raise DomainError(_("Ngày kiểm tra thực tế không được sau hôm nay."))
    if not notes.strip():
        raise DomainError(_("Cần ghi kết quả kiểm tra thực tế."))
    if file is not None:
        evidence_files_check([file])
    visit = FieldVisit.objects.create(
        round=appraisal,
        visited_on=visited_on,
        members=members.strip(),
        notes=notes.strip(),
        file=file,
        name="" if file is None else PurePosixPath(file.name or "").name[:255],
        entered_by_id=actor.pk,
    )
    audit_record(
        actor=actor,
        instance=visit,
        action=AuditEntry.Action.CREATE,
        after={"visited_on": visited_on.isoformat(), "round": appraisal.number},
    )
    return visit


def _round_close(
    appraisal: AppraisalRound,
    *,
    actor: Actor,
    outcome: str,
    conclusion: str,
    supplements: list[str] | None = None,
) -> None:
    appraisal.outcome = outcome
    appraisal.conclusion = conclusion
    appraisal.supplements = supplements or []
    appraisal.closed_by_id = actor.pk
    appraisal.closed_at = timezone.now()
    appraisal.save(update_fields=["outcome", "conclusion", "supplements", "closed_by", "closed_at"])


@transaction.atomic
def dossier_return(
    *, actor: Actor, dossier: Dossier, supplements: list[str], conclusion: str = ""
) -> Dossier:
    """Appraisal → supplement: the round closes returned, with what the commune must
    supply (one non-empty line each)."""
    dossier, role = _appraising(actor, dossier, _("trả hồ sơ để bổ sung"))
    lines = [line.strip() for line in supplements if line.strip()]
    if not lines:
        raise DomainError(_("Cần ghi ít nhất một nội dung xã phải bổ sung."))
    _round_close(
        _round_current(dossier),
        actor=actor,
        outcome=AppraisalRound.Outcome.RETURNED,
        conclusion=conclusion.strip(),
        supplements=lines,
    )
    return dossier_move(
        dossier,
        actor=actor,
        role=role,
        action="return",
        to_step=Step.SUPPLEMENT,
        note="\n".join(lines),
    )


@transaction.atomic
def dossier_resubmit(*, actor: Actor, dossier: Dossier, refreeze: bool) -> Dossier:
    """Supplement → appraisal, by the supplement's actor: the next round opens, on a
    snapshot frozen anew first when the commune revised its self-assessment."""
    dossier = dossier_lock(dossier)
    expect_step(dossier, [Step.SUPPLEMENT], _("trình lại hồ sơ"))
    role = step_actor(actor, dossier, Step.SUPPLEMENT)
    if refreeze:
        snapshot_take(actor=actor, dossier=dossier)
    appraisal_round_open(dossier)
    return dossier_move(dossier, actor=actor, role=role, action="resubmit", to_step=Step.APPRAISAL)


@transaction.atomic
def appraisal_conclude(
    *, actor: Actor, dossier: Dossier, recommend: bool, conclusion: str
) -> Dossier:
    """The round's conclusion: recognition recommended (every criterion of the
    snapshot has a finding) → decision; not recommended → the dossier closes."""
    dossier, role = _appraising(actor, dossier, _("kết luận thẩm định"))
    if not conclusion.strip():
        raise DomainError(_("Cần ghi kết luận thẩm định."))
    appraisal = _round_current(dossier)
    if recommend:
        found = set(appraisal.findings.values_list("criterion_code", flat=True))
        missing = [code for code in _snapshot_criteria(appraisal) if code not in found]
        if missing:
            raise DomainError(
                _("Chưa có ý kiến thẩm định cho tiêu chí: %(codes)s.")
                % {"codes": ", ".join(missing)}
            )
    _round_close(
        appraisal,
        actor=actor,
        outcome=(
            AppraisalRound.Outcome.RECOMMENDED
            if recommend
            else AppraisalRound.Outcome.NOT_RECOMMENDED
        ),
        conclusion=conclusion.strip(),
    )
    return dossier_move(
        dossier,
        actor=actor,
        role=role,
        action="conclude",
        to_step=Step.DECISION if recommend else Step.NOT_RECOGNISED,
        note=conclusion.strip(),
    )


def _decision_checked(
    *, number: str, signed_on: dt.date, signer: str, file: UploadedFile[Any], not_before: dt.date
) -> None:
    """A decision's number and signer given, its date neither in the future nor before
    `not_before`, and its file a PDF of at most 20 MB."""
    if not number.strip() or not signer.strip():
        raise DomainError(_("Cần ghi số quyết định và người ký."))
    if signed_on > today():
        raise DomainError(_("Ngày ký quyết định không được sau hôm nay."))
    if signed_on < not_before:
        raise DomainError(
            _("Ngày ký quyết định (%(signed)s) không được trước ngày %(day)s.")
            % {"signed": date_shown(signed_on), "day": date_shown(not_before)}
        )
    if PurePosixPath(file.name or "").suffix.lower() != ".pdf":
        raise DomainError(
            _("Quyết định “%(name)s” phải là tệp PDF đã ký.") % {"name": file.name or ""}
        )
    evidence_files_check([file])


def _decision_create(
    dossier: Dossier,
    *,
    actor: Actor,
    kind: str,
    number: str,
    signed_on: dt.date,
    signer: str,
    file: UploadedFile[Any],
    reason: str = "",
) -> Decision:
    # Hashed before it is stored: the store may move a large upload's temporary file.
    sha256 = file_sha256(file)
    decision = Decision.objects.create(
        dossier=dossier,
        kind=kind,
        number=number.strip(),
        signed_on=signed_on,
        signer=signer.strip(),
        reason=reason.strip(),
        file=file,
        name=PurePosixPath(file.name or "").name[:255],
        sha256=sha256,
        entered_by_id=actor.pk,
    )
    audit_record(
        actor=actor,
        instance=decision,
        action=AuditEntry.Action.CREATE,
        after={"kind": kind, "number": decision.number, "sha256": decision.sha256},
    )
    return decision


@transaction.atomic
def decision_record(
    *,
    actor: Actor,
    dossier: Dossier,
    number: str,
    signed_on: dt.date,
    signer: str,
    file: UploadedFile[Any],
) -> Decision:
    """Decision → recognised: the signed decision (a PDF, its hash kept), not dated
    before the appraisal's conclusion; the unit's recognition becomes a fact."""
    dossier = dossier_lock(dossier)
    expect_step(dossier, [Step.DECISION], _("ghi quyết định công nhận"))
    role = step_actor(actor, dossier, Step.DECISION)
    concluded = dossier.rounds.exclude(closed_at=None).order_by("-number").first()
    not_before = (
        dossier.step_started_on
        if concluded is None or concluded.closed_at is None
        else timezone.localdate(concluded.closed_at)
    )
    _decision_checked(
        number=number, signed_on=signed_on, signer=signer, file=file, not_before=not_before
    )
    decision = _decision_create(
        dossier,
        actor=actor,
        kind=Decision.Kind.RECOGNITION,
        number=number,
        signed_on=signed_on,
        signer=signer,
        file=file,
    )
    recognition_record(
        unit=dossier.unit,
        set_code=dossier.set_code,
        year=dossier.year,
        decision_number=decision.number,
        decision_date=signed_on,
        signer=decision.signer,
        actor=actor,
    )
    dossier_move(dossier, actor=actor, role=role, action="decide", to_step=Step.RECOGNISED)
    return decision


@transaction.atomic
def dossier_revoke(
    *,
    actor: Actor,
    dossier: Dossier,
    number: str,
    signed_on: dt.date,
    signer: str,
    reason: str,
    file: UploadedFile[Any],
) -> Decision:
    """Recognised → revoked, by the role the procedure names for revocation, with its
    own signed decision (not dated before the recognition's) and the reason."""
    dossier = dossier_lock(dossier)
    expect_step(dossier, [Step.RECOGNISED], _("thu hồi công nhận"))
    role = step_actor(actor, dossier, REVOCATION)
    if not reason.strip():
        raise DomainError(_("Cần ghi lý do thu hồi công nhận."))
    recognition = dossier.decisions.get(kind=Decision.Kind.RECOGNITION)
    _decision_checked(
        number=number,
        signed_on=signed_on,
        signer=signer,
        file=file,
        not_before=recognition.signed_on,
    )
    decision = _decision_create(
        dossier,
        actor=actor,
        kind=Decision.Kind.REVOCATION,
        number=number,
        signed_on=signed_on,
        signer=signer,
        file=file,
        reason=reason,
    )
    recognition_revoke(
        unit=dossier.unit,
        set_code=dossier.set_code,
        year=dossier.year,
        revoked_on=signed_on,
        revocation_number=decision.number,
        actor=actor,
    )
    dossier_move(
        dossier,
        actor=actor,
        role=role,
        action="revoke",
        to_step=Step.REVOKED,
        note=reason.strip(),
    )
    return decision
