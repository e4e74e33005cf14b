"""What an evaluation returns: each indicator's result at a unit, each criterion's, and
the unit's `Evaluation` against a set version for a year."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from langso.places.models import AdminUnit

from ..models import Assessment, CriteriaSet, Criterion, CriterionIndicator, IndicatorMethod
from .statuses import MISSING, PASS, RANK


@dataclass(slots=True)
class IndicatorResult:
    """One indicator of a set at one unit. `gap` is in the indicator's unit (points of
    % for a share); `gap_units` how many households, people or sub-units are still
    needed, where that can be counted."""

    indicator: CriterionIndicator
    status: str
    value: Decimal | None = None
    threshold: Decimal | None = None
    threshold_key: str = ""
    gap: Decimal | None = None
    gap_units: int | None = None
    gap_noun: str = ""
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    # Provenance: the indicator definition version the value was computed by.
    definition_version: int | None = None
    # The indicator definition's unit (percent, count, ratio) of a computed value.
    definition_unit: str = ""
    assessment: Assessment | None = None
    # Thresholds differ by region or group and the unit has neither yet: no threshold
    # could be chosen (missing data), which is not an unknown threshold.
    unclassified: bool = False

    @property
    def threshold_unknown(self) -> bool:
        """No threshold for this unit because none was ever given (the province must
        enter it), rather than because the unit is not classified."""
        return (
            self.indicator.kind != IndicatorMethod.ASSESSED
            and self.threshold is None
            and not self.unclassified
        )


@dataclass(slots=True)
class CriterionResult:
    criterion: Criterion
    status: str
    indicators: list[IndicatorResult]


@dataclass(frozen=True)
class Evaluation:
    """A unit against a set version for a year."""

    unit: AdminUnit
    criteria_set: CriteriaSet
    year: int
    status: str
    criteria: list[CriterionResult]
    conditions: list[IndicatorResult]
    # The region or commune group whose thresholds were used, and why.
    threshold_key: str
    threshold_reason: str
    period: str
    frozen: bool
    computed_at: dt.datetime

    @property
    def passed(self) -> int:
        return sum(1 for c in self.criteria if c.status == PASS)

    @property
    def total(self) -> int:
        return len(self.criteria)

    @property
    def short(self) -> list[CriterionResult]:
        """The criteria not met, failures first: what is missing."""
        return sorted(
            (c for c in self.criteria if c.status != PASS),
            key=lambda c: RANK[c.status],
        )

    def results(self) -> list[IndicatorResult]:
        return [i for c in self.criteria for i in c.indicators] + self.conditions

    def part_status(self, code: str) -> str:
        """The status of a criterion of the set, or of one of its indicators ("8.4");
        missing for a part the set does not have."""
        for criterion in self.criteria:
            if criterion.criterion.code == code:
                return criterion.status
        for result in self.results():
            if result.indicator.code == code:
                return result.status
        return MISSING
