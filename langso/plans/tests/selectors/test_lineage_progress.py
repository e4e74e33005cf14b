"""Plans issued for units that no longer exist (a district abolished in 2025, a commune
of before the merger) are read on the current units that received their territory,
and say so."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from langso.places.models import AdminUnit, UnitLineage, UnitSource
from langso.places.testing import make_commune, make_district
from langso.plans.selectors.plans import plan_get_for_user, plan_progress_for_user
from langso.plans.selectors.progress import TrackStatus, plan_progress
from langso.plans.testing import plan_make
from langso.registry.testing import RegistryTree, RegistryUsers

from .test_plan_progress import DAY, _households

pytestmark = pytest.mark.django_db


def _legacy(tree: RegistryTree) -> tuple[AdminUnit, AdminUnit]:
    """District 379 of before 2025: its commune 37901 went whole into A, 37902 into B;
    37903, of another district, went into A."""
    district = make_district(province=tree.province, code="379", name="Huyện Cũ")
    old_a = make_commune(province=tree.province, district=district, code="37901", name="Xã Cũ A")
    old_b = make_commune(province=tree.province, district=district, code="37902", name="Xã Cũ B")
    other = make_district(province=tree.province, code="378", name="Huyện Khác")
    old_c = make_commune(province=tree.province, district=other, code="37903", name="Xã Cũ C")
    source = UnitSource.objects.create(name="test", version="1")
    for old, new in ((old_a, tree.a), (old_b, tree.b), (old_c, tree.a)):
        UnitLineage.objects.create(predecessor=old, successor=new, kind="whole", source=source)
    return district, old_c


EPAYMENT = {
    "text_vi": "≥ 65% người từ 15 tuổi có tài khoản thanh toán điện tử",
    "kind": "indicator_value",
    "indicator": "adults-epayment",
    "value": 65,
    "deadline": "2026-12-31",
}
FIBRE = {
    "text_vi": "Mọi xã có trên 50% hộ dùng cáp quang",
    "kind": "units_meeting",
    "level": "commune",
    "indicator": "households-fibre",
    "unit_comparator": "gt",
    "unit_threshold": 50,
    "value": 100,
    "measure": "percent",
    "deadline": "2026-12-31",
}


def test_a_district_plan_is_read_on_the_communes_it_became(
    definitions: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    _households(tree, users)
    district, _old = _legacy(tree)
    plan = plan_make(unit=district, targets=[EPAYMENT, FIBRE], code="ke-hoach-huyen")
    progress = plan_progress(plan=plan, day=DAY)
    assert progress.read_units == [tree.a, tree.b]
    assert progress.lineage_note == (
        f"Đơn vị của kế hoạch không còn: đọc qua đơn vị mới: {tree.a.name}, {tree.b.name}."
    )
    epayment, fibre = progress.targets
    # A's 4 adults of 4 and B's 0 of 4, summed.
    assert epayment.value == Decimal(50)
    assert epayment.status == TrackStatus.AT_RISK
    assert [c.unit for c in epayment.worst] == [tree.b]
    assert (fibre.met_units, fibre.counted_units) == (1, 2)
    assert [c.unit for c in fibre.worst] == [tree.b]


def test_a_pre_merger_commune_plan_is_read_on_its_successor(
    definitions: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    _households(tree, users)
    _district, old_commune = _legacy(tree)
    plan = plan_make(unit=old_commune, targets=[EPAYMENT], code="ke-hoach-xa-cu")
    progress = plan_progress(plan=plan, day=DAY)
    assert progress.read_units == [tree.a]
    assert tree.a.name in progress.lineage_note
    (epayment,) = progress.targets
    assert epayment.value == Decimal(100)
    assert epayment.status == TrackStatus.ON_TRACK


def test_a_unit_without_successor_has_no_data(
    definitions: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    """A legacy unit whose lineage is not loaded: nothing to read, said so."""
    district = make_district(province=tree.province, code="377", name="Huyện Lẻ")
    plan = plan_make(unit=district, targets=[EPAYMENT], code="ke-hoach-le")
    progress = plan_progress(plan=plan, day=dt.date(2026, 6, 30))
    assert progress.read_units == []
    assert progress.targets[0].status == TrackStatus.NO_DATA
    assert "chưa có đơn vị mới" in progress.lineage_note


def test_a_commune_officer_sees_only_the_communes_in_scope(
    definitions: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    """The district's plan reaches commune A's officer (a commune of it went into A);
    B, also read for it, is not named to them, nor the province's figure linked."""
    _households(tree, users)
    district, _old = _legacy(tree)
    plan = plan_make(unit=district, targets=[EPAYMENT, FIBRE], code="ke-hoach-huyen")
    assert plan_get_for_user(user=users.officer_a, code=plan.code) == plan
    progress = plan_progress_for_user(user=users.officer_a, plan=plan, day=DAY)
    epayment, fibre = progress.targets
    assert epayment.value == Decimal(50)
    assert epayment.worst == fibre.worst == []
    assert epayment.provenance == ""
    whole = plan_progress_for_user(user=users.province_officer, plan=plan, day=DAY)
    assert [c.unit for c in whole.targets[0].worst] == [tree.b]
    assert whole.targets[0].provenance.startswith("/api/v1/indicator-values?")
