"""One indicator at one unit: the threshold that applies to it, whether it is met, by
how much it falls short, and how many households, people or sub-units that is."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from langso.indicators.selectors import IndicatorValues

from ..catalogue import ALL_UNITS, threshold_of
from ..models import Comparator, CompositeMeasure, CriterionIndicator
from .results import IndicatorResult
from .statuses import FAIL, MISSING, NO_THRESHOLD, PASS

HUNDRED = Decimal(100)


def _threshold(indicator: CriterionIndicator, key: str) -> Decimal | None:
    value = threshold_of(indicator.thresholds, key)
    return Decimal(value) if value is not None else None


def _unclassified(indicator: CriterionIndicator, key: str) -> bool:
    """A threshold per region or group, for a unit with neither: no threshold can be
    chosen, which is missing data (the classification), not a missing threshold."""
    return not key and bool(indicator.thresholds) and ALL_UNITS not in indicator.thresholds


def threshold_meets(comparator: str, value: Decimal, threshold: Decimal) -> bool:
    """Whether `value` meets `threshold` by `comparator` (a presence: at least it)."""
    if comparator in (GTE, PRESENT_):
        return value >= threshold
    if comparator == GT:
        return value > threshold
    if comparator == LTE:
        return value <= threshold
    if comparator == LT:
        return value < threshold
    return value == threshold


GTE, GT, LTE, LT, PRESENT_ = (
    Comparator.GTE.value,
    Comparator.GT.value,
    Comparator.LTE.value,
    Comparator.LT.value,
    Comparator.PRESENT.value,
)


def _gap(comparator: str, value: Decimal, threshold: Decimal) -> Decimal:
    if comparator in (Comparator.LTE, Comparator.LT):
        return value - threshold
    return abs(threshold - value)


def _units_needed(
    comparator: str, threshold: Decimal, numerator: Decimal, denominator: Decimal
) -> int | None:
    """How many more (or, for an upper bound, fewer) counted households or people
    would meet the threshold, the denominator unchanged."""
    target = threshold * denominator / HUNDRED
    if comparator == Comparator.GTE:
        return max(math.ceil(target) - int(numerator), 0)
    if comparator in (Comparator.GT, Comparator.EQ):
        return (
            max(math.floor(target) + 1 - int(numerator), 0) if comparator == Comparator.GT else None
        )
    if comparator == Comparator.LTE:
        return max(int(numerator) - math.floor(target), 0)
    if comparator == Comparator.LT:
        return max(int(numerator) - (math.ceil(target) - 1), 0)
    return None


def _noun(values: IndicatorValues) -> str:
    """What a registry share counts: people where it sums adults, else households."""
    definition = values.definition
    if definition.source != "registry" or not definition.denominator:
        return ""
    denominator = definition.spec.get("denominator") or {}
    return _("người") if denominator.get("sum") else _("hộ")


def computed_status(indicator: CriterionIndicator, key: str, value: Any) -> str:
    """A computed indicator's status at a unit (its `IndicatorValue`, or None). A
    reported roll-up too few units reported for is missing data: 1 village of 12
    with free wifi would otherwise pass a commune on "100 %"."""
    if value is None or value.value is None or value.low_coverage or _unclassified(indicator, key):
        return MISSING
    threshold = _threshold(indicator, key)
    if threshold is None:
        return NO_THRESHOLD
    return PASS if threshold_meets(indicator.comparator, value.value, threshold) else FAIL


def composite_status(
    indicator: CriterionIndicator, key: str, met: int, total: int, undecided: int
) -> str:
    """A composite's status: met, not met, or undecided while the sub-units not yet
    decided could still carry it."""
    percent = indicator.measure == CompositeMeasure.PERCENT
    if (percent and total == 0) or _unclassified(indicator, key):
        return MISSING
    threshold = _threshold(indicator, key)
    if threshold is None:
        return NO_THRESHOLD

    def share(count: int) -> Decimal:
        return Decimal(count) * HUNDRED / Decimal(total) if percent else Decimal(count)

    if threshold_meets(indicator.comparator, share(met), threshold):
        return PASS
    if undecided and threshold_meets(indicator.comparator, share(met + undecided), threshold):
        return MISSING
    return FAIL


def computed_result(
    indicator: CriterionIndicator, key: str, values: IndicatorValues, value: Any
) -> IndicatorResult:
    threshold = _threshold(indicator, key)
    base: dict[str, Any] = {
        "indicator": indicator,
        "threshold": threshold,
        "threshold_key": key,
        "definition_version": values.definition.version,
        "definition_unit": values.definition.unit,
        "unclassified": _unclassified(indicator, key),
    }
    if value is not None:
        base |= {
            "value": value.value,
            "numerator": value.numerator,
            "denominator": value.denominator,
        }
    status = computed_status(indicator, key, value)
    if status != FAIL or threshold is None or indicator.comparator == Comparator.PRESENT:
        return IndicatorResult(status=status, **base)
    needed = None
    if values.definition.unit == "percent" and value.denominator:
        needed = _units_needed(indicator.comparator, threshold, value.numerator, value.denominator)
    elif values.definition.unit == "count":
        needed = int(_gap(indicator.comparator, value.value, threshold).to_integral_value())
    return IndicatorResult(
        status=FAIL,
        gap=_gap(indicator.comparator, value.value, threshold),
        gap_units=needed,
        gap_noun=_noun(values),
        **base,
    )


def composite_result(
    indicator: CriterionIndicator, key: str, met: int, total: int, undecided: int, noun: str
) -> IndicatorResult:
    threshold = _threshold(indicator, key)
    percent = indicator.measure == CompositeMeasure.PERCENT
    if percent and total == 0:
        return IndicatorResult(indicator=indicator, status=MISSING, threshold=threshold)
    value = (
        (Decimal(met) * HUNDRED / Decimal(total)).quantize(Decimal("0.01"))
        if percent
        else Decimal(met)
    )
    base: dict[str, Any] = {
        "indicator": indicator,
        "value": value,
        "threshold": threshold,
        "threshold_key": key,
        "numerator": Decimal(met),
        "denominator": Decimal(total),
        "unclassified": _unclassified(indicator, key),
    }
    status = composite_status(indicator, key, met, total, undecided)
    if status != FAIL or threshold is None:
        return IndicatorResult(status=status, **base)
    needed = (
        _units_needed(indicator.comparator, threshold, Decimal(met), Decimal(total))
        if percent
        else int(_gap(indicator.comparator, value, threshold))
    )
    return IndicatorResult(
        status=FAIL,
        gap=_gap(indicator.comparator, value, threshold),
        gap_units=needed,
        gap_noun=noun,
        **base,
    )
