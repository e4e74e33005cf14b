"""Administrative units: loading the national lists, and subtree reads at scale."""

from __future__ import annotations

import datetime as dt

from django.db import connection

from langso.places.models import AdminUnit, Kind, Level
from langso.places.selectors import UnitFilters, unit_queryset
from langso.places.services.units import units_load
from langso.places.unit_sources import read_vietnamadminunits

from .common import measure, report, stopwatch

VILLAGES = 100_000


def _add_villages(province: AdminUnit, total: int) -> None:
    """Spread `total` villages evenly over the province's communes, in bulk."""
    communes = list(AdminUnit.objects.filter(parent=province, level=Level.COMMUNE))
    per_commune, extra = divmod(total, len(communes))
    batch: list[AdminUnit] = []
    for index, commune in enumerate(communes):
        for n in range(per_commune + (1 if index < extra else 0)):
            name = f"Thôn {n + 1} {commune.short_name}"
            batch.append(
                AdminUnit(
                    level=Level.VILLAGE,
                    kind=Kind.THON,
                    code=f"{commune.code}-{n + 1:04d}",
                    name=name,
                    short_name=name.removeprefix("Thôn "),
                    search_name=name.lower(),
                    parent=commune,
                    province_id=commune.province_id,
                    commune=commune,
                    valid_from=dt.date(2025, 7, 1),
                )
            )
            if len(batch) >= 5000:
                AdminUnit.objects.bulk_create(batch)
                batch = []
    AdminUnit.objects.bulk_create(batch)


def run() -> None:
    print(f"Administrative units on {connection.vendor} ({connection.settings_dict['ENGINE']})")
    with stopwatch() as first:
        first_report = units_load(source=read_vietnamadminunits())
    print(
        f"  load current + legacy units with lineage (fresh): {first[0]:.2f} s "
        f"({first_report.created} units, {first_report.lineage_created} lineage links)"
    )
    with stopwatch() as again:
        units_load(source=read_vietnamadminunits())
    print(f"  load again (idempotent, writes nothing):          {again[0]:.2f} s")

    province = AdminUnit.objects.current().get(level=Level.PROVINCE, code="37")
    with stopwatch() as adding:
        _add_villages(province, VILLAGES)
    print(f"  (set-up: {VILLAGES:,} villages added under {province.name} in {adding[0]:.1f} s)")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # As autovacuum would: statistics, and the visibility map for index-only scans.
            cursor.execute("VACUUM ANALYZE places_adminunit")

    communes = UnitFilters(level=Level.COMMUNE, parent=province)
    report(
        "all communes of a province (list, API selector)",
        measure(lambda: list(unit_queryset(filters=communes))),
        "≤ 20 ms",
    )
    villages = AdminUnit.objects.within(province).filter(level=Level.VILLAGE)
    report(
        f"villages under the province: count ({villages.count():,})",
        measure(villages.count),
        "≤ 20 ms",
    )
    report(
        "villages under the province: first 100 in code order",
        measure(lambda: list(villages.order_by("code", "pk")[:100])),
        "≤ 20 ms",
    )
    report(
        f"villages under the province: all {VILLAGES:,} ids",
        measure(lambda: list(villages.values_list("id", flat=True)), repeat=10),
    )
    report(
        "search 'dan phuong' across every level",
        measure(lambda: list(unit_queryset(filters=UnitFilters(q="dan phuong"))[:50])),
    )
