"""Household indicators at national scale (PostGIS only): the aggregates rebuilt from
18 M synthetic households, beside the same figures computed on demand, by one GROUP BY
over the households in PostgreSQL and by DuckDB over the households exported to
Parquet; then an indicator read from the aggregates, and what a household update pays
for its delta.

The households come from the synthetic generator (`langso.registry.synth`) over the 34
provinces; BENCH_INDICATORS_HOUSEHOLDS lowers their number for a quick run. Memory is
the peak resident set of this Python process (the rebuild's statements run in the
database, DuckDB runs in this process) and, apart, the private memory of the
PostgreSQL backend serving the rebuild with its parallel workers, sampled every 20 ms;
shared buffers are the server's and counted in neither.
"""

from __future__ import annotations

import os
import random
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import duckdb
from django.db import connection, connections
from django.db.models import Count, Sum
from django.utils import timezone

from langso.accounts.models import RoleAssignment, User
from langso.accounts.roles import Role
from langso.core import events
from langso.indicators.measures import HouseholdMeasure, household_measures
from langso.indicators.models import HouseholdAggregate
from langso.indicators.selectors import indicator_values, period_current
from langso.indicators.services.aggregates import household_aggregates_rebuild, households_changed
from langso.indicators.services.definitions import indicator_definitions_load
from langso.places.models import AdminUnit, Level
from langso.places.services.units import units_load
from langso.places.unit_sources import read_vietnamadminunits
from langso.registry.events import HouseholdsChanged
from langso.registry.models import EVENT_FIELDS, Household, HouseholdStatus
from langso.registry.services.households import household_update
from langso.registry.synth import synth_run

from .common import measure, percentiles, report, stopwatch

HOUSEHOLDS = int(os.environ.get("BENCH_INDICATORS_HOUSEHOLDS", 18_000_000))
# Adults with an e-payment account / adults of the households where that is known.
INDICATOR = "adults-epayment"
NUMERATOR = "sum:adults_epayment"
DENOMINATOR = "sum:adults|known:adults_epayment"
READS = 200
WRITES = 200


def _indent(message: str) -> None:
    print(f"    {message}")


# --- Memory -------------------------------------------------------------------------


def _status_kb(pid: int | str, field: str) -> int:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:  # the process has ended
        return 0
    for line in text.splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


def _reset_peak(pid: int | str) -> None:
    """Start the process's peak resident set (VmHWM) again from its current size."""
    with suppress(OSError):
        Path(f"/proc/{pid}/clear_refs").write_text("5")


class Peaks:
    """Peak memory while a block runs: this process's resident set (VmHWM), and the
    private memory (RssAnon) of the PostgreSQL backend of `connection` plus its parallel
    workers, summed at each sample."""

    def __init__(self) -> None:
        self.python_mb = self.python_before_mb = 0.0
        self.server_mb = 0.0
        self._stop = threading.Event()

    def _sample(self, backend: int) -> None:
        peak = 0
        try:
            with connections["default"].cursor() as cursor:
                while not self._stop.wait(0.02):
                    cursor.execute(
                        "SELECT pid FROM pg_stat_activity WHERE leader_pid = %s", [backend]
                    )
                    pids = [backend, *(pid for (pid,) in cursor.fetchall())]
                    peak = max(peak, sum(_status_kb(pid, "RssAnon") for pid in pids))
        finally:
            connections.close_all()
        self.server_mb = peak / 1024

    @contextmanager
    def watch(self) -> Iterator[Peaks]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (backend,) = cursor.fetchone()
        _reset_peak("self")
        self.python_before_mb = _status_kb("self", "VmRSS") / 1024
        sampler = threading.Thread(target=self._sample, args=(backend,))
        sampler.start()
        try:
            yield self
        finally:
            self._stop.set()
            sampler.join()
            self.python_mb = _status_kb("self", "VmHWM") / 1024


def _memory(peaks: Peaks) -> str:
    return (
        f"peak memory: Python {peaks.python_mb:,.0f} MB (from {peaks.python_before_mb:,.0f}), "
        f"PostgreSQL backend and workers {peaks.server_mb:,.0f} MB private"
    )


# --- Set-up --------------------------------------------------------------------------


def _generate() -> None:
    if not AdminUnit.objects.current().filter(level=Level.PROVINCE).exists():
        units_load(source=read_vietnamadminunits())
    generated = synth_run(
        province_codes=None, size=None, households=HOUSEHOLDS, replace=True, progress=_indent
    )
    counts = generated.counts
    print(
        f"  generate the nation (synth): {counts.households:,} households in "
        f"{counts.villages:,} villages, {generated.seconds:.1f} s = "
        f"{generated.households_per_second:,.0f} households/s"
    )
    with connection.cursor() as cursor:
        # As autovacuum would after a bulk load: statistics and the visibility map.
        cursor.execute(f"VACUUM ANALYZE {Household._meta.db_table}")
        cursor.execute("ANALYZE")


def _vacuum_aggregates() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {HouseholdAggregate._meta.db_table}")


# --- Rebuild -------------------------------------------------------------------------


def _rebuild(label: str) -> float:
    steps: list[str] = []
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        if done:
            steps.append(f"{done}/{total} at {time.perf_counter() - started:.1f} s")

    with Peaks().watch() as peaks, stopwatch() as took:
        written = household_aggregates_rebuild(progress=progress)
    print(
        f"  {label}: {took[0]:6.1f} s, {written:,} rows written   (goal ≤ 60 s)\n"
        f"    steps done {', '.join(steps)}; then the commit, which checks the foreign "
        f"keys of the rows written\n    {_memory(peaks)}"
    )
    return took[0]


# --- On demand: PostgreSQL and DuckDB ------------------------------------------------


def _aggregates(measures: Sequence[HouseholdMeasure]) -> dict[str, Sum | Count]:
    return {f"m{i}": m.aggregate() for i, m in enumerate(measures)}


def _on_demand(
    measures: Sequence[HouseholdMeasure], province_id: int
) -> list[tuple[str, str, list[Any]]]:
    """(label, SQL, parameters) of the grouped queries computed on demand."""
    epayment = [m for m in measures if m.code in (NUMERATOR, DENOMINATOR)]
    cases = [
        (
            "nation, every measure by lowest unit",
            Household.objects.values("province_id", "commune_id", "village_id"),
            measures,
        ),
        (
            "a province's communes, every measure",
            Household.objects.filter(province_id=province_id).values("commune_id"),
            measures,
        ),
        (
            "a province's communes, e-payment indicator",
            Household.objects.filter(province_id=province_id).values("commune_id"),
            epayment,
        ),
    ]
    queries = []
    for label, groups, chosen in cases:
        sql, params = groups.annotate(**_aggregates(chosen)).order_by().query.sql_with_params()
        queries.append((label, sql, list(params)))
    return queries


def _timed(run: Callable[[], object], repeat: int) -> float:
    """The median of `repeat` runs after one warm-up, in seconds."""
    run()
    return percentiles([_seconds(run) for _ in range(repeat)])["p50"]


def _seconds(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def _duckdb_type(field: str) -> str:
    kind = Household._meta.get_field(field).get_internal_type()
    return {
        "BigAutoField": "BIGINT",
        "ForeignKey": "BIGINT",
        "PositiveSmallIntegerField": "SMALLINT",
        "BooleanField": "BOOLEAN",
    }.get(kind, "VARCHAR")


def _export(directory: Path) -> Path:
    """The households' counted columns, by COPY from PostgreSQL to CSV, then by DuckDB to
    Parquet."""
    table = Household._meta.db_table
    columns = ["id", *EVENT_FIELDS]
    csv = directory / "households.csv"
    parquet = directory / "households.parquet"
    # Names come from the model, paths from tempfile: nothing here is typed by a user.
    select = f"SELECT {', '.join(columns)} FROM {table}"  # noqa: S608
    copy_out = f"COPY ({select}) TO STDOUT (FORMAT csv, HEADER)"
    with (
        stopwatch() as copying,
        connection.cursor() as cursor,
        csv.open("wb") as out,
        cursor.copy(copy_out) as copy,
    ):
        for chunk in copy:
            out.write(chunk)
    types = ", ".join(f"'{c}': '{_duckdb_type(c)}'" for c in columns)
    with stopwatch() as converting:
        duckdb.connect().execute(
            f"COPY (SELECT * FROM read_csv('{csv}', header = true, columns = {{{types}}}, "  # noqa: S608
            f"allow_quoted_nulls = false)) TO '{parquet}' (FORMAT parquet)"
        )
    print(
        f"  export for DuckDB: COPY to CSV {copying[0]:.1f} s "
        f"({csv.stat().st_size / 1e6:,.0f} MB), CSV to Parquet {converting[0]:.1f} s "
        f"({parquet.stat().st_size / 1e6:,.0f} MB)"
    )
    csv.unlink()
    return parquet


def _threads(duck: duckdb.DuckDBPyConnection) -> object:
    row = duck.execute("SELECT current_setting('threads')").fetchone()
    return row[0] if row else "?"


def _duckdb_params(params: list[Any]) -> list[Any]:
    # Enums and psycopg's sized integers as the plain values DuckDB binds.
    return [p if isinstance(p, bool) else int(p) if isinstance(p, int) else str(p) for p in params]


def _compare(measures: Sequence[HouseholdMeasure], province_id: int, rebuilt: float) -> None:
    queries = _on_demand(measures, province_id)
    print("  (a) the same figures on demand, one GROUP BY over the households (PostgreSQL):")
    pg: dict[str, float] = {}
    for label, sql, params in queries:

        def run(sql: str = sql, params: list[Any] = params) -> None:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                cursor.fetchall()

        with Peaks().watch() as peaks:
            pg[label] = _timed(run, repeat=3 if label.startswith("nation") else 10)
        print(f"    {label:<46} {pg[label]:8.3f} s   ({_memory(peaks)})")

    with tempfile.TemporaryDirectory(prefix="bench-indicators-") as directory:
        parquet = _export(Path(directory))
        duck = duckdb.connect()
        duck.execute(
            f"CREATE VIEW {Household._meta.db_table} AS "  # noqa: S608
            f"SELECT * FROM read_parquet('{parquet}')"
        )
        print(
            f"  (b) the same grouped queries in DuckDB {duckdb.__version__} over the Parquet "
            f"file ({_threads(duck)} threads):"
        )
        dd: dict[str, float] = {}
        for label, sql, params in queries:
            translated = sql.replace("%s", "?").replace("%%", "%")

            def run_duck(translated: str = translated, params: list[Any] = params) -> None:
                duck.execute(translated, _duckdb_params(params)).fetchall()

            with Peaks().watch() as peaks:
                dd[label] = _timed(run_duck, repeat=3 if label.startswith("nation") else 10)
            print(
                f"    {label:<46} {dd[label]:8.3f} s   (peak memory: Python with DuckDB "
                f"{peaks.python_mb:,.0f} MB, from {peaks.python_before_mb:,.0f})"
            )
        duck.close()

    nation = queries[0][0]
    print(
        f"  nation, rebuild (kept state) : GROUP BY : DuckDB = {rebuilt:.1f} s : "
        f"{pg[nation]:.1f} s : {dd[nation]:.2f} s = {rebuilt / dd[nation]:.0f} : "
        f"{pg[nation] / dd[nation]:.0f} : 1"
    )
    for label, *_rest in queries[1:]:
        print(
            f"  {label}, GROUP BY : DuckDB = {pg[label] * 1000:.0f} ms : "
            f"{dd[label] * 1000:.0f} ms = {pg[label] / dd[label]:.1f} : 1"
        )


# --- Reads ---------------------------------------------------------------------------


def _reads(rng: random.Random) -> None:
    """Through the selectors the API calls: the units asked for, then the indicator's
    values at each (definition, period and one grouped query over the aggregates)."""
    provinces = list(AdminUnit.objects.current().filter(level=Level.PROVINCE))
    communes = list(
        AdminUnit.objects.current().filter(
            level=Level.COMMUNE, pk__in=HouseholdAggregate.objects.values("commune_id")
        )
    )
    period = period_current()

    def read(units: Callable[[], Sequence[AdminUnit]]) -> Callable[[], object]:
        return lambda: indicator_values(code=INDICATOR, units=units(), period=period)

    print(f"  Reads of the e-payment indicator ({INDICATOR}), {READS} each:")
    report(
        "every commune of a province (34 in turn)",
        measure(
            read(
                lambda: list(
                    AdminUnit.objects.current().filter(
                        level=Level.COMMUNE, province=rng.choice(provinces)
                    )
                )
            ),
            repeat=READS,
        ),
        "p95 ≤ 50 ms",
    )
    report(
        "one commune (at random)",
        measure(read(lambda: [rng.choice(communes)]), repeat=READS),
        "p95 ≤ 50 ms",
    )


# --- Writes --------------------------------------------------------------------------


class _TimedDelta:
    """The indicators' delta handler, timed: what it took in the last write."""

    def __init__(self) -> None:
        self.ms = 0.0

    def __call__(self, event: HouseholdsChanged) -> None:
        started = time.perf_counter()
        households_changed(event)
        self.ms = (time.perf_counter() - started) * 1000


@contextmanager
def _delta_handler(handler: _TimedDelta | None) -> Iterator[None]:
    """The indicators' delta handler replaced, for the time of the block, by `handler`
    (None: unsubscribed). core.events has no unsubscribe: its registry is a private
    list of handlers per event."""
    handlers = events._in_transaction[HouseholdsChanged]
    position = handlers.index(households_changed)
    handlers[position : position + 1] = [handler] if handler else []
    try:
        yield
    finally:
        handlers[position : position + (1 if handler else 0)] = [households_changed]


def _writes(province: AdminUnit) -> None:
    officer = User.objects.create_user(username="bench.indicators")
    RoleAssignment.objects.create(user=officer, role=Role.PROVINCE_OFFICER, unit=province)
    officer = User.objects.get(pk=officer.pk)
    ids = list(
        Household.objects.filter(province=province, status=HouseholdStatus.ACTIVE)
        .order_by("?")
        .values_list("pk", flat=True)[: 2 * WRITES + 10]
    )
    timed = _TimedDelta()
    samples: dict[bool, list[float]] = {True: [], False: []}
    inside: list[float] = []
    for n, pk in enumerate(ids):
        subscribed = n % 2 == 0
        household = Household.objects.get(pk=pk)
        with _delta_handler(timed if subscribed else None):
            started = time.perf_counter()
            household_update(
                actor=officer, household=household, values={"has_tv": not household.has_tv}
            )
            elapsed = (time.perf_counter() - started) * 1000
        if n >= 10:  # the first few warm the caches
            samples[subscribed].append(elapsed)
            if subscribed:
                inside.append(timed.ms)
    with_delta, without = percentiles(samples[True]), percentiles(samples[False])
    print(f"  household_update, {WRITES} each, alternating (a household's TV toggled):")
    report("with the indicators' delta (as in production)", with_delta)
    report("without it (handler unsubscribed)", without)
    report(
        "difference: what the delta costs a write",
        {k: with_delta[k] - without[k] for k in ("p50", "p95")},
        "p95 ≤ 2 ms",
    )
    report("the delta handler itself, timed inside each write", percentiles(inside), "p95 ≤ 2 ms")


def run() -> None:
    print(f"Household indicators on {connection.vendor} ({HOUSEHOLDS:,} households)")
    if connection.vendor != "postgresql":
        print(
            "  Skipped: national scale (18 M households) is PostgreSQL's (DESIGN.md); "
            "run with DATABASE_URL=postgis://…"
        )
        return
    rng = random.Random(11)
    # The shipped indicators' measures are kept beside the base ones, as in production;
    # loaded first, when there is nothing yet to fill.
    indicator_definitions_load()
    _generate()
    measures = household_measures()
    print(f"  ({len(measures)} measures; started {timezone.localtime():%H:%M})")
    _rebuild("rebuild from empty (after the load, which writes no deltas)")
    _vacuum_aggregates()
    kept = _rebuild("rebuild over exact aggregates (nothing to correct)")
    largest = (
        HouseholdAggregate.objects.filter(measure="households")
        .values("province_id")
        .annotate(n=Sum("value"))
        .order_by("-n")
        .values_list("province_id", flat=True)
        .first()
    )
    assert largest is not None
    province = AdminUnit.objects.get(pk=largest)
    print(f"  (the province read is the largest, {province.name})")
    _compare(measures, province.pk, kept)
    _reads(rng)
    _writes(province)
