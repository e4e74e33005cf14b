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
then Windows-1258. UTF-16 and UTF-32 (Excel's "Unicode Text") are refused by name: their
NUL bytes would otherwise read as UTF-8 and every header as missing. All text is
NFC-normalised: Windows-1258 writes tone marks as separate combining characters, and
"Hòa" must compare equal however it was typed.

An XLSX file is a zip, and a small one can unpack to gigabytes or millions of rows that
openpyxl would read one by one (a 45 KB file of 5 million empty rows held a request for
101 s; a 104 KB file of one 100 MB text grew the worker by 160 MB). `xlsx_check` inspects
the zip before openpyxl opens it: the members' declared sizes (which also bound what
`zipfile` will unpack), their compression ratio, the size of the shared texts, and, by
streaming each sheet's XML without building it, its row numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import posixpath
import re
import unicodedata
import zipfile
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any
from uuid import uuid4
from xml.etree.ElementTree import Element  # types only; parsing is defusedxml

from defusedxml import DefusedXmlException, ElementTree
from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from . import exports
from .errors import DomainError, ImportRejected, RowError
from .text import normalize_name

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 100_000
# Registries are imported a province at a time: the largest province after the 2025
# merger holds about 1.5 million households. A household row of the registry's CSV
# export is 120-160 bytes (address code, village code, head's name, phone, counts,
# coordinates), so 1.5 million rows are about 240 MB; 256 MB carries them with room
# and no more (an XLSX of Excel's 1,048,575 rows is far smaller, about 80 MB).
REGISTRY_MAX_FILE_BYTES = 256 * 1024 * 1024
REGISTRY_MAX_ROWS = 1_500_000
# Columns read from each row; anything to the right of this is ignored.
_MAX_COLUMNS = 200
# Blank rows tolerated past the row limit (cleared rows Excel still writes), beyond which
# even blank rows refuse the file: each is read, and millions of them take minutes.
_BLANK_ROWS_PAST_LIMIT = 1000
# Apache POI's default: an XLSX member that unpacks to more than 100 times its packed
# size is a zip bomb. Spreadsheet XML compresses 5-20 times; only members past 1 MB are
# held to it, since small ones (styles, a sheet of ten rows) may compress better.
XLSX_MAX_RATIO = 100
_RATIO_FROM_BYTES = 1024 * 1024
# Shared texts are held in memory whole. A row brings at most a few new texts (a name,
# an address) of 20-60 bytes of XML each: 256 bytes a row leaves room for them all.
_SHARED_STRINGS_BYTES_PER_ROW = 256
_SHARED_STRINGS_MIN_BYTES = 16 * 1024 * 1024
# The whole workbook unpacked: a row of twenty cells is about a kilobyte of sheet XML,
# styled and wide ones a few; 4 KB a row, with 64 MB for styles and the rest.
_UNPACKED_BYTES_PER_ROW = 4 * 1024
_UNPACKED_MIN_BYTES = 64 * 1024 * 1024
_RELS_MAX_BYTES = 1024 * 1024
_SCAN_CHUNK = 1024 * 1024
# A sheet's row element, with its attributes, however the namespace is prefixed.
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row(?=[\s/>])([^>]*)>")
_ROW_NUMBER = re.compile(rb"\sr\s*=\s*[\"'](\d+)")
_WORKSHEET_TYPE = "/worksheet"
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


def upload_check(upload: Any, *, max_bytes: int | None = None) -> None:
    """What an upload form checks before the file is stored for a job: its declared size
    and its kind by name. A `DomainError` says which limit it broke."""
    check_size(upload, max_bytes=max_bytes)
    if not str(getattr(upload, "name", "") or "").lower().endswith(_ACCEPTED_EXTENSIONS):
        raise DomainError(_("Chỉ nhận tệp CSV hoặc XLSX (Excel 2007 trở lên)."))


class TableFileField(forms.FileField):
    """The file of an import form: CSV or XLSX, refused by its declared size and name
    (`upload_check`) before a byte of it is stored or read."""

    def __init__(self, *, max_bytes: int | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("label", gettext_lazy("Tệp CSV hoặc XLSX"))
        kwargs.setdefault(
            "widget", forms.ClearableFileInput(attrs={"accept": ",".join(_ACCEPTED_EXTENSIONS)})
        )
        super().__init__(**kwargs)
        self.max_bytes = max_bytes

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if upload:
            try:
                upload_check(upload, max_bytes=self.max_bytes)
            except DomainError as exc:
                raise forms.ValidationError(exc.message) from exc
        return upload


def upload_store(upload: Any, *, prefix: str) -> Path:
    """Save an upload under MEDIA_ROOT/imports/ with a name of our own, for the background
    job that imports it (and deletes it): a request never reads an officer's file."""
    directory = Path(settings.MEDIA_ROOT) / "imports"
    directory.mkdir(parents=True, exist_ok=True)
    suffix = Path(upload.name or "").suffix.lower()
    target = directory / f"{prefix}-{uuid4().hex}{suffix}"
    with target.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return target


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


# Byte-order marks of encodings the reader does not take, longest first (UTF-32 LE
# begins with UTF-16 LE's).
_FOREIGN_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def _foreign_encoding(data: bytes) -> str | None:
    """The name of a wide encoding the text is in (UTF-16 or UTF-32, with or without a
    byte-order mark), None when it may be one the reader takes. Text in UTF-8 or
    Windows-1258 never holds a NUL byte; UTF-16 holds one in every other byte of Latin
    text, UTF-32 three in four."""
    for bom, name in _FOREIGN_BOMS:
        if data.startswith(bom):
            return name
    sample = data[:4096]
    zeros = sample.count(b"\x00")
    # Vietnamese in UTF-16 still has a zero byte in every ASCII or Latin-1 letter, digit
    # and comma: far more than an eighth of the bytes. A stray NUL is not an encoding.
    if not zeros or zeros * 8 < len(sample):
        return None
    return "UTF-32" if zeros * 4 >= len(sample) * 3 - 4 else "UTF-16"


def _accepted_encodings() -> str:
    """The encodings `decode_text` takes, as the messages list them."""
    return _("UTF-8 (có hoặc không có BOM), Windows-1258")


def _encoding_refused(name: str) -> DomainError:
    return DomainError(
        _(
            "Không đọc được tệp CSV: tệp ở mã %(encoding)s, hệ thống không nhận mã này. "
            "Chỉ nhận tệp CSV ở mã %(accepted)s. Trong Excel, hãy lưu bằng “CSV UTF-8 "
            "(phân cách bằng dấu phẩy)” (không dùng “Unicode Text”), hoặc gửi tệp XLSX."
        )
        % {"encoding": name, "accepted": _accepted_encodings()}
    )


def decode_text(data: bytes) -> str:
    """The text of a CSV file: UTF-8 (with or without BOM) or Windows-1258, NFC. Any
    other encoding is a `DomainError` naming it, when it can be told, and the ones taken."""
    if (wide := _foreign_encoding(data)) is not None:
        raise _encoding_refused(wide)
    try:
        # utf-8-sig drops the byte-order mark Excel writes with "CSV UTF-8".
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1258")
        except UnicodeDecodeError as exc:
            raise DomainError(
                _(
                    "Không đọc được tệp CSV: tệp không ở mã nào hệ thống nhận (byte "
                    "%(position)s không đọc được). Chỉ nhận tệp CSV ở mã %(accepted)s. "
                    "Trong Excel, hãy lưu bằng “CSV UTF-8 (phân cách bằng dấu phẩy)”, hoặc "
                    "gửi tệp XLSX."
                )
                % {"position": exc.start + 1, "accepted": _accepted_encodings()}
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


def _sheet_row_limit(max_rows: int) -> int:
    """The most rows a sheet or CSV may hold, blank ones included: the header, the data
    rows allowed, and a few cleared rows below them."""
    return max_rows + 1 + _BLANK_ROWS_PAST_LIMIT


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _too_many_sheet_rows(sheet: str | None, max_rows: int) -> DomainError:
    values = {
        "sheet": sheet,
        "limit": _thousands(_sheet_row_limit(max_rows)),
        "rows": _thousands(max_rows),
    }
    if sheet is None:
        message = _(
            "Tệp có hơn %(limit)s dòng (tính cả dòng trống), quá giới hạn %(rows)s dòng dữ "
            "liệu. Hãy xoá các dòng trống thừa ở cuối tệp, hoặc chia thành nhiều tệp."
        )
    else:
        message = _(
            "Trang tính “%(sheet)s” có hơn %(limit)s dòng (tính cả dòng trống), quá giới "
            "hạn %(rows)s dòng dữ liệu. Hãy xoá các dòng trống thừa ở cuối trang, hoặc chia "
            "thành nhiều tệp."
        )
    return DomainError(message % values)


def _unreadable_xlsx() -> DomainError:
    return DomainError(_("Không đọc được tệp XLSX: tệp hỏng hoặc không phải Excel."))


def _small_xml(archive: zipfile.ZipFile, name: str) -> Element | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > _RELS_MAX_BYTES:
        raise _unreadable_xlsx()
    try:
        element: Element = ElementTree.fromstring(archive.read(info))
    except (ElementTree.ParseError, DefusedXmlException, zipfile.BadZipFile, OSError) as exc:
        raise _unreadable_xlsx() from exc
    return element


def _worksheets(archive: zipfile.ZipFile) -> dict[str, str]:
    """The members holding sheets, as the workbook's relationships name them (the way
    openpyxl finds them, whatever the program that wrote the file called them), each
    with the sheet's name as the officer sees it on its tab."""
    relations = _small_xml(archive, "xl/_rels/workbook.xml.rels")
    if relations is None:
        return {}
    workbook = _small_xml(archive, "xl/workbook.xml")
    tabs: dict[str, str] = {}
    for element in workbook.iter() if workbook is not None else ():
        if element.tag.endswith("}sheet") or element.tag == "sheet":
            for key, value in element.attrib.items():
                if key.endswith("}id"):
                    tabs[value] = element.get("name") or ""
    paths: dict[str, str] = {}
    for relation in relations:
        target = relation.get("Target") or ""
        if not (relation.get("Type") or "").endswith(_WORKSHEET_TYPE) or not target:
            continue
        path = posixpath.normpath(target.lstrip("/") if target.startswith("/") else f"xl/{target}")
        paths[path] = tabs.get(relation.get("Id") or "") or posixpath.basename(path)
    return paths


def _scan_sheet(archive: zipfile.ZipFile, info: zipfile.ZipInfo, sheet: str, max_rows: int) -> None:
    """Read a sheet's XML as a stream of bytes, never as a tree, and refuse it at the
    first row past the limit, by count or by its number: openpyxl fills a gap before
    row 5,000,000 with empty rows. (A cell far to the right costs openpyxl only a wider
    list for its row, made in C; the values past the columns read are never looked at.)"""
    limit = _sheet_row_limit(max_rows)
    row = 0
    carry = b""
    with archive.open(info) as stream:
        while chunk := stream.read(_SCAN_CHUNK):
            # Tags are matched only up to the last ">", so none is ever cut in two.
            buffer = carry + chunk
            cut = buffer.rfind(b">") + 1
            part, carry = buffer[:cut], buffer[cut:]
            if len(carry) > _SCAN_CHUNK:
                # A text of more than a megabyte without markup: no cell holds one.
                raise _unreadable_xlsx()
            for tag in _ROW_TAG.finditer(part):
                number = _ROW_NUMBER.search(tag.group(1))
                row = int(number.group(1)) if number else row + 1
                if row > limit:
                    raise _too_many_sheet_rows(sheet, max_rows)


def xlsx_check(data: bytes, *, max_rows: int) -> None:
    """Refuse an XLSX file that would unpack to more than its limits, before openpyxl
    opens it: a member unpacking to more than `XLSX_MAX_RATIO` times its packed size,
    a workbook or shared texts unpacking to more than `max_rows` rows could need, a
    sheet of more rows than `max_rows` (blank ones counted). Each refusal is a
    `DomainError` naming the limit."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError) as exc:
        raise _unreadable_xlsx() from exc
    with archive:
        infos = archive.infolist()
        for info in infos:
            packed = max(info.compress_size, 1)
            if info.file_size > _RATIO_FROM_BYTES and info.file_size > XLSX_MAX_RATIO * packed:
                raise DomainError(
                    _(
                        "Tệp XLSX bị nén bất thường: phần “%(part)s” bung ra %(size)s MB từ "
                        "%(packed)s KB, gấp %(ratio)s lần, quá giới hạn %(limit)s lần. Hãy "
                        "mở tệp bằng Excel, xoá các dòng, cột và ô thừa rồi lưu lại."
                    )
                    % {
                        "part": info.filename,
                        "size": f"{info.file_size / (1024 * 1024):.0f}",
                        "packed": f"{packed / 1024:.0f}",
                        "ratio": _thousands(info.file_size // packed),
                        "limit": XLSX_MAX_RATIO,
                    }
                )
        unpacked = sum(info.file_size for info in infos)
        unpacked_limit = max(
            _UNPACKED_MIN_BYTES, _UNPACKED_BYTES_PER_ROW * _sheet_row_limit(max_rows)
        )
        if unpacked > unpacked_limit:
            raise DomainError(
                _(
                    "Tệp XLSX khi giải nén lớn %(size)s MB, quá giới hạn %(limit)s MB cho "
                    "%(rows)s dòng. Hãy xoá các dòng, cột thừa, chia thành nhiều tệp, hoặc "
                    "gửi tệp CSV."
                )
                % {
                    "size": f"{unpacked / (1024 * 1024):.0f}",
                    "limit": f"{unpacked_limit / (1024 * 1024):.0f}",
                    "rows": _thousands(max_rows),
                }
            )
        shared_limit = max(
            _SHARED_STRINGS_MIN_BYTES, _SHARED_STRINGS_BYTES_PER_ROW * _sheet_row_limit(max_rows)
        )
        shared = sum(i.file_size for i in infos if i.filename.lower() == "xl/sharedstrings.xml")
        if shared > shared_limit:
            raise DomainError(
                _(
                    "Phần chữ của tệp XLSX (sharedStrings.xml) lớn %(size)s MB, quá giới "
                    "hạn %(limit)s MB cho %(rows)s dòng. Hãy chia thành nhiều tệp, hoặc "
                    "gửi tệp CSV."
                )
                % {
                    "size": f"{shared / (1024 * 1024):.0f}",
                    "limit": f"{shared_limit / (1024 * 1024):.0f}",
                    "rows": _thousands(max_rows),
                }
            )
        members = {info.filename: info for info in infos}
        for path, sheet in _worksheets(archive).items():
            if (member := members.get(path)) is not None:
                try:
                    _scan_sheet(archive, member, sheet, max_rows)
                except (zipfile.BadZipFile, OSError, EOFError) as exc:
                    raise _unreadable_xlsx() from exc


def _xlsx_rows(data: bytes, max_rows: int) -> Iterator[list[str]]:
    xlsx_check(data, max_rows=max_rows)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise _unreadable_xlsx() from exc
    try:
        sheet = workbook.worksheets[0]
        # Some programs write a wrong sheet size; read what is really there, but never
        # past the limit, since openpyxl fills any gap in the row numbers with rows.
        sheet.reset_dimensions()
        limit = _sheet_row_limit(max_rows)
        for values in sheet.iter_rows(max_row=limit + 1, values_only=True):
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
    blank_past_limit = 0
    for row in iterator:
        if len(table) >= max_rows:
            if any(cell.strip() for cell in row):
                raise DomainError(
                    _("Tệp có hơn %(limit)s dòng dữ liệu; hãy chia thành nhiều tệp.")
                    % {"limit": _thousands(max_rows)}
                )
            blank_past_limit += 1
            if blank_past_limit > _BLANK_ROWS_PAST_LIMIT:
                raise _too_many_sheet_rows(None, max_rows)
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
        return _rows_to_table(_xlsx_rows(data, row_limit), columns, optional, row_limit)
    if lower.endswith(".xlsx"):
        raise _unreadable_xlsx()
    return _rows_to_table(_csv_rows(data), columns, optional, row_limit)


def _number_or_text(value: str) -> str | float:
    try:
        return float(value)
    except ValueError:
        return value


def _example_cell(value: str, *, text: bool) -> exports.Value:
    return value if text else (_number_or_text(value) or None)


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
    numbers are written as numbers. Written by `core.exports`, which neutralises
    formulas."""
    fields = list(columns)
    guide: list[list[exports.Value | exports.Heading]] = [
        [exports.Heading(_("Hướng dẫn điền tệp"), size=13)]
    ]
    guide.extend([line] for line in instructions)
    guide.extend(([], [exports.Heading(_("Cột")), exports.Heading(_("Cách điền"))]))
    guide.extend([exports.Heading(columns[f]), (notes or {}).get(f, "")] for f in fields)
    return exports.xlsx_bytes(
        exports.Sheet(
            title=sheet_title,
            header=[columns[f] for f in fields],
            rows=[
                [_example_cell(example.get(f, ""), text=f in text_fields) for f in fields]
                for example in example_rows
            ],
            text_columns={i for i, f in enumerate(fields) if f in text_fields},
        ),
        exports.Sheet(title=_("Hướng dẫn"), rows=guide, wrap_columns={1}, widths={0: 22, 1: 90}),
    )
