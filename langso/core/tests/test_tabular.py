from __future__ import annotations

import io
from collections.abc import Callable
from functools import partial
from typing import IO

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict
from openpyxl import Workbook, load_workbook

from langso.core import tabular
from langso.core.errors import DomainError, ImportRejected
from langso.core.tabular import TableFileField, read_table, template_xlsx
from langso.core.testing import csv_upload, xlsx_upload, xlsx_with_member

# A table of villages, as the first reader of tables had them.
COLUMNS = {"code": "Mã thôn", "name": "Tên thôn", "kind": "Loại", "lat": "Vĩ độ", "lon": "Kinh độ"}
OPTIONAL = {"lat", "lon"}
HEADER = list(COLUMNS.values())
csv_file = partial(csv_upload, header=HEADER)
xlsx_file = partial(xlsx_upload, header=HEADER)


def test_csv_with_bom_maps_headers_to_fields() -> None:
    """A UTF-8 CSV with a BOM (Excel's "CSV UTF-8") is read, keyed by field."""
    upload = csv_file([["01", "Thôn Đông", "Thôn", "21.1", "105.8"]], bom=True)
    assert read_table(upload, columns=COLUMNS, optional=OPTIONAL) == [
        {"code": "01", "name": "Thôn Đông", "kind": "Thôn", "lat": "21.1", "lon": "105.8"}
    ]


def test_csv_with_semicolons_and_loose_headers() -> None:
    """';'-separated files (Excel with a Vietnamese locale) are read; headers match
    without regard to case, diacritics or spacing; unknown columns are ignored."""
    upload = csv_file(
        [["01", "Thôn Đông", "thon", "x", "21,1"]],
        header=["MA THON", "tên  thôn", "loại", "Ghi chú", "vi do"],
        delimiter=";",
    )
    assert read_table(upload, columns=COLUMNS, optional=OPTIONAL) == [
        {"code": "01", "name": "Thôn Đông", "kind": "thon", "lat": "21,1", "lon": ""}
    ]


def test_xlsx_first_sheet_numbers_become_text() -> None:
    """XLSX is read from its first sheet; whole numbers lose the ".0" Excel adds."""
    upload = xlsx_file(
        [[1, "Thôn Một", "Thôn", 21.25, 105.5], ["T2", "Xóm Hai", "Xóm", None, None]]
    )
    assert read_table(upload, columns=COLUMNS, optional=OPTIONAL) == [
        {"code": "1", "name": "Thôn Một", "kind": "Thôn", "lat": "21.25", "lon": "105.5"},
        {"code": "T2", "name": "Xóm Hai", "kind": "Xóm", "lat": "", "lon": ""},
    ]


@pytest.mark.parametrize("builder", [csv_file, xlsx_file])
def test_trailing_blank_rows_are_dropped_middle_ones_keep_numbering(
    builder: Callable[..., SimpleUploadedFile],
) -> None:
    """Blank rows at the end are ignored; one in the middle stays (empty) so that row
    numbers still match the spreadsheet."""
    rows = [["01", "A", "Thôn", "", ""], ["", "", "", "", ""], ["02", "B", "Thôn", "", ""]]
    rows += [["", "", "", "", ""]] * 3
    table = read_table(builder(rows), columns=COLUMNS, optional=OPTIONAL)
    assert [r["code"] for r in table] == ["01", "", "02"]


@pytest.mark.parametrize("builder", [csv_file, xlsx_file])
def test_missing_required_header_is_rejected_at_row_one(
    builder: Callable[..., SimpleUploadedFile],
) -> None:
    """A missing required column is reported on row 1 with the column's name."""
    upload = builder([["01", "Thôn"]], header=["Mã thôn", "Loại"])
    with pytest.raises(ImportRejected) as rejected:
        read_table(upload, columns=COLUMNS, optional=OPTIONAL)
    assert [(e.row, e.column) for e in rejected.value.errors] == [(1, "Tên thôn")]
    assert "Thiếu cột “Tên thôn”" in rejected.value.errors[0].reason


def test_file_over_five_megabytes_is_refused() -> None:
    """Files over 5 MB are refused with a clear message."""
    upload = SimpleUploadedFile("big.csv", b"x" * (tabular.MAX_FILE_BYTES + 1))
    with pytest.raises(DomainError, match="lớn hơn 5 MB"):
        read_table(upload, columns=COLUMNS)


def test_more_rows_than_allowed_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files over the row limit (100,000) are refused; the limit is lowered here."""
    monkeypatch.setattr(tabular, "MAX_ROWS", 3)
    upload = csv_file([[str(i), f"Thôn {i}", "Thôn", "", ""] for i in range(4)])
    with pytest.raises(DomainError, match="hơn 3 dòng"):
        read_table(upload, columns=COLUMNS, optional=OPTIONAL)


def test_windows_1258_csv_is_read_and_nfc_normalised() -> None:
    """A CSV saved by Excel on a Vietnamese Windows (Windows-1258, tone marks as combining
    characters) is read, and its text compares equal to the same text typed in UTF-8."""
    # Windows-1258 has "ô" and "ư" precomposed but writes tone marks separately.
    legacy = SimpleUploadedFile("thon.csv", b"T\xean th\xf4n\n\xd0\xf4ng Ph\xfd\xf5\xf2ng\n")
    assert read_table(legacy, columns={"name": "Tên thôn"}) == [{"name": "Đông Phượng"}]


def test_undecodable_csv_and_other_formats_are_refused() -> None:
    """A CSV in neither UTF-8 nor Windows-1258 and an old .xls are refused with a
    Vietnamese reason."""
    garbage = SimpleUploadedFile("thon.csv", b"T\x81n th\x8an\n")
    with pytest.raises(DomainError, match=r"UTF-8 \(có hoặc không có BOM\), Windows-1258"):
        read_table(garbage, columns={"name": "Tên thôn"})
    with pytest.raises(DomainError, match="CSV hoặc XLSX"):
        read_table(SimpleUploadedFile("thon.xls", b"\xd0\xcf\x11\xe0"), columns={"code": "Mã thôn"})


def test_empty_file_is_refused() -> None:
    with pytest.raises(DomainError, match="trống"):
        read_table(SimpleUploadedFile("thon.csv", b""), columns={"code": "Mã thôn"})


def test_template_has_bold_headers_examples_and_instructions() -> None:
    """The template is an XLSX whose first sheet reads back through `read_table`."""
    content = template_xlsx(
        columns=COLUMNS,
        example_rows=[
            {"code": "01", "name": "Thôn Đông", "kind": "Thôn", "lat": "21.0285", "lon": "105.85"}
        ],
        sheet_title="Danh sách thôn",
        notes={"code": "Bắt buộc."},
        instructions=["Mỗi dòng là một thôn."],
        text_fields={"code"},
    )
    workbook = load_workbook(io.BytesIO(content))
    data, guide = workbook.worksheets
    assert data.title == "Danh sách thôn"
    assert [c.value for c in data[1]] == HEADER
    assert all(c.font.bold for c in data[1])
    assert data["A2"].value == "01"
    assert data["D2"].value == 21.0285
    assert guide.title == "Hướng dẫn"
    texts = [c.value for r in guide.iter_rows() for c in r if c.value]
    assert "Mỗi dòng là một thôn." in texts
    assert "Bắt buộc." in texts
    table = read_table(SimpleUploadedFile("mau.xlsx", content), columns=COLUMNS, optional=OPTIONAL)
    assert table == [
        {"code": "01", "name": "Thôn Đông", "kind": "Thôn", "lat": "21.0285", "lon": "105.85"}
    ]


def test_header_must_be_the_first_row() -> None:
    """A blank first row would shift every number: it is refused."""
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.append([None])
    sheet.append(["Mã thôn"])
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(ImportRejected):
        read_table(SimpleUploadedFile("t.xlsx", out.getvalue()), columns={"code": "Mã thôn"})


# --- Files built to exhaust the reader: refused before openpyxl parses them -------------

_SHEET = "xl/worksheets/sheet1.xml"
_SHARED = "xl/sharedStrings.xml"
_SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>M\xc3\xa3 th\xc3\xb4n</t></is></c>'
    b'<c r="B1" t="inlineStr"><is><t>T\xc3\xaan th\xc3\xb4n</t></is></c></row>'
)
_SHEET_TAIL = b"</sheetData></worksheet>"


def _xlsx_bomb(name: str, write: Callable[[IO[bytes]], None]) -> SimpleUploadedFile:
    """A real workbook (header row, sheet and shared texts as openpyxl writes them) whose
    member `name` is replaced by what `write` streams."""
    source = xlsx_file([["01", "Thôn Đông"]], header=["Mã thôn", "Tên thôn"])
    return SimpleUploadedFile("thon.xlsx", xlsx_with_member(source.read(), name, write))


def _sheet(body: Callable[[IO[bytes]], None]) -> Callable[[IO[bytes]], None]:
    def write(member: IO[bytes]) -> None:
        member.write(_SHEET_HEAD)
        body(member)
        member.write(_SHEET_TAIL)

    return write


@pytest.fixture
def openpyxl_never_opens(monkeypatch: pytest.MonkeyPatch) -> None:
    """The refusal must come from the zip's inspection, before openpyxl reads a row."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("openpyxl opened a file the inspection should have refused")

    monkeypatch.setattr(tabular, "load_workbook", refuse)


NAME_COLUMNS = {"code": "Mã thôn", "name": "Tên thôn"}


@pytest.mark.usefixtures("openpyxl_never_opens")
def test_xlsx_of_five_million_empty_rows_is_refused_before_parsing() -> None:
    """The 45 KB file of 5 million empty rows that held a request for 101 s is refused
    from the zip's inspection, its message naming the limit it broke."""

    def empty_rows(member: IO[bytes]) -> None:
        for _chunk in range(50):
            member.write(b"<row/>" * 100_000)

    upload = _xlsx_bomb(_SHEET, _sheet(empty_rows))
    assert upload.size is not None
    assert upload.size < 100_000
    with pytest.raises(DomainError, match=r"giới hạn 100 lần") as refused:
        read_table(upload, columns=NAME_COLUMNS)
    assert "sheet1.xml" in refused.value.message


@pytest.mark.usefixtures("openpyxl_never_opens")
def test_xlsx_with_more_rows_than_the_limit_is_refused_by_the_row_scan() -> None:
    """Rows numbered as Excel numbers them, packed normally, past the limit of data rows
    (blank ones counted) are refused from a scan of the sheet, naming the limit."""

    def numbered_rows(member: IO[bytes]) -> None:
        for start in range(2, 200_000, 10_000):
            member.write(
                b"".join(
                    b'<row r="%d" spans="1:2"><c r="A%d" s="1"/></row>' % (n, n)
                    for n in range(start, start + 10_000)
                )
            )

    with pytest.raises(DomainError, match=r"“Sheet” có hơn 101\.001 dòng.*100\.000 dòng dữ liệu"):
        read_table(_xlsx_bomb(_SHEET, _sheet(numbered_rows)), columns=NAME_COLUMNS)


@pytest.mark.usefixtures("openpyxl_never_opens")
def test_xlsx_with_one_row_numbered_past_the_limit_is_refused() -> None:
    """One row numbered 5,000,000 (openpyxl would yield every empty row before it) is
    refused, and so is any row past the limit of the import at hand."""

    def far_row(member: IO[bytes]) -> None:
        member.write(b'<row r="5000000"><c r="A5000000"><v>1</v></c></row>')

    upload = _xlsx_bomb(_SHEET, _sheet(far_row))
    with pytest.raises(DomainError, match=r"hơn 101\.001 dòng"):
        read_table(upload, columns=NAME_COLUMNS)
    upload.seek(0)
    with pytest.raises(DomainError, match=r"hơn 1\.011 dòng.*10 dòng dữ liệu"):
        read_table(upload, columns=NAME_COLUMNS, max_rows=10, max_bytes=10**6)


@pytest.mark.usefixtures("openpyxl_never_opens")
def test_xlsx_with_a_100_megabyte_shared_text_is_refused_before_parsing() -> None:
    """The 104 KB file holding one text of 100 MB (which grew the worker by 160 MB) is
    refused before its texts are loaded, naming the ratio limit."""

    def huge_text(member: IO[bytes]) -> None:
        member.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
        member.write(b"<si><t>")
        for _chunk in range(100):
            member.write(b"a" * 1_000_000)
        member.write(b"</t></si></sst>")

    upload = _xlsx_bomb(_SHARED, huge_text)
    assert upload.size is not None
    assert upload.size < 150_000
    with pytest.raises(DomainError, match=r"sharedStrings\.xml.*giới hạn 100 lần"):
        read_table(upload, columns=NAME_COLUMNS)


@pytest.mark.usefixtures("openpyxl_never_opens")
def test_xlsx_with_more_shared_text_than_its_rows_could_need_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Shared texts that pack normally but exceed what the import's rows could need are
    refused, naming the limit; the floor of the limit is lowered here."""
    monkeypatch.setattr(tabular, "_SHARED_STRINGS_MIN_BYTES", 64 * 1024)

    def many_texts(member: IO[bytes]) -> None:
        member.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
        for n in range(20_000):
            member.write(b"<si><t>H\xe1\xbb\x99 %d %s</t></si>" % (n, b"%x" % (n * 7919)))
        member.write(b"</sst>")

    with pytest.raises(DomainError, match=r"sharedStrings\.xml\) lớn .* quá giới hạn"):
        read_table(
            _xlsx_bomb(_SHARED, many_texts), columns=NAME_COLUMNS, max_rows=10, max_bytes=10**6
        )


@pytest.mark.usefixtures("openpyxl_never_opens")
def test_xlsx_unpacking_to_more_than_its_rows_could_need_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A workbook whose members, packed normally, unpack to more than the import's rows
    could need (the sum of their declared sizes) is refused, naming the limit; the
    floor of the limit is lowered here."""
    monkeypatch.setattr(tabular, "_UNPACKED_MIN_BYTES", 1024 * 1024)
    monkeypatch.setattr(tabular, "_UNPACKED_BYTES_PER_ROW", 64)

    def many_rows(member: IO[bytes]) -> None:
        for n in range(2, 40_002):
            member.write(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (n, n, n * 7919))

    with pytest.raises(DomainError, match=r"giải nén lớn \d+ MB, quá giới hạn 1 MB cho 10 dòng"):
        read_table(
            _xlsx_bomb(_SHEET, _sheet(many_rows)),
            columns=NAME_COLUMNS,
            max_rows=10,
            max_bytes=10**6,
        )


def test_csv_of_millions_of_blank_lines_is_refused_at_the_limit() -> None:
    """A CSV of 5 million blank lines under the size limit is refused once the blank
    rows pass the limit, rather than read to the end."""
    upload = SimpleUploadedFile("thon.csv", b"M\xc3\xa3 th\xc3\xb4n\n" + b"\n" * 5_000_000)
    with pytest.raises(DomainError, match=r"Tệp có hơn 101\.001 dòng \(tính cả dòng trống\)"):
        read_table(upload, columns={"code": "Mã thôn"})


def test_xlsx_within_the_limits_is_read_with_rows_numbered_by_excel() -> None:
    """A sheet whose rows carry Excel's numbers and spans, one left out, reads as before:
    the missing row is a blank row that keeps the numbering."""

    def rows(member: IO[bytes]) -> None:
        member.write(
            b'<row r="2" spans="1:2"><c r="A2" t="inlineStr"><is><t>01</t></is></c></row>'
            b'<row r="4" spans="1:2"><c r="A4" t="inlineStr"><is><t>02</t></is></c></row>'
        )

    table = read_table(_xlsx_bomb(_SHEET, _sheet(rows)), columns=NAME_COLUMNS)
    assert [r["code"] for r in table] == ["01", "", "02"]


# --- Encodings the reader does not take --------------------------------------------------


@pytest.mark.parametrize(
    ("encoded", "named"),
    [
        (lambda text: text.encode("utf-16"), "UTF-16"),
        (lambda text: text.encode("utf-16-le"), "UTF-16"),
        (lambda text: text.encode("utf-16-be"), "UTF-16"),
        (lambda text: text.encode("utf-32"), "UTF-32"),
    ],
    ids=["utf-16-bom", "utf-16-le", "utf-16-be", "utf-32"],
)
def test_wide_encodings_are_named_with_the_ones_taken(
    encoded: Callable[[str], bytes], named: str
) -> None:
    """A CSV in UTF-16 or UTF-32, with or without a byte-order mark (Excel's "Unicode
    Text"), is not reported as missing columns: the message names its encoding and the
    encodings the import takes."""
    upload = SimpleUploadedFile("thon.csv", encoded("Mã thôn\tTên thôn\n01\tThôn Đông\n"))
    with pytest.raises(DomainError) as refused:
        read_table(upload, columns=NAME_COLUMNS)
    assert not isinstance(refused.value, ImportRejected)
    assert f"tệp ở mã {named}" in refused.value.message
    assert "UTF-8 (có hoặc không có BOM), Windows-1258" in refused.value.message


class _ImportForm(forms.Form):
    file = TableFileField(max_bytes=64)


@pytest.mark.parametrize(("name", "size"), [("bang.csv", 64), ("bang.XLSX", 10), ("b.txt", 1)])
def test_the_import_form_field_takes_a_table_within_its_limit(name: str, size: int) -> None:
    """A CSV or XLSX file (by its name) declaring no more than the limit is taken as is."""
    upload = SimpleUploadedFile(name, b"x" * size)
    form = _ImportForm(files=MultiValueDict({"file": [upload]}))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["file"] is upload


@pytest.mark.parametrize(
    ("name", "size", "error"),
    [("bang.pdf", 10, "Chỉ nhận tệp CSV hoặc XLSX"), ("bang.csv", 65, "lớn hơn")],
)
def test_the_import_form_field_refuses_by_declared_size_and_name(
    name: str, size: int, error: str
) -> None:
    """A file whose name is not a table's, or that declares more than the field's limit,
    is refused next to the field, saying which."""
    form = _ImportForm(files=MultiValueDict({"file": [SimpleUploadedFile(name, b"x" * size)]}))
    assert not form.is_valid()
    assert error in form.errors["file"][0]
