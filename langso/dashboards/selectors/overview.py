"""Reads of a province's overview (and of its quarterly report, which shows the same):
every target of the unit's plans with its progress, worst first; for one indicator, the
communes ranked, the distribution across them, and the unit's figure over the closed
periods. Each chart comes with the same numbers as a table (`charts.Chart`).

The rankings and the distribution are read from the choropleth's values
(`choropleth_values`), so the map, the bars and the tables never disagree; the series
reads the unit's own figure, one `indicators_values` call per period."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from langso.accounts.roles import Permission
from langso.accounts.selectors import is_nationwide, scope_unit, unit_get_for_user
from langso.core.actors import Actor
from langso.core.errors import NotFound
from langso.indicators.models import IndicatorUnit, Period, PeriodKind
from langso.indicators.selectors import indicators_values, period_current
from langso.places.models import AdminUnit, Level, UnitLineage
from langso.places.selectors import today, unit_children
from langso.plans.models import Plan, TargetComparator, TargetKind, TargetMeasure
from langso.plans.selectors.plans import plan_list_for_user, plan_progress_for_user
from langso.plans.selectors.progress import STATUS_ORDER, TargetProgress

from ..charts import Chart, ChartTable, bar_spec, count_spec, line_spec
from .choropleth import (
    Choropleth,
    MapRequest,
    MapUnit,
    MapValue,
    choropleth_values,
    number_label,
)
from .map_page import period_label

# Communes shown at each end of a ranking.
RANKED = 5
# Closed periods a series goes back over, at most.
SERIES_PERIODS = 12


@dataclass(frozen=True)
class OverviewTarget:
    """A target of one of the unit's plans, with its live progress."""

    plan: Plan
    progress: TargetProgress
    # For a plan of a unit that no longer exists: which current units it is read on.
    lineage_note: str = ""

    @property
    def figures(self) -> str:
        """The value against the target, as read: "đạt 58,2 % / chỉ tiêu ≥ 65 %"."""
        target = self.progress.target
        percent = target.measure == TargetMeasure.PERCENT
        wanted = _("chỉ tiêu %(comparator)s %(value)s") % {
            "comparator": TargetComparator(target.comparator).label,
            "value": number_label(Decimal(target.value), percent=percent),
        }
        value = self.progress.value
        if value is None:
            return _("chưa có số liệu / %(target)s") % {"target": wanted}
        return _("đạt %(value)s / %(target)s") % {
            "value": number_label(value, percent=percent),
            "target": wanted,
        }


def overview_unit(*, user: Actor, code: str) -> AdminUnit | None:
    """The unit whose overview is asked for (`code`, NotFound outside the user's scope
    as for a unit that does not exist), else the user's own scope unit; None for a
    nationwide role that asked for none, who picks a province first."""
    permission = Permission.VIEW_SCOPED
    if code:
        return unit_get_for_user(user=user, code=code, permission=permission)
    unit = scope_unit(user=user, permission=permission)
    if unit is None and not is_nationwide(user=user, permission=permission):
        raise NotFound(_("Không có đơn vị nào trong phạm vi của bạn."))
    return unit


def overview_provinces() -> QuerySet[AdminUnit]:
    """The provinces in force, for a nationwide role to pick one."""
    return unit_children(unit=None, valid_on=today())


def unit_plans_for_user(*, user: Actor, unit: AdminUnit) -> list[Plan]:
    """The plans of `unit` that `user` may read, newest period first: its own, and those
    of units of its level or above that no longer exist and whose territory went into
    it (a pre-merger province's or district's for a province, a pre-merger commune's for
    a commune), which `plan_progress` reads through the lineage."""
    received = UnitLineage.objects.filter(
        Q(successor=unit) | Q(successor__in=AdminUnit.objects.filter(unit.subtree_q()))
    ).values("predecessor_id")
    legacy = AdminUnit.objects.filter(pk__in=received, valid_to__isnull=False)
    if unit.level == Level.COMMUNE:
        # Not a pre-merger village's plan: it is below the unit.
        mine = Q(unit=unit) | Q(unit__in=legacy.filter(level=Level.COMMUNE).values("pk"))
    else:
        # A district's lineage is its communes': it reaches the unit through them.
        mine = (
            Q(unit=unit)
            | Q(unit__in=legacy.filter(level__in=(Level.PROVINCE, Level.DISTRICT)).values("pk"))
            | Q(unit__in=legacy.filter(level=Level.COMMUNE).values("district_id"))
        )
    return list(plan_list_for_user(user=user).filter(mine))


def overview_targets(
    *, user: Actor, plans: Sequence[Plan], day: dt.date | None = None
) -> list[OverviewTarget]:
    """Every target of `plans` with its progress, worst first: off track, at risk, no
    data, on track, then those the platform cannot compute; within a status, the
    furthest from done first."""
    found = []
    for plan in plans:
        read = plan_progress_for_user(user=user, plan=plan, day=day)
        found += [
            OverviewTarget(plan=plan, progress=progress, lineage_note=read.lineage_note)
            for progress in read.targets
        ]

    def order(item: OverviewTarget) -> tuple[int, Decimal, str, int]:
        done = item.progress.share_done
        return (
            STATUS_ORDER[item.progress.status],  # type: ignore[index]
            Decimal(101) if done is None else done,
            item.plan.code,
            item.progress.target.position,
        )

    return sorted(found, key=order)


# --- Charts of one indicator ---------------------------------------------------------


def _percent(choropleth: Choropleth) -> bool:
    return choropleth.measure == str(IndicatorUnit(IndicatorUnit.PERCENT).label)


@dataclass(frozen=True)
class Ranking:
    """The communes (or villages) with the highest and the lowest figure, each end
    best or worst first; units without data are in neither."""

    top: list[MapValue]
    bottom: list[MapValue]


def ranking(choropleth: Choropleth, *, count: int = RANKED) -> Ranking:
    """The `count` highest and lowest of an indicator's choropleth (by value, then
    name); a unit is never in both lists."""
    with_data = sorted(
        (v for v in choropleth.values if v.value is not None),
        key=lambda v: (-(v.value or 0), v.unit.name),
    )
    top = with_data[:count]
    rest = with_data[len(top) :]
    bottom = list(reversed(rest[-count:])) if rest else []
    return Ranking(top=top, bottom=bottom)


def ranking_charts(choropleth: Choropleth, *, count: int = RANKED) -> list[Chart]:
    """The two ends of the ranking as bar charts with their tables."""
    ranked = ranking(choropleth, count=count)
    level = str(Level(choropleth.level).label).lower()
    charts = []
    for key, title, values in (
        ("top", _("%(n)s %(level)s cao nhất"), ranked.top),
        ("bottom", _("%(n)s %(level)s thấp nhất"), ranked.bottom),
    ):
        if not values:
            continue
        heading = title % {"n": len(values), "level": level}
        rows = [(v.unit.name, v.value or Decimal(0), v.label) for v in values]
        charts.append(
            Chart(
                key=f"ranking-{key}",
                title=heading,
                summary=_("%(title)s theo %(indicator)s, %(period)s.")
                % {
                    "title": heading,
                    "indicator": choropleth.title,
                    "period": period_label(choropleth.period),
                },
                spec=bar_spec(rows, axis_title=choropleth.measure, percent=_percent(choropleth)),
                table=ChartTable(
                    # The indicator is the page's heading and the summary's: the
                    # column says what it holds, short enough for a phone.
                    headers=(str(Level(choropleth.level).label), _("Giá trị")),
                    rows=tuple((name, text) for name, _value, text in rows),
                ),
            )
        )
    return charts


def distribution_chart(choropleth: Choropleth) -> Chart:
    """How many units fall in each of the map's classes, and without data, in the
    map's colours."""
    rows = [(c.label, c.count, c.color) for c in choropleth.classes]
    if choropleth.no_data_count:
        rows.append((choropleth.no_data_label, choropleth.no_data_count, choropleth.no_data_color))
    level = str(Level(choropleth.level).label)
    count_title = _("Số %(level)s") % {"level": level.lower()}
    return Chart(
        key="distribution",
        title=_("Phân bố các %(level)s") % {"level": level.lower()},
        summary=_("Số %(level)s theo từng khoảng của %(indicator)s, %(period)s.")
        % {
            "level": level.lower(),
            "indicator": choropleth.title,
            "period": period_label(choropleth.period),
        },
        spec=count_spec(rows, axis_title=count_title),
        table=ChartTable(
            headers=(_("Khoảng"), count_title),
            rows=tuple((label, str(count)) for label, count, _color in rows),
        ),
    )


@dataclass(frozen=True)
class SeriesPoint:
    period: Period
    value: Decimal | None
    # The current period, open: its figure is live, not frozen.
    live: bool = False


def series_periods(*, kind: str = PeriodKind.YEAR, day: dt.date | None = None) -> list[Period]:
    """The closed periods of `kind` (the last `SERIES_PERIODS`) begun by `day`, then the
    current one of that kind when `day` lies in it and it is open, in time order."""
    day = day or timezone.localdate()
    closed = list(
        Period.objects.filter(kind=kind, closed_at__isnull=False, start__lte=day).order_by(
            "-start"
        )[:SERIES_PERIODS]
    )
    closed.reverse()
    current = period_current(kind=kind)
    # A report of a past day ends with the periods closed by then: today's live figure
    # is not that day's.
    if (
        current.start <= day <= current.end
        and current.closed_at is None
        and all(p.pk != current.pk for p in closed)
    ):
        closed.append(current)
    return closed


def indicator_series(
    *, unit: AdminUnit, indicator: str, periods: Sequence[Period]
) -> list[SeriesPoint]:
    """The indicator at `unit` for each period: the frozen figures of closed periods,
    the live one of an open period."""
    points = []
    for period in periods:
        [found] = indicators_values(codes=[indicator], units=[unit], period=period)
        points.append(
            SeriesPoint(period=period, value=found.values[0].value, live=period.closed_at is None)
        )
    return points


def series_chart(
    *,
    unit: AdminUnit,
    title: str,
    percent: bool,
    points: Sequence[SeriesPoint],
    target: TargetProgress | None = None,
) -> Chart:
    """The unit's figure over the periods as a line, the open period marked as live,
    and the target's value as a dashed rule when one is given."""

    def label(point: SeriesPoint) -> str:
        text = period_label(point.period)
        return _("%(period)s (đang cập nhật)") % {"period": text} if point.live else text

    rows = [
        (
            label(p),
            p.value,
            _("Không có dữ liệu") if p.value is None else number_label(p.value, percent=percent),
        )
        for p in points
    ]
    target_value = target.target.value if target is not None else None
    axis = _("Tỷ lệ (%)") if percent else _("Giá trị")
    return Chart(
        key="series",
        title=_("%(indicator)s qua các kỳ") % {"indicator": title},
        summary=_("%(indicator)s của %(unit)s qua các kỳ đã chốt số liệu.")
        % {"indicator": title, "unit": unit.name},
        spec=line_spec(
            rows,
            axis_title=axis,
            percent=percent,
            target=Decimal(target_value) if target_value is not None else None,
            target_label=_("Chỉ tiêu: %(value)s")
            % {"value": number_label(Decimal(target_value), percent=percent)}
            if target_value is not None
            else "",
        ),
        table=ChartTable(
            headers=(_("Kỳ"), _("Giá trị")),
            rows=tuple((period, text) for period, _v, text in rows),
        ),
    )


def indicator_target(targets: Sequence[OverviewTarget], *, indicator: str) -> TargetProgress | None:
    """The target whose value is read on `indicator`'s own scale (an indicator's value
    or an activity figure, not a share of communes meeting it), the worst first of
    `targets`: the series draws its value as a rule."""
    return next(
        (
            item.progress
            for item in targets
            if item.progress.target.indicator == indicator
            and item.progress.target.kind != TargetKind.UNITS_MEETING
            and not item.progress.target.unbound_reason
        ),
        None,
    )


# --- One indicator's picture, as the page shows it ------------------------------------


def value_source(
    *, indicator: str, unit: AdminUnit | MapUnit, period: Period, level: str | None = None
) -> str:
    """Where a figure comes from: the indicator values API's answer for it (`level`:
    the units of that level under `unit`), with its records and entries."""
    query = {"indicator": indicator, "unit": unit.code, "period": period.code}
    if level:
        query["level"] = level
    return f"{reverse('api:indicator_values')}?{urlencode(query)}"


@dataclass(frozen=True)
class RankedUnit:
    """A unit of a ranking with the source of its figure."""

    value: MapValue
    source: str


@dataclass(frozen=True)
class IndicatorPicture:
    """An indicator over a unit's sub-units and over time: the choropleth the map draws,
    the ranking's two ends (each unit with its source), the distribution, the series
    (each period with its source), the target drawn on it, and the charts."""

    choropleth: Choropleth
    ranked: dict[str, list[RankedUnit]]
    points: list[tuple[SeriesPoint, str]]
    target: TargetProgress | None
    charts: list[Chart]
    # The source of the distribution: every sub-unit's figure.
    distribution_source: str


def indicator_picture(
    *,
    user: Actor,
    unit: AdminUnit,
    indicator: str,
    targets: Sequence[OverviewTarget],
    day: dt.date | None = None,
) -> IndicatorPicture:
    """`indicator` at `unit`'s sub-units this year (the map's values: NotFound for an
    unknown indicator or a unit outside the scope, DomainError for a unit without
    sub-units to map) and at `unit` over the closed years, with the worst of `targets`
    read on that indicator drawn on the series."""
    choropleth = choropleth_values(
        user=user, request=MapRequest(period=period_current(), indicator=indicator, unit=unit)
    )
    ranked = ranking(choropleth)
    points = indicator_series(unit=unit, indicator=indicator, periods=series_periods(day=day))
    target = indicator_target(targets, indicator=indicator)
    charts = [
        *ranking_charts(choropleth),
        distribution_chart(choropleth),
        series_chart(
            unit=unit,
            title=choropleth.title,
            percent=_percent(choropleth),
            points=points,
            target=target,
        ),
    ]
    period = choropleth.period
    return IndicatorPicture(
        choropleth=choropleth,
        ranked={
            f"ranking-{key}": [
                RankedUnit(
                    value=v,
                    source=value_source(indicator=indicator, unit=v.unit, period=period),
                )
                for v in values
            ]
            for key, values in (("top", ranked.top), ("bottom", ranked.bottom))
        },
        points=[(p, value_source(indicator=indicator, unit=unit, period=p.period)) for p in points],
        target=target,
        charts=charts,
        distribution_source=value_source(
            indicator=indicator, unit=unit, period=period, level=choropleth.level
        ),
    )
