"""The dashboard map page (`/bang-dieu-khien/ban-do/`): a choropleth of an indicator, a
set's status or a criterion's status over the sub-units of a unit, drawn by MapLibre
over the units' own vector tiles, with its legend and the same numbers as a table. Thin:
read the request, call the selectors, render; the drawing is in `dashboards/map.js`."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
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
    map_breadcrumb,
    map_period_choices,
    map_subject_choices,
    map_subject_default,
    map_subject_read,
    period_label,
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
