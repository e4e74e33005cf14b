"""What is counted over households, per lowest unit: each measure is a count of active
households, or a sum of one of their counts, over those meeting its conditions. One
declaration serves both ways of computing it: in Python from the values a
`HouseholdsChanged` event carries (the incremental delta), and in SQL over the table
(the rebuild). The rebuild-equals-incremental test holds the two to each other.

A count left empty is unknown, not zero: a sum adds only known values, and the `known:`
measures count the households where a value is known, so that a share can be taken over
the households surveyed (Σ adults with a smartphone / Σ adults, both where the
smartphone count is known)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, Sum

from langso.registry.models import (
    COUNT_FIELDS,
    Broadband,
    Household,
    HouseholdStatus,
    MobileCoverage,
)

READINESS_FIELDS = ("adults_smartphone", "adults_epayment", "adults_vneid", "adults_public_service")


@dataclass(frozen=True)
class Condition:
    """`field` is known (op "known"), equals `value` ("eq"), or is at least `value`
    ("gte"; an unknown value is not)."""

    field: str
    op: str
    value: Any = None

    def holds(self, values: Mapping[str, Any]) -> bool:
        value = values.get(self.field)
        if self.op == "known":
            # A choice left blank is stored as "" and is unknown too.
            return value is not None and value != ""
        if self.op == "eq":
            return bool(value == self.value)
        if self.op == "gte":
            return value is not None and value >= self.value
        raise ValueError(f"unknown condition {self.op!r}")

    def q(self) -> Q:
        if self.op == "known":
            known = Q(**{f"{self.field}__isnull": False})
            if Household._meta.get_field(self.field).get_internal_type() == "CharField":
                known &= ~Q(**{self.field: ""})
            return known
        if self.op == "eq":
            return Q(**{self.field: self.value})
        if self.op == "gte":
            return Q(**{f"{self.field}__gte": self.value})
        raise ValueError(f"unknown condition {self.op!r}")


@dataclass(frozen=True)
class HouseholdMeasure:
    code: str
    # The count summed; None counts households.
    field: str | None = None
    where: tuple[Condition, ...] = ()

    def contribution(self, values: Mapping[str, Any] | None) -> int:
        """What one household, as an event carries it, adds to this measure."""
        if values is None or values.get("status") != HouseholdStatus.ACTIVE:
            return 0
        if not all(condition.holds(values) for condition in self.where):
            return 0
        if self.field is None:
            return 1
        return int(values.get(self.field) or 0)

    def aggregate(self) -> Sum | Count:
        """The same, summed over a queryset of households in SQL."""
        condition = Q(status=HouseholdStatus.ACTIVE)
        for part in self.where:
            condition &= part.q()
        if self.field is None:
            return Count("pk", filter=condition)
        return Sum(self.field, filter=condition, default=0)


def _measures() -> tuple[HouseholdMeasure, ...]:
    measures = [HouseholdMeasure("households")]
    for field in COUNT_FIELDS:
        known = Condition(field, "known")
        measures.append(HouseholdMeasure(f"sum:{field}", field, (known,)))
        measures.append(HouseholdMeasure(f"known:{field}", None, (known,)))
    # The denominator of a readiness share: adults of the households where the
    # readiness count is known.
    measures.extend(
        HouseholdMeasure(f"sum:adults|known:{field}", "adults", (Condition(field, "known"),))
        for field in READINESS_FIELDS
    )
    measures.append(
        HouseholdMeasure(
            "households|adults_smartphone>=1", None, (Condition("adults_smartphone", "gte", 1),)
        )
    )
    # Connectivity and devices: households where it is known, and where it is so.
    measures.extend(
        HouseholdMeasure(code, None, (Condition(field, "eq", value),))
        for code, field, value in (
            ("households|broadband=fibre", "broadband", Broadband.FIBRE.value),
            ("households|mobile_coverage=4g", "mobile_coverage", MobileCoverage.G4.value),
            ("households|mobile_coverage=5g", "mobile_coverage", MobileCoverage.G5.value),
            ("households|has_tv", "has_tv", True),
            ("households|has_radio", "has_radio", True),
        )
    )
    measures.extend(
        HouseholdMeasure(f"known:{field}", None, (Condition(field, "known"),))
        for field in ("broadband", "mobile_coverage", "has_tv", "has_radio")
    )
    return tuple(measures)


HOUSEHOLD_MEASURES = _measures()


def household_measures() -> tuple[HouseholdMeasure, ...]:
    """The measures kept over households: what every delta, recount and rebuild
    computes."""
    return HOUSEHOLD_MEASURES
