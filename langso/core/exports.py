"""Files for a spreadsheet: the one CSV writer and the one XLSX writer of every export
and template, and the rule that keeps a stored text from running there as a formula.

Excel, LibreOffice and Google Sheets take a cell that starts with `=`, `+`, `-` or `@`
for a formula, and some strip a leading tab or carriage return before they look. A
household head named `=HYPERLINK("http://…";"Bấm vào đây")` would be a live link in the
officer's spreadsheet (CSV injection, OWASP). Every text cell therefore goes through
`neutralise`, which puts an apostrophe before such a text; the XLSX writer also writes
every text as a string cell, never a formula. Numbers are written as numbers: a negative
figure is not a formula, and prefixing it would make it text that sums nothing.

The registry imports read back what the exports write: `unneutralise` is the inverse,
so that an exported file imports again unchanged.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any, overload

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
# Excel's 1,048,576 rows of a sheet, less the header.
XLSX_MAX_ROWS = 1_048_575

# A cell's value: text, a number, a date, or nothing (an empty cell).
Value = str | int | float | Decimal | dt.date | None
Number = int | float | Decimal

# OWASP, "CSV Injection": what a spreadsheet may read as the start of a formula.
FORMULA_STARTS = frozenset("=+-@\t\r")
# Vietnamese Excel needs the byte-order mark to read a CSV as UTF-8 rather than as the
# Windows code page, which garbles every tone mark.
_BOM = "\ufeff"
_CSV_ROWS_PER_CHUNK = 2000
# Excel's rules for a sheet's name: at most 31 characters, none of \ / * ? : [ ], not
# starting or ending with an apostrophe, unique in the workbook whatever the case, and
# not "History" (reserved). A name it refuses makes it "repair" the whole file.
SHEET_TITLE_MAX = 31
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\\/*?:\[\]]")
_SHEET_TITLES_RESERVED = frozenset({"history"})
# What a title cut at a word boundary does not end with.
_CUT_TRAILING = " ,;.:-–—'"
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="top")
_TEXT_FORMAT = "@"


@overload
def neutralise(value: str) -> str: ...
@overload
def neutralise(value: Number | dt.date | None) -> Number | dt.date | None: ...
def neutralise(value: Value) -> Value:
    """The value as a spreadsheet cell may hold it: a text that a spreadsheet would take
    for a formula gets a leading apostrophe; numbers and other texts are unchanged. A
    lone sign ("-", "=") is left alone: it cannot be a formula, and tables use it."""
    if isinstance(value, str) and len(value) > 1 and value[0] in FORMULA_STARTS:
        return "'" + value
    return value


def unneutralise(text: str) -> str:
    """The text `neutralise` was given, for an import reading a file the platform wrote
    (or one where an officer typed Excel's own apostrophe before a sign)."""
    if len(text) > 2 and text[0] == "'" and text[1] in FORMULA_STARTS:
        return text[1:]
    return text


# --- CSV ------------------------------------------------------------------------------


def _csv_value(value: Value) -> Value:
    """A value as `csv.writer` takes it (None is an empty cell, a number its `str`):
    texts neutralised, decimals without an exponent. `neutralise` written out, for
    speed: an export is millions of cells."""
    if isinstance(value, str):
        return "'" + value if len(value) > 1 and value[0] in FORMULA_STARTS else value
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence[Value]]) -> Iterator[bytes]:
    """A CSV file in pieces, for a streamed response of any size: UTF-8 with a
    byte-order mark, the header first (so that the download starts before the rows are
    read), then the rows a few thousand at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(_BOM)
    writer.writerow([_csv_value(h) for h in header])
    yield buffer.getvalue().encode()
    buffer.seek(0)
    buffer.truncate()
    for count, row in enumerate(rows, start=1):
        writer.writerow([_csv_value(v) for v in row])
        if count % _CSV_ROWS_PER_CHUNK == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Value]]) -> bytes:
    """A whole CSV file, as `csv_chunks` writes it."""
    return b"".join(csv_chunks(header, rows))


def attachment(filename: str, content: bytes, content_type: str) -> HttpResponse:
    """A file to download under `filename` (Vietnamese letters kept, RFC 6266)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Value]]
) -> HttpResponse:
    """A small table as a CSV download."""
    return attachment(filename, csv_bytes(header, rows), CSV_CONTENT_TYPE)


def csv_streaming_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Value]]
) -> StreamingHttpResponse:
    """A table of any size as a CSV download, written while its rows are read."""
    response = StreamingHttpResponse(csv_chunks(header, rows), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


# --- XLSX -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    """A text in bold: a title or a label of a guide sheet."""

    text: str
    size: int | None = None


@dataclass(frozen=True)
class Sheet:
    """One sheet: a header row (bold, frozen at the top) and rows. Columns are counted
    from 0; `text_columns` keep what an officer types as text (codes such as "01"),
    `wrap_columns` wrap long notes; `formats` give a column's numbers or dates their
    Excel number format ("0.0", "dd/mm/yyyy"); widths default to fit the header."""

    title: str
    rows: Iterable[Sequence[Value | Heading]]
    header: Sequence[str] = ()
    text_columns: Collection[int] = ()
    wrap_columns: Collection[int] = ()
    widths: Mapping[int, float] | None = None
    formats: Mapping[int, str] | None = None


def _sheet_clean(text: str) -> str:
    return " ".join(_SHEET_TITLE_FORBIDDEN.sub(" ", text).split()).strip("'")


def _cut_at_word(text: str, room: int) -> str:
    """`text` cut to at most `room` characters at its last word boundary (mid-word only
    when a single word is longer), without the punctuation left at the cut."""
    if len(text) <= room:
        return text
    head = text[: room + 1]
    space = head.rfind(" ")
    head = head[:space] if space > 0 else text[:room]
    return head.rstrip(_CUT_TRAILING)


def sheet_title(title: str, *, keep: str = "", taken: Collection[str] = ()) -> str:
    """A sheet name Excel takes, made from any `title`: forbidden characters and runs of
    spaces become one space, outer apostrophes go, and the title is cut on a word
    boundary so that the name, with `keep` (a period such as "2026-2030", kept whole)
    after it, holds 31 characters. A name among `taken` (compared without case) gets
    " (2)", " (3)"…; an empty title is "Trang tính". A valid unique name is unchanged."""
    base = _sheet_clean(title) or _("Trang tính")
    end = _cut_at_word(_sheet_clean(keep), SHEET_TITLE_MAX)
    used = {name.casefold() for name in taken} | _SHEET_TITLES_RESERVED
    number = 1
    while True:
        tail = " ".join(part for part in (end, f"({number})" if number > 1 else "") if part)
        room = SHEET_TITLE_MAX - len(tail) - (1 if tail else 0)
        head = _cut_at_word(base, room).strip("'") if room > 0 else ""
        name = " ".join(part for part in (head, tail) if part)
        if name.casefold() not in used:
            return name
        number += 1


class TooManyRows(ValueError):
    """More rows than an Excel sheet holds."""


def _text_cell(sheet: WriteOnlyWorksheet, text: str) -> Cell:
    cell = WriteOnlyCell(sheet, text)
    # openpyxl writes "#N/A" and the like as error values; the stored text is text.
    cell.data_type = "s"
    return cell


def _xlsx_value(sheet: WriteOnlyWorksheet, value: Value | Heading) -> Any:
    """What the sheet appends for a value. A neutralised text cannot start with "=", so
    openpyxl writes it as a string; only its error codes need a cell made as text."""
    if isinstance(value, str):
        text = neutralise(value)
        if ILLEGAL_CHARACTERS_RE.search(text):
            # Control characters XML cannot hold (a vertical tab pasted from Word into a
            # description) would fail the whole export; they are dropped from the copy.
            text = ILLEGAL_CHARACTERS_RE.sub("", text)
        return _text_cell(sheet, text) if text in ERROR_CODES else text
    if isinstance(value, Heading):
        cell = _text_cell(sheet, neutralise(value.text))
        cell.font = Font(bold=True, size=value.size)
        return cell
    return value


def _styled(
    sheet: WriteOnlyWorksheet,
    value: Value | Heading,
    *,
    text: bool,
    wrap: bool,
    number_format: str | None = None,
) -> Any:
    found = _xlsx_value(sheet, value)
    if found is None:
        return None
    if isinstance(found, Cell):
        cell = found
    else:
        cell = WriteOnlyCell(sheet)
        cell.value = found
    if text:
        cell.number_format = _TEXT_FORMAT
    if wrap:
        cell.alignment = _WRAP
    if number_format is not None and not isinstance(found, str | Cell):
        cell.number_format = number_format
    return cell


def _write_sheet(workbook: Workbook, spec: Sheet) -> None:
    sheet = workbook.create_sheet(sheet_title(spec.title, taken=workbook.sheetnames))
    widths = dict(spec.widths or {})
    for index, label in enumerate(spec.header):
        widths.setdefault(index, max(14, len(label) + 6))
    for index, width in widths.items():
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    for index in spec.text_columns:
        sheet.column_dimensions[get_column_letter(index + 1)].number_format = _TEXT_FORMAT
    if spec.header:
        sheet.freeze_panes = "A2"
        header = []
        for label in spec.header:
            cell = _text_cell(sheet, neutralise(label))
            cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
            header.append(cell)
        sheet.append(header)
    formats = dict(spec.formats or {})
    styled = set(spec.text_columns) | set(spec.wrap_columns) | set(formats)
    for count, row in enumerate(spec.rows, start=1):
        if count > XLSX_MAX_ROWS:
            raise TooManyRows(XLSX_MAX_ROWS)
        if styled:
            sheet.append(
                [
                    _styled(
                        sheet,
                        value,
                        text=index in spec.text_columns,
                        wrap=index in spec.wrap_columns,
                        number_format=formats.get(index),
                    )
                    if index in styled
                    else _xlsx_value(sheet, value)
                    for index, value in enumerate(row)
                ]
            )
        else:
            sheet.append([_xlsx_value(sheet, value) for value in row])


def xlsx_write(target: IO[bytes], *sheets: Sheet) -> None:
    """Write a workbook of `sheets` to `target`, row by row without holding a sheet in
    memory (openpyxl's write-only mode). More rows than a sheet holds is `TooManyRows`."""
    workbook = Workbook(write_only=True)
    try:
        for spec in sheets:
            _write_sheet(workbook, spec)
    except BaseException:
        _discard(workbook)
        raise
    workbook.save(target)


def _discard(workbook: Workbook) -> None:
    """Close and delete what an unfinished workbook has written: openpyxl keeps each
    write-only sheet in a temporary file that only saving removes, and a refused sheet
    holds a million rows."""
    for sheet in workbook.worksheets:
        if isinstance(sheet, WriteOnlyWorksheet) and not sheet.closed:
            sheet.close()
        # Private to openpyxl: the sheet's writer, which owns the temporary file.
        writer = getattr(sheet, "_writer", None)
        if writer is not None:
            writer.cleanup()


def xlsx_bytes(*sheets: Sheet) -> bytes:
    """A whole workbook, as `xlsx_write` writes it."""
    target = io.BytesIO()
    xlsx_write(target, *sheets)
    return target.getvalue()


def xlsx_response(filename: str, *sheets: Sheet) -> HttpResponse:
    """A small workbook as a download."""
    return attachment(filename, xlsx_bytes(*sheets), XLSX_CONTENT_TYPE)
