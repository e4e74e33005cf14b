"""The one name-normalisation function."""

from __future__ import annotations

import unicodedata

import pytest

from langso.core.text import normalize_name, without_diacritics


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Hoà", "Hòa"),
        ("Khánh Hoà", "khánh hòa"),
        ("Thuỷ Nguyên", "Thủy Nguyên"),
        ("Hoè Nhai", "Hòe Nhai"),
        ("B'Lao", "B’Lao"),
        ("Chân Mây – Lăng Cô", "Chân Mây-Lăng Cô"),
        ("  Đan   Phượng ", "đan phượng"),
        (unicodedata.normalize("NFD", "Thanh Hoá"), "Thanh Hóa"),
    ],
)
def test_spellings_of_one_name_compare_equal(one: str, other: str) -> None:
    """Case, NFC/NFD, old/new tone placement, apostrophes, dashes and spaces do not matter."""
    assert normalize_name(one) == normalize_name(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [("Hòa", "Hóa"), ("Quý", "Qúy"), ("Hoàn", "Hòan"), ("Đan", "Dan")],
)
def test_different_names_stay_different(one: str, other: str) -> None:
    """Tone marks themselves still count; "Quý" keeps its tone on y; đ is not d."""
    assert normalize_name(one) != normalize_name(other)


def test_the_result_is_nfc() -> None:
    """Keys are stored NFC, so that databases compare them byte for byte."""
    key = normalize_name(unicodedata.normalize("NFD", "Phường Hoà Khánh"))
    assert key == unicodedata.normalize("NFC", key) == "phường hòa khánh"


@pytest.mark.parametrize(
    ("query", "name"),
    [("dan phuong", "Đan Phượng"), ("HOA", "Hoà"), ("quy", "Quý"), ("blao", "B’Lao")],
)
def test_search_keys_ignore_diacritics(query: str, name: str) -> None:
    """Folded for search, "dan phuong" finds "Đan Phượng"."""
    assert normalize_name(query, fold_diacritics=True) in normalize_name(name, fold_diacritics=True)


def test_without_diacritics_folds_d_with_stroke_and_keeps_case() -> None:
    """ "Đ" has no combining mark to drop: it is folded to "D" by name, and the case
    of every letter is kept (a form id made of a file name keeps its capitals)."""
    assert without_diacritics("Điều tra hộ ĐỒNG Nai đất") == "Dieu tra ho DONG Nai dat"
