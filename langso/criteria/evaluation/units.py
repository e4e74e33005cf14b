"""The units an evaluation reads: without their shapes, as they stood on the day the
year's figures are taken; the sub-units a composite counts; a province's communes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import timezone

from langso.places.models import AdminUnit, Level

from ..catalogue import SELF
from ..models import CriteriaSet, CriterionIndicator

# Units are read without their shapes: an evaluation needs none, and a province's
# village boundaries are megabytes.
GEOMETRY = ("boundary", "centroid")


def evaluation_day(year: int) -> dt.date:
    """The day a year's units are taken on: its last day, or today for the current
    year."""
    return min(dt.date(year, 12, 31), timezone.localdate())


def subunits_counted(
    *,
    criteria_set: CriteriaSet,
    indicator: CriterionIndicator,
    units: Sequence[AdminUnit],
    day: dt.date,
) -> tuple[list[AdminUnit], dict[int, int]]:
    """The units a composite counts (the units themselves for `over: self`), and the
    unit each belongs to."""
    if indicator.over == SELF:
        return list(units), {u.pk: u.pk for u in units}
    column = f"{criteria_set.level}_id"
    subunits = list(
        AdminUnit.objects.valid_on(day)
        .filter(level=indicator.over, **{f"{column}__in": [u.pk for u in units]})
        .defer(*GEOMETRY)
        .order_by("pk")
    )
    return subunits, {s.pk: getattr(s, column) for s in subunits}


def province_communes(*, province: AdminUnit, year: int) -> list[AdminUnit]:
    """The province's communes in `year`, by name."""
    return list(
        AdminUnit.objects.valid_on(evaluation_day(year))
        .filter(province=province, level=Level.COMMUNE)
        .defer(*GEOMETRY)
        .order_by("name")
    )
