"""The units a set applies to: the NTM commune sets judge xã, not phường or đặc khu.
A province's matrix and its tier counts leave the others out and say how many of each
kind; a composite over communes counts only the xã."""

from __future__ import annotations

import datetime as dt

import pytest

from langso.criteria.evaluation.engine import evaluate
from langso.criteria.evaluation.matrix import province_matrix
from langso.criteria.evaluation.units import subjects_of, subunits_counted
from langso.criteria.models import CriteriaSet
from langso.criteria.testing import criteria_assess_met
from langso.places.models import Kind
from langso.places.testing import make_commune, make_district
from langso.registry.testing import RegistryTree, RegistryUsers

pytestmark = pytest.mark.django_db

YEAR = 2026
NATIONAL = "xa_ntm_2026_2030"


def test_the_matrix_rows_and_tiers_count_only_the_xa(
    demo_sets: RegistryTree, users: RegistryUsers
) -> None:
    """A phường meeting every criterion is neither a row nor counted in the tier (it
    would pass if evaluated alone); the matrix says one phường and one đặc khu were
    left out."""
    province = demo_sets.province
    ward = make_commune(province=province, code="37901", name="Phường Hoa Lư", kind=Kind.PHUONG)
    zone = make_commune(province=province, code="37902", name="Đặc khu Cồn Cỏ", kind=Kind.DAC_KHU)
    for unit in (demo_sets.b, ward):
        criteria_assess_met(actor=users.province_officer, unit=unit, met=10, year=YEAR)
    assert evaluate(code=NATIONAL, units=[ward], year=YEAR)[0].status == "pass"

    matrix = province_matrix(province=province, code=NATIONAL, year=YEAR)

    assert [row.unit for row in matrix.rows] == [demo_sets.a, demo_sets.b]
    assert ward not in matrix.subjects.units
    assert zone not in matrix.subjects.units
    assert matrix.subjects.left_out == {Kind.PHUONG: 1, Kind.DAC_KHU: 1}
    assert matrix.subjects.left_out_count == 2
    assert matrix.subjects.left_out_note == (
        "1 phường, 1 đặc khu không thuộc diện xét nông thôn mới, không được tính."
    )
    tiers = {tier.code: count for tier, count in matrix.tiers}
    assert tiers[NATIONAL] == 1


def test_a_province_of_xa_alone_leaves_nothing_out(demo_sets: RegistryTree) -> None:
    matrix = province_matrix(province=demo_sets.province, code=NATIONAL, year=YEAR)
    assert (matrix.subjects.left_out, matrix.subjects.left_out_note) == ({}, "")


def test_subjects_keep_the_order_given_and_count_the_others_by_kind(
    demo_sets: RegistryTree,
) -> None:
    """Villages (thôn) are subjects of the village sets, tổ dân phố are not."""
    province = demo_sets.province
    wards = [
        make_commune(province=province, code=f"3791{i}", name=f"Phường {i}", kind=Kind.PHUONG)
        for i in range(3)
    ]
    town = make_commune(province=province, code="37920", name="Thị trấn Me", kind=Kind.THI_TRAN)
    found = subjects_of([wards[0], demo_sets.b, town, wards[1], demo_sets.a, wards[2]])
    assert found.units == [demo_sets.b, demo_sets.a]
    assert found.left_out == {Kind.PHUONG: 3, Kind.THI_TRAN: 1}
    street = demo_sets.a2
    street.kind = Kind.TO_DAN_PHO
    villages = subjects_of([demo_sets.a1, street])
    assert (villages.units, villages.left_out) == ([demo_sets.a1], {Kind.TO_DAN_PHO: 1})


def test_a_composite_over_communes_counts_only_the_xa(demo_sets: RegistryTree) -> None:
    """ "100% of communes meet NTM" (320/QĐ-TTg, a district's condition H1) counts the
    district's xã, not its phường or thị trấn."""
    province = demo_sets.province
    district = make_district(province=province, code="370", name="Huyện Hoa Lư")
    xa = make_commune(province=province, district=district, code="37801", name="Xã Ninh Hải")
    for code, kind in (("37802", Kind.PHUONG), ("37803", Kind.THI_TRAN)):
        make_commune(province=province, district=district, code=code, name=code, kind=kind)
    district_set = CriteriaSet.objects.get(code="huyen_ntm_2021_2025", province=None)
    h1 = district_set.indicators.get(code="H1")
    subunits, parent_of = subunits_counted(
        criteria_set=district_set, indicator=h1, units=[district], day=dt.date(2024, 12, 31)
    )
    assert (subunits, parent_of) == ([xa], {xa.pk: district.pk})
