"""The dossier's documents as PDF: the self-assessment report (báo cáo kết quả tự đánh
giá, which 18/2022/QĐ-TTg has the commune publish and submit) and the province's
appraisal report (báo cáo thẩm định).

Both are printed from the snapshot's frozen content and the round's own rows, never
from live data, so that a report printed today reads as the day it was frozen. Every
page carries a QR code of the public verification page of that snapshot."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from langso.core.pdf import pdf_from_html, verification_mark
from langso.criteria.evaluation.statuses import Status
from langso.criteria.models import Comparator, Verdict
from langso.places.models import CommuneGroup, Region

from .models import AppraisalRound, Snapshot

# The reports' tables: the scorecard's columns (code, name, value, threshold, status)
# and the appraisal's (code, name, the commune's result, the finding, the note).
REPORT_CSS = """
table.scorecard .code { width: 7%; }
table.scorecard .value { width: 22%; }
table.scorecard .threshold { width: 13%; }
table.scorecard .status { width: 14%; }
table.findings .code { width: 7%; }
table.findings .status { width: 15%; }
table.findings .finding { width: 17%; }
tr.criterion td { font-weight: bold; background: #f4f4f4; }
"""
_PERCENT = "percent"
_UNKNOWN = "unknown"


def verification_url(sha256: str) -> str:
    """The public page that shows the snapshot with this hash, as an absolute URL (the
    QR is read by a phone, off this site)."""
    path = reverse("recognition:verify", kwargs={"sha256": sha256})
    return str(settings.SITE_URL).rstrip("/") + path


# --- The snapshot as a report shows it -------------------------------------------------


@dataclass(frozen=True)
class ReportAssessment:
    verdict: str
    note: str
    entered_by: str
    evidence: list[str]


@dataclass(frozen=True)
class ReportLine:
    """An indicator (or a set-level condition) of the snapshot, in words."""

    code: str
    name: str
    status: str
    status_label: str
    value: str
    threshold: str
    assessment: ReportAssessment | None


@dataclass(frozen=True)
class ReportCriterion:
    code: str
    name: str
    status: str
    status_label: str
    lines: list[ReportLine]


@dataclass(frozen=True)
class ReportSatisfaction:
    value: str
    threshold: str
    status_label: str


@dataclass(frozen=True)
class SnapshotReport:
    """What the reports and the verification page print of a snapshot's content."""

    number: int
    unit_name: str
    unit_label: str
    # The people's committee that issues the commune's report, in capitals.
    issuer: str
    # The province's committee, which appraises (since the 2025 reform).
    province_issuer: str
    set_name: str
    legal_basis: str
    set_province: str
    year: int
    where: str
    threshold_reason: str
    status_label: str
    passed: int
    total: int
    criteria: list[ReportCriterion]
    conditions: list[ReportLine]
    satisfaction: ReportSatisfaction | None
    taken_at: dt.datetime | None
    taken_by: str
    sha256: str

    @property
    def summary(self) -> str:
        return _("Đạt %(passed)s/%(total)s tiêu chí") % {
            "passed": self.passed,
            "total": self.total,
        }


def _decimal(raw: Any) -> Decimal | None:
    if raw is None or raw == "":
        return None
    try:
        return Decimal(str(raw))
    except InvalidOperation:
        return None


def _status_label(status: str) -> str:
    if status in Status.values:
        return str(Status(status).label)
    return _("Chưa rõ")


def _figure(value: Decimal, *, percent: bool) -> str:
    return f"{floatformat(value, 1)} %" if percent else str(floatformat(value, "-2"))


def _value(item: dict[str, Any]) -> str:
    """The indicator's value as the scorecard shows it (shares with %, the officer's
    verdict for an assessed one)."""
    if item.get("kind") == "assessed":
        assessment = item.get("assessment")
        if not assessment:
            return _("chưa đánh giá")
        return _verdict_label(assessment.get("verdict", ""))
    value = _decimal(item.get("value"))
    if value is None:
        return _("không có dữ liệu")
    percent = item.get("definition_unit") == _PERCENT
    if item.get("comparator") == Comparator.PRESENT:
        if value >= 100:
            return _("có")
        if value == 0:
            return _("không")
        return _figure(value, percent=True)
    shown = _figure(value, percent=percent)
    numerator, denominator = _decimal(item.get("numerator")), _decimal(item.get("denominator"))
    if numerator is not None and denominator:
        shown += f" ({floatformat(numerator, '-2')}/{floatformat(denominator, '-2')})"
    return shown


def _threshold(item: dict[str, Any]) -> str:
    comparator = item.get("comparator") or ""
    if item.get("kind") == "assessed":
        return _("cán bộ đánh giá")
    if item.get("threshold_unknown"):
        return _("chưa có ngưỡng — tỉnh cần nhập")
    threshold = _decimal(item.get("threshold"))
    if threshold is None:
        return "—"
    if comparator == Comparator.PRESENT:
        return _("có")
    symbol = str(Comparator(comparator).label) if comparator in Comparator.values else ""
    # As the set writes it: "≥ 80 %", not "≥ 80,0 %".
    unit = " %" if item.get("definition_unit") == _PERCENT else ""
    return f"{symbol} {floatformat(threshold, '-2')}{unit}".strip()


def _verdict_label(verdict: str) -> str:
    return str(Verdict(verdict).label) if verdict in Verdict.values else _("Chưa rõ")


def _line(item: dict[str, Any]) -> ReportLine:
    raw = item.get("assessment")
    assessment = (
        ReportAssessment(
            verdict=_verdict_label(raw.get("verdict", "")),
            note=raw.get("note", ""),
            entered_by=raw.get("entered_by", ""),
            evidence=[e.get("name", "") for e in raw.get("evidence", [])],
        )
        if raw
        else None
    )
    status = item.get("status", "")
    return ReportLine(
        code=item.get("code", ""),
        name=item.get("name_vi", ""),
        status=status,
        status_label=_status_label(status),
        value=_value(item),
        threshold=_threshold(item),
        assessment=assessment,
    )


def _where(key: str) -> str:
    """The region or commune group whose thresholds were used, by name (never its code)."""
    if key in Region.values:
        return str(Region(key).label)
    if key in CommuneGroup.values:
        return str(CommuneGroup(key).label)
    return ""


def _satisfaction(raw: dict[str, Any] | None) -> ReportSatisfaction | None:
    if not raw:
        return None
    value = _decimal(raw.get("value"))
    item = {**raw, "kind": "computed", "definition_unit": _PERCENT, "name_vi": ""}
    return ReportSatisfaction(
        value=_figure(value, percent=True) if value is not None else _("chưa có kết quả"),
        threshold=_threshold(item),
        status_label=_status_label(raw.get("status", _UNKNOWN)),
    )


def _taken_at(raw: Any) -> dt.datetime | None:
    try:
        return timezone.localtime(dt.datetime.fromisoformat(str(raw)))
    except ValueError:
        return None


def _issuer(name: str) -> str:
    return _("Ủy ban nhân dân %(unit)s") % {"unit": name}


def snapshot_report(snapshot: Snapshot) -> SnapshotReport:
    """The snapshot's content in words, as the reports and the verification page show it."""
    content = snapshot.content
    unit = content.get("unit", {})
    criteria_set = content.get("set", {})
    label_parts = [p.strip() for p in unit.get("label", "").split(",") if p.strip()]
    # A village's report is issued by its commune; the province is the label's last name.
    commune = label_parts[1] if unit.get("level") == "village" and len(label_parts) > 1 else ""
    province = label_parts[-1] if len(label_parts) > 1 else ""
    return SnapshotReport(
        number=snapshot.number,
        unit_name=unit.get("name", ""),
        unit_label=unit.get("label", "") or unit.get("name", ""),
        issuer=_issuer(commune or unit.get("name", "")).upper(),
        province_issuer=_issuer(province).upper() if province else "",
        set_name=criteria_set.get("name_vi", ""),
        legal_basis=criteria_set.get("legal_basis", ""),
        set_province=criteria_set.get("province") or "",
        year=int(content.get("year", 0)),
        where=_where(content.get("threshold_key", "")),
        threshold_reason=content.get("threshold_reason", ""),
        status_label=_status_label(content.get("status", "")),
        passed=int(content.get("passed", 0)),
        total=int(content.get("total", 0)),
        criteria=[
            ReportCriterion(
                code=c.get("code", ""),
                name=c.get("name_vi", ""),
                status=c.get("status", ""),
                status_label=_status_label(c.get("status", "")),
                lines=[_line(i) for i in c.get("indicators", [])],
            )
            for c in content.get("criteria", [])
        ],
        conditions=[_line(i) for i in content.get("conditions", [])],
        satisfaction=_satisfaction(content.get("satisfaction")),
        taken_at=_taken_at(content.get("taken_at", "")),
        taken_by=content.get("taken_by", ""),
        sha256=snapshot.sha256,
    )


# --- The PDF documents ----------------------------------------------------------------


# The reports are documents of Vietnamese administration, filed with the dossier: they
# are written in Vietnamese whatever language the reader chose for the pages.
REPORT_LANGUAGE = "vi"


def self_assessment_report_pdf(snapshot: Snapshot, *, verify_url: str) -> bytes:
    """The report of the commune's self-assessment frozen in `snapshot`, with the QR of
    `verify_url` on every page."""
    with translation.override(REPORT_LANGUAGE):
        html = render_to_string(
            "recognition/pdf/self_assessment.html",
            {"report": snapshot_report(snapshot), "mark": verification_mark(verify_url)},
        )
    return pdf_from_html(html, stylesheet=REPORT_CSS)


@dataclass(frozen=True)
class AppraisedCriterion:
    """A criterion as the commune found it and as the appraisers did."""

    code: str
    name: str
    commune_status: str
    finding: str
    note: str


def appraisal_report_pdf(round: AppraisalRound, *, verify_url: str) -> bytes:
    """The report of one appraisal round: per criterion the commune's result (from the
    round's snapshot) against the appraisers' finding, the field visits, the
    supplements asked and the conclusion; the QR of `verify_url` on every page."""
    with translation.override(REPORT_LANGUAGE):
        return _appraisal_report_pdf(round, verify_url=verify_url)


def _appraisal_report_pdf(round: AppraisalRound, *, verify_url: str) -> bytes:
    report = snapshot_report(round.snapshot)
    findings = {f.criterion_code: f for f in round.findings.all()}
    criteria = []
    for criterion in report.criteria:
        finding = findings.get(criterion.code)
        criteria.append(
            AppraisedCriterion(
                code=criterion.code,
                name=criterion.name,
                commune_status=criterion.status_label,
                finding=(
                    _("Chưa ghi nhận")
                    if finding is None
                    else _("Nhất trí")
                    if finding.agrees
                    else _("Không nhất trí")
                ),
                note=finding.note if finding is not None else "",
            )
        )
    html = render_to_string(
        "recognition/pdf/appraisal.html",
        {
            "report": report,
            "round": round,
            "criteria": criteria,
            "agreed": sum(1 for f in findings.values() if f.agrees),
            "visits": sorted(round.visits.all(), key=lambda v: (v.visited_on, v.pk)),
            "outcome": round.get_outcome_display() if round.outcome else "",
            "mark": verification_mark(verify_url),
        },
    )
    return pdf_from_html(html, stylesheet=REPORT_CSS)
