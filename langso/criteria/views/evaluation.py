"""The evaluation pages: a commune's scorecard against a criteria set, the province's
matrix of communes × criteria, and a village's smart-village checklist for a cheap
phone; the scorecard and the matrix also as CSV and XLSX."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from langso.accounts.roles import Permission
from langso.accounts.selectors import unit_get_for_user, unit_in_scope, user_has_unit_permission
from langso.core import exports
from langso.core.errors import DomainError
from langso.places.models import AdminUnit, CommuneGroup, Level, Region

from ..catalogue import ALL_UNITS
from ..evaluation.engine import evaluate
from ..evaluation.matrix import Matrix
from ..evaluation.matrix import province_matrix as evaluate_province_matrix
from ..evaluation.results import CriterionResult, Evaluation, IndicatorResult
from ..evaluation.statuses import Status
from ..evaluation.units import is_subject, not_a_subject_reason
from ..models import (
    Assessment,
    AssessmentEvidence,
    Comparator,
    CompositeMeasure,
    IndicatorMethod,
    VariesBy,
)
from ..selectors.assessments import assessments_for
from ..selectors.recognitions import recognitions_of
from ..selectors.sets import (
    SetChoice,
    criteria_set_choose,
    criteria_set_sheet_title,
    indicator_source_names,
)

VILLAGE_SET = "thon_thong_minh"
MISSING_ONE = "missing-one"
YEARS = (2000, 2100)
# By the plain status strings results carry (an enum member does not hash as its value).
_SYMBOLS = {
    Status.PASS.value: "✓",
    Status.FAIL.value: "✗",
    Status.MISSING.value: "?",
    Status.NO_THRESHOLD.value: "!",
}
_LABELS = {status.value: status.label for status in Status}


# --- Input ----------------------------------------------------------------------------


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "").strip()
    if not raw:
        return timezone.localdate().year
    if not raw.isdigit() or not YEARS[0] <= int(raw) <= YEARS[1]:
        raise Http404(_("Năm không hợp lệ."))
    return int(raw)


def _format(request: HttpRequest) -> str:
    kind = request.GET.get("format", "")
    if kind not in ("", "csv", "xlsx"):
        raise Http404(_("Định dạng không hỗ trợ."))
    return kind


def _query(**params: Any) -> str:
    return urlencode({k: v for k, v in params.items() if v not in ("", None)})


def _opens(request: HttpRequest, unit: AdminUnit | None) -> bool:
    """Whether the evaluation page of `unit` (a breadcrumb's target) opens for this user:
    a commune officer's scorecard names its province, whose matrix is not theirs, and a
    breadcrumb to it would be a dead link (issue 15); the unit's public page stands in."""
    return unit is not None and unit_in_scope(
        user=request.user, unit=unit, permission=Permission.VIEW_SCOPED
    )


# --- What the pages show --------------------------------------------------------------


@dataclass(frozen=True)
class Badge:
    status: str

    @property
    def label(self) -> str:
        return str(_LABELS[self.status])

    @property
    def symbol(self) -> str:
        return _SYMBOLS.get(self.status, "?")


@dataclass(frozen=True)
class Line:
    """An indicator (or a set-level condition) as the pages show it."""

    result: IndicatorResult
    badge: Badge
    # The officer's finding (assessed indicators), and its evidence files.
    assessment: Assessment | None
    evidence: list[AssessmentEvidence]
    # No threshold: unknown (the province must enter it), or why none could be chosen.
    threshold_unknown: bool
    threshold_note: str
    # The name of the indicator or set the line is read from (never its code).
    source_name: str = ""

    @property
    def present(self) -> bool:
        return self.result.indicator.comparator == Comparator.PRESENT

    @property
    def upper_bound(self) -> bool:
        return self.result.indicator.comparator in (Comparator.LTE, Comparator.LT)

    @property
    def percent(self) -> bool:
        """Whether the figure and its threshold are shares, shown with %."""
        indicator = self.result.indicator
        if indicator.kind == IndicatorMethod.COMPOSITE:
            return indicator.measure == CompositeMeasure.PERCENT
        return not self.present and self.result.definition_unit == "percent"


@dataclass(frozen=True)
class Group:
    result: CriterionResult
    badge: Badge
    lines: list[Line]


def _threshold_note(evaluation: Evaluation, result: IndicatorResult) -> tuple[bool, str]:
    """Whether the threshold is unknown (the province must enter it), or else why no
    threshold could be chosen (the commune not yet classified)."""
    if result.unclassified:
        return False, evaluation.threshold_reason
    return result.threshold_unknown, ""


def _line(
    evaluation: Evaluation,
    result: IndicatorResult,
    assessments: dict[str, Assessment],
    names: dict[str, str],
) -> Line:
    unknown, note = _threshold_note(evaluation, result)
    # The evaluation's assessment names its officer; this one holds the evidence.
    found = assessments.get(result.indicator.code) if result.assessment else None
    return Line(
        result=result,
        badge=Badge(result.status),
        assessment=result.assessment,
        evidence=list(found.evidence.all()) if found is not None else [],
        threshold_unknown=unknown,
        threshold_note=note,
        source_name=names.get(result.indicator.code, ""),
    )


def _groups(
    evaluation: Evaluation, assessments: dict[str, Assessment], names: dict[str, str]
) -> list[Group]:
    return [
        Group(
            result=criterion,
            badge=Badge(criterion.status),
            lines=[_line(evaluation, r, assessments, names) for r in criterion.indicators],
        )
        for criterion in evaluation.criteria
    ]


def _where(evaluation: Evaluation) -> str:
    """The region or commune group whose thresholds were used."""
    return _key_label(evaluation.criteria_set.varies_by, evaluation.threshold_key)


def _key_label(varies_by: str, key: str) -> str:
    """The name of a threshold key: a region's or a commune group's, never its code."""
    if not key or key == ALL_UNITS:
        return ""
    if varies_by == VariesBy.REGION and key in Region.values:
        return str(Region(key).label)
    if varies_by == VariesBy.COMMUNE_GROUP and key in CommuneGroup.values:
        return str(CommuneGroup(key).label)
    return key


def _evaluation_context(request: HttpRequest, evaluation: Evaluation) -> dict[str, Any]:
    unit = evaluation.unit
    assessments = dict(
        assessments_for(set_code=evaluation.criteria_set.code, unit=unit, year=evaluation.year)
    )
    names = indicator_source_names(
        [r.indicator for c in evaluation.criteria for r in c.indicators]
        + [r.indicator for r in evaluation.conditions]
    )
    may_assess = unit.valid_to is None and user_has_unit_permission(
        user=request.user, permission=Permission.ASSESS_CRITERIA, unit=unit
    )
    return {
        "evaluation": evaluation,
        "badge": Badge(evaluation.status),
        "groups": _groups(evaluation, assessments, names),
        "conditions": [_line(evaluation, r, assessments, names) for r in evaluation.conditions],
        "short": [
            Group(
                result=c,
                badge=Badge(c.status),
                lines=[
                    _line(evaluation, r, assessments, names)
                    for r in c.indicators
                    if r.status != Status.PASS
                ],
            )
            for c in evaluation.short
        ],
        "where": _where(evaluation),
        "may_assess": may_assess,
    }


# --- Exports --------------------------------------------------------------------------


def _plain(value: Decimal | int | None) -> Decimal | int | None:
    """A figure as exported: at most 2 decimals, no trailing zeros."""
    if value is None or isinstance(value, int):
        return value
    rounded = value.quantize(Decimal("0.01")).normalize()
    return rounded.quantize(Decimal(1)) if rounded == rounded.to_integral_value() else rounded


def _table_response(
    kind: str,
    stem: str,
    title: str,
    header: Sequence[str],
    rows: Sequence[Sequence[exports.Value]],
) -> HttpResponse:
    """A small table as CSV or as one XLSX sheet (figures as numbers, codes as text)."""
    if kind == "csv":
        return exports.csv_response(f"{stem}.csv", header, rows)
    return exports.xlsx_response(
        f"{stem}.xlsx", exports.Sheet(title=title, header=header, rows=rows)
    )


def _scorecard_export(kind: str, evaluation: Evaluation) -> HttpResponse:
    unit, criteria_set = evaluation.unit, evaluation.criteria_set
    header = [
        _("Mã đơn vị"),
        _("Tên đơn vị"),
        _("Mã bộ tiêu chí"),
        _("Phiên bản bộ"),
        _("Năm"),
        _("Tiêu chí"),
        _("Mã chỉ tiêu"),
        _("Tên chỉ tiêu"),
        _("Giá trị"),
        _("Tử số"),
        _("Mẫu số"),
        _("So sánh"),
        _("Ngưỡng"),
        _("Ngưỡng theo"),
        _("Kết quả"),
        _("Còn thiếu"),
        _("Số đơn vị còn thiếu"),
        _("Phiên bản định nghĩa chỉ số"),
    ]
    rows: list[list[exports.Value]] = []
    for criterion, result in [
        (c.criterion.code, r) for c in evaluation.criteria for r in c.indicators
    ] + [("", r) for r in evaluation.conditions]:
        indicator = result.indicator
        rows.append(
            [
                unit.code,
                unit.name,
                criteria_set.code,
                criteria_set.version,
                evaluation.year,
                criterion,
                indicator.code,
                indicator.name_vi,
                _plain(result.value),
                _plain(result.numerator),
                _plain(result.denominator),
                str(indicator.get_comparator_display()) if indicator.comparator else "",
                _plain(result.threshold),
                _key_label(criteria_set.varies_by, result.threshold_key),
                str(Status(result.status).label),
                _plain(result.gap),
                result.gap_units,
                result.definition_version,
            ]
        )
    stem = f"tieu-chi-{unit.code}-{criteria_set.code}-{evaluation.year}"
    return _table_response(kind, stem, criteria_set_sheet_title(criteria_set), header, rows)


def _matrix_export(kind: str, matrix: Matrix, rows: Sequence[Evaluation]) -> HttpResponse:
    criteria_set = matrix.criteria_set
    header = [
        _("Mã xã"),
        _("Tên xã"),
        *[
            _("Tiêu chí %(code)s. %(name)s") % {"code": c.code, "name": c.name_vi}
            for c in matrix.criteria
        ],
        _("Số tiêu chí đạt"),
        _("Tổng số tiêu chí"),
        _("Kết quả"),
    ]
    table: list[list[exports.Value]] = [
        [
            row.unit.code,
            row.unit.name,
            *[str(Status(c.status).label) for c in row.criteria],
            row.passed,
            row.total,
            str(Status(row.status).label),
        ]
        for row in rows
    ]
    stem = f"ma-tran-{matrix.province.code}-{criteria_set.code}-{matrix.year}"
    return _table_response(kind, stem, criteria_set_sheet_title(criteria_set), header, table)


# --- Pages ----------------------------------------------------------------------------


@login_required
@require_GET
def scorecard(request: HttpRequest, code: str) -> HttpResponse:
    """A commune (or any unit below a province) against a set for a year: what it
    meets, what it still lacks and by how much, with the figures' provenance;
    `?format=csv|xlsx` gives one row per indicator."""
    unit = unit_get_for_user(user=request.user, code=code)
    year = _year(request)
    kind = _format(request)
    if unit.level == Level.VILLAGE:
        return redirect(f"{reverse('criteria:village', args=[unit.code])}?{_query(year=year)}")
    if unit.level == Level.PROVINCE:
        query = _query(set=request.GET.get("set", ""), year=year)
        return redirect(f"{reverse('criteria:matrix', args=[unit.code])}?{query}")
    choice = (
        criteria_set_choose(
            province=unit.province,
            level=unit.level,
            year=year,
            code=request.GET.get("set", "").strip(),
        )
        if is_subject(unit)
        else SetChoice(sets=[], chosen=None, problem=not_a_subject_reason(unit))
    )
    chosen, problem = choice.chosen, choice.problem
    evaluation = None
    if chosen is not None:
        try:
            evaluation = evaluate(code=chosen.code, units=[unit], year=year)[0]
        except DomainError as exc:
            problem = exc.message
    if kind:
        if evaluation is None:
            raise Http404(problem)
        return _scorecard_export(kind, evaluation)
    context: dict[str, Any] = {
        "unit": unit,
        "year": year,
        "sets": choice.sets,
        "chosen": chosen,
        "choice": choice,
        "problem": problem,
        "may_classify": unit.level == Level.COMMUNE
        and is_subject(unit)
        and unit.valid_to is None
        and user_has_unit_permission(
            user=request.user, permission=Permission.SET_COMMUNE_GROUP, unit=unit
        ),
        "query": _query(set=chosen.code if chosen else "", year=year),
        "province_opens": _opens(request, unit.province),
        # The unit's recognitions of the set chosen (issue 16), every year's.
        "recognitions": list(recognitions_of(units=[unit], set_code=chosen.code))
        if chosen is not None
        else [],
    }
    if evaluation is not None:
        context |= _evaluation_context(request, evaluation)
    return render(request, "criteria/scorecard.html", context)


@dataclass(frozen=True)
class MatrixRow:
    evaluation: Evaluation
    badge: Badge
    # The row's criteria cells, written at once: a province is 100-170 communes by 10-19
    # criteria, too many cells for the template engine to render one by one in time.
    cells: SafeString
    # The one criterion not met, for a commune one criterion short.
    missing: CriterionResult | None


def _cells(evaluation: Evaluation, labels: dict[str, str]) -> SafeString:
    return format_html_join(
        "",
        '<td class="cell"><span class="st st-{}" title="{}. {}: {}">{}</span></td>',
        (
            (c.status, c.criterion.code, c.criterion.name_vi, labels[c.status], _SYMBOLS[c.status])
            for c in evaluation.criteria
        ),
    )


@login_required
@require_GET
def province_matrix(request: HttpRequest, code: str) -> HttpResponse:
    """Every commune of a province against a set for a year, with how many communes meet
    each commune set in force; `?filter=missing-one` keeps the communes one criterion
    short; `?format=csv|xlsx` gives one row per commune."""
    province = unit_get_for_user(user=request.user, code=code)
    year = _year(request)
    kind = _format(request)
    if province.level != Level.PROVINCE:
        return redirect(
            f"{reverse('criteria:scorecard', args=[province.code])}?{_query(year=year)}"
        )
    choice = criteria_set_choose(
        province=province, level=Level.COMMUNE, year=year, code=request.GET.get("set", "").strip()
    )
    chosen, problem = choice.chosen, choice.problem
    only_missing_one = request.GET.get("filter", "") == MISSING_ONE
    matrix = None
    if chosen is not None:
        try:
            matrix = evaluate_province_matrix(province=province, code=chosen.code, year=year)
        except DomainError as exc:
            problem = exc.message
    rows: list[Evaluation] = []
    if matrix is not None:
        rows = matrix.missing_one if only_missing_one else matrix.rows
    if kind:
        if matrix is None:
            raise Http404(problem)
        return _matrix_export(kind, matrix, rows)
    set_code = chosen.code if chosen else ""
    labels = {status: str(label) for status, label in _LABELS.items()}
    return render(
        request,
        "criteria/matrix.html",
        {
            "province": province,
            "year": year,
            "sets": choice.sets,
            "chosen": chosen,
            "choice": choice,
            "problem": problem,
            "matrix": matrix,
            "rows": [
                MatrixRow(
                    evaluation=row,
                    badge=Badge(row.status),
                    cells=_cells(row, labels),
                    missing=row.short[0] if row.total - row.passed == 1 else None,
                )
                for row in rows
            ],
            "communes": len(matrix.rows) if matrix else 0,
            "missing_one": len(matrix.missing_one) if matrix else 0,
            "only_missing_one": only_missing_one,
            "query": _query(set=set_code, year=year),
            "filtered_query": _query(set=set_code, year=year, filter=MISSING_ONE),
            "export_query": _query(
                set=set_code, year=year, filter=MISSING_ONE if only_missing_one else ""
            ),
            "statuses": [Badge(s) for s in Status.values],
        },
    )


@login_required
@require_GET
def village_checklist(request: HttpRequest, code: str) -> HttpResponse:
    """A village against the smart-village set in force in its province: each indicator
    met, not met or unknown, with its figure, its threshold and what is still lacking."""
    village = unit_get_for_user(user=request.user, code=code)
    year = _year(request)
    if village.level != Level.VILLAGE:
        return redirect(f"{reverse('criteria:scorecard', args=[village.code])}?{_query(year=year)}")
    context: dict[str, Any] = {
        "unit": village,
        "year": year,
        "problem": "",
        "commune_opens": _opens(request, village.commune),
    }
    if not is_subject(village):
        context["problem"] = not_a_subject_reason(village)
        return render(request, "criteria/village_checklist.html", context)
    try:
        evaluation = evaluate(code=VILLAGE_SET, units=[village], year=year)[0]
    except DomainError as exc:
        context["problem"] = exc.message
    else:
        context |= _evaluation_context(request, evaluation)
    return render(request, "criteria/village_checklist.html", context)
