"""Keeping household aggregates exact: a delta per registry write, in its transaction,
and a rebuild from scratch that must agree with the deltas to the unit.

Recounts, fills and the rebuild compute in the database, never in Python: one grouped
query over the households gives every measure of every lowest unit (the table is read
once, and in parallel on PostgreSQL), and the rows are written from it by INSERT …
SELECT. The grouped query is the registry selector's own queryset compiled to SQL, so
SQLite and PostgreSQL run the same statements."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import Q

from langso.core.db import lock_against_writes
from langso.registry.events import HouseholdsChanged
from langso.registry.selectors.households import households_for_aggregation_sql

from ..measures import HouseholdMeasure, household_measures
from ..models import HouseholdAggregate

# (unit id, province id, commune id) of a household's lowest unit.
Place = tuple[int, int, int]
# progress(steps done, steps in all)
Progress = Callable[[int, int], None]
_STEPS = 4

_COLUMNS = "unit_id, province_id, commune_id, measure, value"
# The temporary table a fill or rebuild computes into: the rows it must leave, as the
# aggregates table holds them.
_FRESH = "household_aggregate_fresh"


def _place(values: Mapping[str, Any]) -> Place:
    commune_id = values["commune_id"]
    return (values["village_id"] or commune_id, values["province_id"], commune_id)


def _deltas(
    changes: Iterable[tuple[int, Mapping[str, Any] | None, Mapping[str, Any] | None]],
) -> dict[tuple[Place, str], int]:
    measures = household_measures()
    deltas: dict[tuple[Place, str], int] = defaultdict(int)
    for _pk, before, after in changes:
        for values, sign in ((before, -1), (after, 1)):
            if values is None:
                continue
            place = _place(values)
            for measure in measures:
                amount = measure.contribution(values)
                if amount:
                    deltas[(place, measure.code)] += sign * amount
    return {key: amount for key, amount in deltas.items() if amount}


def _table() -> str:
    return connection.ops.quote_name(HouseholdAggregate._meta.db_table)


def _upsert(deltas: Mapping[tuple[Place, str], int]) -> None:
    """Add each delta to its row, creating the row if need be: one statement per batch,
    the addition done by the database so that concurrent writers cannot lose one."""
    if not deltas:
        return
    table = _table()
    rows = [(*place, measure, amount) for (place, measure), amount in deltas.items()]
    # The table name comes from the model; every value is a parameter. SQLite (3.24+)
    # and PostgreSQL read the same upsert.
    sql = (
        f"INSERT INTO {table} ({_COLUMNS}) "  # noqa: S608
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


def _rows(measures: Sequence[HouseholdMeasure], where: Q | None = None) -> tuple[str, list[Any]]:
    """A SELECT of the aggregates rows (unit_id, province_id, commune_id, measure,
    value) of the households matching `where`, but zeros: one grouped query computes
    every measure of every lowest unit (as columns m0, m1, …), which is then read once
    per measure. The grouped query is the registry selector's queryset compiled."""
    grouped, params = households_for_aggregation_sql(
        {f"m{i}": measure.aggregate() for i, measure in enumerate(measures)}, where=where
    )
    arms = " UNION ALL ".join(
        "SELECT COALESCE(village_id, commune_id) AS unit_id, province_id, commune_id, "  # noqa: S608
        f"CAST(%s AS VARCHAR(64)) AS measure, m{i} AS value FROM grouped WHERE m{i} <> 0"
        for i in range(len(measures))
    )
    return f"WITH grouped AS ({grouped}) {arms}", [*params, *(m.code for m in measures)]


def _recount(places: set[Place]) -> None:
    """Replace the aggregates of these lowest units by a count of their households."""
    measures = household_measures()
    units = sorted({unit for unit, _province, commune in places if unit != commune})
    communes = sorted({commune for unit, _province, commune in places if unit == commune})
    for batch in _batches(units, 500):
        _replace(measures, units=batch, where=Q(village_id__in=batch))
    for batch in _batches(communes, 500):
        _replace(measures, units=batch, where=Q(commune_id__in=batch, village_id__isnull=True))


def _replace(measures: Sequence[HouseholdMeasure], *, units: list[int], where: Q) -> None:
    """Delete the rows of `units`, then write those of the households matching `where`
    in one INSERT … SELECT.

    This runs in an importer's transaction, beside other writers applying deltas under
    READ COMMITTED, and is exact or fails: a writer's delta row that the DELETE meets is
    waited for, and its household is then in the INSERT's snapshot; a writer that has
    not yet written its delta waits for the rows written here and adds its delta to
    them; and a writer that creates a row in between makes the INSERT fail on the
    unique constraint, rolling the import back, rather than be counted twice."""
    if not measures:
        return
    select, params = _rows(measures, where)
    HouseholdAggregate.objects.filter(unit_id__in=units).delete()
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {_table()} ({_COLUMNS}) {select}", params)


def _batches(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _rewrite(
    measures: Sequence[HouseholdMeasure], progress: Progress | None, *, every_measure: bool
) -> int:
    """Make the rows of `measures` (and, if `every_measure`, the whole table) equal a
    count over every household: compute the rows into a temporary table, then delete
    the rows no longer due, correct those that differ and insert those missing, one
    statement each. Rows already right are not written: after exact deltas none is
    wrong, and a write is dear here (three foreign keys checked at commit, four
    indexes). Returns the rows written.

    `progress(done, total)` follows these four steps. The first, the one scan of the
    households, is most of the time at national scale; a scan per measure, for a bar
    that moved per measure, would cost many times as much.

    The caller holds household writers off until it commits (see the rebuild)."""
    report = progress or _silent
    report(0, _STEPS)
    if not measures:
        return 0
    table = _table()
    select, params = _rows(measures)
    codes = [measure.code for measure in measures]
    # Only the rows of `measures`, unless every measure is rewritten.
    only = "" if every_measure else f"{table}.measure IN ({', '.join(['%s'] * len(codes))}) AND "
    key = f"{_FRESH}.unit_id = {table}.unit_id AND {_FRESH}.measure = {table}.measure"
    # Identifiers come from the model and this module; values are parameters.
    with connection.cursor() as cursor:
        # CREATE TABLE … AS, unlike INSERT … SELECT, may use parallel workers on
        # PostgreSQL: the grouped scan is most of a national rebuild.
        cursor.execute(f"CREATE TEMPORARY TABLE {_FRESH} AS {select}", params)
        cursor.execute(f"CREATE INDEX {_FRESH}_key ON {_FRESH} (unit_id, measure)")
        report(1, _STEPS)
        cursor.execute(
            f"DELETE FROM {table} WHERE {only}"  # noqa: S608
            f"NOT EXISTS (SELECT 1 FROM {_FRESH} WHERE {key})",
            [] if every_measure else codes,
        )
        written: int = cursor.rowcount
        report(2, _STEPS)
        cursor.execute(
            f"UPDATE {table} SET value = {_FRESH}.value, "  # noqa: S608
            f"province_id = {_FRESH}.province_id, commune_id = {_FRESH}.commune_id "
            f"FROM {_FRESH} WHERE {key} AND ({table}.value <> {_FRESH}.value "
            f"OR {table}.province_id <> {_FRESH}.province_id "
            f"OR {table}.commune_id <> {_FRESH}.commune_id)"
        )
        written += cursor.rowcount
        report(3, _STEPS)
        # In index order: the unique index takes the rows one leaf page after another.
        cursor.execute(
            f"INSERT INTO {table} ({_COLUMNS}) SELECT {_COLUMNS} FROM {_FRESH} "  # noqa: S608
            f"WHERE NOT EXISTS (SELECT 1 FROM {table} WHERE {key}) "
            f"ORDER BY {_FRESH}.unit_id, {_FRESH}.measure"
        )
        written += cursor.rowcount
        cursor.execute(f"DROP TABLE {_FRESH}")
    report(_STEPS, _STEPS)
    return written


def _silent(done: int, total: int) -> None:
    """No one is watching."""


def household_measures_fill(*, measures: Sequence[HouseholdMeasure]) -> int:
    """Write the aggregates of `measures` (new ones an indicator definition brings) from
    every household. The caller holds household writers off until it commits, and then
    makes the measures kept, so that deltas follow from there. Returns the rows
    written."""
    return _rewrite(measures, None, every_measure=False)


def household_aggregates_rebuild(*, progress: Progress | None = None) -> int:
    """Recompute every household aggregate from the households: missing rows are
    written, wrong ones corrected, and rows no longer due (a zero, an emptied unit, a
    measure no longer kept) deleted. Returns the number of rows written, 0 when the
    deltas had kept every row exact. `progress(done, total)` follows its four steps
    (the grouped scan of the households, most of the time, then delete, update, insert).

    Exact beside household writers, which apply deltas in their own transactions under
    READ COMMITTED: the rebuild first locks the aggregates against writes
    (`lock_against_writes`: SHARE on PostgreSQL, which waits for every transaction that
    has written a delta to commit and holds off any new delta until the rebuild
    commits; SQLite has one writer anyway). After the lock, every household change
    either committed with its delta, so that the grouped scan sees it and the rebuild
    replaces the delta, or commits after the rebuild, with its delta added to the
    rebuilt rows. Readers are not blocked: they see the old rows until the commit.
    Household writers wait for the rebuild (a minute at most at national scale); two
    rebuilds at once deadlock and PostgreSQL fails one of them."""
    with transaction.atomic():
        lock_against_writes(HouseholdAggregate)
        # Read under the lock: a definition that has just brought a measure has
        # committed its rows, and they are not taken for a measure no longer kept.
        return _rewrite(household_measures(), progress, every_measure=True)
