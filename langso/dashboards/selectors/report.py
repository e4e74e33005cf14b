"""Reads of the quarterly report (báo cáo quý) of a unit: which unit and quarter, and
each section's content — the plans' targets worst first, the maps of the headline
indicator and of the communes' set status, the indicator's charts, the communes one
criterion short — and the reports already stored, within the reader's scope.

A quarter is reported once it has ended: a quarter still running is refused (its
figures would move under the report). Targets are read as of the quarter's last day;
the maps and charts read the figures of the quarter's year, as plans and criteria
count in years, frozen once the year is closed and live until then."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from langso.accounts.roles import Permission
from langso.accounts.selectors import scope_unit, unit_get_for_user, unit_scope_q
from langso.core.actors import Actor
from langso.core.errors import DomainError, NotFound
from langso.criteria.evaluation.matrix import province_matrix
from langso.criteria.evaluation.statuses import Status
from langso.criteria.models import CriteriaSet
from langso.criteria.selectors.sets import criteria_set_choose
from langso.indicators.models import IndicatorUnit, Period, PeriodKind
from langso.indicators.selectors import period_parse
from langso.places.models import AdminUnit, Level
from langso.plans.models import TargetKind
from langso.registry.maps import unit_places

from ..charts import Chart, ChartTable, map_spec
from ..models import QuarterlyReport
from .choropleth import CHILD_LEVEL, Choropleth, MapRequest, choropleth_values
from .map_page import map_subject_default, map_subject_read, period_label
from .overview import (
    OverviewTarget,
    Ranking,
    SeriesPoint,
    distribution_chart,
    indicator_series,
    overview_targets,
    ranking,
    ranking_charts,
    series_chart,
    series_periods,
    unit_plans_for_user,
)

# Quarters offered on the report page, the last ended first.
QUARTERS_OFFERED = 8
# Boundaries are simplified to about 200 m (degrees) for the report's map: a 460 px
# wide province is ~0.004° a pixel, and 130 communes' imported boundaries at full
# detail would weigh megabytes in the PDF for nothing a reader can see.
MAP_TOLERANCE = 0.002


# --- Unit and quarter ----------------------------------------------------------------


def report_unit_for_user(*, user: Actor, code: str | None) -> AdminUnit:
    """The unit a report is about: the one asked for in the user's scope (NotFound
    outside it), else the user's own scope unit (a DomainError asking for one when
    there is none); a current province or commune, the units whose sub-units a map
    shows."""
    if code:
        unit = unit_get_for_user(user=user, code=code)
    else:
        found = scope_unit(user=user, permission=Permission.VIEW_SCOPED)
        if found is None:
            # A nationwide role, or roles on several units apart: the page asks for one.
            raise DomainError(_("Chọn một tỉnh hoặc một xã trong phạm vi của bạn để lập báo cáo."))
        unit = found
    if unit.valid_to is not None or unit.level not in CHILD_LEVEL:
        raise DomainError(
            _("Báo cáo quý lập cho một tỉnh hoặc một xã hiện hành; %(unit)s thì không.")
            % {"unit": unit.name}
        )
    return unit


def quarter_last_ended(today: dt.date | None = None) -> Period:
    today = today or timezone.localdate()
    current = (today.month - 1) // 3 + 1
    year, quarter = (today.year, current - 1) if current > 1 else (today.year - 1, 4)
    return period_parse(f"{year}-Q{quarter}")


def quarter_read(code: str | None, *, today: dt.date | None = None) -> Period:
    """The quarter "2026-Q3" names (the last that ended when none is given), refused
    unless it has ended: a report of a quarter still running would change under it."""
    today = today or timezone.localdate()
    if not code:
        return quarter_last_ended(today)
    try:
        period = period_parse(code)
    except NotFound as exc:
        raise DomainError(
            _("Quý “%(code)s” không hợp lệ: viết năm và quý, ví dụ 2026-Q3.") % {"code": code[:20]}
        ) from exc
    if period.kind != PeriodKind.QUARTER:
        raise DomainError(
            _("Quý “%(code)s” không hợp lệ: viết năm và quý, ví dụ 2026-Q3.") % {"code": code[:20]}
        )
    if period.end >= today:
        raise DomainError(
            _(
                "%(quarter)s chưa kết thúc (đến hết %(end)s): báo cáo quý được lập khi quý "
                "đã kết thúc."
            )
            % {"quarter": period_label(period), "end": period.end.strftime("%d/%m/%Y")}
        )
    return period


def quarter_choices(today: dt.date | None = None) -> list[Period]:
    """The last ended quarters, newest first."""
    found = [quarter_last_ended(today)]
    while len(found) < QUARTERS_OFFERED:
        found.append(quarter_last_ended(found[-1].start))
    return found


def quarter_year(quarter: Period) -> Period:
    """The year the quarter's figures are read for."""
    return period_parse(str(quarter.start.year))


# --- Sections ------------------------------------------------------------------------


def report_targets(*, user: Actor, unit: AdminUnit, quarter: Period) -> list[OverviewTarget]:
    """Every target of the unit's plans as of the quarter's last day, worst first."""
    plans = unit_plans_for_user(user=user, unit=unit)
    return overview_targets(user=user, plans=plans, day=quarter.end)


@dataclass(frozen=True)
class ReportMap:
    """A map of the report: its numbers (`choropleth`, for the XLSX) and the drawing
    with its values table (`chart`); `approximate` units have no imported boundary
    and are drawn as their approximate area. `problem` instead, when nothing could be
    mapped (a set that applies to no sub-unit), said in the report."""

    title: str
    choropleth: Choropleth | None = None
    chart: Chart | None = None
    approximate: int = 0
    problem: str = ""


def report_indicator() -> str:
    """The headline indicator of the report: the one the dashboard map opens on."""
    return map_subject_read(map_subject_default()).get("indicator", "")


def report_indicator_map(*, user: Actor, unit: AdminUnit, quarter: Period) -> ReportMap:
    """The choropleth of the headline indicator over the unit's sub-units."""
    request = MapRequest(period=quarter_year(quarter), indicator=report_indicator(), unit=unit)
    return _report_map(user=user, request=request, title=_("Bản đồ chỉ số"))


def report_set_map(*, user: Actor, unit: AdminUnit, quarter: Period) -> ReportMap:
    """The communes' status against the commune set in force for the quarter's year
    (đạt / chưa đạt / thiếu dữ liệu)."""
    title = _("Bản đồ xã đạt chuẩn nông thôn mới")
    criteria_set = _commune_set(unit=unit, year=quarter.start.year)
    if isinstance(criteria_set, str):
        return ReportMap(title=title, problem=criteria_set)
    request = MapRequest(period=quarter_year(quarter), criteria_set=criteria_set.code, unit=unit)
    return _report_map(user=user, request=request, title=title)


def _commune_set(*, unit: AdminUnit, year: int) -> CriteriaSet | str:
    """The commune set the province's pages show for `year`, or why there is none."""
    choice = criteria_set_choose(province=unit.province or unit, level=Level.COMMUNE, year=year)
    return choice.chosen if choice.chosen is not None else choice.problem


def _report_map(*, user: Actor, request: MapRequest, title: str) -> ReportMap:
    try:
        choropleth = choropleth_values(user=user, request=request)
    except DomainError as exc:
        return ReportMap(title=title, problem=exc.message)
    places = unit_places(
        AdminUnit.objects.filter(pk__in=[v.unit.pk for v in choropleth.values]),
        bbox=None,
        tolerance=MAP_TOLERANCE,
    )
    labels = {c.index: c.label for c in choropleth.classes}
    features = [
        {
            "type": "Feature",
            "geometry": places[value.unit.pk],
            "properties": {
                "name": value.unit.name,
                "label": value.label,
                "class": choropleth.no_data_label if value.index is None else labels[value.index],
                "approximate": value.approximate,
            },
        }
        for value in choropleth.values
        if value.unit.pk in places
    ]
    legend = [(c.label, c.color) for c in choropleth.classes if c.count]
    if choropleth.no_data_count:
        legend.append((choropleth.no_data_label, choropleth.no_data_color))
    level = str(Level(choropleth.level).label)
    heading = f"{title}: {choropleth.title}"
    chart = Chart(
        key=f"map-{choropleth.subject}",
        title=heading,
        summary=_("%(title)s theo từng %(level)s, %(period)s.")
        % {
            "title": choropleth.title,
            "level": level.lower(),
            "period": period_label(choropleth.period),
        },
        spec=map_spec(features, legend=legend, legend_title=choropleth.measure or _("Tình trạng")),
        table=ChartTable(
            headers=(level, choropleth.title, _("Lớp màu trên bản đồ")),
            rows=tuple(
                (
                    v.unit.name,
                    v.label,
                    choropleth.no_data_label if v.index is None else labels[v.index],
                )
                for v in choropleth.values
            ),
        ),
    )
    return ReportMap(
        title=heading,
        choropleth=choropleth,
        chart=chart,
        approximate=sum(1 for v in choropleth.values if v.approximate),
    )


@dataclass(frozen=True)
class IndicatorCharts:
    """The headline indicator's charts: the ranking's two ends, the distribution, the
    unit's figure over the periods, with their numbers for the XLSX."""

    choropleth: Choropleth
    ranking: Ranking
    series: list[SeriesPoint]
    percent: bool
    charts: list[Chart]


def report_charts(
    *, unit: AdminUnit, quarter: Period, choropleth: Choropleth, targets: list[OverviewTarget]
) -> IndicatorCharts:
    """The charts of the indicator mapped in `choropleth`, the series drawn with the
    value of the first target of the plans bound to it at the unit."""
    percent = choropleth.measure == str(IndicatorUnit(IndicatorUnit.PERCENT).label)
    points = indicator_series(
        unit=unit, indicator=choropleth.code, periods=series_periods(day=quarter.end)
    )
    bound = next(
        (
            t.progress
            for t in targets
            if t.progress.target.kind == TargetKind.INDICATOR_VALUE
            and t.progress.target.indicator == choropleth.code
        ),
        None,
    )
    charts = [
        *ranking_charts(choropleth),
        distribution_chart(choropleth),
        series_chart(
            unit=unit, title=choropleth.title, percent=percent, points=points, target=bound
        ),
    ]
    return IndicatorCharts(
        choropleth=choropleth,
        ranking=ranking(choropleth),
        series=points,
        percent=percent,
        charts=charts,
    )


@dataclass(frozen=True)
class MissingOne:
    """A commune that meets every criterion of the set but one: which, and how it
    stands (chưa đạt, thiếu dữ liệu, chưa có ngưỡng)."""

    commune: AdminUnit
    criterion: str
    criterion_name: str
    status: str
    status_label: str
    passed: int
    total: int


@dataclass(frozen=True)
class MissingOneSection:
    criteria_set: CriteriaSet | None
    year: int
    communes: list[MissingOne]
    problem: str = ""


def report_missing_one(*, unit: AdminUnit, quarter: Period) -> MissingOneSection:
    """The communes under `unit` one criterion short of the commune set in force for
    the quarter's year, by name, read from the province's matrix (the criteria
    engine's evaluation of its communes)."""
    year = quarter.start.year
    criteria_set = _commune_set(unit=unit, year=year)
    if isinstance(criteria_set, str):
        return MissingOneSection(criteria_set=None, year=year, communes=[], problem=criteria_set)
    province = unit.province or unit
    try:
        matrix = province_matrix(province=province, code=criteria_set.code, year=year)
    except DomainError as exc:
        return MissingOneSection(
            criteria_set=criteria_set, year=year, communes=[], problem=exc.message
        )
    rows = [
        row for row in matrix.missing_one if unit.level == Level.PROVINCE or row.unit.pk == unit.pk
    ]
    found = []
    for row in sorted(rows, key=lambda r: r.unit.name):
        [missing] = row.short
        found.append(
            MissingOne(
                commune=row.unit,
                criterion=missing.criterion.code,
                criterion_name=missing.criterion.name_vi,
                status=missing.status,
                status_label=str(Status(missing.status).label),
                passed=row.passed,
                total=row.total,
            )
        )
    return MissingOneSection(criteria_set=matrix.criteria_set, year=year, communes=found)


# --- Stored reports ------------------------------------------------------------------


def quarterly_report_list_for_user(*, user: Actor, unit: AdminUnit) -> QuerySet[QuarterlyReport]:
    """The unit's stored reports, newest first, for a reader of the unit."""
    return (
        QuarterlyReport.objects.filter(
            unit_scope_q(user=user, permission=Permission.VIEW_SCOPED, prefix="unit__"),
            unit=unit,
        )
        .select_related("unit", "generated_by")
        .order_by("-generated_at", "-pk")
    )


def quarterly_report_get_for_user(*, user: Actor, pk: int) -> QuarterlyReport:
    """A stored report, for a reader of its unit; otherwise as if it did not exist."""
    report = (
        QuarterlyReport.objects.filter(
            unit_scope_q(user=user, permission=Permission.VIEW_SCOPED, prefix="unit__"), pk=pk
        )
        .select_related("unit")
        .first()
    )
    if report is None:
        raise NotFound(_("Không tìm thấy báo cáo này."))
    return report
