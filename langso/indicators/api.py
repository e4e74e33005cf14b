"""/api/v1/indicators and /api/v1/indicator-values: definitions, and the values of one
indicator at a unit or at every unit of a level under it (every commune of a province
in one call), in JSON or CSV, each with its provenance."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Query, Router, Schema
from ninja.security import django_auth

from langso.accounts.roles import Permission
from langso.accounts.selectors import scope_unit
from langso.core import exports
from langso.places.models import AdminUnit
from langso.places.selectors import unit_get

from . import selectors
from .models import ReportedValue, Source

router = Router(tags=["indicators"], auth=django_auth)


class IndicatorOut(Schema):
    code: str
    version: int
    name_vi: str
    name_en: str
    unit: str
    source: str
    # Registry indicators: the household measures counted.
    numerator: str
    denominator: str
    # Reported indicators: the level entered at and what is entered.
    level: str
    entry: str
    note: str
    created_at: dt.datetime


@router.get("/indicators", response=list[IndicatorOut], summary="Danh sách chỉ số")
def indicators(request: HttpRequest) -> list[IndicatorOut]:
    return [
        IndicatorOut(
            code=d.code,
            version=d.version,
            name_vi=d.name_vi,
            name_en=d.name_en,
            unit=d.unit,
            source=d.source,
            numerator=d.numerator,
            denominator=d.denominator,
            level=d.spec.get("level", ""),
            entry=d.spec.get("entry", ""),
            note=d.spec.get("note", ""),
            created_at=d.created_at,
        )
        for d in selectors.indicator_list()
    ]


class ValueFilters(Schema):
    indicator: str
    # A unit's code; by default the one unit the caller's scope is under.
    unit: str | None = None
    # Values at every current unit of this level under `unit`; by default `unit` itself.
    level: Literal["province", "commune", "village"] | None = None
    # 2026, 2026-Q3 or 2026-09; by default the current year.
    period: str | None = None
    format: Literal["json", "csv"] = "json"


class ValueOut(Schema):
    unit: str
    name: str
    level: str
    numerator: Decimal | None
    denominator: Decimal | None
    # None: no data (không có dữ liệu) — a zero denominator or nothing reported.
    value: float | None
    reports: int | None
    # A reported value rolled up above its entry level: how many of the current units of
    # that level under this one reported, of how many should, that share in percent,
    # and whether it is too low (`selectors.LOW_COVERAGE`) for the value to stand as
    # the unit's figure. Null, and false, where the value is no roll-up.
    reporting_units: int | None = None
    expected_units: int | None = None
    coverage: float | None = None
    low_coverage: bool = False
    # Provenance: where the figure comes from. A registry value: the household list it
    # counts; a reported one entered for this unit: who entered it, when, and the files.
    records: str | None = None
    entered_by: str | None = None
    entered_at: dt.datetime | None = None
    note: str | None = None
    evidence: list[str] = []


class PeriodOut(Schema):
    code: str
    kind: str
    start: dt.date
    end: dt.date
    closed_at: dt.datetime | None


class ValuesOut(Schema):
    indicator: str
    version: int
    name_vi: str
    name_en: str
    unit: str
    period: PeriodOut
    level: str
    # Closed period: figures frozen when it was closed; otherwise live.
    frozen: bool
    computed_at: dt.datetime
    values: list[ValueOut]


def _values(request: HttpRequest, filters: ValueFilters) -> selectors.IndicatorValues:
    unit: AdminUnit | None
    if filters.unit:
        unit = unit_get(code=filters.unit)
    else:
        unit = scope_unit(user=request.user, permission=Permission.VIEW_SCOPED)
    units = selectors.units_for_values(user=request.user, unit=unit, level=filters.level)
    period = selectors.period_or_current(filters.period)
    return selectors.indicator_values(code=filters.indicator, units=units, period=period)


# The CSV's columns are the JSON's field names, in its order, as far as they are flat:
# the answer's own first (its `period` by code), then each value's. The answer's `unit`
# (the indicator's unit of measure) and `level` give way to the value's columns of
# those names, which say the row's unit; a value's `evidence` is a list of links, read
# in the JSON.
CSV_HEADER = [
    "indicator",
    "version",
    "name_vi",
    "name_en",
    "period",
    "frozen",
    "computed_at",
    "unit",
    "name",
    "level",
    "numerator",
    "denominator",
    "value",
    "reports",
    "reporting_units",
    "expected_units",
    "coverage",
    "low_coverage",
    "records",
    "entered_by",
    "entered_at",
    "note",
]


def _csv(request: HttpRequest, result: selectors.IndicatorValues) -> HttpResponse:
    """One row per unit, with the JSON's keys; an empty value is no data."""
    definition = result.definition
    answer: list[exports.Value] = [
        definition.code,
        definition.version,
        definition.name_vi,
        definition.name_en,
        result.period.code,
        "true" if result.frozen else "false",
        result.computed_at.isoformat(timespec="seconds"),
    ]
    entries = _entries(result)
    rows = []
    for value in result.values:
        provenance = _provenance(request, result, value.unit, entries.get(value.unit.pk))
        entered_at = provenance.get("entered_at")
        rows.append(
            [
                *answer,
                value.unit.code,
                value.unit.name,
                value.unit.level,
                _plain(value.numerator),
                _plain(value.denominator),
                _plain(value.value),
                value.reports,
                value.reporting_units,
                value.expected_units,
                _coverage(value),
                "true" if value.low_coverage else "false",
                provenance.get("records"),
                provenance.get("entered_by"),
                entered_at.isoformat(timespec="seconds") if entered_at else None,
                provenance.get("note"),
            ]
        )
    return exports.csv_response(f"{definition.code}-{result.period.code}.csv", CSV_HEADER, rows)


def _entries(result: selectors.IndicatorValues) -> dict[int, ReportedValue]:
    """The entries a reported indicator's values at these units come from."""
    if result.definition.source != Source.REPORTED:
        return {}
    return selectors.reported_entries(
        code=result.definition.code,
        units=[v.unit for v in result.values],
        period=result.period,
    )


def _provenance(
    request: HttpRequest,
    result: selectors.IndicatorValues,
    unit: AdminUnit,
    entry: ReportedValue | None,
) -> dict[str, Any]:
    if result.definition.source == Source.REGISTRY and unit.valid_to is None:
        records = (
            reverse("registry:household-list")
            + "?"
            + urlencode({"unit": unit.code, "status": "active"})
        )
        return {"records": request.build_absolute_uri(records)}
    if entry is None:
        return {}
    return {
        "entered_by": entry.entered_by.get_username(),
        "entered_at": entry.entered_at,
        "note": entry.note,
        "evidence": [
            request.build_absolute_uri(reverse("indicators:evidence", args=[e.pk]))
            for e in entry.evidence.all()
        ],
    }


def _coverage(value: selectors.IndicatorValue) -> float | None:
    """The share of the units that should report that did, in percent."""
    if value.coverage is None:
        return None
    return float(round(value.coverage * 100, 2))


def _plain(number: Decimal | None) -> Decimal | None:
    """A figure as the CSV writes it: at most 4 decimals, no trailing zeros."""
    if number is None:
        return None
    return number.quantize(Decimal("0.0001")).normalize()


@router.get(
    "/indicator-values",
    response=ValuesOut,
    summary="Giá trị chỉ số theo đơn vị và kỳ (JSON hoặc CSV)",
)
def indicator_values(request: HttpRequest, filters: Query[ValueFilters]) -> Any:
    """The values as JSON, or with `format=csv` as CSV: one row per value, its columns
    named as the JSON's fields (the answer's, then the value's), in the same order."""
    result = _values(request, filters)
    if filters.format == "csv":
        return _csv(request, result)
    definition = result.definition
    entries = _entries(result)
    return ValuesOut(
        indicator=definition.code,
        version=definition.version,
        name_vi=definition.name_vi,
        name_en=definition.name_en,
        unit=definition.unit,
        period=PeriodOut(
            code=result.period.code,
            kind=result.period.kind,
            start=result.period.start,
            end=result.period.end,
            closed_at=result.period.closed_at,
        ),
        level=result.level,
        frozen=result.frozen,
        computed_at=result.computed_at,
        values=[
            ValueOut(
                unit=v.unit.code,
                name=v.unit.name,
                level=v.unit.level,
                numerator=v.numerator,
                denominator=v.denominator,
                value=None if v.value is None else float(round(v.value, 4)),
                reports=v.reports,
                reporting_units=v.reporting_units,
                expected_units=v.expected_units,
                coverage=_coverage(v),
                low_coverage=v.low_coverage,
                **_provenance(request, result, v.unit, entries.get(v.unit.pk)),
            )
            for v in result.values
        ],
    )
