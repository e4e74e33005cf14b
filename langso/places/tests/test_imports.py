from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from langso.core.errors import DomainError, ImportRejected
from langso.places import imports
from langso.places.imports import read_table, template_xlsx

from .conftest import HEADER, csv_file, xlsx_file

COLUMNS = {"code": "Mã thôn", "name": "Tên thôn", "kind": "Loại", "lat": "Vĩ độ", "lon": "Kinh độ"}
OPTIONAL = {"lat", "lon"}


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
    upload = SimpleUploadedFile("big.csv", b"x" * (imports.MAX_FILE_BYTES + 1))
    with pytest.raises(DomainError, match="lớn hơn 5 MB"):
        read_table(upload, columns=COLUMNS)


def test_more_rows_than_allowed_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files over the row limit (100,000) are refused; the limit is lowered here."""
    monkeypatch.setattr(imports, "MAX_ROWS", 3)
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
    with pytest.raises(DomainError, match="UTF-8 hay Windows-1258"):
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
