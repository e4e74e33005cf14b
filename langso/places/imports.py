"""Reading officers' tables (CSV or XLSX) and writing their templates. Generic: it knows
columns, not villages, so that every app's imports read files the same way.

`read_table` returns one dict per data row, keyed by field name, all values stripped
strings ("" for an empty cell or an absent optional column). Row `rows[i]` is the
spreadsheet's row `i + 2` (the header is row 1): blank rows in the middle are kept, with
every value empty, so that the numbers in error reports match what the officer sees;
callers skip them. Blank rows at the end are dropped.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
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
    return str(value).strip()


def _read_bytes(uploaded_file: Any) -> tuple[str, bytes]:
    name = str(getattr(uploaded_file, "name", "") or "")
    size = getattr(uploaded_file, "size", None)
    too_big = DomainError(
        _("Tệp lớn hơn %(limit)s MB; hãy chia thành nhiều tệp nhỏ hơn.")
        % {"limit": MAX_FILE_BYTES // (1024 * 1024)}
    )
    if isinstance(size, int) and size > MAX_FILE_BYTES:
        raise too_big
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    data = uploaded_file.read(MAX_FILE_BYTES + 1)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > MAX_FILE_BYTES:
        raise too_big
    return name, bytes(data)


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    try:
        # utf-8-sig drops the byte-order mark Excel writes with "CSV UTF-8".
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DomainError(
            _(
                "Tệp CSV không ở mã UTF-8. Trong Excel, hãy lưu bằng “CSV UTF-8 (phân cách "
                "bằng dấu phẩy)”, hoặc gửi tệp XLSX."
            )
        ) from exc
    sample = "\n".join(text.splitlines()[:20])
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    yield from csv.reader(io.StringIO(text, newline=""), dialect)


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
    rows: Iterable[list[str]], columns: Mapping[str, str], optional: Collection[str]
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
    table: Table = []
    last_filled = 0
    for row in iterator:
        if len(table) >= MAX_ROWS:
            if any(cell.strip() for cell in row):
                raise DomainError(
                    _("Tệp có hơn %(limit)s dòng dữ liệu; hãy chia thành nhiều tệp.")
                    % {"limit": f"{MAX_ROWS:,}".replace(",", ".")}
                )
            continue
        values = {
            field: row[positions[field]].strip()
            if field in positions and positions[field] < len(row)
            else ""
            for field in columns
        }
        table.append(values)
        if any(values.values()):
            last_filled = len(table)
    return table[:last_filled]


def read_table(
    uploaded_file: IO[bytes] | Any,
    *,
    columns: Mapping[str, str],
    optional: Collection[str] = (),
) -> Table:
    """Rows of a CSV (UTF-8, with or without BOM; `,`, `;` or tab) or XLSX (first sheet)
    file, keyed by field name. `columns` maps each field to its Vietnamese header label;
    headers match ignoring case, diacritics and spacing (the field name itself is also
    accepted). A missing header is an `ImportRejected` at row 1, unless the field is in
    `optional`. Files over 5 MB or 100,000 rows are refused with a `DomainError`."""
    name, data = _read_bytes(uploaded_file)
    lower = name.lower()
    if lower and not lower.endswith(_ACCEPTED_EXTENSIONS):
        raise DomainError(_("Chỉ nhận tệp CSV hoặc XLSX (Excel 2007 trở lên)."))
    if data.startswith(_XLSX_MAGIC):
        return _rows_to_table(_xlsx_rows(data), columns, optional)
    if lower.endswith(".xlsx"):
        raise DomainError(_("Không đọc được tệp XLSX: tệp hỏng hoặc không phải Excel."))
    return _rows_to_table(_csv_rows(data), columns, optional)


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
