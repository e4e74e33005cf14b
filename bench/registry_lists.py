"""Registry lists: the first page of the household list at 1 M and 10 M households.

Households come from the synthetic-province generator (`langso.registry.synth`): 1 M in
Ninh Bình, timed as the generator's throughput, then 9 M more across the other 33
provinces (PostGIS only: the embedded SpatiaLite default carries one province). Pages
are read through `household_list_for_user`, as the officers' pages and the API do, with
the role lookup of a real request each time. Sizes can be lowered for a quick run with
BENCH_LIST_HOUSEHOLDS and BENCH_LIST_TOTAL.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.db.models import Count

from langso.accounts.models import RoleAssignment, User
from langso.accounts.roles import Role
from langso.accounts.selectors import role_cache_clear
from langso.places.models import AdminUnit, Level
from langso.places.services.units import units_load
from langso.places.unit_sources import read_vietnamadminunits
from langso.registry.models import Household
from langso.registry.selectors.households import HouseholdFilters, household_list_for_user
from langso.registry.synth import SynthReport, synth_run

from .common import measure, report

PROVINCE = "37"
FIRST = int(os.environ.get("BENCH_LIST_HOUSEHOLDS", 1_000_000))
TOTAL = int(os.environ.get("BENCH_LIST_TOTAL", 10_000_000))
GOAL = "≤ 200 ms"


def _indent(message: str) -> None:
    print(f"    {message}")


def _generated(label: str, result: SynthReport) -> None:
    counts = result.counts
    print(
        f"  {label}: {counts.households:,} households in {result.seconds:.1f} s = "
        f"{result.households_per_second:,.0f} households/s "
        f"({counts.rows:,} rows with villages and other registries: "
        f"{result.rows_per_second:,.0f} rows/s)"
    )


def _officer(username: str, role: str, unit: AdminUnit) -> User:
    user = User.objects.create_user(username=username)
    RoleAssignment.objects.create(user=user, role=role, unit=unit)
    return user


def _page(user: User, **filters: Any) -> Callable[[], None]:
    """One request's read: the roles looked up again, then the first page (or the page
    after `after`)."""
    after = filters.pop("after", None)

    def read() -> None:
        role_cache_clear(user=user)
        page = household_list_for_user(
            user=user, filters=HouseholdFilters(**filters), after=after, limit=50
        )
        assert page.rows, "an empty page measures nothing"
        for household in page.rows:  # what the list page shows of each row
            _ = (household.village, household.commune, household.address_code)

    return read


def _analyze() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # As autovacuum would after a bulk load: statistics and the visibility map.
            cursor.execute(f"VACUUM ANALYZE {Household._meta.db_table}")


def _time_pages(size: str, province_officer: User, commune_officer: User, village: str) -> None:
    print(f"  First page (50 rows) of the household list at {size} households:")
    second_after = household_list_for_user(
        user=province_officer, filters=HouseholdFilters(), limit=50
    ).next_after
    officer = province_officer
    cases: list[tuple[str, Callable[[], None], str]] = [
        ("province officer, first page", _page(officer), GOAL),
        ("province officer, next page (keyset)", _page(officer, after=second_after), GOAL),
        ("commune officer (largest commune), first page", _page(commune_officer), GOAL),
        ("province officer, one village's", _page(officer, unit=village), GOAL),
        ("province officer, readiness gap: smartphone", _page(officer, gap="smartphone"), GOAL),
        ("province officer, broadband: none", _page(officer, broadband="none"), GOAL),
        ("province officer, search 'nguyen van an'", _page(officer, q="nguyễn văn an"), ""),
    ]
    for name, read, goal in cases:
        report(name, measure(read, repeat=50), goal)


def run() -> None:
    print(f"Registry lists on {connection.vendor} ({connection.settings_dict['ENGINE']})")
    if not AdminUnit.objects.current().filter(level=Level.PROVINCE).exists():
        units_load(source=read_vietnamadminunits())
    province = AdminUnit.objects.current().get(level=Level.PROVINCE, code=PROVINCE)

    first = synth_run(
        province_codes=[PROVINCE], size=None, households=FIRST, replace=True, progress=_indent
    )
    _generated(f"generate {province.name} (synth)", first)
    _analyze()

    largest = (
        Household.objects.filter(province=province)
        .values("commune_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    assert largest is not None
    commune = AdminUnit.objects.get(pk=largest["commune_id"])
    busiest = (
        Household.objects.filter(commune=commune)
        .values("village__code")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    assert busiest is not None
    village = busiest["village__code"]
    print(f"  (commune officer of {commune.name}: {largest['n']:,} households)")
    province_officer = _officer("bench.tinh", Role.PROVINCE_OFFICER, province)
    commune_officer = _officer("bench.xa", Role.COMMUNE_OFFICER, commune)
    _time_pages(f"{FIRST:,}", province_officer, commune_officer, village)

    if connection.vendor != "postgresql":
        print(
            f"  Stopping at {FIRST:,} on SpatiaLite: the embedded default carries one "
            "province (up to 1.5 M households); 10 M is PostgreSQL's scale (DESIGN.md)."
        )
        return
    others = list(
        AdminUnit.objects.current()
        .filter(level=Level.PROVINCE)
        .exclude(pk=province.pk)
        .values_list("code", flat=True)
    )
    rest = synth_run(
        province_codes=others, size=None, households=TOTAL - FIRST, replace=True, progress=None
    )
    _generated(f"grow to {TOTAL:,}: {len(others)} other provinces (synth)", rest)
    _analyze()
    _time_pages(f"{TOTAL:,}", province_officer, commune_officer, village)
