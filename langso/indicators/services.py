"""Keeping household aggregates exact: a delta per registry write, in its transaction,
and a rebuild from scratch that must agree with the deltas to the unit."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connection, transaction

from langso.registry.events import HouseholdsChanged
from langso.registry.selectors.households import households_for_aggregation

from .measures import HOUSEHOLD_MEASURES
from .models import HouseholdAggregate

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
            for measure in HOUSEHOLD_MEASURES:
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


def households_changed(event: HouseholdsChanged) -> None:
    """Apply the exact delta of a registry write to the aggregates of the units the
    households were in before and are in after."""
    _upsert(_deltas(event.changes))


@transaction.atomic
def household_aggregates_rebuild() -> int:
    """Recompute every household aggregate from the households, replacing what the deltas
    built. Returns the number of rows written."""
    HouseholdAggregate.objects.all().delete()
    rows = []
    for group in households_for_aggregation(
        {measure.code: measure.aggregate() for measure in HOUSEHOLD_MEASURES}
    ):
        commune_id = group["commune_id"]
        unit_id = group["village_id"] or commune_id
        for measure in HOUSEHOLD_MEASURES:
            value = group[measure.code] or 0
            if value:
                rows.append(
                    HouseholdAggregate(
                        unit_id=unit_id,
                        province_id=group["province_id"],
                        commune_id=commune_id,
                        measure=measure.code,
                        value=value,
                    )
                )
    HouseholdAggregate.objects.bulk_create(rows, batch_size=5000)
    return len(rows)
