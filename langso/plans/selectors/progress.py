"""Live progress of a plan's targets: each target's current value from the indicators
and criteria engines (never typed in), the value expected today on the path from its
baseline to its target, its status, and the sub-units that pull it down.

**The value read.** A target is read for the year of today or of its deadline, whichever
comes first: the closed (frozen) figures of that year where the year is closed, the live
ones otherwise. An indicator is read at the unit (`indicator_value`, `activity`); sub-units
meeting something are counted among the current sub-units of the level (`units_meeting`:
the xã a set applies to for a set or a criterion; every unit of the level for an
indicator's threshold).

**The path.** From (baseline date, baseline value) through the milestones, by date, to
(deadline, target value), straight between consecutive points; before the baseline it
is the baseline, after the deadline the target. Without a baseline there is no path.

**The status** (`TrackStatus`), `day` being today:

- `on_track` (đúng tiến độ): the target is met (its comparator holds), or the value is at
  or beyond the path's value at `day` ("beyond": above for ≥ and >, below for ≤ and <);
- `at_risk` (có nguy cơ chậm): not met, and short of the path by at most
  `TOLERANCE` (10 %) of the distance from the baseline to the target; or not met,
  before the deadline, with no baseline to draw a path from;
- `off_track` (chậm tiến độ): short of the path by more than that, or the deadline has
  passed with the target not met;
- `no_data` (chưa có số liệu): no figure (nothing reported, no sub-unit counted, the set
  not applying in the year);
- `unbound` (chưa gắn chỉ số): a target the platform cannot compute, with why.

**Units that no longer exist.** A plan issued for a district (abolished on 1 July 2025)
or a commune of before the merger is read through the lineage: on the current units that
received its territory (its own, or its communes'), the figures of an indicator summed
over them (numerators and denominators), the sub-units counted among them; the plan says
so ("đọc qua đơn vị mới: …").

**Cost.** One `indicators_values` call per level read (all the plan's indicators at
once), one criteria evaluation run per year, reading for each set only the part a target
counts (its statuses alone, or one criterion's): a province plan of fifteen targets over 130
communes is a handful of queries whatever the number of targets.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise
from urllib.parse import urlencode

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from langso.core.errors import DomainError
from langso.criteria.evaluation.engine import Evaluator
from langso.criteria.evaluation.statuses import PASS, RANK, Status
from langso.criteria.evaluation.units import GEOMETRY, SUBJECT_KINDS
from langso.criteria.selectors.recognitions import set_names
from langso.indicators.selectors import (
    IndicatorValue,
    indicator_names,
    indicators_values,
    period_parse,
)
from langso.places.models import AdminUnit, Level, UnitLineage

from ..models import Plan, Target, TargetComparator, TargetKind

# How far short of the path a target may fall and be "at risk" rather than "off
# track": a tenth of the way from its baseline to its target.
TOLERANCE = Decimal("0.1")
# Sub-units shown as pulling a target down.
WORST_SHOWN = 5
HUNDRED = Decimal(100)


class TrackStatus(models.TextChoices):
    ON_TRACK = "on_track", gettext_lazy("Đúng tiến độ")
    AT_RISK = "at_risk", gettext_lazy("Có nguy cơ chậm")
    OFF_TRACK = "off_track", gettext_lazy("Chậm tiến độ")
    NO_DATA = "no_data", gettext_lazy("Chưa có số liệu")
    UNBOUND = "unbound", gettext_lazy("Chưa gắn chỉ số")


# Worst first, for lists of targets.
STATUS_ORDER = {
    TrackStatus.OFF_TRACK: 0,
    TrackStatus.AT_RISK: 1,
    TrackStatus.NO_DATA: 2,
    TrackStatus.ON_TRACK: 3,
    TrackStatus.UNBOUND: 4,
}


@dataclass(frozen=True)
class Contribution:
    """One sub-unit's part in a target: its value (an indicator's) and whether it meets
    what the target counts; `status` is the criteria engine's for a set or criterion."""

    unit: AdminUnit
    value: Decimal | None
    met: bool | None
    status: str = ""

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label) if self.status else ""


@dataclass
class TargetProgress:
    target: Target
    status: str
    value: Decimal | None = None
    expected: Decimal | None = None
    # The period read ("2025"), and whether its figures are frozen.
    period: str = ""
    frozen: bool = False
    # units_meeting: sub-units meeting, and counted.
    met_units: int | None = None
    counted_units: int | None = None
    # What the figure is read from, by name (an indicator's, a set's).
    source_name: str = ""
    # Where the figure comes from: the API call that gives it, about this unit.
    provenance: str = ""
    provenance_unit: AdminUnit | None = None
    note: str = ""
    # Sub-units, worst first.
    contributions: list[Contribution] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return str(TrackStatus(self.status).label)

    @property
    def worst(self) -> list[Contribution]:
        """The sub-units pulling the target down (not meeting it), worst first."""
        return [c for c in self.contributions if c.met is not True][:WORST_SHOWN]

    @property
    def share_done(self) -> Decimal | None:
        """How far the value has come to the target, 0 to 100, for a progress bar."""
        if self.value is None:
            return None
        higher = self.target.comparator in (TargetComparator.GTE, TargetComparator.GT)
        if not higher:
            return (
                HUNDRED
                if _meets(self.value, self.target.comparator, self.target.value)
                else (Decimal(0))
            )
        if self.target.value <= 0:
            return HUNDRED
        return max(Decimal(0), min(HUNDRED, self.value / self.target.value * HUNDRED))


@dataclass
class PlanProgress:
    plan: Plan
    # The current units read for the plan's unit (itself when current).
    read_units: list[AdminUnit]
    targets: list[TargetProgress]
    day: dt.date

    @property
    def lineage_note(self) -> str:
        """For a plan of a unit that no longer exists: which units are read for it."""
        if self.plan.unit.valid_to is None:
            return ""
        if not self.read_units:
            return _("Đơn vị của kế hoạch không còn và chưa có đơn vị mới nhận địa bàn.")
        return _("Đơn vị của kế hoạch không còn: đọc qua đơn vị mới: %(units)s.") % {
            "units": ", ".join(u.name for u in self.read_units)
        }


# --- The path and the status ---------------------------------------------------------


def _meets(value: Decimal, comparator: str, target: Decimal) -> bool:
    if comparator == TargetComparator.GTE:
        return value >= target
    if comparator == TargetComparator.GT:
        return value > target
    if comparator == TargetComparator.LTE:
        return value <= target
    return value < target


def path_points(target: Target) -> list[tuple[dt.date, Decimal]]:
    """The points of a target's path, by date: its baseline, milestones and target."""
    if target.baseline_value is None or target.baseline_on is None:
        return []
    points = [(target.baseline_on, Decimal(target.baseline_value))]
    points += [
        (dt.date.fromisoformat(m["date"]), Decimal(m["value"]))
        for m in sorted(target.milestones or [], key=lambda m: str(m["date"]))
    ]
    points.append((target.deadline, Decimal(target.value)))
    return points


def expected_on(target: Target, day: dt.date) -> Decimal | None:
    """The value the path gives on `day` (None without a baseline)."""
    points = path_points(target)
    if not points:
        return None
    if day <= points[0][0]:
        return points[0][1]
    for (start, low), (end, high) in pairwise(points):
        if day <= end:
            elapsed = Decimal((day - start).days) / Decimal((end - start).days)
            return (low + (high - low) * elapsed).quantize(Decimal("0.01"))
    return points[-1][1]


def track_status(
    target: Target, value: Decimal | None, expected: Decimal | None, day: dt.date
) -> str:
    """The status of a target whose figure is `value` on `day`, the path giving
    `expected` (the rule is in the module's docstring)."""
    if target.unbound_reason:
        return TrackStatus.UNBOUND
    if value is None:
        return TrackStatus.NO_DATA
    if _meets(value, target.comparator, target.value):
        return TrackStatus.ON_TRACK
    if day > target.deadline:
        return TrackStatus.OFF_TRACK
    if expected is None or target.baseline_value is None:
        return TrackStatus.AT_RISK
    higher = target.comparator in (TargetComparator.GTE, TargetComparator.GT)
    shortfall = (expected - value) if higher else (value - expected)
    if shortfall <= 0:
        return TrackStatus.ON_TRACK
    span = abs(Decimal(target.value) - Decimal(target.baseline_value))
    return TrackStatus.AT_RISK if shortfall <= TOLERANCE * span else TrackStatus.OFF_TRACK


# --- Reading a plan ------------------------------------------------------------------


def read_units(unit: AdminUnit) -> list[AdminUnit]:
    """The current units a plan of `unit` is read on: the unit itself, or for a unit
    that no longer exists the current units that received its territory (or its
    communes'), by name."""
    if unit.valid_to is None:
        return [unit]
    legacy_communes = AdminUnit.objects.filter(
        unit.subtree_q(), level=Level.COMMUNE, valid_to=unit.valid_to
    ).values("pk")
    successors = UnitLineage.objects.filter(
        Q(predecessor=unit) | Q(predecessor__in=legacy_communes),
        successor__valid_to__isnull=True,
    ).values("successor_id")
    return list(AdminUnit.objects.filter(pk__in=successors).defer(*GEOMETRY).order_by("name"))


def _subunits(units: Sequence[AdminUnit], level: str, day: dt.date) -> list[AdminUnit]:
    """The current units of `level` at or under `units`."""
    if not units:
        return []
    same = [u for u in units if u.level == level]
    below = [u for u in units if u.level != level]
    found = list(same)
    if below:
        by_level: dict[str, list[int]] = defaultdict(list)
        for unit in below:
            by_level[unit.level].append(unit.pk)
        wanted = Q(pk__in=[])
        for unit_level, pks in by_level.items():
            wanted |= Q(**{f"{unit_level}_id__in": pks})
        found += list(
            AdminUnit.objects.valid_on(day)
            .filter(wanted, level=level)
            .defer(*GEOMETRY)
            .order_by("name")
        )
    return found


class _Subunits:
    """The sub-units of a plan's units, read once per level and day for all targets."""

    def __init__(self) -> None:
        self.read: dict[tuple[tuple[int, ...], str, dt.date], list[AdminUnit]] = {}

    def of(self, units: Sequence[AdminUnit], level: str, day: dt.date) -> list[AdminUnit]:
        key = (tuple(u.pk for u in units), level, day)
        if key not in self.read:
            self.read[key] = _subunits(units, level, day)
        return self.read[key]


def _year(target: Target, day: dt.date) -> int:
    return min(day, target.deadline).year


def _summed(values: Sequence[IndicatorValue], unit_kind: str) -> Decimal | None:
    """One figure of several units: numerators and denominators summed."""
    numerators = [v.numerator for v in values if v.numerator is not None]
    if not numerators:
        return None
    numerator = sum(numerators, Decimal(0))
    if unit_kind == "count":
        return numerator
    denominator = sum((v.denominator or Decimal(0) for v in values), Decimal(0))
    if not denominator:
        return None
    share = numerator / denominator
    return (share * HUNDRED if unit_kind == "percent" else share).quantize(Decimal("0.01"))


def plan_progress(*, plan: Plan, day: dt.date | None = None) -> PlanProgress:
    """Every target of `plan` with its progress on `day` (today by default), in the
    plan's order."""
    day = day or timezone.localdate()
    targets = list(plan.targets.select_related("unit").order_by("position"))
    units = read_units(plan.unit)
    progress = {t.pk: TargetProgress(target=t, status=TrackStatus.UNBOUND) for t in targets}
    bound = [t for t in targets if not t.unbound_reason]
    subunits = _Subunits()
    _indicator_targets(
        [t for t in bound if t.kind != TargetKind.UNITS_MEETING], units, progress, day, subunits
    )
    _meeting_targets(
        [t for t in bound if t.kind == TargetKind.UNITS_MEETING], units, progress, day, subunits
    )
    for target in targets:
        found = progress[target.pk]
        if target.unbound_reason:
            found.note = target.unbound_reason
            continue
        found.expected = expected_on(target, day)
        found.status = track_status(target, found.value, found.expected, day)
    return PlanProgress(plan=plan, read_units=units, targets=list(progress.values()), day=day)


def _provenance(path: str, **params: str) -> str:
    return f"/api/v1/{path}?{urlencode(params)}"


def _indicator_targets(
    targets: Sequence[Target],
    units: Sequence[AdminUnit],
    progress: dict[int, TargetProgress],
    day: dt.date,
    read_subunits: _Subunits,
) -> None:
    """Indicator and activity targets: one read of all their indicators per year and
    unit set, and one at the communes under them, for the worst."""
    names = indicator_names(codes={t.indicator for t in targets})
    groups: dict[tuple[int, tuple[int, ...]], list[Target]] = defaultdict(list)
    for target in targets:
        at = [target.unit] if target.unit is not None else list(units)
        if target.unit is not None and target.unit.valid_to is not None:
            at = read_units(target.unit)
        groups[(_year(target, day), tuple(u.pk for u in at))].append(target)
        progress[target.pk].source_name = names.get(target.indicator, "")
    for (year, unit_ids), group in groups.items():
        at_units = [u for u in _units_by_pk(group, units) if u.pk in unit_ids]
        period = period_parse(str(year))
        codes = list(dict.fromkeys(t.indicator for t in group))
        if not at_units:
            continue
        by_level: dict[str, list[AdminUnit]] = defaultdict(list)
        for unit in at_units:
            by_level[unit.level].append(unit)
        read: dict[str, list[IndicatorValue]] = defaultdict(list)
        frozen = False
        unit_kind: dict[str, str] = {}
        for level_units in by_level.values():
            for found in indicators_values(codes=codes, units=level_units, period=period):
                read[found.definition.code] += found.values
                unit_kind[found.definition.code] = found.definition.unit
                frozen = frozen or found.frozen
        communes = (
            read_subunits.of(at_units, Level.COMMUNE, day)
            if at_units[0].level != Level.COMMUNE or len(at_units) > 1
            else []
        )
        by_commune: dict[str, list[IndicatorValue]] = {}
        if communes:
            for found in indicators_values(codes=codes, units=communes, period=period):
                by_commune[found.definition.code] = found.values
        for target in group:
            found_progress = progress[target.pk]
            found_progress.period = period.code
            found_progress.frozen = frozen
            found_progress.value = _summed(read[target.indicator], unit_kind[target.indicator])
            about = _provenance_unit(at_units)
            found_progress.provenance_unit = about
            found_progress.provenance = _provenance(
                "indicator-values",
                indicator=target.indicator,
                unit=about.code,
                **({"level": at_units[0].level} if len(at_units) > 1 else {}),
                period=period.code,
            )
            higher = target.comparator in (TargetComparator.GTE, TargetComparator.GT)
            rows = [
                Contribution(
                    unit=v.unit,
                    value=v.value,
                    met=None
                    if v.value is None
                    else _meets(v.value, target.comparator, target.value),
                )
                for v in by_commune.get(target.indicator, [])
            ]
            # An indicator entered at the province has no commune figures: no list.
            if any(row.value is not None for row in rows):
                found_progress.contributions = _worst_first(rows, higher)


def _provenance_unit(units: Sequence[AdminUnit]) -> AdminUnit:
    """The unit a figure read on `units` is asked for from the API: the unit itself, or
    for several (a legacy unit's successors) their province, with the level."""
    if len(units) == 1 or units[0].province is None:
        return units[0]
    return units[0].province


def _units_by_pk(group: Sequence[Target], units: Sequence[AdminUnit]) -> list[AdminUnit]:
    found = {u.pk: u for u in units}
    for target in group:
        if target.unit is not None:
            for unit in [target.unit] if target.unit.valid_to is None else read_units(target.unit):
                found[unit.pk] = unit
    return list(found.values())


def _worst_first(rows: list[Contribution], higher: bool) -> list[Contribution]:
    """Not meeting first; among them the furthest from it; no data last."""

    def key(row: Contribution) -> tuple[int, Decimal, str]:
        if row.value is None:
            return (1, Decimal(0), row.unit.name)
        return (0 if row.met is False else 2, row.value if higher else -row.value, row.unit.name)

    return sorted(rows, key=key)


def _meeting_targets(
    targets: Sequence[Target],
    units: Sequence[AdminUnit],
    progress: dict[int, TargetProgress],
    day: dt.date,
    read_subunits: _Subunits,
) -> None:
    """Targets counting sub-units: one evaluation run per year, reading per set the
    statuses of the whole set or of the one criterion or criterion indicator a target
    counts ("8.4": the officers' findings alone, where a full evaluation of the set read
    every figure of it), one read of the indicators thresholded, per level and year."""
    province = units[0].province if units else None
    set_names_found = set_names(
        codes={t.set_code for t in targets if t.set_code}, province=province
    )
    indicator_label = indicator_names(codes={t.indicator for t in targets if t.indicator})
    evaluators: dict[int, Evaluator] = {}
    subunits: dict[tuple[str, int, bool], list[AdminUnit]] = {}
    statuses: dict[tuple[int, str, str | None], dict[int, str]] = {}
    values: dict[tuple[int, str], dict[str, list[IndicatorValue]]] = {}
    for target in targets:
        year = _year(target, day)
        found_progress = progress[target.pk]
        found_progress.period = str(year)
        subjects_only = bool(target.set_code)
        key = (target.level, year, subjects_only)
        if key not in subunits:
            found_units = read_subunits.of(units, target.level, min(day, dt.date(year, 12, 31)))
            if subjects_only:
                kinds = SUBJECT_KINDS.get(target.level, ())
                found_units = [u for u in found_units if not kinds or u.kind in kinds]
            subunits[key] = found_units
        counted = subunits[key]
        if not units:
            continue
        about = _provenance_unit(units)
        rows: list[Contribution] = []
        higher = True
        try:
            if target.set_code:
                found_progress.source_name = set_names_found.get(target.set_code, "")
                evaluator = evaluators.setdefault(year, Evaluator(year))
                # A criterion or criterion indicator ("8.4") alone, or the whole set.
                part = target.criterion or None
                part_status = statuses.get((year, target.set_code, part))
                if part_status is None:
                    part_status = (
                        evaluator.part_statuses(target.set_code, part, counted)
                        if part
                        else evaluator.statuses(target.set_code, counted)
                    )
                    statuses[(year, target.set_code, part)] = part_status
                rows = [
                    Contribution(
                        unit=u,
                        value=None,
                        met=part_status.get(u.pk) == PASS,
                        status=part_status.get(u.pk, ""),
                    )
                    for u in counted
                ]
                rows.sort(key=lambda r: (RANK.get(r.status, 9), r.unit.name))
                found_progress.provenance_unit = about
                found_progress.provenance = _provenance(
                    "evaluations",
                    set=target.set_code,
                    unit=about.code,
                    level=target.level,
                    year=str(year),
                )
            else:
                found_progress.source_name = indicator_label.get(target.indicator, "")
                period = period_parse(str(year))
                read = values.get((year, target.level))
                if read is None:
                    codes = sorted({t.indicator for t in targets if t.indicator and not t.set_code})
                    read = (
                        {
                            found.definition.code: found.values
                            for found in indicators_values(
                                codes=codes, units=counted, period=period
                            )
                        }
                        if counted
                        else {}
                    )
                    values[(year, target.level)] = read
                higher = target.unit_comparator in (TargetComparator.GTE, TargetComparator.GT)
                threshold = Decimal(target.unit_threshold or 0)
                rows = _worst_first(
                    [
                        Contribution(
                            unit=v.unit,
                            value=v.value,
                            met=None
                            if v.value is None
                            else _meets(v.value, target.unit_comparator, threshold),
                        )
                        for v in read.get(target.indicator, [])
                    ],
                    higher,
                )
                found_progress.provenance_unit = about
                found_progress.provenance = _provenance(
                    "indicator-values",
                    indicator=target.indicator,
                    unit=about.code,
                    level=target.level,
                    period=str(year),
                )
        except DomainError as refusal:
            found_progress.note = refusal.message
            continue
        found_progress.contributions = rows
        if not counted:
            continue
        met = sum(1 for r in rows if r.met)
        found_progress.met_units = met
        found_progress.counted_units = len(counted)
        found_progress.value = (
            Decimal(met)
            if target.measure == "count"
            else (Decimal(met) / len(counted) * HUNDRED).quantize(Decimal("0.01"))
        )
