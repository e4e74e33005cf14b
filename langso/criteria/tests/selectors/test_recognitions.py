"""Reads of the recognition facts: a unit's recognitions by set and year, one of them,
and the sets' Vietnamese names."""

from __future__ import annotations

from langso.criteria.models import Recognition
from langso.criteria.selectors.recognitions import recognition_get, recognitions_of, set_names
from langso.criteria.testing import recognition_make
from langso.places.models import AdminUnit
from langso.registry.testing import RegistryTree

SET = "xa_ntm_2026_2030"


def _recognise(unit: AdminUnit, year: int, code: str = SET) -> Recognition:
    return recognition_make(unit=unit, year=year, code=code, number=f"{year}/QĐ-UBND")


def test_recognitions_of_units_by_set_and_year(tree: RegistryTree) -> None:
    """Newest year first; the set and year filter; other units' are left out."""
    old = _recognise(tree.a, 2025)
    new = _recognise(tree.a, 2026)
    other_set = _recognise(tree.a, 2026, "xa_ntm_nang_cao_2026_2030")
    _recognise(tree.b, 2026)
    assert list(recognitions_of(units=[tree.a], set_code=SET)) == [new, old]
    assert list(recognitions_of(units=[tree.a], year=2026)) == [new, other_set]
    assert recognition_get(unit=tree.a, set_code=SET, year=2025) == old
    assert recognition_get(unit=tree.a, set_code=SET, year=2024) is None


def test_set_names(catalogue: None, tree: RegistryTree) -> None:
    names = set_names(codes=[SET, "khong_co"], province=tree.province)
    assert names[SET].startswith("Bộ tiêu chí")
    assert names["khong_co"] == "khong_co"
