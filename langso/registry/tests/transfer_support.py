"""Helpers for the import and export tests: rows as `read_table` returns them, and files
as officers send them (CSV in any of the accepted encodings, or XLSX)."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from langso.core.tabular import read_table
from langso.registry.selectors.exports import registry_export_rows
from langso.registry.transfer import (
    MAX_FILE_BYTES,
    MAX_ROWS,
    Transfer,
    csv_chunks,
    transfer_for,
)

# Tone marks, which Windows-1258 writes as separate combining characters.
_TONES = "\u0300\u0301\u0303\u0309\u0323"


def transfer(registry: str) -> Transfer:
    found = transfer_for(registry)
    assert found is not None
    return found


def row(registry: str = "household", **values: str) -> dict[str, str]:
    """A table row with every column of the registry, empty unless given."""
    table_row = dict.fromkeys(transfer(registry).headers, "")
    table_row.update(values)
    return table_row


def _cp1258(text: str) -> bytes:
    """Text as Excel on a Vietnamese Windows saves it: precomposed letters where the code
    page has them, tone marks as separate characters."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
            out += base.encode("cp1258") + "".join(c for c in decomposed if c in _TONES).encode(
                "cp1258"
            )
    return bytes(out)


def csv_upload(
    registry: str,
    rows: Iterable[dict[str, str]],
    *,
    encoding: str = "utf-8-sig",
    delimiter: str = ",",
    headers: Sequence[str] | None = None,
    name: str = "so.csv",
) -> SimpleUploadedFile:
    """A CSV file with the registry's headers (or `headers`)."""
    columns = transfer(registry).headers
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter)
    writer.writerow(headers if headers is not None else list(columns.values()))
    writer.writerows([r.get(field, "") for field in columns] for r in rows)
    data = _cp1258(text.getvalue()) if encoding == "cp1258" else text.getvalue().encode(encoding)
    return SimpleUploadedFile(name, data, "text/csv")


def xlsx_upload(
    registry: str, rows: Iterable[dict[str, Any]], *, name: str = "so.xlsx"
) -> SimpleUploadedFile:
    columns = transfer(registry).headers
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.append(list(columns.values()))
    for values in rows:
        sheet.append([values.get(field) for field in columns])
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def read(registry: str, upload: Any) -> list[dict[str, str]]:
    """The table of an upload, as the import task reads it."""
    found = transfer(registry)
    return read_table(
        upload,
        columns=found.headers,
        optional=found.optional,
        max_bytes=MAX_FILE_BYTES,
        max_rows=MAX_ROWS,
    )


def exported_csv(registry: str, *, user: Any) -> bytes:
    """The CSV export of everything `user` sees, as the export page streams it."""
    rows = registry_export_rows(user=user, registry=registry)
    return b"".join(csv_chunks(transfer(registry), rows))


def reimport_table(registry: str, *, user: Any) -> list[dict[str, str]]:
    """The export read back as an import reads it."""
    return read(registry, SimpleUploadedFile("xuat.csv", exported_csv(registry, user=user)))
