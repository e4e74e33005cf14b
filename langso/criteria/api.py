"""/api/v1/criteria-sets and /api/v1/evaluations: the criteria sets in force for a
province, with their criteria, indicators and thresholds; and units evaluated against a
set for a year (every commune of a province in one call), in JSON or CSV, each
indicator with its value, threshold, gap and where the figure comes from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any, Literal

from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.security import django_auth

from langso.accounts.roles import Permission
from langso.accounts.selectors import scope_unit
from langso.core import exports
from langso.core.errors import NotFound
from langso.indicators.selectors import units_for_values
from langso.places.models import AdminUnit, Level
from langso.places.selectors import unit_get

from .catalogue import threshold_keys, threshold_of
from .evaluation.engine import evaluate
from .evaluation.results import Evaluation, IndicatorResult
from .evaluation.statuses import Status
from .evaluation.units import Subjects, subjects_of
from .models import (
    Assessment,
    CriteriaSet,
    Criterion,
    CriterionIndicator,
    IndicatorMethod,
    Recognition,
)
from .selectors.recognitions import recognitions_of
from .selectors.sets import (
    criteria_set_in_force,
    criteria_set_rows,
    criteria_set_versions,
    criteria_sets_in_force,
)

router = Router(tags=["criteria"], auth=django_auth)


# --- Sets ---------------------------------------------------------------------------


class SourceOut(Schema):
    id: str
    url: str


class SetIndicatorOut(Schema):
    code: str
    name_vi: str
    name_en: str
    kind: str
    # computed: the indicator read
    indicator: str
    comparator: str
    # Every region or commune group where the set varies by them ("*" where it does
    # not), with the threshold that applies there; null where it is unknown (chưa có
    # ngưỡng). Empty for an assessed indicator, which has none.
    thresholds: dict[str, float | None]
    threshold_status: str
    # Whether a province may set or raise the threshold.
    provincial: bool
    # composite: the set (or one of its criteria) that sub-units, or the unit itself
    # ("self"), must meet; measured in percent or in units
    target_set: str
    target_criterion: str
    over: str
    measure: str
    status: str
    sources: list[SourceOut]
    pass_conditions: list[str]
    note: str


class SetCriterionOut(Schema):
    code: str
    name_vi: str
    name_en: str
    group: str
    status: str
    sources: list[SourceOut]
    note: str
    indicators: list[SetIndicatorOut]


class SetVersionOut(Schema):
    version: int
    province: str | None
    origin: str
    year_from: int
    year_to: int | None
    created_by: str | None
    created_at: dt.datetime


class CriteriaSetOut(Schema):
    code: str
    version: int
    # The province whose own set (or variant of a national one) this is; null: national.
    province: str | None
    name_vi: str
    name_en: str
    legal_basis: str
    level: str
    year_from: int
    # null: open-ended
    year_to: int | None
    varies_by: str
    status: str
    sources: list[SourceOut]
    # What the legal text counts ({"criteria": 19, "indicators": 57}) where the
    # catalogue could not read it all: such a set is never evaluated as met.
    declared: dict[str, int] | None
    note: str
    criteria: list[SetCriterionOut]
    # Set-level conditions, besides the criteria.
    conditions: list[SetIndicatorOut]


class CriteriaSetDetailOut(CriteriaSetOut):
    # Every stored version of the set: the national one's and the province's own.
    versions: list[SetVersionOut]


class SetFilters(Schema):
    # A province's code; by default the province of the caller's scope (none: national).
    province: str | None = Field(None, max_length=8)


class SetDetailFilters(SetFilters):
    # A stored version (of the province's own set first, else of the national one);
    # by default the one in force.
    version: int | None = Field(None, ge=1)


def _number(value: Decimal | str | None) -> float | None:
    if value is None:
        return None
    return float(round(Decimal(value), 4))


def _sources(raw: Sequence[dict[str, str]]) -> list[SourceOut]:
    return [SourceOut(id=s.get("id", ""), url=s.get("url", "")) for s in raw]


def _set_indicator(indicator: CriterionIndicator, keys: tuple[str, ...]) -> SetIndicatorOut:
    thresholds: dict[str, float | None] = {}
    if indicator.kind != IndicatorMethod.ASSESSED:
        thresholds = {key: _number(threshold_of(indicator.thresholds, key)) for key in keys}
    return SetIndicatorOut(
        code=indicator.code,
        name_vi=indicator.name_vi,
        name_en=indicator.name_en,
        kind=indicator.kind,
        indicator=indicator.indicator,
        comparator=indicator.comparator,
        thresholds=thresholds,
        threshold_status=indicator.threshold_status,
        provincial=indicator.provincial,
        target_set=indicator.target_set,
        target_criterion=indicator.target_criterion,
        over=indicator.over,
        measure=indicator.measure,
        status=indicator.status,
        sources=_sources(indicator.sources),
        pass_conditions=indicator.pass_conditions,
        note=indicator.note,
    )


def _set_fields(criteria_set: CriteriaSet) -> dict[str, Any]:
    criteria, indicators = criteria_set_rows(criteria_set)
    keys = tuple(key for key, _label in threshold_keys(criteria_set.varies_by))
    by_criterion: dict[int | None, list[SetIndicatorOut]] = {}
    for indicator in indicators:
        by_criterion.setdefault(indicator.criterion_id, []).append(_set_indicator(indicator, keys))
    declared = criteria_set.spec.get("declared")
    return {
        "code": criteria_set.code,
        "version": criteria_set.version,
        "province": criteria_set.province.code if criteria_set.province else None,
        "name_vi": criteria_set.name_vi,
        "name_en": criteria_set.name_en,
        "legal_basis": criteria_set.legal_basis,
        "level": criteria_set.level,
        "year_from": criteria_set.year_from,
        "year_to": criteria_set.year_to,
        "varies_by": criteria_set.varies_by,
        "status": criteria_set.status,
        "sources": _sources(criteria_set.sources),
        "declared": dict(declared) if isinstance(declared, dict) else None,
        "note": criteria_set.note,
        "criteria": [_set_criterion(c, by_criterion.get(c.pk, [])) for c in criteria],
        "conditions": by_criterion.get(None, []),
    }


def _set_criterion(criterion: Criterion, indicators: list[SetIndicatorOut]) -> SetCriterionOut:
    return SetCriterionOut(
        code=criterion.code,
        name_vi=criterion.name_vi,
        name_en=criterion.name_en,
        group=criterion.group,
        status=criterion.status,
        sources=_sources(criterion.sources),
        note=criterion.note,
        indicators=indicators,
    )


def _province(request: HttpRequest, code: str | None) -> AdminUnit | None:
    """The province asked for, or that of the caller's scope (None: nationwide)."""
    if code:
        province = unit_get(code=code)
        if province.level != Level.PROVINCE or province.valid_to is not None:
            raise NotFound(_("Không có tỉnh mã “%(code)s”.") % {"code": code})
        return province
    unit = scope_unit(user=request.user, permission=Permission.VIEW_SCOPED)
    if unit is None or unit.province is None:
        return None
    return unit.province


@router.get(
    "/criteria-sets",
    response=list[CriteriaSetOut],
    summary="Các bộ tiêu chí đang áp dụng cho một tỉnh",
)
def criteria_sets(request: HttpRequest, filters: Query[SetFilters]) -> list[CriteriaSetOut]:
    sets = criteria_sets_in_force(province=_province(request, filters.province))
    # Every set's rows in two queries, whatever the number of sets.
    prefetch_related_objects(sets, "criteria", "indicators")
    return [CriteriaSetOut(**_set_fields(s)) for s in sets]


@router.get(
    "/criteria-sets/{code}",
    response=CriteriaSetDetailOut,
    summary="Một bộ tiêu chí, với các phiên bản của nó",
)
def criteria_set(
    request: HttpRequest, code: str, filters: Query[SetDetailFilters]
) -> CriteriaSetDetailOut:
    province = _province(request, filters.province)
    versions = criteria_set_versions(code=code, province=province)
    found: CriteriaSet | None
    if filters.version is None:
        found = criteria_set_in_force(code=code, province=province)
    else:
        # The province's own versions first, then the national set's.
        owned = sorted(versions, key=lambda s: s.province_id is None)
        found = next((s for s in owned if s.version == filters.version), None)
    if found is None:
        raise NotFound(
            _("Bộ tiêu chí “%(code)s” không có phiên bản %(version)s.")
            % {"code": code, "version": filters.version}
        )
    return CriteriaSetDetailOut(
        **_set_fields(found),
        versions=[
            SetVersionOut(
                version=v.version,
                province=v.province.code if v.province else None,
                origin=v.origin,
                year_from=v.year_from,
                year_to=v.year_to,
                created_by=v.created_by.get_username() if v.created_by else None,
                created_at=v.created_at,
            )
            for v in versions
        ],
    )


# --- Evaluations --------------------------------------------------------------------


class EvaluationFilters(Schema):
    set_code: str = Field(..., alias="set", max_length=64)
    # A unit's code; by default the one unit the caller's scope is under.
    unit: str | None = Field(None, max_length=32)
    # Every current unit of this level under `unit`; by default `unit` itself.
    level: Literal["commune", "village"] | None = None
    # By default the current year.
    year: int | None = Field(None, ge=2000, le=2100)
    format: Literal["json", "csv"] = "json"


class AssessmentOut(Schema):
    verdict: str
    verdict_label: str
    note: str
    entered_by: str
    entered_at: dt.datetime
    evidence: list[str]


class ResultOut(Schema):
    code: str
    name: str
    kind: str
    # pass, fail, missing (thiếu dữ liệu) or no_threshold (the province must enter it)
    status: str
    status_label: str
    # In the indicator's unit (% for a share); null: no data.
    value: float | None
    threshold: float | None
    comparator: str
    # How far from the threshold (points of % for a share), and how many households,
    # people or sub-units are still needed, where that can be counted.
    gap: float | None
    gap_units: int | None
    gap_noun: str
    numerator: Decimal | None
    denominator: Decimal | None
    # Provenance of a computed value: the indicator and its definition version.
    indicator: str
    definition_version: int | None
    assessment: AssessmentOut | None


class CriterionOut(Schema):
    code: str
    name: str
    status: str
    status_label: str
    indicators: list[ResultOut]


class UnitEvaluationOut(Schema):
    unit: str
    name: str
    level: str
    set: str
    version: int
    # The province whose variant or own set was used; null: the national set.
    province: str | None
    year: int
    status: str
    status_label: str
    passed: int
    total: int
    # The region or commune group whose thresholds were used, and why.
    threshold_key: str
    threshold_reason: str
    period: str
    # Closed period: figures frozen when it was closed; otherwise live.
    frozen: bool
    computed_at: dt.datetime
    # The unit's recognition for this set and year (issue 16), by the province's
    # decision; null where none. Revoked on that day, where it was.
    recognition_number: str | None
    recognition_date: dt.date | None
    recognition_revoked_on: dt.date | None
    criteria: list[CriterionOut]
    conditions: list[ResultOut]


class EvaluationsOut(Schema):
    set: str
    year: int
    evaluations: list[UnitEvaluationOut]
    # Units of the level asked for that the sets do not apply to (phường, đặc khu, thị
    # trấn beside the xã), left out of `evaluations`, and who they are.
    left_out: int
    left_out_reason: str


def _label(status: str) -> str:
    return str(Status(status).label)


def _assessment(request: HttpRequest, assessment: Assessment | None) -> AssessmentOut | None:
    if assessment is None:
        return None
    return AssessmentOut(
        verdict=assessment.verdict,
        verdict_label=str(assessment.get_verdict_display()),
        note=assessment.note,
        entered_by=assessment.entered_by.get_username(),
        entered_at=assessment.entered_at,
        evidence=[
            request.build_absolute_uri(reverse("criteria:evidence", args=[e.pk]))
            for e in assessment.evidence.all()
        ],
    )


def _result(request: HttpRequest, result: IndicatorResult) -> ResultOut:
    indicator = result.indicator
    return ResultOut(
        code=indicator.code,
        name=indicator.name_vi,
        kind=indicator.kind,
        status=result.status,
        status_label=_label(result.status),
        value=_number(result.value),
        threshold=_number(result.threshold),
        comparator=indicator.comparator,
        gap=_number(result.gap),
        gap_units=result.gap_units,
        gap_noun=result.gap_noun,
        numerator=result.numerator,
        denominator=result.denominator,
        indicator=indicator.indicator,
        definition_version=result.definition_version,
        assessment=_assessment(request, result.assessment),
    )


def _evaluation(
    request: HttpRequest, evaluation: Evaluation, recognition: Recognition | None
) -> UnitEvaluationOut:
    criteria_set = evaluation.criteria_set
    return UnitEvaluationOut(
        unit=evaluation.unit.code,
        name=evaluation.unit.name,
        level=evaluation.unit.level,
        set=criteria_set.code,
        version=criteria_set.version,
        province=criteria_set.province.code if criteria_set.province else None,
        year=evaluation.year,
        status=evaluation.status,
        status_label=_label(evaluation.status),
        passed=evaluation.passed,
        total=evaluation.total,
        threshold_key=evaluation.threshold_key,
        threshold_reason=evaluation.threshold_reason,
        period=evaluation.period,
        frozen=evaluation.frozen,
        computed_at=evaluation.computed_at,
        recognition_number=recognition.decision_number if recognition else None,
        recognition_date=recognition.decision_date if recognition else None,
        recognition_revoked_on=recognition.revoked_on if recognition else None,
        criteria=[
            CriterionOut(
                code=c.criterion.code,
                name=c.criterion.name_vi,
                status=c.status,
                status_label=_label(c.status),
                indicators=[_result(request, r) for r in c.indicators],
            )
            for c in evaluation.criteria
        ],
        conditions=[_result(request, r) for r in evaluation.conditions],
    )


def _evaluate(
    request: HttpRequest, filters: EvaluationFilters
) -> tuple[int, list[Evaluation], Subjects]:
    unit: AdminUnit | None
    if filters.unit:
        unit = unit_get(code=filters.unit)
    else:
        unit = scope_unit(user=request.user, permission=Permission.VIEW_SCOPED)
    subjects = subjects_of(units_for_values(user=request.user, unit=unit, level=filters.level))
    year = filters.year or timezone.localdate().year
    if not subjects.units:
        # Nothing to evaluate: an unknown set is still refused by name.
        criteria_set_in_force(code=filters.set_code, province=unit.province if unit else None)
        return year, [], subjects
    evaluations = evaluate(code=filters.set_code, units=subjects.units, year=year)
    # The evidence of every assessment read, in one query.
    prefetch_related_objects(
        [r.assessment for e in evaluations for r in e.results() if r.assessment], "evidence"
    )
    return year, evaluations, subjects


# The CSV names its columns as the JSON names its fields, in the same order (item 11 of
# issue 14: one vocabulary for both formats). A row is one result of one unit: the unit's
# fields, then the result's; a field nested in the JSON is named by its path where its
# name alone would be ambiguous in the row (criterion_code, indicator_status,
# assessment_verdict).
CSV_HEADER = [
    "unit",
    "name",
    "level",
    "set",
    "version",
    "province",
    "year",
    "status",
    "status_label",
    "passed",
    "total",
    "threshold_key",
    "threshold_reason",
    "period",
    "frozen",
    "computed_at",
    "recognition_number",
    "recognition_date",
    "recognition_revoked_on",
    "criterion_code",
    "code",
    "indicator_name",
    "kind",
    "indicator_status",
    "indicator_status_label",
    "value",
    "threshold",
    "comparator",
    "gap",
    "gap_units",
    "gap_noun",
    "numerator",
    "denominator",
    "indicator",
    "definition_version",
    "assessment_verdict",
]


def _plain(number: Decimal | int | None) -> Decimal | None:
    """A figure as the CSV writes it: at most 4 decimals, no trailing zeros."""
    if number is None:
        return None
    return Decimal(number).quantize(Decimal("0.0001")).normalize()


def _csv_rows(
    evaluations: Sequence[Evaluation], recognitions: dict[int, Recognition]
) -> Iterator[list[exports.Value]]:
    for evaluation in evaluations:
        criteria_set = evaluation.criteria_set
        recognition = recognitions.get(evaluation.unit.pk)
        unit_columns: list[exports.Value] = [
            evaluation.unit.code,
            evaluation.unit.name,
            evaluation.unit.level,
            criteria_set.code,
            criteria_set.version,
            criteria_set.province.code if criteria_set.province else "",
            evaluation.year,
            evaluation.status,
            _label(evaluation.status),
            evaluation.passed,
            evaluation.total,
            evaluation.threshold_key,
            evaluation.threshold_reason,
            evaluation.period,
            "1" if evaluation.frozen else "0",
            evaluation.computed_at.isoformat(timespec="seconds"),
            recognition.decision_number if recognition else None,
            recognition.decision_date.isoformat() if recognition else None,
            recognition.revoked_on.isoformat() if recognition and recognition.revoked_on else None,
        ]
        rows = [(c.criterion.code, r) for c in evaluation.criteria for r in c.indicators]
        rows += [("", r) for r in evaluation.conditions]
        for criterion_code, result in rows:
            indicator = result.indicator
            yield [
                *unit_columns,
                criterion_code,
                indicator.code,
                indicator.name_vi,
                indicator.kind,
                result.status,
                _label(result.status),
                _plain(result.value),
                _plain(result.threshold),
                indicator.comparator,
                _plain(result.gap),
                result.gap_units,
                result.gap_noun,
                _plain(result.numerator),
                _plain(result.denominator),
                indicator.indicator,
                result.definition_version,
                result.assessment.verdict if result.assessment else "",
            ]


def _csv(
    code: str, year: int, evaluations: Sequence[Evaluation], recognitions: dict[int, Recognition]
) -> HttpResponse:
    """One row per unit and indicator (conditions with no criterion code); an empty
    value is no data."""
    rows = _csv_rows(evaluations, recognitions)
    return exports.csv_response(f"{code}-{year}.csv", CSV_HEADER, rows)


@router.get(
    "/evaluations",
    response=EvaluationsOut,
    summary="Đánh giá đơn vị theo bộ tiêu chí (JSON hoặc CSV)",
    description=(
        "`format=csv`: một dòng cho mỗi kết quả của mỗi đơn vị; tên cột là tên trường "
        "JSON, cùng thứ tự / one row per result of each unit, the columns named as the "
        "JSON fields, in their order (nested ones by their path where ambiguous: "
        "criterion_code, indicator_name, indicator_status, indicator_status_label, "
        "assessment_verdict)."
    ),
)
def evaluations(request: HttpRequest, filters: Query[EvaluationFilters]) -> Any:
    year, found, subjects = _evaluate(request, filters)
    # The units' recognitions for the set and year, in one query.
    recognitions = {
        r.unit_id: r
        for r in recognitions_of(
            units=[e.unit for e in found], set_code=filters.set_code, year=year
        )
    }
    if filters.format == "csv":
        return _csv(filters.set_code, year, found, recognitions)
    return EvaluationsOut(
        set=filters.set_code,
        year=year,
        evaluations=[_evaluation(request, e, recognitions.get(e.unit.pk)) for e in found],
        left_out=subjects.left_out_count,
        left_out_reason=subjects.left_out_note,
    )
