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
from functools import lru_cache
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

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
    """`field` is known (op "known"), equals `value` ("eq"), is one of `value` ("in"), or
    is at least `value` ("gte"; an unknown value is not); "any" holds when any of the
    yes/no fields in `value` is yes."""

    field: str
    op: str
    value: Any = None

    def holds(self, values: Mapping[str, Any]) -> bool:
        if self.op == "any":
            return any(values.get(name) is True for name in self.value)
        value = values.get(self.field)
        if self.op == "known":
            # A choice left blank is stored as "" and is unknown too.
            return value is not None and value != ""
        if self.op == "eq":
            return bool(value == self.value)
        if self.op == "in":
            return value in self.value
        if self.op == "gte":
            return value is not None and value >= self.value
        raise ValueError(f"unknown condition {self.op!r}")

    def q(self) -> Q:
        if self.op == "any":
            either = Q()
            for name in self.value:
                either |= Q(**{name: True})
            return either
        if self.op == "known":
            known = Q(**{f"{self.field}__isnull": False})
            if Household._meta.get_field(self.field).get_internal_type() == "CharField":
                known &= ~Q(**{self.field: ""})
            return known
        if self.op == "eq":
            return Q(**{self.field: self.value})
        if self.op == "in":
            return Q(**{f"{self.field}__in": self.value})
        if self.op == "gte":
            return Q(**{f"{self.field}__gte": self.value})
        raise ValueError(f"unknown condition {self.op!r}")

    @property
    def code(self) -> str:
        """How the condition is written in a measure's code (see `measure_parse`)."""
        if self.op == "any":
            return f"any:{','.join(self.value)}"
        if self.op == "known":
            return f"known:{self.field}"
        if self.op == "gte":
            return f"{self.field}>={self.value}"
        if self.op == "in":
            return f"{self.field}={','.join(self.value)}"
        if self.value is True:
            return self.field
        return f"{self.field}={_text(self.value)}"


def _text(value: Any) -> str:
    if value is False:
        return "no"
    return str(value)


@dataclass(frozen=True)
class HouseholdMeasure:
    """A count of active households, or a sum of one of their counts (`field`), over
    those meeting every condition of `where`. Its `code` is its whole definition, so
    that an indicator stores the code and the aggregates are keyed by it."""

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


class MeasureError(ValueError):
    """A measure names a field the households do not carry, or a value it cannot take."""


# The household fields a measure may count or filter on: what `HouseholdsChanged`
# carries, so that every measure can be kept by deltas.
CHOICE_FIELDS: dict[str, tuple[str, ...]] = {
    "broadband": tuple(Broadband.values),
    "mobile_coverage": tuple(MobileCoverage.values),
}
YES_NO_FIELDS = ("has_tv", "has_radio")


def measure_build(*, field: str | None, where: tuple[Condition, ...]) -> HouseholdMeasure:
    """The measure summing `field` (None: counting households) where every condition
    holds, with its code; refused with `MeasureError` naming what is wrong."""
    if field is not None and field not in COUNT_FIELDS:
        raise MeasureError(
            _("“%(field)s” không phải là số đếm của hộ gia đình (một trong: %(fields)s).")
            % {"field": field, "fields": ", ".join(COUNT_FIELDS)}
        )
    for condition in where:
        _check(condition)
    # A sum adds known values only, so "known" on the summed field says nothing.
    where = tuple(
        sorted(
            (c for c in where if not (c.op == "known" and c.field == field)),
            key=lambda c: c.code,
        )
    )
    head = "households" if field is None else f"sum:{field}"
    if field is None and len(where) == 1 and where[0].op == "known":
        # The households where a field is known: the denominators of most shares.
        return HouseholdMeasure(f"known:{where[0].field}", None, where)
    code = "|".join([head, *(c.code for c in where)])
    return HouseholdMeasure(code, field, where)


def _check(condition: Condition) -> None:
    fields = condition.value if condition.op == "any" else (condition.field,)
    for name in fields:
        if name not in (*COUNT_FIELDS, *CHOICE_FIELDS, *YES_NO_FIELDS):
            raise MeasureError(
                _("Hộ gia đình không có trường “%(field)s” để đếm hoặc lọc.") % {"field": name}
            )
    name = condition.field
    if condition.op == "known":
        return
    if condition.op == "any":
        if not set(condition.value) <= set(YES_NO_FIELDS) or len(condition.value) < 2:
            raise MeasureError(
                _("“any” cần hai trường có/không trở lên (%(fields)s).")
                % {"fields": ", ".join(YES_NO_FIELDS)}
            )
        return
    if condition.op == "gte":
        if name not in COUNT_FIELDS or not isinstance(condition.value, int):
            raise MeasureError(
                _("“%(field)s >= …” cần một trường số đếm và một số nguyên.") % {"field": name}
            )
        return
    if condition.op in ("eq", "in"):
        wanted = condition.value if condition.op == "in" else (condition.value,)
        allowed: tuple[Any, ...] = CHOICE_FIELDS.get(name) or (
            (True, False) if name in YES_NO_FIELDS else ()
        )
        if name in COUNT_FIELDS:
            if all(isinstance(v, int) and not isinstance(v, bool) for v in wanted):
                return
            raise MeasureError(
                _("“%(field)s” là số đếm: chỉ so sánh với số nguyên.") % {"field": name}
            )
        bad = [v for v in wanted if v not in allowed]
        if bad:
            raise MeasureError(
                _("“%(field)s” không nhận giá trị %(bad)s (chỉ một trong: %(allowed)s).")
                % {
                    "field": name,
                    "bad": ", ".join(map(_text, bad)),
                    "allowed": ", ".join(map(_text, allowed)),
                }
            )
        return
    raise MeasureError(_("Điều kiện “%(op)s” không có.") % {"op": condition.op})


def _measures() -> tuple[HouseholdMeasure, ...]:
    """The measures always kept, whatever indicators are defined: the raw figures of a
    unit (households, people, readiness and connectivity counts), and the shares' usual
    denominators."""
    measures = [measure_build(field=None, where=())]
    for field in COUNT_FIELDS:
        measures.append(measure_build(field=field, where=()))
        measures.append(measure_build(field=None, where=(Condition(field, "known"),)))
    # The denominator of a readiness share: adults of the households where the
    # readiness count is known.
    measures.extend(
        measure_build(field="adults", where=(Condition(field, "known"),))
        for field in READINESS_FIELDS
    )
    measures.append(measure_build(field=None, where=(Condition("adults_smartphone", "gte", 1),)))
    # Connectivity and devices: households where it is known, and where it is so.
    measures.extend(
        measure_build(field=None, where=(Condition(field, "eq", value),))
        for field, value in (
            ("broadband", Broadband.FIBRE.value),
            ("mobile_coverage", MobileCoverage.G4.value),
            ("mobile_coverage", MobileCoverage.G5.value),
            ("has_tv", True),
            ("has_radio", True),
        )
    )
    measures.extend(
        measure_build(field=None, where=(Condition(field, "known"),))
        for field in (*CHOICE_FIELDS, *YES_NO_FIELDS)
    )
    return tuple(measures)


BASE_MEASURES = _measures()


def measure_from_spec(spec: Mapping[str, Any]) -> HouseholdMeasure:
    """A measure from how an indicator definition stores it:
    `{"field": "adults" | None, "where": [[field, op, value], …]}`."""
    return _from_spec(
        spec["field"],
        tuple(
            (name, op, tuple(value) if isinstance(value, list) else value)
            for name, op, value in spec["where"]
        ),
    )


@lru_cache(maxsize=1024)
def _from_spec(field: str | None, where: tuple[tuple[Any, ...], ...]) -> HouseholdMeasure:
    return measure_build(
        field=field,
        where=tuple(Condition(name, op, value) for name, op, value in where),
    )


def measure_spec(measure: HouseholdMeasure) -> dict[str, Any]:
    """What `measure_from_spec` reads back."""
    return {
        "field": measure.field,
        "where": [
            [c.field, c.op, list(c.value) if isinstance(c.value, tuple) else c.value]
            for c in measure.where
        ],
    }


def household_measures() -> tuple[HouseholdMeasure, ...]:
    """The measures kept over households: the base ones and every measure an indicator
    definition, of any version, reads. What every delta, recount and rebuild computes.
    One small query per call: every process must see a definition the moment another
    one adds it, or its deltas would be lost."""
    from .models import IndicatorDefinition, Source

    measures = {measure.code: measure for measure in BASE_MEASURES}
    for specs in IndicatorDefinition.objects.filter(source=Source.REGISTRY).values_list(
        "household_measures", flat=True
    ):
        for spec in specs:
            measure = measure_from_spec(spec)
            measures.setdefault(measure.code, measure)
    return tuple(measures.values())
