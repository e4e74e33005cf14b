"""next_code and save_with_code: "<commune code>-<prefix><0001>" codes."""

from __future__ import annotations

from unittest import mock

import pytest

from langso.registry import sequences
from langso.registry.models import PublicWifiPoint
from langso.registry.specs import WIFI_POINT
from langso.registry.testing import RegistryTree, make_row

pytestmark = pytest.mark.django_db


def test_the_next_number_follows_the_highest_in_use(tree: RegistryTree) -> None:
    """Numbers of any width count ("…WF10000" is above "…WF9999"); codes typed by hand
    that do not end in digits, and other communes' codes, are ignored."""
    stem = sequences.code_stem(commune_code=tree.a.code, prefix="WF")
    assert sequences.next_code(model=PublicWifiPoint, field="code", stem=stem) == f"{stem}0001"
    for code in (f"{stem}9999", f"{stem}10000", f"{stem}ABC", f"{tree.b.code}-WF20000"):
        make_row(WIFI_POINT, unit=tree.a1, code=code)
    assert sequences.next_code(model=PublicWifiPoint, field="code", stem=stem) == f"{stem}10001"


def test_a_code_taken_meanwhile_is_computed_again(tree: RegistryTree) -> None:
    """When another writer takes the computed code first, the insert fails on the unique
    code and the next free one is used."""
    stem = sequences.code_stem(commune_code=tree.a.code, prefix="WF")
    make_row(WIFI_POINT, unit=tree.a1, code=f"{stem}0001")
    stale = iter([f"{stem}0001"])
    real = sequences.next_code

    def racing(**kwargs: object) -> str:
        return next(stale, None) or real(**kwargs)  # type: ignore[arg-type]  # passes the real arguments on

    row = PublicWifiPoint(
        province_id=tree.province.pk, commune_id=tree.a.pk, village=tree.a1, place="X"
    )
    with mock.patch.object(sequences, "next_code", side_effect=racing):
        sequences.save_with_code(row, field="code", stem=stem)
    assert row.code == f"{stem}0002"
