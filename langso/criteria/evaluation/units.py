"""The units an evaluation reads: without their shapes, as they stood on the day the
year's figures are taken; the units a set applies to (its subjects); the sub-units a
composite counts; a province's communes."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from langso.places.models import AdminUnit, Kind, Level

from ..catalogue import SELF
from ..models import CriteriaSet, CriterionIndicator

# Units are read without their shapes: an evaluation needs none, and a province's
# village boundaries are megabytes.
GEOMETRY = ("boundary", "centroid")

# The kinds of unit the sets of each level judge. The new-rural-area criteria are for
# rural units: the commune sets (318/QĐ-TTg, 51/2025/QĐ-TTg) judge xã, not phường,
# thị trấn or đặc khu (urban units, judged by "đô thị văn minh"); the village sets judge
# thôn, ấp, bản and xóm, not the tổ dân phố of towns; the district sets (320/QĐ-TTg)
# judge huyện. The catalogue says nothing of kinds, so the rule is kept here, once. A
# province is judged whatever it is called.
SUBJECT_KINDS: dict[str, tuple[str, ...]] = {
    Level.DISTRICT: (Kind.HUYEN,),
    Level.COMMUNE: (Kind.XA,),
    Level.VILLAGE: (Kind.THON, Kind.AP, Kind.BAN, Kind.XOM),
}


def is_subject(unit: AdminUnit) -> bool:
    """Whether the sets of the unit's level apply to it (a xã, not a phường)."""
    kinds = SUBJECT_KINDS.get(unit.level)
    return kinds is None or unit.kind in kinds


@dataclass(frozen=True)
class Subjects:
    """The units a set applies to, and how many of each other kind were left out."""

    units: list[AdminUnit]
    left_out: dict[str, int] = field(default_factory=dict)

    @property
    def left_out_count(self) -> int:
        return sum(self.left_out.values())

    @property
    def left_out_note(self) -> str:
        """Who was left out and why: "33 phường, 1 đặc khu không thuộc diện xét NTM"."""
        if not self.left_out:
            return ""
        counted = ", ".join(
            f"{count} {str(Kind(kind).label).lower()}" for kind, count in self.left_out.items()
        )
        return _("%(units)s không thuộc diện xét nông thôn mới, không được tính.") % {
            "units": counted
        }


def subjects_of(units: Sequence[AdminUnit]) -> Subjects:
    """The units the sets of their level apply to, in the order given, and the count of
    the others by kind (in the order of `Kind`)."""
    subjects = [unit for unit in units if is_subject(unit)]
    others = Counter(unit.kind for unit in units if not is_subject(unit))
    return Subjects(
        units=subjects, left_out={kind: others[kind] for kind in Kind.values if kind in others}
    )


def not_a_subject_reason(unit: AdminUnit) -> str:
    """Why no set of its level applies to a unit, for its own page."""
    return _(
        "Bộ tiêu chí nông thôn mới không áp dụng cho %(kind)s: %(unit)s không thuộc diện xét."
    ) % {"kind": str(Kind(unit.kind).label).lower(), "unit": unit.name}


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
    unit each belongs to: only the sub-units the sets of their level apply to ("100% of
    communes meet NTM" counts the xã, not the phường)."""
    if indicator.over == SELF:
        return list(units), {u.pk: u.pk for u in units}
    column = f"{criteria_set.level}_id"
    subjects = (
        {"kind__in": SUBJECT_KINDS[indicator.over]} if indicator.over in SUBJECT_KINDS else {}
    )
    subunits = list(
        AdminUnit.objects.valid_on(day)
        .filter(level=indicator.over, **subjects, **{f"{column}__in": [u.pk for u in units]})
        .defer(*GEOMETRY)
        .order_by("pk")
    )
    return subunits, {s.pk: getattr(s, column) for s in subunits}


def province_communes(*, province: AdminUnit, year: int) -> list[AdminUnit]:
    """The province's communes in `year` (xã, phường, đặc khu alike), by name."""
    return list(
        AdminUnit.objects.valid_on(evaluation_day(year))
        .filter(province=province, level=Level.COMMUNE)
        .defer(*GEOMETRY)
        .order_by("name")
    )
