"""The commune's dossier page: where the dossier stands in its procedure (the timeline),
who must act and by when, what is still missing before the step can be left, the frozen
self-assessment, the documents, the appraisal rounds and the decisions.

What is missing is read from the dossier's procedure version (`procedure.py`): the
step's required documents not yet uploaded, the residents' satisfaction against the
threshold (an unknown threshold said as such), comments without an answer, criteria
without an appraiser's finding in the open round, the supplements asked."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from langso.accounts.selectors import unit_label
from langso.core.actors import Actor
from langso.core.errors import DomainError, NotFound
from langso.criteria.evaluation.scoring import threshold_meets
from langso.criteria.evaluation.statuses import Status
from langso.criteria.selectors.recognitions import set_names

from ..models import (
    AppraisalRound,
    Comment,
    CriterionFinding,
    Decision,
    Document,
    Dossier,
    FieldVisit,
    Snapshot,
    Step,
    Transition,
)
from ..procedure import ProcedureSpec, SatisfactionSpec
from .acting import (
    Acting,
    SpecCache,
    acting_for,
    dossier_list_for_user,
    dossier_set_name,
    role_label,
    step_label,
)
from .dossiers import dossier_overdue, satisfaction_read

# The path a dossier takes when nothing goes back: the timeline shows the steps still to
# come along it. A supplement round is drawn where it happened.
MAIN_PATH: tuple[str, ...] = (
    Step.SELF_ASSESSMENT,
    Step.CONSULTATION,
    Step.SUBMISSION,
    Step.APPRAISAL,
    Step.DECISION,
    Step.RECOGNISED,
)
# An extra document the commune adds, outside the procedure's list.
OTHER_DOCUMENT = "khac"
SHORT_HASH = 12

COMPARATOR_SIGNS = {"gte": "≥", "gt": ">", "lte": "≤", "lt": "<", "eq": "="}


def dossier_get_for_user(*, user: Actor, pk: int) -> Dossier:
    """One dossier in `user`'s scope; outside it, NotFound as for one that does not
    exist, so that a refusal never reveals whether it does."""
    dossier = dossier_list_for_user(user=user).filter(pk=pk).first()
    if dossier is None:
        raise NotFound(_("Không tìm thấy hồ sơ này."))
    return dossier


def document_get_for_user(*, user: Actor, dossier_pk: int, pk: int) -> Document:
    """A document of a dossier in `user`'s scope (NotFound otherwise)."""
    dossier = dossier_get_for_user(user=user, pk=dossier_pk)
    document = Document.objects.filter(dossier=dossier, pk=pk).first()
    if document is None:
        raise NotFound(_("Không tìm thấy tài liệu này."))
    return document


def decision_get_for_user(*, user: Actor, dossier_pk: int, pk: int) -> Decision:
    """A decision of a dossier in `user`'s scope (NotFound otherwise)."""
    dossier = dossier_get_for_user(user=user, pk=dossier_pk)
    decision = Decision.objects.filter(dossier=dossier, pk=pk).first()
    if decision is None:
        raise NotFound(_("Không tìm thấy quyết định này."))
    return decision


def field_visit_get_for_user(*, user: Actor, dossier_pk: int, pk: int) -> FieldVisit:
    """A field visit's minutes of a dossier in `user`'s scope (NotFound otherwise)."""
    dossier = dossier_get_for_user(user=user, pk=dossier_pk)
    visit = FieldVisit.objects.filter(round__dossier=dossier, pk=pk).first()
    if visit is None:
        raise NotFound(_("Không tìm thấy biên bản kiểm tra này."))
    return visit


# --- The timeline -----------------------------------------------------------------------

DONE, CURRENT, TO_COME = "done", "current", "to_come"


@dataclass
class TimelineEntry:
    step: str
    label: str
    state: str
    started_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None
    # Who moved the dossier out of the step, in what role, with what note.
    by: str = ""
    role: str = ""
    note: str = ""


def timeline(dossier: Dossier, transitions: list[Transition]) -> list[TimelineEntry]:
    """The steps the dossier went through, in order (a supplement round where it came),
    each done with its date and who moved it on; the current one; then the steps still
    to come on the procedure's main path."""
    first = TimelineEntry(
        step=dossier.step if not transitions else transitions[0].from_step or Step.SELF_ASSESSMENT,
        label="",
        state=CURRENT,
        started_at=dossier.opened_at,
    )
    entries = [first]
    for move in transitions:
        current = entries[-1]
        if not move.from_step and len(entries) == 1:
            # The opening move: the first step began then.
            current.step, current.started_at = move.to_step, move.at
            continue
        current.state, current.ended_at = DONE, move.at
        current.by, current.role, current.note = str(move.actor), role_label(move.role), move.note
        entries.append(
            TimelineEntry(step=move.to_step, label="", state=CURRENT, started_at=move.at)
        )
    # Steps the dossier passed with no move recorded (rows written before the timeline
    # was kept, or by hand): done, without a date.
    reached = Step.APPRAISAL if entries[0].step == Step.SUPPLEMENT else entries[0].step
    if reached in MAIN_PATH:
        passed = MAIN_PATH[: MAIN_PATH.index(reached)]
        entries = [TimelineEntry(step=s, label="", state=DONE) for s in passed] + entries
    last = entries[-1]
    if last.state == CURRENT and not transitions:
        last.started_at = None
    if not dossier.is_open:
        last.state = DONE
    else:
        back_to = Step.APPRAISAL if last.step == Step.SUPPLEMENT else last.step
        position = MAIN_PATH.index(back_to) if back_to in MAIN_PATH else len(MAIN_PATH)
        start = position + 1 if last.step != Step.SUPPLEMENT else position
        entries += [TimelineEntry(step=s, label="", state=TO_COME) for s in MAIN_PATH[start:]]
    for entry in entries:
        entry.label = step_label(entry.step)
    return entries


# --- What is missing next ---------------------------------------------------------------


@dataclass(frozen=True)
class Satisfaction:
    """The residents' satisfaction for the dossier's unit and year against the
    procedure's threshold for the set; `threshold` None: not known yet."""

    value: Decimal | None
    threshold: Decimal | None
    comparator: str
    known: bool = True

    @property
    def sign(self) -> str:
        return COMPARATOR_SIGNS.get(self.comparator, "≥")

    @property
    def met(self) -> bool:
        if self.value is None or self.threshold is None:
            return False
        return threshold_meets(self.comparator, self.value, self.threshold)

    @property
    def text(self) -> str:
        if self.threshold is None:
            return _(
                "Tỉnh chưa nhập ngưỡng tỷ lệ người dân hài lòng cho bộ tiêu chí này: "
                "chưa thể trình hồ sơ cho đến khi tỉnh nhập."
            )
        figures = {
            "value": _percent(self.value),
            "sign": self.sign,
            "threshold": _percent(self.threshold),
        }
        if self.value is None:
            return (
                _(
                    "Chưa có kết quả lấy ý kiến sự hài lòng của người dân "
                    "(cần %(sign)s %(threshold)s%%)."
                )
                % figures
            )
        if self.met:
            return (
                _("Tỷ lệ người dân hài lòng %(value)s%%, đạt ngưỡng %(sign)s %(threshold)s%%.")
                % figures
            )
        return (
            _("Tỷ lệ người dân hài lòng %(value)s%%, chưa đạt ngưỡng %(sign)s %(threshold)s%%.")
            % figures
        )


def _percent(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = f"{value.quantize(Decimal('0.1')):f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def satisfaction_shown(dossier: Dossier, spec: ProcedureSpec) -> Satisfaction | None:
    """The live satisfaction figure of the dossier's unit for its year (the submission
    reads it again), against the procedure's threshold; None where the procedure
    names no satisfaction for the set. A figure that cannot be read (its indicator not
    defined here) is shown as missing rather than failing the page."""
    wanted: SatisfactionSpec | None = spec.satisfaction.get(dossier.set_code)
    if wanted is None:
        return None
    try:
        live = satisfaction_read(dossier)
    except DomainError:
        live = None
    value = Decimal(live["value"]) if live and live["value"] is not None else None
    return Satisfaction(value=value, threshold=wanted.threshold, comparator=wanted.comparator)


def _document_names(spec: ProcedureSpec) -> dict[str, str]:
    names = {OTHER_DOCUMENT: _("Tài liệu khác")}
    for step in spec.steps.values():
        for document in step.documents:
            names.setdefault(document.code, document.name_vi)
    return names


def _criteria(snapshot: Snapshot | None) -> list[dict[str, Any]]:
    if snapshot is None:
        return []
    return [c for c in snapshot.content.get("criteria") or [] if isinstance(c, dict)]


def missing_next(
    *,
    dossier: Dossier,
    spec: ProcedureSpec,
    snapshot: Snapshot | None,
    documents: list[Document],
    comments: list[Comment],
    rounds: list[AppraisalRound],
    satisfaction: Satisfaction | None,
    today: dt.date,
) -> list[str]:
    """What the dossier still lacks before its current step can be left, as sentences."""
    if not dossier.is_open:
        return []
    missing: list[str] = []
    step = dossier.step
    if step == Step.SELF_ASSESSMENT and snapshot is None:
        missing.append(_("Chưa chốt kết quả tự đánh giá."))
    uploaded = {d.kind for d in documents if d.replaced_by_id is None}
    missing += [
        _("Chưa tải lên: %(name)s.") % {"name": document.name_vi}
        for document in spec.uploads_due(step)
        if document.code not in uploaded
    ]
    if step == Step.CONSULTATION and dossier.step_due_on and today <= dossier.step_due_on:
        missing.append(
            _("Đang lấy ý kiến người dân đến hết ngày %(day)s.")
            % {"day": dossier.step_due_on.strftime("%d/%m/%Y")}
        )
    if step in (Step.CONSULTATION, Step.SUBMISSION):
        unanswered = sum(1 for c in comments if not c.hidden_reason and not c.answer.strip())
        if unanswered:
            missing.append(
                ngettext(
                    "%(count)d ý kiến của người dân chưa được trả lời.",
                    "%(count)d ý kiến của người dân chưa được trả lời.",
                    unanswered,
                )
                % {"count": unanswered}
            )
        if satisfaction is None:
            missing.append(
                _("Quy trình chưa quy định mức hài lòng của người dân cho bộ tiêu chí này.")
            )
        elif not satisfaction.met:
            missing.append(satisfaction.text)
    open_round = next((r for r in reversed(rounds) if not r.outcome), None)
    if step == Step.APPRAISAL and open_round is not None:
        found = {f.criterion_code for f in open_round.findings.all()}
        pending = [c for c in _criteria(open_round.snapshot) if str(c.get("code")) not in found]
        if pending:
            names = ", ".join(f"{c.get('code')}. {c.get('name_vi', '')}" for c in pending)
            missing.append(
                ngettext(
                    "%(count)d tiêu chí chưa có ý kiến thẩm định: %(names)s.",
                    "%(count)d tiêu chí chưa có ý kiến thẩm định: %(names)s.",
                    len(pending),
                )
                % {"count": len(pending), "names": names}
            )
    if step == Step.SUPPLEMENT:
        returned = next((r for r in reversed(rounds) if r.outcome == r.Outcome.RETURNED), None)
        missing += [
            _("Cần bổ sung: %(item)s") % {"item": line}
            for line in (returned.supplements if returned else [])
        ]
    if step == Step.DECISION and not any(
        d.kind == Decision.Kind.RECOGNITION for d in dossier.decisions.all()
    ):
        missing.append(_("Chưa có quyết định công nhận."))
    return missing


# --- The page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionLine:
    code: str
    name: str
    status_label: str
    passed: bool


@dataclass(frozen=True)
class SnapshotSummary:
    snapshot: Snapshot
    passed: int
    total: int
    criteria: list[CriterionLine]

    @property
    def short_hash(self) -> str:
        return self.snapshot.sha256[:SHORT_HASH]

    @property
    def verify_url(self) -> str:
        return reverse("recognition:verify", args=[self.snapshot.sha256])


def _status_label(status: object) -> str:
    return str(Status(status).label) if status in Status.values else ""


def snapshot_summary(snapshot: Snapshot | None) -> SnapshotSummary | None:
    if snapshot is None:
        return None
    lines = [
        CriterionLine(
            code=str(c.get("code", "")),
            name=str(c.get("name_vi", "")),
            status_label=_status_label(c.get("status")),
            passed=c.get("status") == Status.PASS,
        )
        for c in _criteria(snapshot)
    ]
    content = snapshot.content
    return SnapshotSummary(
        snapshot=snapshot,
        passed=int(content.get("passed", sum(line.passed for line in lines))),
        total=int(content.get("total", len(lines))),
        criteria=lines,
    )


@dataclass(frozen=True)
class DocumentLine:
    document: Document
    kind_label: str
    current: bool


@dataclass(frozen=True)
class FindingLine:
    code: str
    name: str
    commune_status: str
    agrees: bool | None
    note: str
    by: str

    @property
    def agrees_label(self) -> str:
        if self.agrees is None:
            return _("Chưa có ý kiến")
        return _("Nhất trí") if self.agrees else _("Không nhất trí")


@dataclass(frozen=True)
class RoundView:
    round: AppraisalRound
    outcome_label: str
    findings: list[FindingLine]
    visits: list[FieldVisit]


def _round_view(appraisal: AppraisalRound) -> RoundView:
    findings: dict[str, CriterionFinding] = {f.criterion_code: f for f in appraisal.findings.all()}
    lines = []
    for criterion in _criteria(appraisal.snapshot):
        code = str(criterion.get("code", ""))
        finding = findings.pop(code, None)
        lines.append(
            FindingLine(
                code=code,
                name=str(criterion.get("name_vi", "")),
                commune_status=_status_label(criterion.get("status")),
                agrees=finding.agrees if finding else None,
                note=finding.note if finding else "",
                by=str(finding.entered_by) if finding else "",
            )
        )
    return RoundView(
        round=appraisal,
        outcome_label=appraisal.get_outcome_display() if appraisal.outcome else _("Đang thẩm định"),
        findings=lines,
        visits=list(appraisal.visits.all()),
    )


@dataclass(frozen=True)
class DossierPage:
    dossier: Dossier
    unit_label: str
    set_name: str
    step_label: str
    timeline: list[TimelineEntry]
    acting: Acting
    due_on: dt.date | None
    overdue: int
    missing: list[str]
    satisfaction: Satisfaction | None
    snapshot: SnapshotSummary | None
    documents: list[DocumentLine]
    rounds: list[RoundView]
    decisions: list[Decision]
    comments: int
    unanswered: int
    links: dict[str, str] = field(default_factory=dict)


def dossier_page(*, user: Actor, pk: int, today: dt.date | None = None) -> DossierPage:
    """Everything the dossier page shows, for a reader with the dossier in scope."""
    today = today or timezone.localdate()
    dossier = dossier_get_for_user(user=user, pk=pk)
    specs = SpecCache()
    spec = specs.of(dossier.procedure)
    transitions = list(dossier.transitions.select_related("actor").order_by("at", "pk"))
    snapshot = dossier.snapshots.select_related("taken_by").order_by("-number").first()
    documents = list(
        dossier.documents.select_related("uploaded_by").order_by("kind", "uploaded_at", "pk")
    )
    comments = list(dossier.comments.all())
    rounds = list(
        dossier.rounds.select_related("snapshot")
        .prefetch_related("findings__entered_by", "visits")
        .order_by("number")
    )
    decisions = list(dossier.decisions.select_related("entered_by").order_by("signed_on", "pk"))
    satisfaction = (
        satisfaction_shown(dossier, spec)
        if dossier.step in (Step.CONSULTATION, Step.SUBMISSION)
        else None
    )
    names = _document_names(spec)
    links = {"comments": reverse("recognition:dossier-comments", args=[dossier.pk])}
    if snapshot is not None:
        links["report"] = reverse("recognition:self-assessment-report", args=[dossier.pk])
        if dossier.step != Step.SELF_ASSESSMENT:
            links["consultation"] = reverse("recognition:consultation", args=[dossier.pk])
    visible = [c for c in comments if not c.hidden_reason]
    return DossierPage(
        dossier=dossier,
        unit_label=unit_label(dossier.unit),
        set_name=dossier_set_name(dossier, set_names(codes=[dossier.set_code])),
        step_label=step_label(dossier.step),
        timeline=timeline(dossier, transitions),
        acting=acting_for([dossier], specs=specs)[dossier.pk],
        due_on=dossier.step_due_on if dossier.is_open else None,
        overdue=dossier_overdue(dossier, today=today),
        missing=missing_next(
            dossier=dossier,
            spec=spec,
            snapshot=snapshot,
            documents=documents,
            comments=comments,
            rounds=rounds,
            satisfaction=satisfaction,
            today=today,
        ),
        satisfaction=satisfaction,
        snapshot=snapshot_summary(snapshot),
        documents=[
            DocumentLine(
                document=d,
                kind_label=names.get(d.kind, names[OTHER_DOCUMENT]),
                current=d.replaced_by_id is None,
            )
            for d in documents
        ],
        rounds=[_round_view(r) for r in rounds],
        decisions=decisions,
        comments=len(visible),
        unanswered=sum(1 for c in visible if not c.answer.strip()),
        links=links,
    )
