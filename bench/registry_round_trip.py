"""The household file's round trip at a large village scale: 100,000 households in 400
villages (250 each, as a large village has) written as the import template's CSV,
imported, exported as the export page streams it, and that file imported again with no
change. Prints the time of each step; the unit suite runs the same trip on 2,000
households (`registry/tests/test_transfer.py`). BENCH_ROUND_TRIP_ROWS changes the size.
"""

from __future__ import annotations

import csv
import io
import os

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from langso.accounts.models import RoleAssignment, User
from langso.accounts.roles import Role
from langso.core.tabular import read_table
from langso.places.models import AdminUnit
from langso.places.testing import make_commune, make_province, make_village
from langso.registry.models import Household
from langso.registry.selectors.exports import registry_export_rows
from langso.registry.services.imports import registry_import_rows
from langso.registry.transfer import MAX_FILE_BYTES, MAX_ROWS, Transfer, csv_chunks, transfer_for

from .common import stopwatch

ROWS = int(os.environ.get("BENCH_ROUND_TRIP_ROWS", "100000"))
VILLAGES_PER_COMMUNE = 200
# A made-up province code, so that this runs beside the real units of other benchmarks
# and the `import` benchmark's province.
PROVINCE = "98"


def _villages() -> list[AdminUnit]:
    province = make_province(code=PROVINCE, name="Tỉnh Khứ Hồi")
    return [
        make_village(commune=commune, code=f"{commune.code}-V{v:03d}", name=f"Thôn {v}")
        for commune in (
            make_commune(province=province, code=f"{PROVINCE}{c:03d}", name=f"Xã Khứ Hồi {c}")
            for c in (1, 2)
        )
        for v in range(VILLAGES_PER_COMMUNE)
    ]


def _template_csv(transfer: Transfer, villages: list[AdminUnit]) -> bytes:
    """The rows as an officer fills the import template: the Vietnamese headers."""
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(transfer.headers.values())
    for n in range(ROWS):
        row = dict.fromkeys(transfer.headers, "") | {
            "village": villages[n % len(villages)].code,
            "house_number": str(n // len(villages) + 1),
            "head_name": f"Hộ {n}",
            "members": str(n % 7 + 1),
            "adults": str(n % 7 + 1),
            "adults_smartphone": str(n % 2),
            "has_tv": "Có" if n % 3 else "Không",
        }
        writer.writerow(row.values())
    return text.getvalue().encode("utf-8-sig")


def _read(transfer: Transfer, data: bytes) -> list[dict[str, str]]:
    return read_table(
        SimpleUploadedFile("ho.csv", data, "text/csv"),
        columns=transfer.headers,
        optional=transfer.optional,
        max_bytes=MAX_FILE_BYTES,
        max_rows=MAX_ROWS,
    )


def _officer(province: AdminUnit) -> User:
    user = User.objects.create_user(username="bench.round.trip", password=None)
    RoleAssignment.objects.create(user=user, role=Role.PROVINCE_OFFICER, unit=province)
    return User.objects.get(pk=user.pk)


def run() -> None:
    print(f"Household file round trip on {connection.vendor} ({ROWS:,} households)")
    transfer = transfer_for("household")
    assert transfer is not None
    villages = _villages()
    assert villages[0].province is not None
    officer = _officer(villages[0].province)
    data = _template_csv(transfer, villages)

    with stopwatch() as first:
        report = registry_import_rows(
            actor=officer, registry="household", rows=_read(transfer, data)
        )
    print(f"  read + import the template ({len(data) / 1e6:.1f} MB): {first[0]:6.1f} s")
    print(f"    {report.created:,} created")
    with stopwatch() as exporting:
        exported = b"".join(
            csv_chunks(transfer, registry_export_rows(user=officer, registry="household"))
        )
    print(f"  export as the page streams it ({len(exported) / 1e6:.1f} MB): {exporting[0]:6.1f} s")
    with stopwatch() as again:
        table = _read(transfer, exported)
        report = registry_import_rows(actor=officer, registry="household", rows=table)
    print(f"  read + import the export again:        {again[0]:6.1f} s")
    print(
        f"    {len(table):,} rows read: {report.created:,} created, {report.updated:,} updated,"
        f" {report.unchanged:,} unchanged"
    )
    print(f"  round trip in all: {first[0] + exporting[0] + again[0]:.1f} s")
    print(f"  ({Household.objects.filter(province__code=PROVINCE).count():,} households stored)")
