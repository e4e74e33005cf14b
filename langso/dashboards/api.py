"""/api/v1/choropleth: the values and classes of a choropleth map (an indicator, a
set's status or a criterion's status at every unit of a level under a unit), in JSON or
CSV; no geometry, which the map reads from the units' vector tiles."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.security import django_auth

from langso.core import exports

from .selectors import choropleth as selectors
from .selectors.choropleth import Choropleth, map_request_read

router = Router(tags=["dashboards"], auth=django_auth)


class ChoroplethFilters(Schema):
    # Exactly one of an indicator's code or a criteria set's code (with `criterion`, one
    # of the set's criteria by its number, "8").
    indicator: str = ""
    set: str = ""
    criterion: str = ""
    # A unit's code; by default the one unit the caller's scope is under (the country
    # for a nationwide role).
    unit: str | None = None
    # The level mapped; by default the unit's children (provinces for the country).
    level: Literal["province", "commune", "village"] | None = None
    # 2026, 2026-Q3 or 2026-09; by default the current year. Statuses: its year.
    period: str | None = None
    # Fixed class breaks, increasing ("20,40,60,80"); by default quantiles.
    breaks: str | None = None
    format: Literal["json", "csv"] = "json"


class ClassOut(Schema):
    index: int
    label: str
    color: str
    count: int
    # Numbers: the range of the class (null: open-ended); statuses: the status.
    lower: float | None
    upper: float | None
    status: str


class NoDataOut(Schema):
    label: str
    color: str
    count: int


class MapValueOut(Schema):
    unit: str
    id: int
    name: str
    # None: no data (không có dữ liệu), never 0; statuses have no number.
    value: float | None
    # The class's index in `classes`; null for no data.
    class_: int | None = Field(..., alias="class")
    label: str
    color: str
    # No boundary was imported: the map draws the unit's approximate area.
    approximate: bool


class ChoroplethOut(Schema):
    subject: Literal["indicator", "set", "criterion"]
    indicator: str
    set: str
    criterion: str
    title: str
    measure: str
    period: str
    parent: str | None
    level: str
    method: Literal["quantiles", "breaks", "categories"]
    computed_at: dt.datetime
    classes: list[ClassOut]
    no_data: NoDataOut
    values: list[MapValueOut]


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(round(value, 4))


def choropleth_answer(result: Choropleth) -> dict[str, Any]:
    """The JSON answer; the CSV's header is its keys, flat ones first."""
    indicator = result.code if result.subject == selectors.Subject.INDICATOR else ""
    return {
        "subject": result.subject,
        "indicator": indicator,
        "set": "" if indicator else result.code,
        "criterion": result.criterion,
        "title": result.title,
        "measure": result.measure,
        "period": result.period.code,
        "parent": result.parent.code if result.parent else None,
        "level": result.level,
        "method": result.method,
        "computed_at": result.computed_at,
        "classes": [
            {
                "index": c.index,
                "label": c.label,
                "color": c.color,
                "count": c.count,
                "lower": _number(c.lower),
                "upper": _number(c.upper),
                "status": c.status,
            }
            for c in result.classes
        ],
        "no_data": {
            "label": result.no_data_label,
            "color": result.no_data_color,
            "count": result.no_data_count,
        },
        "values": [
            {
                "unit": v.unit.code,
                "id": v.unit.pk,
                "name": v.unit.name,
                "value": _number(v.value),
                "class": v.index,
                "label": v.label,
                "color": v.color,
                "approximate": v.approximate,
            }
            for v in result.values
        ],
    }


# The CSV: one row per unit, the answer's flat fields then the value's, named as the
# JSON names them; the legend (`classes`, `no_data`) is read in the JSON.
CSV_ANSWER = [
    "subject",
    "indicator",
    "set",
    "criterion",
    "title",
    "measure",
    "period",
    "parent",
    "level",
    "method",
    "computed_at",
]
CSV_VALUE = ["unit", "id", "name", "value", "class", "label", "color", "approximate"]


def _csv(answer: dict[str, Any]) -> HttpResponse:
    flat = [answer[key] for key in CSV_ANSWER]
    flat[CSV_ANSWER.index("computed_at")] = answer["computed_at"].isoformat(timespec="seconds")
    rows = [
        [
            *flat,
            *(
                "true" if v is True else "false" if v is False else v
                for v in (value[key] for key in CSV_VALUE)
            ),
        ]
        for value in answer["values"]
    ]
    code = answer["indicator"] or answer["set"]
    return exports.csv_response(
        f"ban-do-{code}-{answer['period']}.csv", CSV_ANSWER + CSV_VALUE, rows
    )


@router.get(
    "/choropleth",
    response=ChoroplethOut,
    by_alias=True,
    summary="Bản đồ phân lớp: giá trị và lớp theo đơn vị (JSON hoặc CSV)",
)
def choropleth(request: HttpRequest, filters: Query[ChoroplethFilters]) -> Any:
    """Each unit's value, class and colour, and the legend, for an indicator, a set's
    status or a criterion's status; with `format=csv`, one row per unit, its columns
    named as the JSON's fields. Join to the units' vector tiles by `id`."""
    map_request = map_request_read(
        user=request.user,
        indicator=filters.indicator,
        criteria_set=filters.set,
        criterion=filters.criterion,
        unit=filters.unit,
        level=filters.level,
        period=filters.period,
        breaks=filters.breaks,
    )
    answer = choropleth_answer(selectors.choropleth_values(user=request.user, request=map_request))
    if filters.format == "csv":
        return _csv(answer)
    return answer
