"""Progress of each kind of target, computed by the real indicators and criteria engines
on the test tree (Ninh Bình 37: communes A and B)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from langso.criteria.models import CriteriaSet
from langso.criteria.services import assessment_record
from langso.criteria.testing import criteria_assess_met
from langso.indicators.services.reported import reported_value_set
from langso.places.testing import make_commune, make_village
from langso.plans.selectors.progress import TrackStatus, plan_progress
from langso.plans.testing import plan_make
from langso.registry.testing import RegistryTree, RegistryUsers, create_household

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 6, 30)
END_2026 = "2026-12-31"


def _households(tree: RegistryTree, users: RegistryUsers) -> None:
    """A: every adult pays electronically, fibre; B: none, no fibre."""
    for village in (tree.a1, tree.a2):
        create_household(
            actor=users.province_officer,
            village=village,
            members=3,
            adults=2,
            adults_epayment=2,
            broadband="fibre",
        )
    for village in (tree.b1, tree.b2):
        create_household(
            actor=users.province_officer,
            village=village,
            members=3,
            adults=2,
            adults_epayment=0,
            broadband="none",
        )


TARGETS = [
    {
        "text_vi": "≥ 65% người từ 15 tuổi có tài khoản thanh toán điện tử",
        "kind": "indicator_value",
        "indicator": "adults-epayment",
        "value": 65,
        "deadline": END_2026,
        "baseline": {"value": 25, "date": "2025-12-31"},
    },
    {
        "text_vi": "100% cán bộ quản lý được tập huấn",
        "kind": "activity",
        "indicator": "managers-trained-dx",
        "value": 100,
        "deadline": END_2026,
    },
    {
        "text_vi": "≥ 97% số xã đạt chỉ tiêu 8.4",
        "kind": "units_meeting",
        "level": "commune",
        "set": "xa_ntm_2021_2025",
        "criterion": "8.4",
        "value": 97,
        "measure": "percent",
        "deadline": "2025-12-31",
    },
    {
        "text_vi": "Ít nhất 2 xã có trên 50% hộ dùng cáp quang",
        "kind": "units_meeting",
        "level": "commune",
        "indicator": "households-fibre",
        "unit_comparator": "gt",
        "unit_threshold": 50,
        "value": 2,
        "measure": "count",
        "deadline": END_2026,
    },
    {
        "text_vi": "Ít nhất 1 xã đạt chuẩn NTM 2026-2030",
        "kind": "units_meeting",
        "level": "commune",
        "set": "xa_ntm_2026_2030",
        "value": 1,
        "measure": "count",
        "deadline": END_2026,
    },
    {
        "text_vi": "Ít nhất 2 huyện đạt chuẩn NTM",
        "unbound": "Cấp huyện không còn từ 01/07/2025.",
        "value": 2,
        "measure": "count",
        "deadline": END_2026,
    },
]


@pytest.fixture
def province_plan(catalogue: None, tree: RegistryTree, users: RegistryUsers) -> RegistryTree:
    _households(tree, users)
    reported_value_set(
        actor=users.province_officer,
        code="managers-trained-dx",
        unit=tree.province,
        period="2026",
        numerator=3,
        denominator=4,
    )
    assessment_record(
        actor=users.province_officer,
        criteria_set=CriteriaSet.objects.get(code="xa_ntm_2021_2025", province=None),
        indicator_code="8.4",
        unit=tree.a,
        year=2025,
        verdict="pass",
        note="Biên bản kiểm tra",
    )
    criteria_assess_met(actor=users.province_officer, unit=tree.a, met=10, year=2026)
    plan_make(unit=tree.province, targets=TARGETS)
    return tree


def test_every_kind_of_target_is_read_from_the_engines(province_plan: RegistryTree) -> None:
    tree = province_plan
    from langso.plans.models import Plan

    progress = plan_progress(plan=Plan.objects.get(), day=DAY)
    epayment, trained, c84, fibre, whole_set, districts = progress.targets

    # 4 of 8 adults; the path from 25 (end of 2025) to 65 (end of 2026) is at 44.84.
    assert epayment.value == Decimal(50)
    assert epayment.expected == Decimal("44.84")
    assert epayment.status == TrackStatus.ON_TRACK
    assert [c.unit for c in epayment.worst] == [tree.b]
    assert "indicator=adults-epayment" in epayment.provenance
    assert epayment.source_name.startswith("Tỷ lệ người từ 15 tuổi")

    # Reported 3 of 4; no baseline, not met before the deadline: at risk.
    assert trained.value == Decimal(75)
    assert trained.status == TrackStatus.AT_RISK

    # Read for 2025 (its deadline's year): A met 8.4, B has no finding; past the deadline.
    assert (c84.value, c84.met_units, c84.counted_units) == (Decimal(50), 1, 2)
    assert c84.period == "2025"
    assert c84.status == TrackStatus.OFF_TRACK
    assert [c.unit for c in c84.worst] == [tree.b]

    assert (fibre.value, fibre.met_units) == (Decimal(1), 1)
    assert fibre.status == TrackStatus.AT_RISK
    assert [c.unit for c in fibre.worst] == [tree.b]

    assert whole_set.value == Decimal(1)
    assert whole_set.status == TrackStatus.ON_TRACK

    assert districts.status == TrackStatus.UNBOUND
    assert districts.value is None
    assert districts.note == "Cấp huyện không còn từ 01/07/2025."
    assert progress.lineage_note == ""


def _queries(plan_day: dt.date) -> tuple[int, str]:
    from langso.plans.models import Plan

    plan = Plan.objects.get()
    with CaptureQueriesContext(connection) as captured:
        plan_progress(plan=plan, day=plan_day)
    return len(captured.captured_queries), "\n".join(q["sql"] for q in captured.captured_queries)


def test_progress_costs_the_same_queries_with_more_communes(
    province_plan: RegistryTree, users: RegistryUsers
) -> None:
    """Two communes or six, with villages and households: the same queries."""
    budget, _sql = _queries(DAY)
    for n in range(3, 7):
        commune = make_commune(
            province=province_plan.province, code=f"37{n:03d}", name=f"Xã Thêm {n}"
        )
        village = make_village(commune=commune, code=f"{commune.code}-01", name=f"Thôn Thêm {n}")
        create_household(
            actor=users.province_officer, village=village, members=2, adults=2, broadband="fibre"
        )
    count, sql = _queries(DAY)
    assert count == budget, sql
