"""Timing helpers for benchmarks: they print figures, they never assert them."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection

from langso.places.models import AdminUnit, Level
from langso.places.services.units import units_load
from langso.places.unit_sources import read_vietnamadminunits
from langso.registry.models import Household
from langso.registry.synth import synth_run


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return {"p50": statistics.median(ordered), "p95": p95, "max": ordered[-1]}


def measure(fn: Callable[[], Any], *, repeat: int = 50, warmup: int = 3) -> dict[str, float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return percentiles(samples)


@contextmanager
def stopwatch() -> Iterator[list[float]]:
    """Yields a list that holds the elapsed seconds once the block ends."""
    box: list[float] = []
    started = time.perf_counter()
    yield box
    box.append(time.perf_counter() - started)


def report(name: str, figures: dict[str, float], goal: str = "") -> None:
    shown = "  ".join(f"{k} {v:8.2f} ms" for k, v in figures.items())
    print(f"  {name:<58} {shown}" + (f"   (goal {goal})" if goal else ""))


# A real province: the made-up ones of `import` and `roundtrip` (98, 99) do not show
# that the real units are loaded.
_REAL_PROVINCE = "01"


def real_units_load() -> None:
    """The real current and legacy units, loaded unless they are."""
    if not AdminUnit.objects.current().filter(level=Level.PROVINCE, code=_REAL_PROVINCE).exists():
        units_load(source=read_vietnamadminunits())


def province_with_households(code: str, households: int) -> AdminUnit:
    """The real units (loaded if missing) and `households` synthetic households in the
    province `code`, vacuumed and analysed as autovacuum would leave them after a bulk
    load (it may be off on a bench server)."""
    real_units_load()
    province = AdminUnit.objects.current().get(level=Level.PROVINCE, code=code)
    generated = synth_run(
        province_codes=[code], size=None, households=households, replace=True, progress=None
    )
    print(
        f"  (set-up: {generated.counts.households:,} households in {province.name} "
        f"generated in {generated.seconds:.1f} s)"
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {Household._meta.db_table}")
            cursor.execute("ANALYZE")
    return province
