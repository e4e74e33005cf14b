"""Charts of the dashboards and of the quarterly report, one way for both: a chart is a
Vega-Lite spec built here from a selector's numbers, with the same numbers as a table
for readers who cannot see it (and for the XLSX report).

- On a page and in a PDF, the spec is rendered to SVG on the server (`chart_svg`) by
  vl-convert (the Vega team's, with Vega bundled): page and PDF draw alike, and the
  page loads no script. Vega in the browser builds its expressions with `Function`,
  which the Content-Security-Policy refuses (no 'unsafe-eval'); drawing there would
  need npm's `vega-interpreter` as well.

Numbers are read the Vietnamese way in both (1.234,5), through the spec's own locale;
labels come in already translated, so nothing English reaches the reader.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import vl_convert

# The Vega-Lite version vl-convert compiles with (one it bundles).
VEGA_LITE_VERSION = "6.4"
# Vietnamese number format: "1.234,5" (d3-format's locale object).
NUMBER_LOCALE = {
    "decimal": ",",
    "thousands": ".",
    "grouping": [3],
    "currency": ["", " ₫"],
}
# Charts are read on a 360 px phone, whose page leaves a chart some 300 px: the whole
# chart's width, axes and labels included, so that it is drawn there at its own size
# (the page only shrinks a wider one). The plot is narrower by what its axis takes.
WIDTH = 300
# Names on a bar chart's side: at most this many pixels, then "…".
NAME_WIDTH = 110
BAR_HEIGHT = 18
# DejaVu Sans has every Vietnamese diacritic and is the PDF's font (core/pdf.py);
# browsers fall back to their own sans-serif.
FONT = "DejaVu Sans, Noto Sans, Arial, sans-serif"
# One hue for single-series charts, the palette's dark blue (YlGnBu).
BAR_COLOR = "#2c7fb8"


@dataclass(frozen=True)
class ChartTable:
    """The chart's numbers as a table: column headings and rows of display texts."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Chart:
    """One chart: `key` names it on the page (an element id), `title` and `summary`
    (one sentence on what it shows, read by screen readers before the table)."""

    key: str
    title: str
    summary: str
    spec: dict[str, Any] = field(repr=False)
    table: ChartTable

    @property
    def svg(self) -> str:
        return chart_svg(self.spec)


def _spec(body: dict[str, Any], *, width: int, height: int | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "width": width,
        "background": "white",
        "config": {
            "locale": {"number": NUMBER_LOCALE},
            "font": FONT,
            "axis": {"labelFontSize": 11, "titleFontSize": 11, "labelLimit": 140},
            "view": {"stroke": None},
        },
        **body,
    }
    if height is not None:
        spec["height"] = height
    return spec


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _value_axis(title: str, *, percent: bool) -> dict[str, Any]:
    """The figures' axis of a bar or a line: titled, grouped digits, 0–100 for a share."""
    axis: dict[str, Any] = {
        "field": "value",
        "type": "quantitative",
        "title": title,
        "axis": {"format": ",~r"},
    }
    if percent:
        axis["scale"] = {"domain": [0, 100]}
    return axis


def _category_axis(field: str, kind: str, axis: dict[str, Any]) -> dict[str, Any]:
    """The names' (nominal) or periods' (ordinal) axis, in the order the rows came in."""
    return {"field": field, "type": kind, "title": None, "sort": {"field": "order"}, "axis": axis}


def _tooltip(field: str, title: str) -> list[dict[str, Any]]:
    """A point's name (or period) and its figure as the page writes it."""
    return [
        {"field": field, "type": "nominal", "title": " "},
        {"field": "text", "type": "nominal", "title": title},
    ]


def bar_spec(
    rows: Sequence[tuple[str, Decimal, str]],
    *,
    axis_title: str,
    percent: bool = False,
    color: str = BAR_COLOR,
) -> dict[str, Any]:
    """Horizontal bars, one per (name, value, display text), in the order given (a
    ranking comes sorted); the display text is written at the bar's end."""
    values = [
        {"name": name, "value": _number(value), "text": text, "order": index}
        for index, (name, value, text) in enumerate(rows)
    ]
    x = _value_axis(axis_title, percent=percent)
    y = _category_axis("name", "nominal", {"labelLimit": NAME_WIDTH})
    return _spec(
        {
            "data": {"values": values},
            "encoding": {"y": y},
            "layer": [
                {
                    "mark": {"type": "bar", "color": color},
                    "encoding": {
                        "x": x,
                        "tooltip": _tooltip("name", axis_title),
                    },
                },
                {
                    "mark": {"type": "text", "align": "left", "dx": 3, "fontSize": 10},
                    "encoding": {
                        "x": {"field": "value", "type": "quantitative"},
                        "text": {"field": "text"},
                    },
                },
            ],
        },
        # The names, and the figure written past the longest bar.
        width=WIDTH - NAME_WIDTH - 40,
        height=max(1, len(values)) * BAR_HEIGHT,
    )


def line_spec(
    points: Sequence[tuple[str, Decimal | None, str]],
    *,
    axis_title: str,
    percent: bool = False,
    target: Decimal | None = None,
    target_label: str = "",
) -> dict[str, Any]:
    """A line over periods, one point per (period label, value or None, display text)
    in time order; a period without a figure breaks the line rather than reading as
    zero. `target`: a dashed rule at the target's value."""
    values = [
        {"period": label, "value": _number(value), "text": text, "order": index}
        for index, (label, value, text) in enumerate(points)
    ]
    y = _value_axis(axis_title, percent=percent)
    # A period's label is short, but for the open one's "(đang cập nhật)": whole.
    x = _category_axis("period", "ordinal", {"labelAngle": 0, "labelLimit": 0})
    layers: list[dict[str, Any]] = [
        {
            "mark": {"type": "line", "point": True, "color": BAR_COLOR},
            "encoding": {
                "x": x,
                "y": y,
                "tooltip": _tooltip("period", axis_title),
            },
        }
    ]
    if target is not None:
        layers.append(
            {
                "data": {"values": [{"target": _number(target), "label": target_label}]},
                "mark": {"type": "rule", "strokeDash": [4, 3], "color": "#d55e00"},
                "encoding": {
                    "y": {"field": "target", "type": "quantitative"},
                    "tooltip": [{"field": "label", "type": "nominal", "title": " "}],
                },
            }
        )
    return _spec({"data": {"values": values}, "layer": layers}, width=WIDTH - 60, height=160)


def count_spec(
    rows: Sequence[tuple[str, int, str]],
    *,
    axis_title: str,
) -> dict[str, Any]:
    """A distribution: one bar per class (label, number of units, colour), in class
    order, each in its own colour (the map's legend), the count written above."""
    values = [
        {"name": label, "count": count, "color": color, "order": index}
        for index, (label, count, color) in enumerate(rows)
    ]
    # Class labels ("trên 25 % – 50 %") side by side fit three to a phone's width;
    # more are slanted, whole.
    slanted = len(values) > 3
    x = {
        "field": "name",
        "type": "nominal",
        "title": None,
        "sort": {"field": "order"},
        "axis": {
            "labelAngle": -35 if slanted else 0,
            "labelLimit": 120 if slanted else (WIDTH - 50) // max(1, len(values)),
        },
    }
    # Whole numbers on the count axis: a tick per unit up to 5, else 5 ticks or so.
    top = max((count for _label, count, _color in rows), default=0)
    step = max(1, math.ceil(top / 5))
    return _spec(
        {
            "data": {"values": values},
            "encoding": {"x": x},
            "layer": [
                {
                    "mark": {"type": "bar"},
                    "encoding": {
                        "y": {
                            "field": "count",
                            "type": "quantitative",
                            "title": axis_title,
                            "axis": {"format": "d", "values": list(range(0, top + step, step))},
                        },
                        "color": {"field": "color", "type": "nominal", "scale": None},
                        "tooltip": [
                            {"field": "name", "type": "nominal", "title": " "},
                            {"field": "count", "type": "quantitative", "title": axis_title},
                        ],
                    },
                },
                {
                    "mark": {"type": "text", "dy": -6, "fontSize": 10},
                    "encoding": {
                        "y": {"field": "count", "type": "quantitative"},
                        "text": {"field": "count", "type": "quantitative", "format": "d"},
                    },
                },
            ],
        },
        width=WIDTH - 50,
        height=160,
    )


@functools.lru_cache(maxsize=256)
def _drawn(spec_json: str) -> str:
    return str(vl_convert.vegalite_to_svg(json.loads(spec_json), vl_version=VEGA_LITE_VERSION))


def chart_svg(spec: dict[str, Any]) -> str:
    """The chart as an SVG document, for a PDF (WeasyPrint draws inline SVG) and for the
    page, inline. Vega escapes every text it writes (a unit's name is text, never
    markup), and the SVG carries no id, so that charts never clash on a page. Drawing
    is some 45 ms a chart: kept by the spec's text."""
    return _drawn(json.dumps(spec, sort_keys=True))


# A map in the report: A4's text width at 96 dpi, less the margins, and as tall.
MAP_WIDTH = 460
MAP_HEIGHT = 460


def map_spec(
    features: Sequence[dict[str, Any]],
    *,
    legend: Sequence[tuple[str, str]],
    legend_title: str,
    width: int = MAP_WIDTH,
    height: int = MAP_HEIGHT,
) -> dict[str, Any]:
    """A choropleth as a Vega-Lite geoshape: `features` are GeoJSON features whose
    properties hold `name`, `label` (the unit's figure or status), `class` (its
    legend entry) and `approximate` (an area drawn around its centre, dashed); `legend`
    is (label, colour) in the legend's order, "Không có dữ liệu" included when any unit
    has none. The projection fits the features into the box."""
    labels = [label for label, _color in legend]
    colors = [color for _label, color in legend]
    return _spec(
        {
            "data": {
                "values": {"type": "FeatureCollection", "features": list(features)},
                "format": {"type": "json", "property": "features"},
            },
            "projection": {"type": "mercator"},
            "mark": {"type": "geoshape", "stroke": "#ffffff", "strokeWidth": 0.6},
            "encoding": {
                "color": {
                    "field": "properties.class",
                    "type": "nominal",
                    "scale": {"domain": labels, "range": colors},
                    "legend": {
                        "title": legend_title,
                        "orient": "bottom",
                        "direction": "vertical",
                        "labelLimit": 400,
                        "titleLimit": 400,
                    },
                },
                "strokeDash": {
                    "condition": {"test": "datum.properties.approximate", "value": [3, 2]},
                    "value": [1, 0],
                },
                "tooltip": [
                    {"field": "properties.name", "type": "nominal", "title": " "},
                    {"field": "properties.label", "type": "nominal", "title": legend_title},
                ],
            },
        },
        width=width,
        height=height,
    )
