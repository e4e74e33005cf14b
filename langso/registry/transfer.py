"""The file format of each registry: its Vietnamese columns, how each cell is read, and
how each value is written back. Imports read it, exports and templates write it, so that
an exported file imports again unchanged.

One `Transfer` per registry (households, and the seven registries `specs` describes).
A column is a field of the model, the key, the unit (a village's full code such as
"37001-01", or a commune's code where a row has no village), a reference to another
registry row by its key, or one of the two coordinates. Cells are read as officers type
them in Vietnam: decimals with "," or ".", dates dd/mm/yyyy, "có"/"không", a choice by
its Vietnamese label (with or without diacritics) or its stored value, a phone number
that Excel stripped of its leading zero.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from typing import IO, Any

from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from langso.core import exports
from langso.core.tabular import REGISTRY_MAX_FILE_BYTES, REGISTRY_MAX_ROWS, template_xlsx
from langso.core.text import normalize_name

from . import address_codes
from .models import (
    Broadband,
    Household,
    HouseholdStatus,
    MobileCoverage,
    Placed,
)
from .specs import SPECS, RegistrySpec
from .validation import VIETNAM_BOUNDS

MAX_FILE_BYTES = REGISTRY_MAX_FILE_BYTES
MAX_ROWS = REGISTRY_MAX_ROWS
HOUSEHOLD = "household"


class Cell(enum.Enum):
    TEXT = "text"  # one line: inner whitespace collapsed
    LONG_TEXT = "long_text"  # several lines kept
    KEY = "key"  # the registry's natural key
    PHONE = "phone"
    EMAIL = "email"
    URL = "url"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"
    BOOLEAN = "boolean"
    CHOICE = "choice"
    UNIT = "unit"  # a village's full code, or a commune's code
    REFERENCE = "reference"  # another registry row, by its key
    LATITUDE = "lat"
    LONGITUDE = "lon"


class CellError(ValueError):
    """A cell that cannot be read; `reason` is in Vietnamese and names the value."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    cell: Cell
    # A value is needed on every row (the header then too).
    required: bool = False
    max_length: int | None = None
    # (stored value, Vietnamese label); `labels` the same with the labels translated.
    choices: tuple[tuple[str, str], ...] = ()
    labels: tuple[tuple[str, Any], ...] = ()
    decimal_places: int = 0
    max_digits: int | None = None
    # For references: the model pointed at and its key field.
    target: type[Placed] | None = None
    target_key: str = ""
    note: str = ""
    example: str = ""


@dataclass(frozen=True)
class Transfer:
    """A registry's file format."""

    registry: str  # "household", or a name of `specs.SPECS`
    model: type[Placed]
    key: str
    # Rows without a key get a generated one (households, coded registries).
    key_generated: bool
    columns: tuple[Column, ...]
    title: str  # Vietnamese, for the sheet and the file name
    slug: str  # file names
    spec: RegistrySpec[Any] | None = None

    @property
    def headers(self) -> dict[str, str]:
        return {column.field: column.header for column in self.columns}

    @property
    def optional(self) -> frozenset[str]:
        return frozenset(c.field for c in self.columns if not c.required)

    def column(self, field: str) -> Column:
        return next(c for c in self.columns if c.field == field)

    def header(self, field: str) -> str:
        """The header naming `field` in an error: a column, or the coordinates."""
        if field in ("location", "lat_lon"):
            return f"{self.column('lat').header}, {self.column('lon').header}"
        for column in self.columns:
            if column.field == field:
                return column.header
        return field


# ---------------------------------------------------------------------------------------
# Reading cells


_SPACES = re.compile(r"\s+")
_PHONE_SEPARATORS = re.compile(r"[\s.()-]")
_PHONE = re.compile(r"\+?\d{8,15}")
_GROUPED = re.compile(r"-?\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*")
_WHOLE_WITH_ZEROS = re.compile(r"(-?\d+)[.,]0+")
_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?")
_TRUE = frozenset({"co", "c", "x", "1", "true", "yes", "y", "dung"})
_FALSE = frozenset({"khong", "k", "0", "false", "no", "n", "sai"})


def _fold(text: str) -> str:
    return normalize_name(text.replace("_", " "), fold_diacritics=True)


def _text(column: Column, text: str) -> str:
    value = text if column.cell is Cell.LONG_TEXT else _SPACES.sub(" ", text)
    if column.max_length is not None and len(value) > column.max_length:
        raise CellError(
            _("dài %(length)s ký tự, quá giới hạn %(max)s ký tự")
            % {"length": len(value), "max": column.max_length}
        )
    return value


def _integer(text: str) -> int:
    value = text.replace(" ", "").replace("\u00a0", "")
    digits = value[1:] if value.startswith("-") else value
    if digits.isdigit():
        return int(value)
    # "1.000" / "1,000": thousands grouped the Vietnamese or the English way.
    if _GROUPED.fullmatch(value):
        return int(value.replace(".", "").replace(",", ""))
    # "12.0": a whole number a spreadsheet wrote with decimals.
    if match := _WHOLE_WITH_ZEROS.fullmatch(value):
        return int(match.group(1))
    raise CellError(_("“%(value)s” không phải số nguyên") % {"value": text})


def _decimal(column: Column, text: str) -> Decimal:
    value = text.replace(" ", "").replace("\u00a0", "")
    if column.decimal_places == 0:
        number = Decimal(_integer(text))
    else:
        if "," in value and "." in value:
            # "1.234,5" or "1,234.5": the separator that comes last is the decimal one.
            decimal_sep = "," if value.rfind(",") > value.rfind(".") else "."
            grouping = "." if decimal_sep == "," else ","
            value = value.replace(grouping, "").replace(decimal_sep, ".")
        elif value.count(",") == 1:
            value = value.replace(",", ".")
        try:
            number = Decimal(value)
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite():
            raise CellError(
                _("“%(value)s” không phải số (viết dạng thập phân, ví dụ 12,5)") % {"value": text}
            )
    number = number.quantize(Decimal(1).scaleb(-column.decimal_places), rounding=ROUND_HALF_UP)
    if column.max_digits is not None:
        whole_digits = column.max_digits - column.decimal_places
        if abs(number) >= Decimal(10) ** whole_digits:
            raise CellError(_("“%(value)s” quá lớn") % {"value": text})
    return number


def _date(text: str) -> dt.date:
    if match := _DMY.fullmatch(text):
        day, month, year = (int(g) for g in match.groups())
    elif match := _ISO.fullmatch(text):
        year, month, day = (int(g) for g in match.groups())
    else:
        raise CellError(
            _("“%(value)s” không phải ngày (viết dạng ngày/tháng/năm, ví dụ 25/03/2024)")
            % {"value": text}
        )
    try:
        day_value = dt.date(year, month, day)
    except ValueError as exc:
        raise CellError(_("ngày “%(value)s” không có thật") % {"value": text}) from exc
    if not 1900 <= year <= 2100:
        raise CellError(_("năm %(year)s không hợp lệ") % {"year": year})
    return day_value


def _boolean(text: str) -> bool:
    key = _fold(text)
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise CellError(_("“%(value)s” không hợp lệ; ghi “có” hoặc “không”") % {"value": text})


@cache
def _choice_keys(choices: tuple[tuple[str, str], ...]) -> dict[str, str]:
    keys: dict[str, str] = {}
    for value, label in choices:
        keys[_fold(value)] = value
        keys[_fold(label)] = value
    return keys


def _choice(column: Column, text: str) -> str:
    key = _fold(text)
    found = _choice_keys(column.choices).get(key)
    if found is None:
        # The label in the page's language is accepted too (an English-speaking officer).
        found = next((v for v, label in column.labels if _fold(str(label)) == key), None)
    if found is None:
        raise CellError(
            _("“%(value)s” không hợp lệ; chọn một trong: %(labels)s")
            % {"value": text, "labels": " / ".join(label for _v, label in column.choices)}
        )
    return found


def _phone(column: Column, text: str) -> str:
    value = _PHONE_SEPARATORS.sub("", text)
    # Excel reads 0912345678 as a number and drops the zero: a 9-digit Vietnamese number
    # without its leading 0 gets it back.
    if len(value) == 9 and value.isdigit() and value[0] != "0":
        value = "0" + value
    if not _PHONE.fullmatch(value) or len(value) > (column.max_length or 20):
        raise CellError(_("số điện thoại không hợp lệ (8 đến 15 chữ số)"))
    return value


def _email(column: Column, text: str) -> str:
    try:
        validate_email(text)
    except ValidationError as exc:
        raise CellError(_("“%(value)s” không phải địa chỉ thư điện tử") % {"value": text}) from exc
    return _text(column, text)


def _coordinate(text: str, *, low: float, high: float, what: Any) -> float:
    try:
        number = float(text)
    except ValueError:
        value = text.replace(" ", "")
        if "," in value and "." not in value and value.count(",") == 1:
            value = value.replace(",", ".")
        try:
            number = float(value)
        except ValueError:
            number = math.nan
    if not math.isfinite(number):
        raise CellError(
            _("%(what)s “%(value)s” không phải số (viết dạng thập phân, ví dụ 21.0285)")
            % {"what": what, "value": text}
        )
    if not low <= number <= high:
        raise CellError(
            _("%(what)s %(value)s nằm ngoài lãnh thổ Việt Nam (từ %(low)s đến %(high)s)")
            % {"what": what, "value": text, "low": low, "high": high}
        )
    return round(number, 6)


Parser = Callable[[str], Any]
_PARSERS: dict[int, Parser] = {}


def _key(text: str) -> str:
    # As `specs.normalize_key`: no whitespace, upper case.
    return "".join(text.split()).upper()


def _unit(text: str) -> str:
    return "".join(text.split())


def _whole(text: str) -> int:
    return int(text) if text.isdigit() else _integer(text)


def _make_parser(column: Column) -> Parser:
    cell = column.cell
    if cell in (Cell.TEXT, Cell.URL):
        limit = column.max_length

        def text(value: str) -> str:
            value = " ".join(value.split())
            if limit is not None and len(value) > limit:
                return _text(column, value)  # raises with the length in the reason
            return value

        return text
    if cell is Cell.LONG_TEXT:
        return lambda value: _text(column, value)
    if cell is Cell.INTEGER:
        return _whole
    if cell is Cell.CHOICE:
        # The usual spellings first, without folding: an import reads millions of cells.
        exact = {v: v for v, _label in column.choices} | {
            form: v
            for v, label in column.choices
            for form in (label, label.lower(), label.upper(), v.upper())
        }
        return lambda value: exact.get(value) or _choice(column, value)
    if cell is Cell.BOOLEAN:
        answers = {"Có": True, "có": True, "CÓ": True, "Không": False, "không": False}
        return lambda value: found if (found := answers.get(value)) is not None else _boolean(value)
    if cell in (Cell.KEY, Cell.REFERENCE):
        return _key
    if cell is Cell.UNIT:
        return _unit
    if cell is Cell.PHONE:
        return lambda value: _phone(column, value)
    if cell is Cell.DECIMAL:
        return lambda value: _decimal(column, value)
    if cell is Cell.DATE:
        return _date
    if cell is Cell.EMAIL:
        return lambda value: _email(column, value)
    west, south, east, north = VIETNAM_BOUNDS
    if cell is Cell.LATITUDE:
        return lambda value: _coordinate(value, low=south, high=north, what=_lazy("Vĩ độ"))
    return lambda value: _coordinate(value, low=west, high=east, what=_lazy("Kinh độ"))


# Cells an export writes as free text, which `core.exports` may have neutralised.
_NEUTRALISED = frozenset(
    {Cell.TEXT, Cell.LONG_TEXT, Cell.URL, Cell.PHONE, Cell.EMAIL, Cell.KEY, Cell.REFERENCE}
)


def _unneutralising(parser: Parser) -> Parser:
    """`parser` after the apostrophe an export put before a sign is taken away, so
    that an exported file imports again unchanged."""

    def read(value: str) -> Any:
        return parser(exports.unneutralise(value) if value[0] == "'" else value)

    return read


def parser_for(column: Column) -> Parser:
    """The function that reads a non-empty cell of `column` into its stored value,
    raising `CellError` when it cannot."""
    parser = _PARSERS.get(id(column))
    if parser is None:
        parser = _make_parser(column)
        if column.cell in _NEUTRALISED:
            parser = _unneutralising(parser)
        _PARSERS[id(column)] = parser
    return parser


def parse_cell(column: Column, text: str) -> Any:
    """The stored value of a non-empty cell; `CellError` if it cannot be one."""
    return parser_for(column)(text)


# ---------------------------------------------------------------------------------------
# Writing cells


def _number_text(value: Decimal) -> str:
    return format(value, "f")


def _coordinate_text(value: float) -> str:
    text = f"{value:.6f}".rstrip("0")
    return text.rstrip(".")


def format_cell(column: Column, value: Any) -> str:
    """A value as its cell reads in a CSV file, so that `parse_cell` gives it back."""
    if value is None or value == "":
        return ""
    cell = column.cell
    if cell is Cell.BOOLEAN:
        return "Có" if value else "Không"
    if cell is Cell.CHOICE:
        return dict(column.choices).get(value, str(value))
    if cell is Cell.DATE:
        return f"{value:%d/%m/%Y}"
    if cell is Cell.DECIMAL:
        return _number_text(value)
    if cell is Cell.LATITUDE or cell is Cell.LONGITUDE:
        return _coordinate_text(value)
    return str(value)


def _xlsx_cell(column: Column, value: Any) -> Any:
    """A value as an XLSX cell: numbers as numbers; codes, phones and dates as text, so
    that Excel keeps "01" and never re-reads a date the American way."""
    if value is None or value == "":
        return None
    cell = column.cell
    if cell is Cell.INTEGER:
        return value
    if cell is Cell.DECIMAL:
        return int(value) if column.decimal_places == 0 else value
    if cell is Cell.LATITUDE or cell is Cell.LONGITUDE:
        return round(value, 6)
    return format_cell(column, value)


_NUMBERS = frozenset({Cell.INTEGER, Cell.DECIMAL})


def csv_rows(transfer: Transfer, rows: Iterable[Sequence[Any]]) -> Iterator[list[exports.Value]]:
    """Rows as the cells of a CSV file, for `core.exports` to write under the headers an
    import expects: counts and decimals as numbers (a negative figure is not a formula,
    and is not neutralised), everything else as `format_cell` writes it."""
    columns = [(c, c.cell in _NUMBERS) for c in transfer.columns]
    for row in rows:
        yield [
            v if number and v is not None else format_cell(c, v)
            for (c, number), v in zip(columns, row, strict=True)
        ]


def csv_chunks(transfer: Transfer, rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    """A CSV file in pieces, as the export streams it."""
    return exports.csv_chunks(list(transfer.headers.values()), csv_rows(transfer, rows))


def write_xlsx(transfer: Transfer, rows: Iterable[Sequence[Any]], target: IO[bytes]) -> None:
    """Write an XLSX file (one sheet, the import's headers) to `target`, row by row
    without holding the sheet in memory. More rows than a sheet holds is
    `exports.TooManyRows`: the caller offers CSV instead."""
    columns = transfer.columns
    exports.xlsx_write(
        target,
        exports.Sheet(
            title=transfer.title,
            header=list(transfer.headers.values()),
            rows=([_xlsx_cell(c, v) for c, v in zip(columns, row, strict=True)] for row in rows),
        ),
    )


# ---------------------------------------------------------------------------------------
# Templates


def _note(column: Column, transfer: Transfer) -> str:
    parts: list[str] = [_("Bắt buộc.") if column.required else _("Không bắt buộc.")]
    cell = column.cell
    if cell is Cell.KEY and transfer.key_generated:
        parts.append(_("Để trống để hệ thống tự cấp mã; ghi mã đã có để cập nhật bản ghi đó."))
    elif cell is Cell.KEY:
        parts.append(_("Nhập lại với cùng mã sẽ cập nhật bản ghi đó, không tạo bản ghi trùng."))
    elif cell is Cell.UNIT:
        parts.append(
            _(
                "Mã đầy đủ của thôn (ví dụ 37001-01); với xã chưa có danh sách thôn, ghi mã "
                "xã (ví dụ 37001)."
            )
        )
    elif cell is Cell.INTEGER:
        parts.append(_("Số nguyên, ví dụ 4."))
    elif cell is Cell.DECIMAL:
        parts.append(
            _("Số, dấu thập phân là dấu phẩy hoặc dấu chấm, ví dụ 12,5.")
            if column.decimal_places
            else _("Số nguyên, có thể viết 25.000.")
        )
    elif cell is Cell.DATE:
        parts.append(_("Ngày/tháng/năm, ví dụ 25/03/2024."))
    elif cell is Cell.BOOLEAN:
        parts.append(_("“Có” hoặc “Không”."))
    elif cell is Cell.CHOICE:
        parts.append(
            _("Một trong: %(labels)s.") % {"labels": " / ".join(lb for _v, lb in column.choices)}
        )
    elif cell is Cell.PHONE:
        parts.append(_("8 đến 15 chữ số, ví dụ 0912345678."))
    elif cell is Cell.REFERENCE:
        parts.append(_("Mã của bản ghi đã có trong phạm vi của bạn."))
    elif cell is Cell.LATITUDE:
        parts.append(
            _("Độ thập phân, ví dụ 20.2506; cần cả vĩ độ và kinh độ, trong ranh giới của xã.")
        )
    elif cell is Cell.LONGITUDE:
        parts.append(_("Độ thập phân, ví dụ 105.9745."))
    if column.note:
        parts.append(column.note)
    return " ".join(parts)


def template_bytes(transfer: Transfer) -> bytes:
    """The XLSX template: the headers, an example row, and a sheet that explains each
    column."""
    text_fields = {
        c.field
        for c in transfer.columns
        if c.cell in (Cell.KEY, Cell.UNIT, Cell.REFERENCE, Cell.PHONE, Cell.TEXT)
    }
    return template_xlsx(
        columns=transfer.headers,
        example_rows=[{c.field: c.example for c in transfer.columns}],
        sheet_title=transfer.title,
        notes={c.field: _note(c, transfer) for c in transfer.columns},
        instructions=[
            _("Mỗi dòng là một bản ghi. Dòng 1 là tiêu đề, giữ nguyên tên cột."),
            _("Xoá dòng ví dụ trước khi nhập. Lưu dạng XLSX, hoặc CSV (UTF-8 hay Windows-1258)."),
            _(
                "Tệp có bất kỳ dòng lỗi nào sẽ bị từ chối toàn bộ, không dòng nào được ghi; "
                "trang kết quả liệt kê mọi dòng lỗi (dòng, cột, lý do)."
            ),
            _(
                "Nhập lại tệp với cùng mã sẽ cập nhật bản ghi đó. Ô để trống giữ nguyên giá trị "
                "đã có; dòng không có gì thay đổi thì không ghi gì."
            ),
            _("Tệp xuất từ Làng Số có đúng dạng này và nhập lại được ngay."),
        ],
        text_fields=text_fields,
    )


# ---------------------------------------------------------------------------------------
# The registries' columns


def _vietnamese(label: Any) -> str:
    """A label in its Vietnamese source form, whatever the active language."""
    with translation.override(None):
        return str(label)


def _capitalised(label: Any) -> str:
    text = _vietnamese(label)
    return text[:1].upper() + text[1:]


def _concrete(model: type[Placed], name: str) -> models.Field[Any, Any]:
    model_field = model._meta.get_field(name)
    if not isinstance(model_field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is not a concrete field")
    return model_field


def _choice_kwargs(model: type[Placed], name: str) -> dict[str, Any]:
    model_field = _concrete(model, name)
    pairs = tuple((str(v), label) for v, label in (model_field.choices or ()) if v != "")
    vietnamese = tuple((value, _vietnamese(label)) for value, label in pairs)
    return {"choices": vietnamese, "labels": pairs, "example": vietnamese[0][1]}


def _lat_lon() -> tuple[Column, Column]:
    return (
        Column("lat", "Vĩ độ", Cell.LATITUDE, example="20.2506"),
        Column("lon", "Kinh độ", Cell.LONGITUDE, example="105.9745"),
    )


def _household_transfer() -> Transfer:
    def field_column(name: str, **kwargs: Any) -> Column:
        model_field = _concrete(Household, name)
        return Column(name, _capitalised(model_field.verbose_name), **kwargs)

    counts = {
        "members": "4",
        "adults": "3",
        "adults_smartphone": "2",
        "adults_epayment": "2",
        "adults_vneid": "2",
        "adults_public_service": "1",
    }
    return Transfer(
        registry=HOUSEHOLD,
        model=Household,
        key="address_code",
        key_generated=True,
        title="Hộ gia đình",
        slug="ho-gia-dinh",
        columns=(
            field_column("address_code", cell=Cell.KEY, max_length=32),
            Column("village", "Mã thôn", Cell.UNIT, required=True, example="37001-01"),
            field_column("house_number", cell=Cell.TEXT, max_length=50, example="12"),
            field_column("street", cell=Cell.TEXT, max_length=200, example="Xóm Đông"),
            field_column("head_name", cell=Cell.TEXT, max_length=150, example="Nguyễn Văn An"),
            field_column("head_phone", cell=Cell.PHONE, max_length=20, example="0912345678"),
            *(
                field_column(
                    name,
                    cell=Cell.INTEGER,
                    example=example,
                    note=_vietnamese("Để trống nếu chưa biết (không phải 0)."),
                )
                for name, example in counts.items()
            ),
            field_column(
                "broadband",
                cell=Cell.CHOICE,
                **_choice_kwargs(Household, "broadband")
                | {"example": _vietnamese(Broadband.FIBRE.label)},
            ),
            field_column(
                "mobile_coverage",
                cell=Cell.CHOICE,
                **_choice_kwargs(Household, "mobile_coverage")
                | {"example": _vietnamese(MobileCoverage.G4.label)},
            ),
            field_column("has_tv", cell=Cell.BOOLEAN, example="Có"),
            field_column("has_radio", cell=Cell.BOOLEAN, example="Không"),
            field_column(
                "status",
                cell=Cell.CHOICE,
                **_choice_kwargs(Household, "status")
                | {"example": _vietnamese(HouseholdStatus.ACTIVE.label)},
                note=_vietnamese("Để trống: đang ở."),
            ),
            Column(
                "merged_into",
                "Gộp vào hộ (mã địa chỉ)",
                Cell.REFERENCE,
                target=Household,
                target_key="address_code",
                note=_vietnamese("Chỉ ghi khi tình trạng là “Đã gộp vào hộ khác”."),
            ),
            *_lat_lon(),
        ),
    )


# Key headers: "Mã" alone would be ambiguous beside "Mã hợp tác xã" and "Mã thôn".
_REFERENCE_HEADERS = {
    "cooperative": "Mã hợp tác xã",
    "household": "Mã địa chỉ hộ",
    "owner": "Mã địa chỉ hộ chủ tàu",
}
_TEXT_KINDS: dict[type[models.Field[Any, Any]], Cell] = {
    models.EmailField: Cell.EMAIL,
    models.URLField: Cell.URL,
    models.TextField: Cell.LONG_TEXT,
}


def _spec_column(spec: RegistrySpec[Any], name: str) -> Column:
    if name in spec.refs:
        ref = spec.refs[name]
        return Column(
            name,
            _REFERENCE_HEADERS.get(name, f"Mã {_vietnamese(ref.model._meta.verbose_name)}"),
            Cell.REFERENCE,
            target=ref.model,
            target_key=ref.key,
            example="37001-HTX0001" if ref.model is not Household else "",
        )
    model_field = _concrete(spec.model, name)
    header = _capitalised(model_field.verbose_name)
    required = not model_field.blank and not model_field.has_default()
    if model_field.choices:
        return Column(name, header, Cell.CHOICE, required, **_choice_kwargs(spec.model, name))
    if isinstance(model_field, models.BooleanField):
        return Column(name, header, Cell.BOOLEAN, required, example="Có")
    if isinstance(model_field, models.DecimalField):
        return Column(
            name,
            header,
            Cell.DECIMAL,
            required,
            decimal_places=model_field.decimal_places or 0,
            max_digits=model_field.max_digits,
        )
    if isinstance(model_field, models.IntegerField):
        return Column(name, header, Cell.INTEGER, required)
    if isinstance(model_field, models.DateField):
        return Column(name, header, Cell.DATE, required, example="25/03/2024")
    cell = next((c for kind, c in _TEXT_KINDS.items() if isinstance(model_field, kind)), Cell.TEXT)
    if name == "phone":
        cell = Cell.PHONE
    return Column(name, header, cell, required, max_length=model_field.max_length)


def _spec_transfer(spec: RegistrySpec[Any]) -> Transfer:
    key_field = _concrete(spec.model, spec.key)
    key_header = (
        f"Mã {_vietnamese(spec.model._meta.verbose_name)}"
        if spec.key == "code"
        else _capitalised(key_field.verbose_name)
    )
    return Transfer(
        registry=spec.name,
        model=spec.model,
        key=spec.key,
        key_generated=spec.code_prefix is not None,
        title=_capitalised(_vietnamese(spec.model._meta.verbose_name_plural).removeprefix("các ")),
        slug=spec.path,
        spec=spec,
        columns=(
            Column(
                spec.key,
                key_header,
                Cell.KEY,
                required=spec.code_prefix is None,
                max_length=key_field.max_length,
                example=spec.key_example,
            ),
            Column(
                "unit",
                "Mã thôn hoặc xã",
                Cell.UNIT,
                required=not spec.place_from,
                example="37001-01",
                note=_vietnamese("Để trống: lấy theo nơi của hợp tác xã hoặc hộ.")
                if spec.place_from
                else "",
            ),
            *(_spec_column(spec, name) for name in spec.fields),
            *_lat_lon(),
        ),
    )


@cache
def transfers() -> dict[str, Transfer]:
    """Every registry's format, by registry name (built once, after the apps load)."""
    return {
        HOUSEHOLD: _household_transfer(),
        **{name: _spec_transfer(spec) for name, spec in SPECS.items()},
    }


def transfer_for(registry: str) -> Transfer | None:
    return transfers().get(registry)


def household_code_error(code: str) -> str | None:
    """Why a typed address code cannot name a new household, if it cannot."""
    if not address_codes.ANY_CODE_PATTERN.match(code):
        return _("mã địa chỉ chỉ gồm chữ in hoa, chữ số và dấu gạch ngang, 3 đến 32 ký tự")
    if address_codes.GENERATED_PATTERN.match(code):
        # Codes of Làng Số's own form are handed out, never typed in: a typed one could
        # collide with a number the sequence gives later.
        return _("mã có dạng mã do Làng Số cấp nhưng chưa được cấp; để trống để hệ thống tự cấp mã")
    return None
