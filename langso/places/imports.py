"""Reading officers' tables (CSV or XLSX) and writing their templates. Generic: it knows
columns, not villages, so that every app's imports read files the same way.

`read_table` returns one dict per data row, keyed by field name, all values stripped
strings ("" for an empty cell or an absent optional column). Row `rows[i]` is the
spreadsheet's row `i + 2` (the header is row 1): blank rows in the middle are kept, with
every value empty, so that the numbers in error reports match what the officer sees;
callers skip them. Blank rows at the end are dropped.

CSV files come in the encodings Vietnamese offices actually produce: UTF-8 with a BOM
(Excel's "CSV UTF-8"), UTF-8 without one (LibreOffice, Google Sheets, scripts), and
Windows-1258 (Excel's plain "CSV" on a Vietnamese Windows). The encoding is detected, never
asked for: strict UTF-8 first, since text in Windows-1258 is almost never valid UTF-8,
then Windows-1258. All text is NFC-normalised: Windows-1258 writes tone marks as separate
combining characters, and "Hòa" must compare equal however it was typed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from langso.core.errors import DomainError, ImportRejected, RowError
from langso.core.text import normalize_name

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 100_000
# Registries are imported a province at a time (up to ~1.5 million households).
REGISTRY_MAX_FILE_BYTES = 400 * 1024 * 1024
REGISTRY_MAX_ROWS = 2_000_000
# Columns read from each row; anything to the right of this is ignored.
_MAX_COLUMNS = 200
_XLSX_MAGIC = b"PK\x03\x04"
_ACCEPTED_EXTENSIONS = (".csv", ".txt", ".xlsx")

Table = list[dict[str, str]]


def _header_key(label: str) -> str:
    # "Mã thôn", "ma thon", "MÃ THÔN *" and "Mã  thôn" all name the same column.
    return normalize_name(label.strip().rstrip("*").strip(), fold_diacritics=True)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M") if value.time() else value.strftime("%d/%m/%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip()
    return str(value).strip()


def _megabytes(limit: int) -> str:
    return f"{limit / (1024 * 1024):g}"


def _too_big(limit: int) -> DomainError:
    return DomainError(
        _("Tệp lớn hơn %(limit)s MB; hãy chia thành nhiều tệp nhỏ hơn.")
        % {"limit": _megabytes(limit)}
    )


def check_size(uploaded_file: Any, *, max_bytes: int | None = None) -> None:
    """Refuse a file over the limit by its declared size (`UploadedFile.size`), before a
    byte of it is read. Pages call it on upload; `read_table` calls it again."""
    limit = MAX_FILE_BYTES if max_bytes is None else max_bytes
    size = getattr(uploaded_file, "size", None)
    if isinstance(size, int) and size > limit:
        raise _too_big(limit)


def _read_bytes(uploaded_file: Any, max_bytes: int) -> tuple[str, bytes]:
    name = str(getattr(uploaded_file, "name", "") or "")
    check_size(uploaded_file, max_bytes=max_bytes)
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    # A file object that declares no size is read one byte past the limit, no further.
    data = uploaded_file.read(max_bytes + 1)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > max_bytes:
        raise _too_big(max_bytes)
    return name, bytes(data)


def decode_text(data: bytes) -> str:
    """The text of a CSV file: UTF-8 (with or without BOM) or Windows-1258, NFC."""
    try:
        # utf-8-sig drops the byte-order mark Excel writes with "CSV UTF-8".
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1258")
        except UnicodeDecodeError as exc:
            raise DomainError(
                _(
                    "Không đọc được tệp CSV: tệp không ở mã UTF-8 hay Windows-1258 (byte "
                    "%(position)s). Trong Excel, hãy lưu bằng “CSV UTF-8 (phân cách bằng "
                    "dấu phẩy)”, hoặc gửi tệp XLSX."
                )
                % {"position": exc.start + 1}
            ) from exc
    return unicodedata.normalize("NFC", text)


def _delimiter(text: str) -> str | type[csv.Dialect]:
    """The delimiter, read from the header line: our headers never contain one, whereas
    data cells may hold commas and semicolons that would mislead a sniffer."""
    header = next(iter(text.splitlines()), "")
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    if counts[best]:
        return best
    return csv.excel


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    text = decode_text(data)
    delimiter = _delimiter(text)
    stream = io.StringIO(text, newline="")
    if isinstance(delimiter, str):
        yield from csv.reader(stream, delimiter=delimiter)
    else:
        yield from csv.reader(stream, delimiter)


def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise DomainError(_("Không đọc được tệp XLSX: tệp hỏng hoặc không phải Excel.")) from exc
    try:
        sheet = workbook.worksheets[0]
        # Some programs write a wrong sheet size; read what is really there.
        sheet.reset_dimensions()
        for values in sheet.iter_rows(values_only=True):
            yield [_cell_text(v) for v in values[:_MAX_COLUMNS]]
    finally:
        workbook.close()


def _map_header(
    header: Sequence[str], columns: Mapping[str, str], optional: Collection[str]
) -> dict[str, int]:
    wanted = {_header_key(label): field for field, label in columns.items()}
    wanted |= {_header_key(field): field for field in columns}
    positions: dict[str, int] = {}
    errors: list[RowError] = []
    for index, label in enumerate(header):
        field = wanted.get(_header_key(label)) if label.strip() else None
        if field is None:
            continue
        if field in positions:
            errors.append(
                RowError(1, columns[field], _("Cột này xuất hiện nhiều lần trong dòng tiêu đề."))
            )
            continue
        positions[field] = index
    errors.extend(
        RowError(1, label, _("Thiếu cột “%(column)s” trong dòng tiêu đề.") % {"column": label})
        for field, label in columns.items()
        if field not in positions and field not in optional
    )
    if errors:
        raise ImportRejected(errors)
    return positions


def _rows_to_table(
    rows: Iterable[list[str]],
    columns: Mapping[str, str],
    optional: Collection[str],
    max_rows: int,
) -> Table:
    iterator = iter(rows)
    header: list[str] | None = None
    for row in iterator:
        if any(cell.strip() for cell in row):
            header = row
            break
        # Blank lines above the header would shift every row number: refuse them.
        raise ImportRejected([RowError(1, "", _("Dòng đầu tiên phải là dòng tiêu đề."))])
    if header is None:
        raise DomainError(_("Tệp trống: không có dòng tiêu đề."))
    positions = _map_header(header, columns, optional)
    present = [(field, positions[field]) for field in columns if field in positions]
    absent = {field: "" for field in columns if field not in positions}
    width = max((index for _field, index in present), default=-1) + 1
    table: Table = []
    last_filled = 0
    for row in iterator:
        if len(table) >= max_rows:
            if any(cell.strip() for cell in row):
                raise DomainError(
                    _("Tệp có hơn %(limit)s dòng dữ liệu; hãy chia thành nhiều tệp.")
                    % {"limit": f"{max_rows:,}".replace(",", ".")}
                )
            continue
        if len(row) < width:
            row = row + [""] * (width - len(row))
        values = {field: row[index].strip() for field, index in present}
        if absent:
            values |= absent
        table.append(values)
        if any(values.values()):
            last_filled = len(table)
    return table[:last_filled]


def read_table(
    uploaded_file: IO[bytes] | Any,
    *,
    columns: Mapping[str, str],
    optional: Collection[str] = (),
    max_bytes: int | None = None,
    max_rows: int | None = None,
) -> Table:
    """Rows of a CSV (UTF-8 with or without BOM, or Windows-1258; `,`, `;` or tab) or
    XLSX (first sheet) file, keyed by field name. `columns` maps each field to its
    Vietnamese header label; headers match ignoring case, diacritics and spacing (the
    field name itself is also accepted). A missing header is an `ImportRejected` at row 1,
    unless the field is in `optional`. Files over `max_bytes` (5 MB unless given) are
    refused by their declared size before they are read; files over `max_rows` data rows
    (100,000 unless given) are refused. Both are `DomainError`s."""
    byte_limit = MAX_FILE_BYTES if max_bytes is None else max_bytes
    row_limit = MAX_ROWS if max_rows is None else max_rows
    name, data = _read_bytes(uploaded_file, byte_limit)
    lower = name.lower()
    if lower and not lower.endswith(_ACCEPTED_EXTENSIONS):
        raise DomainError(_("Chỉ nhận tệp CSV hoặc XLSX (Excel 2007 trở lên)."))
    if data.startswith(_XLSX_MAGIC):
        return _rows_to_table(_xlsx_rows(data), columns, optional, row_limit)
    if lower.endswith(".xlsx"):
        raise DomainError(_("Không đọc được tệp XLSX: tệp hỏng hoặc không phải Excel."))
    return _rows_to_table(_csv_rows(data), columns, optional, row_limit)


def _number_or_text(value: str) -> str | float:
    try:
        return float(value)
    except ValueError:
        return value


def template_xlsx(
    *,
    columns: Mapping[str, str],
    example_rows: Sequence[Mapping[str, str]],
    sheet_title: str,
    notes: Mapping[str, str] | None = None,
    instructions: Sequence[str] = (),
    text_fields: Collection[str] = (),
) -> bytes:
    """An XLSX template: the data sheet (bold header, example rows) and an instructions
    sheet listing each column with its note. Columns in `text_fields` are formatted as
    text so that Excel keeps leading zeros ("01"); other example values that look like
    numbers are written as numbers."""
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = sheet_title[:31]
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    fields = list(columns)
    for index, field in enumerate(fields, start=1):
        cell = sheet.cell(row=1, column=index, value=columns[field])
        cell.font = bold
        cell.fill = fill
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(14, len(columns[field]) + 6)
        if field in text_fields:
            sheet.column_dimensions[letter].number_format = "@"
    for row_index, example in enumerate(example_rows, start=2):
        for index, field in enumerate(fields, start=1):
            value = example.get(field, "")
            if field in text_fields:
                cell = sheet.cell(row=row_index, column=index, value=value)
                cell.number_format = "@"
            else:
                sheet.cell(row=row_index, column=index, value=_number_or_text(value) or None)
    sheet.freeze_panes = "A2"

    guide = workbook.create_sheet(_("Hướng dẫn"))
    guide.column_dimensions["A"].width = 22
    guide.column_dimensions["B"].width = 90
    row = 1
    guide.cell(row=row, column=1, value=_("Hướng dẫn điền tệp")).font = Font(bold=True, size=13)
    for line in instructions:
        row += 1
        guide.cell(row=row, column=1, value=line)
    row += 2
    guide.cell(row=row, column=1, value=_("Cột")).font = bold
    guide.cell(row=row, column=2, value=_("Cách điền")).font = bold
    for field in fields:
        row += 1
        guide.cell(row=row, column=1, value=columns[field]).font = bold
        note = guide.cell(row=row, column=2, value=(notes or {}).get(field, ""))
        note.alignment = Alignment(wrap_text=True, vertical="top")

    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
