"""The XLSX template of an import (villages, every registry) is written by the one XLSX
writer: an example, a note or an instruction that starts with = + - @ (or a tab or
carriage return) is a string with an apostrophe, never a formula, while an example
figure, negative or not, stays a number; codes stay text."""

from __future__ import annotations

from langso.core.tabular import template_xlsx
from langso.core.testing import FORMULAS, xlsx_cells, xlsx_formulas

COLUMNS = {"code": "Mã", "name": "Tên", "lat": "Vĩ độ"}


def _neutralised(text: str) -> str:
    # XML reads a carriage return back as a line feed.
    return "'" + text.replace("\r", "\n")


def test_examples_notes_and_instructions_are_never_formulas() -> None:
    content = template_xlsx(
        columns=COLUMNS,
        example_rows=[{"code": text, "name": text, "lat": "-21.5"} for text in FORMULAS],
        sheet_title="Mẫu",
        notes={"name": FORMULAS[0]},
        instructions=FORMULAS[1:],
        text_fields={"code"},
    )
    assert xlsx_formulas(content) == []
    _header, *rows = xlsx_cells(content)
    expected = [_neutralised(text) for text in FORMULAS]
    for column in (0, 1):
        assert [row[column].value for row in rows] == expected
        assert {row[column].data_type for row in rows} == {"s"}
    assert {row[0].number_format for row in rows} == {"@"}
    assert {(row[2].value, row[2].data_type) for row in rows} == {(-21.5, "n")}
    guide = [c.value for row in xlsx_cells(content, sheet=1) for c in row if c.value]
    assert set(expected) <= set(guide)
