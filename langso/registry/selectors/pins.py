"""The small figure of a record's point on its page (`maps.pin`): the commune's own
boundary, or its approximate cell where none is loaded. The caller has already reached
the row through the user's scope (a record page's access selector)."""

from __future__ import annotations

from django.contrib.gis.geos import GEOSGeometry

from ..maps.approx import approx_commune_cell
from ..maps.pin import PinFigure, pin_figure
from ..models import Placed


def pin_figure_for_row(*, row: Placed) -> PinFigure | None:
    """The row's point in its commune's outline; None when neither is known."""
    commune = row.commune
    outline: GEOSGeometry | None = commune.boundary
    approximate = False
    if outline is None:
        outline = approx_commune_cell(commune)
        approximate = outline is not None
    point = (row.location.x, row.location.y) if row.location is not None else None
    return pin_figure(point=point, outline=outline, approximate=approximate)
