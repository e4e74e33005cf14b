"""The quarterly report's content: the unit and quarter it is for, the targets worst
first, the maps' features with "no data" and approximate areas, and the communes one
criterion short of the set in force."""

from __future__ import annotations

import datetime as dt

import pytest

from langso.core.errors import DomainError, NotFound
from langso.criteria.services import criteria_catalogue_load
from langso.criteria.testing import criteria_assess_met
from langso.dashboards.selectors.report import (
    quarter_choices,
    quarter_read,
    report_indicator_map,
    report_missing_one,
    report_set_map,
    report_targets,
    report_unit_for_user,
)
from langso.indicators.models import Period, PeriodKind
from langso.plans.testing import plan_make
from langso.registry.services.households import household_create
from langso.registry.testing import RegistryTree, RegistryUsers

pytestmark = pytest.mark.django_db
Q3 = Period(
    code="2026-Q3", kind=PeriodKind.QUARTER, start=dt.date(2026, 7, 1), end=dt.date(2026, 9, 30)
)


@pytest.fixture
def counted(tree: RegistryTree, users: RegistryUsers, definitions: None) -> None:
    """Commune A has one household (3 of 4 adults with an e-payment account); B none."""
    household_create(
        actor=users.province_officer,
        village=tree.a1,
        values={"members": 4, "adults": 4, "adults_epayment": 3},
    )


def test_a_quarter_is_reported_once_it_has_ended() -> None:
    """The last quarter that ended by default; one still running, a year or a text
    that names no quarter are refused with a message saying why."""
    day = dt.date(2026, 10, 1)
    assert quarter_read(None, today=day).code == "2026-Q3"
    assert quarter_read(None, today=dt.date(2027, 2, 1)).code == "2026-Q4"
    assert quarter_read("2026-Q3", today=day).code == "2026-Q3"
    with pytest.raises(DomainError, match="Quý 4/2026 chưa kết thúc \\(đến hết 31/12/2026\\)"):
        quarter_read("2026-Q4", today=day)
    with pytest.raises(DomainError, match="Quý 3/2026 chưa kết thúc"):
        quarter_read("2026-Q3", today=dt.date(2026, 9, 30))
    for wrong in ("2026", "2026-Q5", "quý 3"):
        with pytest.raises(DomainError, match="ví dụ 2026-Q3"):
            quarter_read(wrong, today=day)
    offered = [p.code for p in quarter_choices(day)]
    assert offered[:3] == ["2026-Q3", "2026-Q2", "2026-Q1"]
    assert len(offered) == 8
    assert offered[-1] == "2024-Q4"


def test_the_unit_is_the_reader_s_scope_or_one_in_it(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    assert report_unit_for_user(user=users.province_officer, code=None) == tree.province
    assert report_unit_for_user(user=users.province_officer, code=tree.a.code) == tree.a
    assert report_unit_for_user(user=users.officer_a, code=None) == tree.a
    with pytest.raises(NotFound):
        report_unit_for_user(user=users.officer_a, code=tree.b.code)
    with pytest.raises(NotFound):
        report_unit_for_user(user=users.officer_a, code=tree.province.code)
    with pytest.raises(DomainError, match="một tỉnh hoặc một xã hiện hành"):
        report_unit_for_user(user=users.province_officer, code=tree.a1.code)
    # A nationwide role names its unit; one without a role has nothing to report on.
    for user in (users.central_admin, users.nobody):
        with pytest.raises(DomainError, match="Chọn một tỉnh hoặc một xã"):
            report_unit_for_user(user=user, code=None)
    assert report_unit_for_user(user=users.central_admin, code=tree.b.code) == tree.b


def test_the_targets_come_worst_first(
    tree: RegistryTree, users: RegistryUsers, counted: None
) -> None:
    """Off track before on track, and a target the platform cannot compute last."""
    plan_make(
        unit=tree.province,
        targets=[
            {
                "text_vi": "Tỷ lệ người dân có tài khoản thanh toán ≥ 50%",
                "kind": "indicator_value",
                "indicator": "adults-epayment",
                "value": 50,
                "deadline": "2026-12-31",
                "baseline": {"value": 10, "date": "2025-12-31"},
            },
            {
                "text_vi": "Hạ tầng số đồng bộ",
                "unbound": "Chưa có chỉ số đo hạ tầng số.",
                "value": 100,
                "measure": "percent",
                "deadline": "2026-12-31",
            },
            {
                "text_vi": "Tỷ lệ người dân có tài khoản thanh toán đạt 100%",
                "kind": "indicator_value",
                "indicator": "adults-epayment",
                "value": 100,
                "deadline": "2026-12-31",
                "baseline": {"value": 70, "date": "2025-12-31"},
            },
        ],
    )
    targets = report_targets(user=users.province_officer, unit=tree.province, quarter=Q3)
    assert [t.progress.target.text_vi for t in targets] == [
        "Tỷ lệ người dân có tài khoản thanh toán đạt 100%",
        "Tỷ lệ người dân có tài khoản thanh toán ≥ 50%",
        "Hạ tầng số đồng bộ",
    ]
    assert [t.progress.status for t in targets] == ["off_track", "on_track", "unbound"]
    # A reader of another province sees none of them.
    assert report_targets(user=users.officer_a, unit=tree.a, quarter=Q3) == []


def test_the_indicator_map_draws_every_commune_and_says_no_data(
    tree: RegistryTree, users: RegistryUsers, counted: None
) -> None:
    """A has its boundary and a figure; B has neither: drawn as its approximate area,
    in the "no data" class, which the legend lists apart."""
    found = report_indicator_map(user=users.province_officer, unit=tree.province, quarter=Q3)
    assert found.problem == ""
    assert found.approximate == 1
    assert found.chart is not None
    features = found.chart.spec["data"]["values"]["features"]
    by_name = {f["properties"]["name"]: f for f in features}
    assert set(by_name) == {tree.a.name, tree.b.name}
    assert by_name[tree.a.name]["properties"]["label"] == "75 %"
    assert by_name[tree.a.name]["properties"]["approximate"] is False
    assert by_name[tree.a.name]["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    assert by_name[tree.b.name]["properties"]["class"] == "Không có dữ liệu"
    assert by_name[tree.b.name]["properties"]["approximate"] is True
    assert by_name[tree.b.name]["geometry"]["type"] == "Polygon"
    scale = found.chart.spec["encoding"]["color"]["scale"]
    assert scale["domain"][-1] == "Không có dữ liệu"
    assert scale["range"][-1] == "#bdbdbd"
    assert len(scale["domain"]) == len(scale["range"]) == 2
    # The values table holds what the map shows.
    assert (tree.b.name, "Không có dữ liệu", "Không có dữ liệu") in found.chart.table.rows


def test_the_set_map_and_the_communes_one_criterion_short(
    tree: RegistryTree, users: RegistryUsers, definitions: None
) -> None:
    """A meets 9 of the 10 criteria of the 2026-2030 set (the 10th not assessed), B all
    ten: A is listed with criterion 10 and its status; a commune's own report lists
    only itself."""
    criteria_catalogue_load()
    criteria_assess_met(actor=users.province_officer, unit=tree.a, met=9, year=2026)
    criteria_assess_met(actor=users.province_officer, unit=tree.b, met=10, year=2026)
    section = report_missing_one(unit=tree.province, quarter=Q3)
    assert section.problem == ""
    assert section.criteria_set is not None
    assert section.criteria_set.code == "xa_ntm_2026_2030"
    assert [
        (m.commune, m.criterion, m.status_label, m.passed, m.total) for m in section.communes
    ] == [(tree.a, "10", "Thiếu dữ liệu", 9, 10)]
    assert section.communes[0].criterion_name.startswith("Tiếp cận pháp luật")
    assert report_missing_one(unit=tree.b, quarter=Q3).communes == []
    status_map = report_set_map(user=users.province_officer, unit=tree.province, quarter=Q3)
    assert status_map.chart is not None
    classes = {
        f["properties"]["name"]: f["properties"]["class"]
        for f in status_map.chart.spec["data"]["values"]["features"]
    }
    assert classes == {tree.a.name: "Thiếu dữ liệu", tree.b.name: "Đạt"}
