"""Bulk import of households: validation and write, in households per second (goal on
PostGIS: ≥ 20,000/s), then the same file again (nothing changes), a file that changes a
tenth of the rows, and the export that produces such a file.

The rows are what `read_table` returns for a CSV; reading the file is timed apart.
Set BENCH_IMPORT_ROWS to change the size (default 100,000).
"""

from __future__ import annotations

import csv
import io
import os
import random
import time
from collections.abc import Collection

from django.contrib.gis.geos import MultiPolygon, Polygon
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from langso.accounts.models import RoleAssignment, User
from langso.accounts.roles import Role
from langso.core.tabular import read_table
from langso.places.models import AdminUnit
from langso.places.testing import make_commune, make_province, make_village
from langso.registry import duplicates
from langso.registry.models import Household
from langso.registry.selectors.exports import registry_export_rows
from langso.registry.services.imports import household_import_rows
from langso.registry.transfer import MAX_FILE_BYTES, MAX_ROWS, format_cell, transfer_for

from .common import stopwatch

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
COMMUNES = 50
VILLAGES_PER_COMMUNE = 10
# A made-up province code, so that this runs beside the real units of other benchmarks.
PROVINCE = "99"


def _square(x: float, y: float, size: float) -> MultiPolygon:
    ring = ((x, y), (x + size, y), (x + size, y + size), (x, y + size), (x, y))
    return MultiPolygon(Polygon(ring), srid=4326)


def _tree() -> list[tuple[AdminUnit, tuple[float, float] | None]]:
    """Villages with the corner of their commune's square; every other commune has its
    boundary loaded, so that half the points are checked against one."""
    province = make_province(code=PROVINCE, name="Tỉnh Thử Nghiệm")
    villages: list[tuple[AdminUnit, tuple[float, float] | None]] = []
    for c in range(COMMUNES):
        commune = make_commune(province=province, code=f"{PROVINCE}{c:03d}", name=f"Xã Thử {c}")
        corner = (104.0 + (c % 10) * 0.2, 20.0 + (c // 10) * 0.2)
        if c % 2 == 0:
            commune.boundary = _square(*corner, 0.1)
            commune.save(update_fields=["boundary"])
        villages += [
            (
                make_village(
                    commune=commune, code=f"{commune.code}-{v:02d}", name=f"Thôn {v} Xã {c}"
                ),
                corner,
            )
            for v in range(1, VILLAGES_PER_COMMUNE + 1)
        ]
    return villages


def _rows(villages: list[tuple[AdminUnit, tuple[float, float] | None]]) -> list[dict[str, str]]:
    rng = random.Random(13)
    fields = list(transfer_for("household").headers)  # type: ignore[union-attr]  # registered
    rows = []
    for n in range(ROWS):
        village, corner = villages[n % len(villages)]
        members = rng.randint(1, 8)
        adults = rng.randint(1, members)
        row = dict.fromkeys(fields, "")
        row |= {
            "village": village.code,
            "house_number": str(n // len(villages) + 1),
            "street": f"Xóm {n % 17}",
            "head_name": f"Nguyễn Văn {n}",
            "head_phone": f"09{n:08d}",
            "members": str(members),
            "adults": str(adults),
            "adults_smartphone": str(rng.randint(0, adults)),
            "adults_epayment": str(rng.randint(0, adults)),
            "adults_vneid": str(rng.randint(0, adults)),
            "adults_public_service": str(rng.randint(0, adults)),
            "broadband": rng.choice(["Cáp quang", "Không có", ""]),
            "mobile_coverage": rng.choice(["4G", "5G", "3G"]),
            "has_tv": rng.choice(["Có", "Không"]),
        }
        if corner is not None and n % 4:
            row["lat"] = f"{corner[1] + rng.random() * 0.1:.6f}"
            row["lon"] = f"{corner[0] + rng.random() * 0.1:.6f}"
        rows.append(row)
    return rows


def _officer(province: AdminUnit) -> User:
    user = User.objects.create_user(username="bench.officer", password=None)
    RoleAssignment.objects.create(user=user, role=Role.PROVINCE_OFFICER, unit=province)
    return User.objects.get(pk=user.pk)


class _Timed:
    """Times the likely-duplicate flagging that an import runs (issue item 3), so that
    the import's own validation and write can be told apart from it."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.wrapped = duplicates.likely_duplicates_flag

    def __call__(self, *, household_ids: Collection[int]) -> int:
        started = time.perf_counter()
        try:
            return self.wrapped(household_ids=household_ids)
        finally:
            self.seconds += time.perf_counter() - started

    def take(self) -> float:
        seconds, self.seconds = self.seconds, 0.0
        return seconds


def _per_second(count: int, seconds: float) -> str:
    return f"{count / seconds:>10,.0f}/s"


def run() -> None:
    print(f"Household import on {connection.vendor} ({ROWS:,} rows)")
    transfer = transfer_for("household")
    assert transfer is not None
    villages = _tree()
    province = villages[0][0].province
    assert province is not None
    officer = _officer(province)
    rows = _rows(villages)

    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(transfer.headers.values())
    writer.writerows([r[f] for f in transfer.headers] for r in rows)
    data = text.getvalue().encode("utf-8-sig")
    upload = SimpleUploadedFile("ho.csv", data, "text/csv")
    with stopwatch() as reading:
        table = read_table(
            upload,
            columns=transfer.headers,
            optional=transfer.optional,
            max_bytes=MAX_FILE_BYTES,
            max_rows=MAX_ROWS,
        )
    print(
        f"  read the CSV ({len(data) / 1e6:.1f} MB):      {reading[0]:6.2f} s"
        f"  {_per_second(len(table), reading[0])}"
    )

    timed = _Timed()
    duplicates.likely_duplicates_flag = timed
    with stopwatch() as first:
        report = household_import_rows(actor=officer, rows=table)
    flagging = timed.take()
    own = first[0] - flagging
    print(
        f"  import, new households (validate + write): {own:6.2f} s"
        f"  {_per_second(report.created, own)}   (goal ≥ 20,000/s on PostGIS)"
    )
    print(
        f"    + likely-duplicate flagging of them:      {flagging:6.2f} s"
        f"  {_per_second(report.created, flagging)}   ({report.likely_duplicates:,} pairs)"
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE registry_household")

    with stopwatch() as exporting:
        exported = list(registry_export_rows(user=officer, registry="household"))
    print(
        f"  export every household (rows):              {exporting[0]:6.2f} s"
        f"  {_per_second(len(exported), exporting[0])}"
    )
    # As the exported file reads back: each cell as the CSV writes it.
    again = [
        {c.field: format_cell(c, v) for c, v in zip(transfer.columns, row, strict=True)}
        for row in exported
    ]
    with stopwatch() as unchanged:
        report = household_import_rows(actor=officer, rows=again)
    timed.take()
    print(
        f"  import the export again (nothing changes):  {unchanged[0]:6.2f} s"
        f"  {_per_second(report.rows, unchanged[0])}   ({report.unchanged:,} unchanged)"
    )

    rng = random.Random(7)
    for row in again:
        if rng.random() < 0.1:
            row["adults_smartphone"] = "0"
    with stopwatch() as updating:
        report = household_import_rows(actor=officer, rows=again)
    flagging = timed.take()
    print(
        f"  import with a tenth of the rows changed:    {updating[0] - flagging:6.2f} s"
        f"  {_per_second(report.rows, updating[0] - flagging)}   ({report.updated:,} updated;"
        f" flagging {flagging:.2f} s)"
    )
    duplicates.likely_duplicates_flag = timed.wrapped
    print(f"  ({Household.objects.count():,} households stored)")
