"""Reads of indicators: definitions, periods, and values at any unit, rolled up along
the tree from the aggregates of the lowest units in one grouped query."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Generic

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from langso.accounts.roles import Permission
from langso.accounts.selectors import unit_in_scope, unit_scope_q
from langso.core.actors import Actor
from langso.core.errors import DomainError, NotFound
from langso.core.events import ACTIVITY_SHARES
from langso.places.keys import U, UnitKey, unit_keys
from langso.places.models import MERGER_2025, AdminUnit, Level

from .definitions import Entry
from .lineage import current_on_legacy, legacy_on_current
from .measures import measure_from_spec
from .models import (
    ActivityCount,
    FrozenAggregate,
    HouseholdAggregate,
    IndicatorDefinition,
    IndicatorUnit,
    Period,
    PeriodKind,
    ReportedEvidence,
    ReportedValue,
    Source,
)

HUNDRED = Decimal(100)
PLACES = Decimal("1e-10")
# The levels values are read at: the current tree has no districts since 2025-07-01.
VALUE_LEVELS = (Level.PROVINCE, Level.COMMUNE, Level.VILLAGE)
# How deep a level lies, to tell a roll-up (reading above the entry level) from a
# split (below it, which a reported figure cannot give).
DEPTH: dict[str, int] = {
    Level.PROVINCE: 0,
    Level.DISTRICT: 1,
    Level.COMMUNE: 2,
    Level.VILLAGE: 3,
}
# A reported roll-up made of fewer than this share of the units that should report is
# marked "chưa đủ báo cáo", never shown as a plain figure: one commune of 129 reporting
# 100 % says nothing of its province. 80 %: four units in five, the bar issue 15 set;
# below it the figure is read as that of the units that reported, not of the unit.
LOW_COVERAGE = Decimal("0.8")


# --- Definitions --------------------------------------------------------------------


def indicator_list() -> list[IndicatorDefinition]:
    """The current version of every indicator, by code."""
    latest = (
        IndicatorDefinition.objects.filter(code=OuterRef("code"))
        .order_by("-version")
        .values("version")[:1]
    )
    return list(IndicatorDefinition.objects.filter(version=Subquery(latest)).order_by("code"))


def indicator_names(*, codes: Iterable[str]) -> dict[str, str]:
    """The name (`label`) of the current version of each indicator among `codes`."""
    names: dict[str, str] = {}
    for definition in IndicatorDefinition.objects.filter(code__in=set(codes)).order_by("version"):
        names[definition.code] = definition.label
    return names


def indicator_get(*, code: str, as_of: dt.datetime | None = None) -> IndicatorDefinition:
    """The indicator's current version, or the version in force at `as_of` (a closed
    period's values are computed by the definition of the day it was closed)."""
    versions = IndicatorDefinition.objects.filter(code=code)
    if as_of is not None:
        versions = versions.filter(created_at__lte=as_of)
    definition = versions.order_by("-version").first()
    if definition is None:
        raise NotFound(_("Không có chỉ số “%(code)s”.") % {"code": code})
    return definition


def indicator_versions(*, code: str) -> QuerySet[IndicatorDefinition]:
    return IndicatorDefinition.objects.filter(code=code).order_by("-version")


# --- Periods ------------------------------------------------------------------------

_PERIOD = re.compile(r"^(?P<year>\d{4})(?:-(?:Q(?P<quarter>[1-4])|(?P<month>0[1-9]|1[0-2])))?$")


def period_parse(code: str) -> Period:
    """The period a code names ("2026", "2026-Q3", "2026-09"): the stored one, or an
    unsaved one (open) when nothing was ever entered or closed for it. A code that is
    not of that form names no period: NotFound, like an unknown indicator or unit."""
    match = _PERIOD.match(code.strip())
    if match is None:
        raise NotFound(
            _("Kỳ “%(code)s” không hợp lệ: viết 2026, 2026-Q3 hoặc 2026-09.") % {"code": code}
        )
    stored = Period.objects.filter(code=code.strip()).first()
    if stored is not None:
        return stored
    year = int(match["year"])
    if match["quarter"]:
        first = 3 * int(match["quarter"]) - 2
        kind, start, end = PeriodKind.QUARTER, dt.date(year, first, 1), _month_end(year, first + 2)
    elif match["month"]:
        month = int(match["month"])
        kind, start, end = PeriodKind.MONTH, dt.date(year, month, 1), _month_end(year, month)
    else:
        kind, start, end = PeriodKind.YEAR, dt.date(year, 1, 1), dt.date(year, 12, 31)
    return Period(code=code.strip(), kind=kind, start=start, end=end)


def _month_end(year: int, month: int) -> dt.date:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def period_current(*, kind: str = PeriodKind.YEAR) -> Period:
    today = timezone.localdate()
    if kind == PeriodKind.MONTH:
        return period_parse(f"{today.year}-{today.month:02d}")
    if kind == PeriodKind.QUARTER:
        return period_parse(f"{today.year}-Q{(today.month - 1) // 3 + 1}")
    return period_parse(str(today.year))


def period_or_current(code: str | None) -> Period:
    """The period a page or request asks for by its code, the current year by default."""
    return period_parse(code) if code else period_current()


def period_list() -> QuerySet[Period]:
    return Period.objects.all()


# --- Values -------------------------------------------------------------------------


# Slots: a national read makes one per commune, 3,321 of them, each without an
# attribute dictionary.
@dataclass(frozen=True, slots=True)
class IndicatorValue(Generic[U]):
    """One indicator at one unit for one period. `value` None is "no data" (không có dữ
    liệu): a zero denominator, or nothing reported; never 0%."""

    unit: U
    numerator: Decimal | None
    denominator: Decimal | None
    value: Decimal | None
    # Reported indicators: how many units' entries the value is made of.
    reports: int | None = None
    # A reported indicator rolled up above the level it is entered at (current units):
    # how many units of that level under this one reported for the period, of how many
    # should. None where the value is no roll-up.
    reporting_units: int | None = None
    expected_units: int | None = None

    @property
    def coverage(self) -> Decimal | None:
        """The share (0 to 1) of the units that should report that did."""
        if self.reporting_units is None or not self.expected_units:
            return None
        return Decimal(min(self.reporting_units, self.expected_units)) / self.expected_units

    @property
    def low_coverage(self) -> bool:
        """A roll-up too few units reported for to stand as the unit's figure."""
        coverage = self.coverage
        return coverage is not None and coverage < LOW_COVERAGE


@dataclass(frozen=True)
class IndicatorValues(Generic[U]):
    """Values of one indicator for some units of one level, with their provenance:
    the definition version, the period, whether the period is closed (frozen values),
    and when the figures were computed."""

    definition: IndicatorDefinition
    period: Period
    level: str
    frozen: bool
    computed_at: dt.datetime
    values: list[IndicatorValue[U]] = field(default_factory=list)


def _ratio(unit: str, numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    if numerator is None:
        return None
    if unit == IndicatorUnit.COUNT:
        return numerator
    if not denominator:
        return None
    share = numerator / denominator
    # Shares carried through the lineage are thirds and fifths: keep ten places.
    return (share * HUNDRED if unit == IndicatorUnit.PERCENT else share).quantize(PLACES)


def indicator_values(*, code: str, units: Sequence[AdminUnit], period: Period) -> IndicatorValues:
    """The indicator at each of `units` (all of one level) for `period`, in their
    order. A closed period reads the figures frozen when it was closed, by the
    definition in force then; an open one reads the live aggregates."""
    return indicators_values(codes=[code], units=units, period=period)[0]


@dataclass(frozen=True)
class UnitsUnder:
    """What a caller of `indicators_values` knows of its units: every one of them lies
    under `parent` (None: the whole country), as every current unit of a level under a
    unit does (a map's, a ranking's). Their figures are then read for the parent's
    subtree, grouped by the level, rather than for a list of their ids: for the 3,321
    communes the ids cost more than the sums (`bench choropleth`). Rows of units not
    asked for are read and left out."""

    parent: AdminUnit | None


def indicators_values(
    *,
    codes: Sequence[str],
    units: Sequence[U],
    period: Period,
    under: UnitsUnder | None = None,
) -> list[IndicatorValues[U]]:
    """Several indicators at once, in the order of `codes`: one grouped query per source
    (and per entry level of the reported ones), whatever the number of indicators.
    `under`: the units all lie under a unit, or the country (see `UnitsUnder`)."""
    keys = unit_keys(units)
    level, legacy = _level_of(keys)
    # A legacy unit's rows are of its own time: by their ids.
    among = _Among(keys, None if legacy else under)
    frozen = period.pk is not None and period.closed_at is not None
    definitions = _definitions(codes, as_of=period.closed_at if frozen else None)
    by_source: dict[str, list[IndicatorDefinition]] = defaultdict(list)
    for definition in definitions:
        by_source[definition.source].append(definition)
    figures: dict[str, Figures] = {}
    if registry := by_source[Source.REGISTRY]:
        if legacy:
            figures |= _registry_on_legacy(
                registry, _legacy_units(keys), period if frozen else None
            )
        else:
            figures |= _registry_figures(registry, among, level, period if frozen else None)
    if reported := by_source[Source.REPORTED]:
        if not legacy and period.end < MERGER_2025:
            for definition in reported:
                figures[definition.code] = _reported_from_legacy(definition, keys, level, period)
        else:
            figures |= _reported_figures(reported, among, level, period)
    if (activity := by_source[Source.ACTIVITY]) and not legacy:
        figures |= _activity_figures(activity, keys, among, level, period)
    # Coverage is counted on today's tree: a legacy unit's successors are not its own.
    expected = _expected_units(reported, among, level) if reported and not legacy else {}
    computed_at = period.closed_at if frozen and period.closed_at else timezone.now()
    return [
        IndicatorValues(
            definition=definition,
            period=period,
            level=level,
            frozen=frozen,
            computed_at=computed_at,
            values=_values(
                definition,
                units,
                keys,
                figures.get(definition.code, {}),
                legacy,
                expected.get(definition.spec["level"])
                if definition.source == Source.REPORTED
                else None,
            ),
        )
        for definition in definitions
    ]


def _legacy_units(units: Sequence[UnitKey]) -> list[AdminUnit]:
    """Units of before the merger, read through the lineage: that needs the units
    themselves (their legacy communes), never a lighter record."""
    found = [unit for unit in units if isinstance(unit, AdminUnit)]
    if len(found) != len(units):
        raise TypeError("units of before the 2025 merger are read as AdminUnit")
    return found


def _level_of(units: Sequence[UnitKey]) -> tuple[str, bool]:
    """The one level of `units`, and whether they are of before the 2025 merger."""
    levels = {unit.level for unit in units}
    if len(levels) > 1:
        raise DomainError(_("Các đơn vị phải cùng một cấp."))
    level = levels.pop() if levels else Level.COMMUNE
    legacy = any(unit.valid_to is not None for unit in units)
    if legacy and not all(unit.valid_to is not None for unit in units):
        raise DomainError(_("Không đọc cùng lúc đơn vị trước và sau sáp nhập 2025."))
    if level not in VALUE_LEVELS and not (legacy and level == Level.DISTRICT):
        raise DomainError(
            _("Không có số liệu theo cấp “%(level)s”: cấp huyện không còn từ 01/07/2025.")
            % {"level": Level(level).label}
        )
    return level, legacy


class _Among:
    """The rows of some units: those whose column of the units' level holds one of
    their ids, or, for units all under a unit (`UnitsUnder`), the unit's subtree (the
    whole country: every row), a superset whose other keys are never looked up."""

    def __init__(self, units: Sequence[UnitKey], under: UnitsUnder | None) -> None:
        self.ids = None if under is not None else [unit.pk for unit in units]
        self.parent = under.parent if under is not None else None

    def q(self, column: str, prefix: str = "") -> Q:
        """Rows (reached through `prefix`) of the units, by `column`, their key."""
        if self.ids is not None:
            return Q(**{f"{column}__in": self.ids})
        return self.parent.subtree_q(prefix) if self.parent is not None else Q()


def _definitions(codes: Sequence[str], *, as_of: dt.datetime | None) -> list[IndicatorDefinition]:
    """The version of each indicator in force at `as_of` (now by default), in one
    query; an unknown code is refused by name."""
    versions = IndicatorDefinition.objects.filter(code__in=list(codes))
    if as_of is not None:
        versions = versions.filter(created_at__lte=as_of)
    latest = {version.code: version for version in versions.order_by("code", "version")}
    for code in codes:
        if code not in latest:
            raise NotFound(_("Không có chỉ số “%(code)s”.") % {"code": code})
    return [latest[code] for code in codes]


def _values(
    definition: IndicatorDefinition,
    units: Sequence[U],
    keys: Sequence[UnitKey],
    figures: Figures,
    legacy: bool,
    expected: Mapping[int, int] | None,
) -> list[IndicatorValue[U]]:
    # Registry and activity figures are counts: where nothing is counted the count is 0
    # (of 0, for a share). Reported figures are absent until entered.
    counted = definition.source == Source.REGISTRY or (
        definition.source == Source.ACTIVITY and not legacy
    )
    values = []
    for unit, key in zip(units, keys, strict=True):
        numerator, denominator, reports = figures.get(key.pk, (None, None, None))
        if counted and numerator is None:
            numerator = Decimal(0)
            denominator = Decimal(0) if definition.denominator else None
        values.append(
            IndicatorValue(
                unit=unit,
                numerator=numerator,
                denominator=denominator,
                value=_ratio(definition.unit, numerator, denominator),
                reports=reports,
                # A roll-up is made of the entries of the units that reported.
                reporting_units=None if expected is None else reports or 0,
                expected_units=None if expected is None else expected.get(key.pk, 0),
            )
        )
    return values


def _expected_units(
    definitions: Sequence[IndicatorDefinition], units: _Among, level: str
) -> dict[str, dict[int, int]]:
    """For each level the reported `definitions` rolled up at `level` are entered at,
    how many current units of it lie under each of `units`: the units that should
    report. One grouped query per entry level, whatever the number of units."""
    expected: dict[str, dict[int, int]] = {}
    column = f"{level}_id"
    for entry_level in {d.spec["level"] for d in definitions}:
        if DEPTH[level] >= DEPTH[entry_level]:
            continue
        expected[entry_level] = dict(
            AdminUnit.objects.current()
            .filter(units.q(column), level=entry_level)
            .values_list(column)
            .annotate(total=Count("pk"))
            .values_list(column, "total")
            .order_by()
        )
    return expected


Figures = dict[int, tuple[Decimal | None, Decimal | None, int | None]]


def _column(level: str) -> str:
    """The column of the rows of lowest units that holds their ancestor of `level` (a
    village's rows are its own)."""
    return "unit_id" if level == Level.VILLAGE else f"{level}_id"


def _registry_figures(
    definitions: Sequence[IndicatorDefinition],
    units: _Among,
    level: str,
    frozen: Period | None,
) -> dict[str, Figures]:
    """Numerator and denominator per unit of each indicator: one GROUP BY over the
    lowest units' rows of every measure they read."""
    column = _column(level)
    measures = {m for d in definitions for m in (d.numerator, d.denominator) if m}
    rows: QuerySet[Any]
    if frozen is None:
        rows = HouseholdAggregate.objects.all()
    else:
        rows = FrozenAggregate.objects.filter(period=frozen)
    totals: dict[int, dict[str, int]] = defaultdict(dict)
    for key, measure, total in (
        rows.filter(units.q(column), measure__in=measures)
        .values_list(column, "measure")
        .annotate(total=Sum("value"))
        .order_by()
    ):
        totals[key][measure] = total
    return {d.code: _pairs(d, totals) for d in definitions}


def _pairs(definition: IndicatorDefinition, totals: Mapping[int, Mapping[str, Any]]) -> Figures:
    return {
        key: (
            Decimal(found.get(definition.numerator, 0)),
            Decimal(found.get(definition.denominator, 0)) if definition.denominator else None,
            None,
        )
        for key, found in totals.items()
    }


def _activity_figures(
    definitions: Sequence[IndicatorDefinition],
    units: Sequence[UnitKey],
    among: _Among,
    level: str,
    period: Period,
) -> dict[str, Figures]:
    """The activity of the months of `period` at or under each unit. Activity is dated
    by when it happened, so a closed period's months no longer change. A share is
    computed by the module that declared it, from its records, once per kind."""
    column = _column(level)
    counts: dict[str, Figures] = defaultdict(dict)
    unit_ids = [unit.pk for unit in units]
    for kind in {d.spec["event"] for d in definitions if d.unit == IndicatorUnit.PERCENT}:
        shares = ACTIVITY_SHARES[kind].figures(level, unit_ids, period.start, period.end)
        counts[kind] = {
            key: (Decimal(numerator), Decimal(denominator), None)
            for key, (numerator, denominator) in shares.items()
        }
    for kind, key, total in (
        ActivityCount.objects.filter(
            kind__in=[d.spec["event"] for d in definitions if d.unit == IndicatorUnit.COUNT],
            month__gte=period.start,
            month__lte=period.end,
        )
        .filter(among.q(column))
        .values_list("kind", column)
        .annotate(total=Sum("value"))
        .order_by()
    ):
        counts[kind][key] = (Decimal(total), None, None)
    return {d.code: counts.get(d.spec["event"], {}) for d in definitions}


def _reported_figures(
    definitions: Sequence[IndicatorDefinition],
    units: _Among,
    level: str,
    period: Period,
) -> dict[str, Figures]:
    """Reported entries at or under each unit: a fraction sums numerators and
    denominators, a count sums, a presence counts the units that have it of those that
    reported. Below the level a figure is entered at there is nothing to read. One
    query per column read (the unit's own rows, or its ancestor column)."""
    figures: dict[str, Figures] = {d.code: {} for d in definitions}
    if period.pk is None:
        return figures
    by_column: dict[str, list[IndicatorDefinition]] = defaultdict(list)
    for definition in definitions:
        entry_level = definition.spec["level"]
        if DEPTH[level] > DEPTH[entry_level]:
            continue
        column = (
            "unit_id"
            if level == entry_level
            # Reported rows carry their province and commune; a legacy district is
            # reached through the unit.
            else "unit__district_id"
            if level == Level.DISTRICT
            else f"{level}_id"
        )
        by_column[column].append(definition)
    for column, group in by_column.items():
        presence = {d.code for d in group if d.spec["entry"] == Entry.PRESENCE}
        for code, key, numerator, denominator, reports in (
            ReportedValue.objects.filter(
                units.q(column), indicator__in=[d.code for d in group], period=period
            )
            .values_list("indicator", column)
            .annotate(
                numerator=Sum("numerator"),
                denominator=Sum("denominator"),
                reports=Sum(1),
            )
            .values_list("indicator", column, "numerator", "denominator", "reports")
            .order_by()
        ):
            if code in presence:
                # Each entry is 1 (has it) or 0: the share of the units reporting.
                denominator = Decimal(reports)
            figures[code][key] = (numerator, denominator, reports)
    return figures


def _registry_on_legacy(
    definitions: Sequence[IndicatorDefinition],
    units: Sequence[AdminUnit],
    frozen: Period | None,
) -> dict[str, Figures]:
    """Today's households (or a closed period's figures) on units of before the merger,
    every measure the indicators read in one pass."""
    measures = {
        measure.code: measure
        for definition in definitions
        for measure in map(measure_from_spec, definition.household_measures)
    }
    totals = current_on_legacy(measures=list(measures.values()), units=units, frozen=frozen)
    everywhere = {unit.pk: totals.get(unit.pk, {}) for unit in units}
    return {d.code: _pairs(d, everywhere) for d in definitions}


def _reported_from_legacy(
    definition: IndicatorDefinition,
    units: Sequence[UnitKey],
    level: str,
    period: Period,
) -> Figures:
    """A period that ended before the merger was reported on the units of then: their
    entries are carried onto today's units of the entry level by the lineage's shares,
    then rolled up to `level`."""
    entry_level = definition.spec["level"]
    if period.pk is None or DEPTH[level] > DEPTH[entry_level]:
        return {}
    presence = definition.spec["entry"] == Entry.PRESENCE
    entries = {
        # A presence is one unit of one: yes counts 1 of 1, no 0 of 1.
        unit_id: (numerator, Decimal(1) if presence else denominator, 1)
        for unit_id, numerator, denominator in ReportedValue.objects.filter(
            indicator=definition.code, period=period, unit__valid_to__isnull=False
        ).values_list("unit_id", "numerator", "denominator")
    }
    targets = AdminUnit.objects.current().filter(level=entry_level)
    if level != entry_level:
        targets = targets.filter(**{f"{level}_id__in": [unit.pk for unit in units]})
    else:
        targets = targets.filter(pk__in=[unit.pk for unit in units])
    parent = dict(targets.values_list("pk", f"{level}_id"))
    carried = legacy_on_current(figures=entries, current_ids=parent)
    figures: Figures = {}
    for unit_id, (numerator, denominator, _entries) in carried.items():
        key = parent[unit_id]
        before = figures.get(key, (Decimal(0), None, 0))
        figures[key] = (
            (before[0] or Decimal(0)) + numerator,
            None if denominator is None else (before[1] or Decimal(0)) + denominator,
            # Each of today's units that carries an entry has reported, however many of
            # the units of then went into it.
            (before[2] or 0) + 1,
        )
    return figures


def units_for_values(*, user: Actor, unit: AdminUnit | None, level: str | None) -> list[AdminUnit]:
    """The units whose values `user` asked for: `unit` itself, or its units of `level`
    of the same generation (every commune of a province, say), within the user's scope;
    refusing a unit outside it as not found. A unit abolished in 2025 is within scope
    when a unit it went into is."""
    permission = Permission.VIEW_SCOPED
    if unit is not None and not unit_in_scope(user=user, unit=unit, permission=permission):
        raise NotFound(_("Không có đơn vị này trong phạm vi của bạn."))
    if level is None or (unit is not None and level == unit.level):
        if unit is None:
            raise DomainError(_("Cần chọn một đơn vị hoặc một cấp."))
        return [unit]
    legacy_levels = (Level.DISTRICT, Level.COMMUNE) if unit and unit.valid_to else ()
    if level not in VALUE_LEVELS and level not in legacy_levels:
        raise DomainError(_("Cấp “%(level)s” không có.") % {"level": level})
    if unit is not None and unit.valid_to is not None:
        # The scope was checked on the legacy unit; its own subtree is of its time.
        units = AdminUnit.objects.filter(unit.subtree_q(), level=level, valid_to=unit.valid_to)
    else:
        scope = unit_scope_q(user=user, permission=permission)
        units = AdminUnit.objects.current().filter(scope, level=level)
        if unit is not None:
            units = units.filter(unit.subtree_q())
    return list(units.order_by("code"))


# --- A unit's page ------------------------------------------------------------------

TREND_PERIODS = 5


@dataclass(frozen=True)
class BoardRow:
    """One indicator on a unit's page: its value for the period shown, with provenance,
    and its trend over the closed periods of the same kind before it (published
    history) ending with the period shown."""

    result: IndicatorValues
    trend: list[tuple[Period, Decimal | None]]

    @property
    def value(self) -> IndicatorValue:
        return self.result.values[0]


def unit_board(*, unit: AdminUnit, period: Period) -> list[BoardRow]:
    """Every indicator that has a value at `unit`: the registry's first, then the
    reported ones entered at its level or below, then activity. A few queries per
    period shown, whatever the number of indicators."""
    history = list(
        Period.objects.filter(
            kind=period.kind, closed_at__isnull=False, end__lt=period.start
        ).order_by("-start")[:TREND_PERIODS]
    )[::-1]
    order: dict[str, int] = {Source.REGISTRY: 0, Source.REPORTED: 1, Source.ACTIVITY: 2}
    shown = [
        definition
        for definition in sorted(indicator_list(), key=lambda d: (order[d.source], d.name_vi))
        if definition.source != Source.REPORTED
        or DEPTH[unit.level] <= DEPTH[definition.spec["level"]]
    ]
    codes = [definition.code for definition in shown]
    past = [indicators_values(codes=codes, units=[unit], period=p) for p in history]
    now = indicators_values(codes=codes, units=[unit], period=period)
    return [
        BoardRow(
            result=result,
            trend=[
                *((p, then[i].values[0].value) for p, then in zip(history, past, strict=True)),
                (period, result.values[0].value),
            ],
        )
        for i, result in enumerate(now)
    ]


def reported_entries(
    *, code: str, units: Sequence[AdminUnit], period: Period
) -> dict[int, ReportedValue]:
    """The entries made for these units themselves, with who made them and their
    evidence: the records a reported value comes from."""
    if period.pk is None:
        return {}
    entries = (
        ReportedValue.objects.filter(indicator=code, period=period, unit__in=list(units))
        .select_related("entered_by")
        .prefetch_related("evidence")
    )
    return {entry.unit_id: entry for entry in entries}


def reported_evidence_get_for_user(*, user: Actor, pk: int) -> ReportedEvidence:
    """An evidence file of a value reported for a unit the user may read; one outside
    their scope is not found, as one that does not exist."""
    evidence = ReportedEvidence.objects.select_related("reported__unit").filter(pk=pk).first()
    if evidence is None or not unit_in_scope(
        user=user, unit=evidence.reported.unit, permission=Permission.VIEW_SCOPED
    ):
        raise NotFound(_("Không tìm thấy tệp minh chứng này."))
    return evidence


def reported_value_get(*, code: str, unit: AdminUnit, period: Period) -> ReportedValue | None:
    """The value entered for `unit` itself, with who entered it and its evidence."""
    if period.pk is None:
        return None
    return (
        ReportedValue.objects.filter(indicator=code, unit=unit, period=period)
        .select_related("entered_by", "definition")
        .prefetch_related("evidence")
        .first()
    )
