"""Keeping household aggregates exact: a delta per registry write, in its transaction,
and a rebuild from scratch that must agree with the deltas to the unit."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from django.db import connection, transaction
from django.db.models import Q

from langso.registry.events import HouseholdsChanged
from langso.registry.selectors.households import households_for_aggregation

from ..measures import HouseholdMeasure, household_measures
from ..models import HouseholdAggregate

# (unit id, province id, commune id) of a household's lowest unit.
Place = tuple[int, int, int]


def _place(values: Mapping[str, Any]) -> Place:
    commune_id = values["commune_id"]
    return (values["village_id"] or commune_id, values["province_id"], commune_id)


def _deltas(
    changes: Iterable[tuple[int, Mapping[str, Any] | None, Mapping[str, Any] | None]],
) -> dict[tuple[Place, str], int]:
    deltas: dict[tuple[Place, str], int] = defaultdict(int)
    for _pk, before, after in changes:
        for values, sign in ((before, -1), (after, 1)):
            if values is None:
                continue
            place = _place(values)
            for measure in household_measures():
                amount = measure.contribution(values)
                if amount:
                    deltas[(place, measure.code)] += sign * amount
    return {key: amount for key, amount in deltas.items() if amount}


def _upsert(deltas: Mapping[tuple[Place, str], int]) -> None:
    """Add each delta to its row, creating the row if need be: one statement per batch,
    the addition done by the database so that concurrent writers cannot lose one."""
    if not deltas:
        return
    table = connection.ops.quote_name(HouseholdAggregate._meta.db_table)
    rows = [(*place, measure, amount) for (place, measure), amount in deltas.items()]
    # The table name comes from the model; every value is a parameter. SQLite (3.24+)
    # and PostgreSQL read the same upsert.
    sql = (
        f"INSERT INTO {table} (unit_id, province_id, commune_id, measure, value) "  # noqa: S608
        "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (unit_id, measure) "
        f"DO UPDATE SET value = {table}.value + excluded.value"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


# Above this many changes in one event (an import), the touched units are recounted in
# SQL rather than each row's delta summed in Python: 100,000 rows cost seconds of Python
# and one grouped query per batch of units in the database. Both are exact.
RECOUNT_ABOVE = 1000


def households_changed(event: HouseholdsChanged) -> None:
    """Keep the aggregates of the units the households were in before and are in after
    exact: the delta of each change, or for a large write a recount of those units."""
    if len(event.changes) > RECOUNT_ABOVE:
        places = {
            _place(values)
            for _pk, before, after in event.changes
            for values in (before, after)
            if values is not None
        }
        _recount(places)
    else:
        _upsert(_deltas(event.changes))


def _aggregated(where: Q) -> Iterator[HouseholdAggregate]:
    """The aggregates of the households matching `where`, computed in one grouped query:
    every measure of every lowest unit among them, but zeros."""
    for group in households_for_aggregation(
        {measure.code: measure.aggregate() for measure in household_measures()}, where=where
    ):
        commune_id = group["commune_id"]
        unit_id = group["village_id"] or commune_id
        for measure in household_measures():
            value = group[measure.code] or 0
            if value:
                yield HouseholdAggregate(
                    unit_id=unit_id,
                    province_id=group["province_id"],
                    commune_id=commune_id,
                    measure=measure.code,
                    value=value,
                )


def _recount(places: set[Place]) -> None:
    """Replace the aggregates of these lowest units by a count of their households."""
    units = sorted({unit for unit, _province, commune in places if unit != commune})
    communes = sorted({commune for unit, _province, commune in places if unit == commune})
    for batch in _batches(units, 500):
        HouseholdAggregate.objects.filter(unit_id__in=batch).delete()
        HouseholdAggregate.objects.bulk_create(
            _aggregated(Q(village_id__in=batch)), batch_size=5000
        )
    for batch in _batches(communes, 500):
        HouseholdAggregate.objects.filter(unit_id__in=batch).delete()
        HouseholdAggregate.objects.bulk_create(
            _aggregated(Q(commune_id__in=batch, village_id__isnull=True)), batch_size=5000
        )


def _batches(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


@transaction.atomic
def household_aggregates_rebuild() -> int:
    """Recompute every household aggregate from the households, replacing what the deltas
    built. Returns the number of rows written."""
    HouseholdAggregate.objects.all().delete()
    return len(HouseholdAggregate.objects.bulk_create(_aggregated(Q()), batch_size=5000))


def household_measures_fill(*, measures: Iterable[HouseholdMeasure]) -> int:
    """Compute measures the aggregates do not keep yet (a new indicator's) for every
    unit; the caller holds household writers off until it commits. Returns the rows
    written."""
    measures = list(measures)
    HouseholdAggregate.objects.filter(measure__in=[m.code for m in measures]).delete()
    rows: list[HouseholdAggregate] = []
    for group in households_for_aggregation({m.code: m.aggregate() for m in measures}):
        commune_id = group["commune_id"]
        rows.extend(
            HouseholdAggregate(
                unit_id=group["village_id"] or commune_id,
                province_id=group["province_id"],
                commune_id=commune_id,
                measure=measure.code,
                value=group[measure.code],
            )
            for measure in measures
            if group[measure.code]
        )
    return len(HouseholdAggregate.objects.bulk_create(rows, batch_size=5000))
