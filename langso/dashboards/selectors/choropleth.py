"""A choropleth map's numbers: one indicator, a criterion's status or a set's status
at every unit of one level under a unit (the communes of a province, the villages of a
commune, the provinces or communes of the country for a nationwide role), with the
classes the map colours them by and the legend. No geometry: the map draws the units'
own vector tiles (`registry.maps`) and joins these values to them by unit id.

Numbers are classed into at most five classes, by quantiles unless breaks are given;
statuses are classes of their own (đạt / chưa đạt / thiếu dữ liệu). "Không có dữ liệu"
(no value, or a unit no set applies to) is never a class: it has its own colour, apart
from the lowest class, so that it never reads as zero."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.contrib.gis.db.models import Extent
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.translation import gettext as _

from langso.accounts.roles import Permission
from langso.accounts.selectors import (
    is_nationwide,
    scope_unit,
    unit_get_for_user,
    unit_scope_q,
)
from langso.core.actors import Actor
from langso.core.errors import DomainError, NotFound
from langso.criteria.evaluation.engine import evaluate, evaluate_statuses
from langso.criteria.evaluation.results import Evaluation
from langso.criteria.evaluation.statuses import FAIL, MISSING, NO_THRESHOLD, PASS
from langso.criteria.evaluation.units import is_subject
from langso.criteria.selectors.recognitions import set_names
from langso.indicators.models import IndicatorUnit, Period
from langso.indicators.selectors import UnitsUnder, indicators_values, period_or_current
from langso.places.models import AdminUnit, Level

# ColorBrewer "YlGnBu" (Cynthia Brewer, colorbrewer2.org, Apache-2.0), marked
# colour-blind safe there: light to dark as the value grows, one scheme per number of
# classes as ColorBrewer gives it (its 3- to 5-class schemes; 1 and 2 taken from them).
SEQUENTIAL: dict[int, tuple[str, ...]] = {
    1: ("#41b6c4",),
    2: ("#a1dab4", "#225ea8"),
    3: ("#edf8b1", "#7fcdbb", "#2c7fb8"),
    4: ("#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"),
    5: ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"),
}
MAX_CLASSES = 5
# Okabe & Ito, "Color Universal Design" (2008): blue, vermillion and yellow, told apart
# by every common form of colour blindness.
STATUS_COLORS = {PASS: "#0072b2", FAIL: "#d55e00", MISSING: "#f0e442"}
# No data: a mid grey, darker than the palette's lightest yellow so that it never reads
# as the lowest class.
NO_DATA_COLOR = "#bdbdbd"
# Which level a unit's map shows by default: its children.
CHILD_LEVEL: dict[str, str] = {Level.PROVINCE: Level.COMMUNE, Level.COMMUNE: Level.VILLAGE}
DEPTH: dict[str, int] = {Level.PROVINCE: 0, Level.COMMUNE: 1, Level.VILLAGE: 2}
# Units are read without their shapes: the map draws them from the tiles, and a
# national read would otherwise load 3,321 boundaries for nothing.
GEOMETRY = ("boundary", "centroid")


# `MapUnit`'s fields, as the units' query names them.
MAP_UNIT = ("id", "code", "name", "level", "valid_to", "has_boundary")


class Subject:
    INDICATOR = "indicator"
    CRITERION = "criterion"
    SET = "set"


class Method:
    QUANTILES = "quantiles"
    BREAKS = "breaks"
    CATEGORIES = "categories"


@dataclass(frozen=True)
class MapClass:
    """One class of the legend: its colour, its label ("50 – 75 %", "Đạt"), the range of
    values it holds (numbers) or its status (statuses), and how many units fall in it."""

    index: int
    label: str
    color: str
    count: int
    lower: Decimal | None = None
    upper: Decimal | None = None
    status: str = ""


class MapUnit(NamedTuple):
    """A unit as the map shows it: what `indicators_values` reads of it (`UnitKey`), its
    code and name, and whether it has a boundary. A tuple, not the model: building
    3,321 `AdminUnit`s cost more than reading their figures (`bench choropleth`)."""

    pk: int
    code: str
    name: str
    level: str
    valid_to: dt.date | None
    has_boundary: bool


@dataclass(frozen=True, slots=True)
class MapValue:
    """One unit's value: `value` None and `index` None is no data."""

    unit: MapUnit
    value: Decimal | None
    index: int | None
    label: str
    color: str

    @property
    def approximate(self) -> bool:
        """Drawn as its approximate area: no boundary was imported for it."""
        return not self.unit.has_boundary


@dataclass(frozen=True)
class Choropleth:
    subject: str
    code: str
    criterion: str
    title: str
    measure: str
    period: Period
    parent: AdminUnit | None
    level: str
    method: str
    computed_at: dt.datetime
    classes: list[MapClass]
    values: list[MapValue]
    no_data_label: str
    no_data_count: int

    @property
    def no_data_color(self) -> str:
        return NO_DATA_COLOR


@dataclass(frozen=True)
class MapRequest:
    """What to map: exactly one of an indicator or a set (with, or without, one of its
    criteria), under `unit` (None: the user's own scope), at `level` (None: the unit's
    children), for `period`, with `breaks` (None: quantiles)."""

    period: Period
    indicator: str = ""
    criteria_set: str = ""
    criterion: str = ""
    unit: AdminUnit | None = None
    level: str | None = None
    breaks: tuple[Decimal, ...] | None = None


def map_request_read(
    *,
    user: Actor,
    indicator: str = "",
    criteria_set: str = "",
    criterion: str = "",
    unit: str | None = None,
    level: str | None = None,
    period: str | None = None,
    breaks: str | None = None,
) -> MapRequest:
    """A request as a page or the API receives it (codes, texts), read: the unit in the
    user's scope (NotFound outside it, as for a unit that does not exist), the period
    (the current year by default), the breaks as numbers."""
    return MapRequest(
        period=period_or_current(period),
        indicator=indicator.strip(),
        criteria_set=criteria_set.strip(),
        criterion=criterion.strip(),
        unit=unit_get_for_user(user=user, code=unit) if unit else None,
        level=level or None,
        breaks=breaks_parse(breaks) if breaks else None,
    )


def breaks_parse(text: str) -> tuple[Decimal, ...]:
    """ "20,40,60,80": fixed class breaks."""
    try:
        return tuple(Decimal(part.strip()) for part in text.split(","))
    except InvalidOperation as exc:
        raise DomainError(
            _("Ngưỡng phân lớp “%(breaks)s” không đọc được: viết các số cách nhau bởi dấu phẩy.")
            % {"breaks": text[:50]}
        ) from exc


def choropleth_values(*, user: Actor, request: MapRequest) -> Choropleth:
    """The values and classes of `request` for the units `user` may see. An indicator
    costs one `indicators_values` read and one query for the units, whatever their
    number; statuses cost one evaluation of every unit."""
    if bool(request.indicator) == bool(request.criteria_set):
        raise DomainError(_("Chọn một chỉ số, hoặc một bộ tiêu chí (và một tiêu chí của bộ)."))
    if request.criterion and not request.criteria_set:
        raise DomainError(_("Tiêu chí đi cùng bộ tiêu chí của nó: chọn cả bộ tiêu chí."))
    parent, level = map_units_parent(
        user=user, unit=request.unit, level=request.level, statuses=bool(request.criteria_set)
    )
    units = _units(user=user, parent=parent, level=level)
    if request.indicator:
        return _indicator(
            request, parent, level, [MapUnit._make(row) for row in units.values_list(*MAP_UNIT)]
        )
    # The criteria engine reads the units' region and commune group too.
    return _statuses(request, parent, level, list(units))


def map_units_parent(
    *, user: Actor, unit: AdminUnit | None, level: str | None, statuses: bool = False
) -> tuple[AdminUnit | None, str]:
    """The unit whose sub-units are mapped (None: the whole country, for a nationwide
    role only) and their level, checked: a current unit in the user's scope, a level
    below it. `statuses`: a set's or criterion's status is mapped."""
    permission = Permission.VIEW_SCOPED
    nationwide = is_nationwide(user=user, permission=permission)
    if unit is None and not nationwide:
        unit = scope_unit(user=user, permission=permission)
        if unit is None:
            raise NotFound(_("Không có đơn vị nào trong phạm vi của bạn để vẽ bản đồ."))
    if unit is not None:
        if unit.valid_to is not None:
            raise DomainError(
                _("%(unit)s không còn từ %(day)s: bản đồ vẽ các đơn vị hiện hành.")
                % {"unit": unit.name, "day": unit.valid_to.strftime("%d/%m/%Y")}
            )
        if not AdminUnit.objects.filter(
            unit_scope_q(user=user, permission=permission), pk=unit.pk
        ).exists():
            raise NotFound(_("Không có đơn vị này trong phạm vi của bạn."))
    if level is None and unit is None:
        # The country: its provinces, or its communes for a set (sets judge communes
        # and villages, never provinces).
        level = Level.COMMUNE if statuses else Level.PROVINCE
    elif level is None and unit is not None:
        level = CHILD_LEVEL.get(unit.level, unit.level)
    if level not in DEPTH or (unit is not None and DEPTH.get(unit.level, 9) >= DEPTH[level]):
        raise DomainError(
            _("Không vẽ được cấp “%(level)s” dưới %(unit)s: chọn một cấp thấp hơn.")
            % {
                "level": Level(level).label if level in Level.values else level,
                "unit": unit.name if unit else _("toàn quốc"),
            }
        )
    if unit is None and level == Level.VILLAGE:
        raise DomainError(_("Bản đồ các thôn vẽ cho một tỉnh hoặc một xã: chọn đơn vị."))
    return unit, level


def _units(*, user: Actor, parent: AdminUnit | None, level: str) -> QuerySet[AdminUnit]:
    """The current units of `level` under `parent` within the user's scope, by code,
    without their shapes, each saying whether it has a boundary."""
    units = AdminUnit.objects.current().filter(
        unit_scope_q(user=user, permission=Permission.VIEW_SCOPED), level=level
    )
    if parent is not None:
        units = units.filter(parent.subtree_q())
    return (
        units.defer(*GEOMETRY)
        .annotate(
            has_boundary=ExpressionWrapper(Q(boundary__isnull=False), output_field=BooleanField())
        )
        .order_by("code")
    )


def map_bounds(
    *, user: Actor, parent: AdminUnit | None, level: str
) -> tuple[float, float, float, float] | None:
    """The box around the mapped units' boundaries and centres, and the parent's (a
    commune's villages known by their centres alone would open on a few houses), None
    for no place."""
    mapped = Q(pk__in=_units(user=user, parent=parent, level=level).values("pk"))
    if parent is not None:
        mapped |= Q(pk=parent.pk)
    extents = AdminUnit.objects.filter(mapped).aggregate(
        boundary=Extent("boundary"), centroid=Extent("centroid")
    )
    found = [extent for extent in extents.values() if extent is not None]
    if not found:
        return None
    return (
        min(e[0] for e in found),
        min(e[1] for e in found),
        max(e[2] for e in found),
        max(e[3] for e in found),
    )


# --- Numbers ------------------------------------------------------------------------


def _indicator(
    request: MapRequest, parent: AdminUnit | None, level: str, units: list[MapUnit]
) -> Choropleth:
    # Every unit of the level under the parent: read by the parent, not by 3,321 ids.
    [result] = indicators_values(
        codes=[request.indicator],
        units=units,
        period=request.period,
        under=UnitsUnder(parent),
    )
    definition = result.definition
    percent = definition.unit == IndicatorUnit.PERCENT
    numbers = [v.value for v in result.values if v.value is not None]
    if request.breaks is not None:
        method, uppers = Method.BREAKS, breaks_check(request.breaks)
    else:
        method, uppers = Method.QUANTILES, quantile_breaks(numbers)
    # Quantiles of no value at all make no class: every unit is no data.
    colors = SEQUENTIAL.get(len(uppers) + 1 if method == Method.BREAKS else len(uppers), ())
    values = []
    counts = [0] * len(colors)
    separators = _separators()
    no_data = no_data_label()
    for found in result.values:
        if found.value is None:
            values.append(_no_data(found.unit, no_data))
            continue
        if method == Method.BREAKS:
            # Fixed breaks: a break opens its class ("≥ 80").
            index = bisect.bisect_right(uppers, found.value)
        else:
            # Quantiles: a class ends at its upper value, inclusive.
            index = bisect.bisect_left(uppers, found.value)
        counts[index] += 1
        values.append(
            MapValue(
                unit=found.unit,
                value=found.value,
                index=index,
                label=number_label(found.value, percent=percent, separators=separators),
                color=colors[index],
            )
        )
    if method == Method.BREAKS:
        classes = _break_classes(uppers, colors, counts, percent=percent)
    else:
        classes = _quantile_classes(uppers, numbers, colors, counts, percent=percent)
    return Choropleth(
        subject=Subject.INDICATOR,
        code=definition.code,
        criterion="",
        title=definition.label,
        measure=str(IndicatorUnit(definition.unit).label),
        period=result.period,
        parent=parent,
        level=level,
        method=method,
        computed_at=result.computed_at,
        classes=classes,
        values=values,
        no_data_label=no_data_label(),
        no_data_count=sum(1 for v in values if v.index is None),
    )


def quantile_breaks(numbers: Sequence[Decimal]) -> list[Decimal]:
    """The upper value of each quantile class (at most `MAX_CLASSES`, fewer when values
    repeat or are few): the value at each k/5 of the sorted values, ties merged."""
    ordered = sorted(numbers)
    if not ordered:
        return []
    classes = min(MAX_CLASSES, len(ordered))
    uppers: list[Decimal] = []
    for k in range(1, classes + 1):
        upper = ordered[math.ceil(k * len(ordered) / classes) - 1]
        if not uppers or upper > uppers[-1]:
            uppers.append(upper)
    return uppers


def breaks_check(breaks: Sequence[Decimal]) -> list[Decimal]:
    """Fixed breaks: one to four numbers, increasing (five classes at most)."""
    found = list(breaks)
    if not 1 <= len(found) <= MAX_CLASSES - 1 or any(a >= b for a, b in itertools.pairwise(found)):
        raise DomainError(
            _("Ngưỡng phân lớp phải là từ 1 đến %(n)s số tăng dần, cách nhau bởi dấu phẩy.")
            % {"n": MAX_CLASSES - 1}
        )
    return found


def number_label(
    value: Decimal, *, percent: bool, separators: tuple[str, str] | None = None
) -> str:
    """A figure as the page writes it: one decimal at most, the language's separators
    ("1.234,5" in Vietnamese), `separators` when the caller looked them up once.
    Formatted here rather than by `number_format` per value, which cost 40 ms over 3,321
    communes; looking the separators up per value cost 15 ms more (`bench choropleth`)."""
    decimal, thousands = separators or _separators()
    places = 0 if value == value.to_integral_value() else 1
    text = f"{round(value, places):,.{places}f}"
    text = text.replace(",", "\x00").replace(".", decimal).replace("\x00", thousands)
    return f"{text} %" if percent else text


def _separators() -> tuple[str, str]:
    return str(get_format("DECIMAL_SEPARATOR")), str(get_format("THOUSAND_SEPARATOR"))


def _quantile_classes(
    uppers: list[Decimal],
    numbers: Sequence[Decimal],
    colors: Sequence[str],
    counts: list[int],
    *,
    percent: bool,
) -> list[MapClass]:
    lowest = min(numbers) if numbers else None
    classes = []
    for index, upper in enumerate(uppers):
        lower = lowest if index == 0 else uppers[index - 1]
        low, high = (number_label(x, percent=percent) for x in (lower or upper, upper))
        if index == 0:
            label = low if lower == upper else f"{low} – {high}"
        else:
            # Each class after the first starts just above the previous one's top.
            label = _("trên %(low)s – %(high)s") % {"low": low, "high": high}
        classes.append(
            MapClass(
                index=index,
                label=label,
                color=colors[index],
                count=counts[index],
                lower=lower,
                upper=upper,
            )
        )
    return classes


def _break_classes(
    breaks: list[Decimal], colors: Sequence[str], counts: list[int], *, percent: bool
) -> list[MapClass]:
    classes = []
    for index in range(len(breaks) + 1):
        lower = breaks[index - 1] if index > 0 else None
        upper = breaks[index] if index < len(breaks) else None
        if lower is None and upper is not None:
            label = _("dưới %(high)s") % {"high": number_label(upper, percent=percent)}
        elif upper is None and lower is not None:
            label = _("từ %(low)s trở lên") % {"low": number_label(lower, percent=percent)}
        else:
            label = _("từ %(low)s đến dưới %(high)s") % {
                "low": number_label(breaks[index - 1], percent=percent),
                "high": number_label(breaks[index], percent=percent),
            }
        classes.append(
            MapClass(
                index=index,
                label=label,
                color=colors[index],
                count=counts[index],
                lower=lower,
                upper=upper,
            )
        )
    return classes


def no_data_label() -> str:
    return _("Không có dữ liệu")


def _no_data(unit: MapUnit, label: str = "") -> MapValue:
    return MapValue(
        unit=unit, value=None, index=None, label=label or no_data_label(), color=NO_DATA_COLOR
    )


# --- Statuses -----------------------------------------------------------------------

# The legend of statuses, in order: "chưa có ngưỡng" is missing data the province owes.
STATUS_ORDER = (PASS, FAIL, MISSING)


def _status_labels() -> dict[str, str]:
    return {PASS: _("Đạt"), FAIL: _("Chưa đạt"), MISSING: _("Thiếu dữ liệu")}


def _statuses(
    request: MapRequest, parent: AdminUnit | None, level: str, units: list[AdminUnit]
) -> Choropleth:
    year = request.period.start.year
    subjects = [unit for unit in units if is_subject(unit)]
    code = request.criteria_set
    if request.criterion:
        evaluations = evaluate(code=code, units=subjects, year=year)
        statuses: dict[int, str] = {}
        for evaluation in evaluations:
            found = next(
                (c for c in evaluation.criteria if c.criterion.code == request.criterion), None
            )
            if found is None:
                raise NotFound(
                    _("Bộ “%(set)s” không có tiêu chí “%(criterion)s”.")
                    % {"set": evaluation.criteria_set.name_vi, "criterion": request.criterion}
                )
            statuses[evaluation.unit.pk] = found.status
        title = _criterion_title(evaluations, request.criterion)
    else:
        statuses = evaluate_statuses(code=code, units=subjects, year=year)
        title = ""
    names = set_names(codes=[code], province=parent.province if parent else None)
    if names[code] == code:
        raise NotFound(_("Không có bộ tiêu chí “%(code)s”.") % {"code": code})
    labels = _status_labels()
    index_of = {status: index for index, status in enumerate(STATUS_ORDER)}
    counts = [0] * len(STATUS_ORDER)
    values = []
    for unit in map(_map_unit, units):
        status = statuses.get(unit.pk)
        if status is None:
            values.append(_no_data(unit, _("Không thuộc diện xét")))
            continue
        # No threshold entered yet: the unit cannot be decided, as with missing data.
        status = MISSING if status == NO_THRESHOLD else status
        index = index_of[status]
        counts[index] += 1
        values.append(
            MapValue(
                unit=unit,
                value=None,
                index=index,
                label=labels[status],
                color=STATUS_COLORS[status],
            )
        )
    classes = [
        MapClass(
            index=index,
            label=labels[status],
            color=STATUS_COLORS[status],
            count=counts[index],
            status=status,
        )
        for index, status in enumerate(STATUS_ORDER)
    ]
    return Choropleth(
        subject=Subject.CRITERION if request.criterion else Subject.SET,
        code=code,
        criterion=request.criterion,
        title=title or names[code],
        measure="",
        period=request.period,
        parent=parent,
        level=level,
        method=Method.CATEGORIES,
        computed_at=timezone.now(),
        classes=classes,
        values=values,
        no_data_label=_("Không có dữ liệu, hoặc không thuộc diện xét"),
        no_data_count=sum(1 for v in values if v.index is None),
    )


def _map_unit(unit: AdminUnit) -> MapUnit:
    """A unit read by `_units` as the map shows it."""
    return MapUnit(
        pk=unit.pk,
        code=unit.code,
        name=unit.name,
        level=unit.level,
        valid_to=unit.valid_to,
        has_boundary=unit.has_boundary,  # type: ignore[attr-defined]  # annotated by `_units`
    )


def _criterion_title(evaluations: Sequence[Evaluation], criterion: str) -> str:
    for evaluation in evaluations:
        for result in evaluation.criteria:
            if result.criterion.code == criterion:
                return f"{result.criterion.code}. {result.criterion.name_vi}"
    return criterion
