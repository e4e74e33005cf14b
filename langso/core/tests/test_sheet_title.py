"""Any title becomes a sheet name Excel takes: at most 31 characters cut on a word
boundary, none of \\ / * ? : [ ], no outer apostrophe, unique in its workbook whatever
the case, never the reserved "History"; a period asked to be kept stays whole; the
XLSX writer names every sheet this way."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from langso.core.exports import SHEET_TITLE_MAX, Sheet, sheet_title, xlsx_bytes

LONG = "Bộ tiêu chí quốc gia về xã nông thôn mới nâng cao giai đoạn 2026-2030 [tỉnh: A/B]"
FORBIDDEN = set("\\/*?:[]")


def _valid(name: str) -> bool:
    return (
        0 < len(name) <= SHEET_TITLE_MAX
        and not FORBIDDEN & set(name)
        and not name.startswith("'")
        and not name.endswith("'")
        and name == name.strip()
    )


def test_a_long_vietnamese_title_is_cut_on_a_word_boundary() -> None:
    name = sheet_title(LONG)
    assert _valid(name)
    assert name == "Bộ tiêu chí quốc gia về xã nông"
    assert LONG.startswith(name + " ")


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Danh sách: thôn/tổ [2026]", "Danh sách thôn tổ 2026"),
        ("a*b?c\\d", "a b c d"),
        ("'Hộ gia đình'", "Hộ gia đình"),
        ("   ", "Trang tính"),
        ("History", "History (2)"),
        ("Chữ" * 20, ("Chữ" * 20)[:SHEET_TITLE_MAX]),
        ("Bảng điểm, tiêu chí xã nông thôn mới", "Bảng điểm, tiêu chí xã nông"),
        ("Bảng điểm tiêu chí của các xã, nông thôn mới", "Bảng điểm tiêu chí của các xã"),
    ],
)
def test_what_excel_refuses_is_made_a_name_it_takes(title: str, expected: str) -> None:
    name = sheet_title(title)
    assert name == expected
    assert _valid(name)


def test_a_period_to_keep_stays_whole_after_the_cut_title() -> None:
    name = sheet_title("Bộ tiêu chí quốc gia về xã nông thôn mới", keep="2026-2030")
    assert name == "Bộ tiêu chí quốc gia 2026-2030"
    assert _valid(name)


def test_a_taken_name_gets_a_number_that_fits() -> None:
    taken: list[str] = []
    for _ in range(11):
        taken.append(sheet_title(LONG, taken=taken))
    assert all(_valid(name) for name in taken)
    assert len({name.casefold() for name in taken}) == 11
    assert taken[1] == "Bộ tiêu chí quốc gia về xã (2)"
    assert taken[10] == "Bộ tiêu chí quốc gia về xã (11)"
    assert sheet_title("hộ gia đình", taken=["HỘ GIA ĐÌNH"]) == "hộ gia đình (2)"


def test_a_valid_unique_name_is_left_as_it_is() -> None:
    for title in ("Hướng dẫn", "Xã NTM 2026-2030", sheet_title(LONG)):
        assert sheet_title(title) == title
        assert sheet_title(sheet_title(title, keep="2021")) == sheet_title(title, keep="2021")


def test_the_writer_names_every_sheet_validly_and_uniquely() -> None:
    content = xlsx_bytes(
        Sheet(title=LONG, header=["Mã"], rows=[["01"]]),
        Sheet(title=LONG.upper(), rows=[["02"]]),
        Sheet(title="", rows=[]),
    )
    names = load_workbook(io.BytesIO(content)).sheetnames
    assert names == [
        "Bộ tiêu chí quốc gia về xã nông",
        "BỘ TIÊU CHÍ QUỐC GIA VỀ XÃ (2)",
        "Trang tính",
    ]
