"""The one CSV writer and the one XLSX writer: UTF-8 with a BOM for Vietnamese Excel;
no text a spreadsheet would run as a formula, while numbers, negative ones included,
stay numbers; what the writers neutralise reads back as it was stored."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from decimal import Decimal

import pytest

from langso.core import exports
from langso.core.exports import (
    Heading,
    Sheet,
    TooManyRows,
    csv_bytes,
    csv_chunks,
    csv_response,
    neutralise,
    unneutralise,
    xlsx_bytes,
    xlsx_response,
)
from langso.core.testing import FORMULAS, csv_table, xlsx_cells, xlsx_formulas

NUMBERS: tuple[exports.Number, ...] = (-3, 0, 7, -2.5, 21.0285, Decimal("-12.50"), Decimal("1E+2"))


@pytest.mark.parametrize("text", FORMULAS)
def test_a_text_a_spreadsheet_would_compute_gets_an_apostrophe(text: str) -> None:
    """Each of = + - @ tab CR at the start of a text is neutralised, and undone on import."""
    assert neutralise(text) == "'" + text
    assert unneutralise(neutralise(text)) == text


@pytest.mark.parametrize("value", [*NUMBERS, None, "", "-", "=", "Thôn Đông", "0912345678", "a=b"])
def test_numbers_and_plain_texts_are_left_as_they_are(value: exports.Value) -> None:
    """Numbers (negative ones too) are not formulas; a lone sign cannot be one."""
    assert neutralise(value) == value
    if isinstance(value, str):
        assert unneutralise(value) == value


def test_an_apostrophe_before_a_plain_text_is_kept_on_import() -> None:
    """Only the apostrophe `neutralise` adds is taken away."""
    assert unneutralise("'Thôn 1") == "'Thôn 1"
    assert unneutralise("'-") == "'-"


def test_the_csv_is_utf8_with_a_bom_and_neutralises_every_text() -> None:
    """Texts, the header included, are neutralised; numbers are written plainly."""
    rows: list[list[exports.Value]] = [
        [text, number] for text, number in zip(FORMULAS, NUMBERS, strict=False)
    ]
    content = csv_bytes(["Tên", "-Số"], [*rows, ["Thôn Đông", None]])
    assert content.startswith("\ufeff".encode())
    header, *lines = csv_table(content)
    assert header == ["Tên", "'-Số"]
    assert [line[0] for line in lines[:-1]] == ["'" + text for text in FORMULAS]
    assert [line[1] for line in lines[:-1]] == ["-3", "0", "7", "-2.5", "21.0285", "-12.50"]
    assert lines[-1] == ["Thôn Đông", ""]


def test_the_csv_streams_in_pieces_that_make_the_same_file() -> None:
    """The header comes at once; the rows follow a few thousand at a time."""
    rows: list[list[exports.Value]] = [[f"Hộ {n}", n] for n in range(5000)]
    chunks = list(csv_chunks(["Tên", "Số"], iter(rows)))
    assert len(chunks) > 3
    assert chunks[0] == "\ufeffTên,Số\r\n".encode()
    assert b"".join(chunks) == csv_bytes(["Tên", "Số"], rows)


def test_a_csv_download_names_its_file() -> None:
    response = csv_response("mẫu.csv", ["Tên"], [["=1+1"]])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''m%E1%BA%ABu.csv"
    assert csv_table(response.content) == [["Tên"], ["'=1+1"]]


def test_the_xlsx_writes_texts_as_strings_and_numbers_as_numbers() -> None:
    """No cell is a formula: the live HYPERLINK of a stored text is a plain string, and
    so is an error code such as "#N/A"; numbers stay numeric."""
    rows: list[list[exports.Value | Heading]] = [
        [text, number] for text, number in zip(FORMULAS, NUMBERS, strict=False)
    ]
    content = xlsx_bytes(Sheet(title="Hộ", header=["Tên", "Số"], rows=[*rows, ["#N/A", None]]))
    assert xlsx_formulas(content) == []
    header, *cells = xlsx_cells(content)
    assert [c.value for c in header] == ["Tên", "Số"]
    assert all(c.font.bold for c in header)
    texts = [row[0] for row in cells]
    # XML reads a carriage return back as a line feed.
    assert [c.value for c in texts] == ["'" + t.replace("\r", "\n") for t in FORMULAS] + ["#N/A"]
    assert {c.data_type for c in texts} == {"s"}
    numbers = [row[1] for row in cells[:-1]]
    assert [c.value for c in numbers] == [-3, 0, 7, -2.5, 21.0285, -12.5]
    assert {c.data_type for c in numbers} == {"n"}


def test_a_column_s_numbers_and_dates_take_its_format_and_its_texts_do_not() -> None:
    """`formats` give numbers and dates their Excel format ("dd/mm/yyyy" reads a date
    the Vietnamese way); a text in the same column stays text, unformatted."""
    content = xlsx_bytes(
        Sheet(
            title="Hạn",
            header=["Hạn", "Tỷ lệ"],
            rows=[[dt.date(2026, 9, 30), Decimal("58.25")], ["chưa có", None]],
            formats={0: "dd/mm/yyyy", 1: "#,##0.0"},
        )
    )
    _header, dated, text = xlsx_cells(content)
    assert dated[0].value == dt.datetime(2026, 9, 30)  # noqa: DTZ001  # Excel keeps no zone
    assert dated[0].number_format == "dd/mm/yyyy"
    assert (dated[1].value, dated[1].data_type, dated[1].number_format) == (58.25, "n", "#,##0.0")
    assert (text[0].value, text[0].number_format) == ("chưa có", "General")


def test_a_control_character_xml_cannot_hold_is_dropped_rather_than_failing() -> None:
    """A vertical tab (Word's line break) in a stored description: the export is made."""
    content = xlsx_bytes(Sheet(title="a", rows=[["Dòng 1\x0bDòng 2\x00", "=\x0b1"]]))
    assert [c.value for c in xlsx_cells(content)[0]] == ["Dòng 1Dòng 2", "'=1"]


def test_no_formula_element_is_in_the_file() -> None:
    """Read as the spreadsheet reads it: the sheet's XML holds no <f> element."""
    content = xlsx_bytes(Sheet(title="a", header=["=x"], rows=[[t] for t in FORMULAS]))
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet
    assert b"<f " not in sheet


def test_template_sheets_keep_codes_as_text_and_show_headings() -> None:
    """Text columns are formatted as text so that Excel keeps "01"; a heading is bold;
    notes wrap; the header stays at the top; a title Excel refuses is made one it takes."""
    content = xlsx_bytes(
        Sheet(
            title="Danh sách: thôn/tổ [2026]",
            header=["Mã thôn", "Vĩ độ"],
            rows=[["01", 21.0285]],
            text_columns={0},
        ),
        Sheet(
            title="Hướng dẫn",
            rows=[[Heading("Hướng dẫn điền tệp", size=13)], [], [Heading("Cột"), "-Ghi chú"]],
            wrap_columns={1},
            widths={0: 22, 1: 90},
        ),
    )
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content))
    data, guide = workbook.worksheets
    assert data.title == "Danh sách thôn tổ 2026"
    assert data.freeze_panes == "A2"
    assert data["A2"].value == "01"
    assert data["A2"].number_format == "@"
    assert data["B2"].value == 21.0285
    assert guide["A1"].font.bold
    assert guide["A1"].font.size == 13
    assert guide["A3"].font.bold
    assert guide["B3"].value == "'-Ghi chú"
    assert guide["B3"].alignment.wrap_text
    assert guide.column_dimensions["B"].width == 90


def test_more_rows_than_a_sheet_holds_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refused, and the sheets written so far leave no temporary file behind."""
    from openpyxl.worksheet._writer import ALL_TEMP_FILES

    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 3)
    xlsx_bytes(Sheet(title="a", rows=[[n] for n in range(3)]))
    before = list(ALL_TEMP_FILES)
    with pytest.raises(TooManyRows):
        xlsx_bytes(Sheet(title="a", rows=[[1]]), Sheet(title="b", rows=[[n] for n in range(4)]))
    assert before == ALL_TEMP_FILES


def test_a_failure_while_rows_are_read_leaves_no_temporary_file() -> None:
    """The database failing halfway through an export: its error, and nothing left."""
    from openpyxl.worksheet._writer import ALL_TEMP_FILES

    def rows() -> Iterator[list[exports.Value]]:
        yield ["Hộ 1"]
        raise RuntimeError("mất kết nối")

    before = list(ALL_TEMP_FILES)
    with pytest.raises(RuntimeError, match="mất kết nối"):
        xlsx_bytes(Sheet(title="a", header=["Tên"], rows=rows()))
    assert before == ALL_TEMP_FILES


def test_an_xlsx_download_names_its_file() -> None:
    response = xlsx_response("tieu-chi.xlsx", Sheet(title="a", rows=[["@x"]]))
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="tieu-chi.xlsx"'
    assert xlsx_cells(response.content)[0][0].value == "'@x"
