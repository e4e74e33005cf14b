"""The dashboard pages: the province overview (`/bang-dieu-khien/`: the targets of the
unit's plans, worst first, and one indicator's charts with their tables) and the map
(`/bang-dieu-khien/ban-do/`: a choropleth of an indicator, a set's status or a
criterion's status over the sub-units of a unit, drawn by MapLibre over the units' own
vector tiles, with its legend and the same numbers as a table). Thin: read the request,
call the selectors, render; the drawing is in `dashboards/charts.js` and `map.js`."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from langso.core.errors import DomainError, NotFound
from langso.registry.maps import APPROX_LAYER, UNITS, VIETNAM_BOUNDS

from .selectors.choropleth import (
    CHILD_LEVEL,
    Choropleth,
    choropleth_values,
    map_bounds,
    map_request_read,
)
from .selectors.map_page import (
    INDICATOR,
    indicator_choices,
    map_breadcrumb,
    map_period_choices,
    map_subject_choices,
    map_subject_default,
    map_subject_read,
    period_label,
)
from .selectors.overview import (
    IndicatorPicture,
    indicator_picture,
    overview_provinces,
    overview_targets,
    overview_unit,
    unit_plans_for_user,
)


@login_required
@require_GET
def choropleth_page(request: HttpRequest) -> HttpResponse:
    """`?show=indicator:<code>|set:<code>|criterion:<set>:<number>&unit=&period=`: the
    map of the unit's sub-units (the user's own scope by default); a click on a unit
    opens the map of its own sub-units."""
    asked = {key: request.GET.get(key, "").strip() for key in ("show", "unit", "period")}
    asked["show"] = asked["show"] or map_subject_default()
    map_request = map_request_read(
        user=request.user,
        unit=asked["unit"] or None,
        period=asked["period"] or None,
        **map_subject_read(asked["show"]),
    )
    problem = ""
    result: Choropleth | None = None
    try:
        result = choropleth_values(user=request.user, request=map_request)
    except NotFound:
        # A unit outside the scope, an unknown indicator: the 404 page, in one place.
        raise
    except DomainError as exc:
        # A set chosen for units it does not apply to, say: told above the picker.
        problem = exc.message
    parent = result.parent if result else map_request.unit
    level = result.level if result else ""
    rows = _rows(asked, result)
    bounds = map_bounds(user=request.user, parent=parent, level=level) if level else None
    return render(
        request,
        "dashboards/map.html",
        {
            "asked": asked,
            "subject_groups": map_subject_choices(province=parent.province if parent else None),
            "periods": map_period_choices(),
            "result": result,
            "rows": rows,
            "period_label": period_label(result.period) if result else "",
            "problem": problem,
            "parent": parent,
            "breadcrumb": map_breadcrumb(user=request.user, parent=parent),
            "config": _config(request, result, rows, bounds or VIETNAM_BOUNDS),
            # The overview of the mapped unit, on the same indicator.
            "overview_url": overview_url(
                unit=parent.code, indicator=map_subject_read(asked["show"]).get("indicator", "")
            )
            if parent is not None
            else "",
        },
    )


def map_page_url(asked: dict[str, str], *, unit: str) -> str:
    """The page for another unit, with the same picks."""
    query = {key: value for key, value in asked.items() if value and key != "unit"}
    if unit:
        query["unit"] = unit
    return f"{reverse('dashboards:map')}?{urlencode(query)}"


def _rows(asked: dict[str, str], result: Choropleth | None) -> list[dict[str, Any]]:
    """The table's rows: each unit's value, its class's label, and the map of its own
    sub-units (none for villages)."""
    if result is None:
        return []
    drills = result.level in CHILD_LEVEL
    return [
        {
            "value": value,
            "class_label": result.no_data_label
            if value.index is None
            else result.classes[value.index].label,
            "drill": map_page_url(asked, unit=value.unit.code) if drills else "",
        }
        for value in result.values
    ]


def _config(
    request: HttpRequest,
    result: Choropleth | None,
    rows: list[dict[str, Any]],
    bounds: tuple[float, float, float, float],
) -> dict[str, Any]:
    """What the page's script needs: the units' tiles, the level drawn, each unit's
    colour and label by id, where a click on it leads, and where the map opens."""
    tiles = reverse("registry:map-tile", args=[UNITS.name, "0", "1", "2"])
    return {
        "tiles": request.build_absolute_uri(tiles).replace("/0/1/2.pbf", "/{z}/{x}/{y}.pbf"),
        "unitsLayer": UNITS.name,
        "approxLayer": APPROX_LAYER,
        "level": result.level if result else "",
        "bounds": bounds,
        "units": {
            str(row["value"].unit.pk): {
                "name": row["value"].unit.name,
                "label": row["value"].label,
                "color": row["value"].color,
                "class": row["value"].index,
                "drill": row["drill"],
            }
            for row in rows
        },
    }


@login_required
@require_GET
def overview_page(request: HttpRequest) -> HttpResponse:
    """`?unit=&indicator=`: every target of the unit's plans, worst first, and one
    indicator's picture over its sub-units (rankings, distribution, the unit's figure
    over the years). The user's own scope unit by default; a nationwide role without a
    unit picks a province first."""
    asked = {key: request.GET.get(key, "").strip() for key in ("unit", "indicator")}
    unit = overview_unit(user=request.user, code=asked["unit"])
    if unit is None:
        return render(
            request, "dashboards/overview_provinces.html", {"provinces": overview_provinces()}
        )
    targets = overview_targets(
        user=request.user, plans=unit_plans_for_user(user=request.user, unit=unit)
    )
    indicators = indicator_choices()
    asked["indicator"] = asked["indicator"] or map_subject_read(map_subject_default()).get(
        "indicator", ""
    )
    problem = ""
    picture: IndicatorPicture | None = None
    if asked["indicator"] not in {choice.value for choice in indicators}:
        problem = _("Không có chỉ số “%(code)s”: chọn một chỉ số trong danh sách.") % {
            "code": asked["indicator"][:50]
        }
    else:
        try:
            picture = indicator_picture(
                user=request.user, unit=unit, indicator=asked["indicator"], targets=targets
            )
        except NotFound:
            # Outside the scope: the 404 page, in one place.
            raise
        except DomainError as exc:
            # A village has no sub-units to rank: told where the charts would be.
            problem = exc.message
    return render(
        request,
        "dashboards/overview.html",
        {
            "unit": unit,
            "asked": asked,
            "targets": targets,
            "indicators": indicators,
            "problem": problem,
            "picture": picture,
            "tables": _chart_tables(picture, asked) if picture else [],
            "map_url": map_page_url({"show": f"{INDICATOR}:{asked['indicator']}"}, unit=unit.code),
            "breadcrumb": map_breadcrumb(user=request.user, parent=unit),
        },
    )


def overview_url(*, unit: str, indicator: str = "") -> str:
    query = {"unit": unit, **({"indicator": indicator} if indicator else {})}
    return f"{reverse('dashboards:overview')}?{urlencode(query)}"


def _chart_tables(picture: IndicatorPicture, asked: dict[str, str]) -> list[dict[str, Any]]:
    """Each chart with its table's rows, each row with the page of its unit (a ranked
    commune's own overview) and the source of its figure."""
    drills = picture.choropleth.level in CHILD_LEVEL
    links: dict[str, list[tuple[str, str]]] = {
        key: [
            (
                overview_url(unit=r.value.unit.code, indicator=asked["indicator"])
                if drills
                else "",
                r.source,
            )
            for r in ranked
        ]
        for key, ranked in picture.ranked.items()
    }
    links["series"] = [("", source) for _point, source in picture.points]
    return [
        {
            "chart": chart,
            "rows": [
                {"cells": cells, "drill": drill, "source": source}
                for cells, (drill, source) in zip(
                    chart.table.rows,
                    links.get(chart.key, [("", "")] * len(chart.table.rows)),
                    strict=True,
                )
            ],
        }
        for chart in picture.charts
    ]
