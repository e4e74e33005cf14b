"""The overview's reads: the unit's plans (its own and those read through the lineage),
their targets worst first, one indicator's ranking, distribution and series, each chart
with the same numbers as its table."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from langso.accounts.roles import Role
from langso.accounts.tests.factories import make_role_holder
from langso.core.errors import DomainError, NotFound
from langso.dashboards.selectors.choropleth import MapRequest, choropleth_values
from langso.dashboards.selectors.overview import (
    distribution_chart,
    indicator_picture,
    indicator_series,
    indicator_target,
    overview_targets,
    overview_unit,
    ranking,
    ranking_charts,
    series_chart,
    series_periods,
    unit_plans_for_user,
)
from langso.dashboards.testing import DAY, EPAYMENT, TARGETS, YEAR, OverviewWorld, more_communes
from langso.indicators.selectors import period_current
from langso.places.models import Level, UnitLineage, UnitSource
from langso.places.testing import make_commune, make_district, make_province, make_village
from langso.plans.selectors.progress import TrackStatus
from langso.plans.testing import plan_make
from langso.registry.testing import RegistryTree, RegistryUsers

pytestmark = pytest.mark.django_db


def _villages(world: OverviewWorld) -> MapRequest:
    return MapRequest(
        period=period_current(), indicator=EPAYMENT, unit=world.tree.province, level=Level.VILLAGE
    )


def _legacy(tree: RegistryTree) -> dict[str, object]:
    """District 379 of before 2025 (its commune 37901 went into A), a village of
    37901 that went into A1, and a plan of each, and one of commune B."""
    source = UnitSource.objects.create(name="test", version="1")
    district = make_district(province=tree.province, code="379", name="Huyện Cũ")
    old_commune = make_commune(
        province=tree.province, district=district, code="37901", name="Xã Cũ A"
    )
    old_village = make_village(commune=old_commune, code="3790101", name="Thôn Cũ")
    for old, new in ((old_commune, tree.a), (old_village, tree.a1)):
        UnitLineage.objects.create(predecessor=old, successor=new, kind="whole", source=source)
    for unit in (district, old_commune, old_village):
        unit.valid_to = dt.date(2025, 6, 30)
        unit.save(update_fields=["valid_to"])
    target = [TARGETS[0]]
    return {
        "district": plan_make(unit=district, targets=target, code="ke-hoach-huyen"),
        "old_commune": plan_make(unit=old_commune, targets=target, code="ke-hoach-xa-cu"),
        "old_village": plan_make(unit=old_village, targets=target, code="ke-hoach-thon-cu"),
        "b": plan_make(unit=tree.b, targets=target, code="ke-hoach-xa-b"),
    }


def test_a_unit_s_plans_are_its_own_and_those_of_the_units_it_received(
    overview: OverviewWorld,
) -> None:
    """The province reads its own plan and the abolished district's; commune A its
    own predecessor's; a pre-merger village's plan is below both; B's plan is not A's,
    and another province's officer reads none of them."""
    tree, users = overview.tree, overview.users
    plans = _legacy(tree)
    province = {
        p.code for p in unit_plans_for_user(user=users.province_officer, unit=tree.province)
    }
    assert province == {"ke-hoach-tinh", "ke-hoach-huyen"}
    commune = {p.code for p in unit_plans_for_user(user=users.officer_a, unit=tree.a)}
    assert commune == {plans["old_commune"].code}  # type: ignore[attr-defined]
    other = make_province(code="38", name="Tỉnh Thanh Hóa")
    outsider = make_role_holder(Role.PROVINCE_OFFICER, other, "canbo.thanhhoa")
    assert unit_plans_for_user(user=outsider, unit=tree.province) == []


def test_targets_come_worst_first_and_furthest_from_done_first_within_a_status(
    overview: OverviewWorld,
) -> None:
    found = overview_targets(user=overview.users.province_officer, plans=[overview.plan], day=DAY)
    assert [t.progress.target.text_vi for t in found] == [
        TARGETS[1]["text_vi"],
        TARGETS[2]["text_vi"],
        TARGETS[3]["text_vi"],
        TARGETS[4]["text_vi"],
        TARGETS[0]["text_vi"],
        TARGETS[5]["text_vi"],
    ]
    assert [t.progress.status for t in found] == [
        TrackStatus.OFF_TRACK,
        TrackStatus.OFF_TRACK,
        TrackStatus.AT_RISK,
        TrackStatus.NO_DATA,
        TrackStatus.ON_TRACK,
        TrackStatus.UNBOUND,
    ]
    assert [t.progress.share_done for t in found[:3]] == [40, 50, 80]
    assert found[0].figures == "đạt 40 % / chỉ tiêu ≥ 100 %"
    assert found[3].figures == "chưa có số liệu / chỉ tiêu ≥ 100 %"
    assert found[0].lineage_note == ""


def test_a_plan_read_through_new_units_says_so_on_each_target(overview: OverviewWorld) -> None:
    tree = overview.tree
    plans = _legacy(tree)
    found = overview_targets(
        user=overview.users.province_officer,
        plans=[plans["district"]],  # type: ignore[list-item]
        day=DAY,
    )
    assert [t.lineage_note for t in found] == [
        f"Đơn vị của kế hoạch không còn: đọc qua đơn vị mới: {tree.a.name}."
    ]


def test_the_series_target_is_read_on_the_indicator_s_own_scale(
    overview: OverviewWorld,
) -> None:
    """The worst target on the indicator is drawn; a share of communes meeting it
    (another scale) and an unbound target never are."""
    meeting = {
        "text_vi": "Mọi xã có trên 30% người lớn thanh toán điện tử",
        "kind": "units_meeting",
        "level": "commune",
        "indicator": EPAYMENT,
        "unit_comparator": "gt",
        "unit_threshold": 30,
        "value": 100,
        "measure": "percent",
        "deadline": f"{YEAR}-12-31",
    }
    plan = plan_make(unit=overview.tree.province, targets=[meeting], code="ke-hoach-xa")
    found = overview_targets(user=overview.users.province_officer, plans=[plan], day=DAY)
    assert indicator_target(found, indicator=EPAYMENT) is None
    found += overview_targets(user=overview.users.province_officer, plans=[overview.plan], day=DAY)
    target = indicator_target(found, indicator=EPAYMENT)
    assert target is not None
    assert target.target.text_vi == TARGETS[1]["text_vi"]
    assert indicator_target(found, indicator="managers-trained-dx") is not None


def test_a_ranking_s_ends_hold_no_unit_twice_and_no_unit_without_data(
    overview: OverviewWorld,
) -> None:
    choropleth = choropleth_values(
        user=overview.users.province_officer, request=_villages(overview)
    )
    tree = overview.tree
    ranked = ranking(choropleth, count=2)
    assert [v.unit.pk for v in ranked.top] == [tree.a1.pk, tree.b1.pk]
    assert [v.unit.pk for v in ranked.bottom] == [tree.a2.pk]
    everything = ranking(choropleth)
    assert [v.unit.pk for v in everything.top] == [tree.a1.pk, tree.b1.pk, tree.a2.pk]
    assert everything.bottom == []
    lowest = ranking(choropleth, count=1)
    assert ([v.unit.pk for v in lowest.top], [v.unit.pk for v in lowest.bottom]) == (
        [tree.a1.pk],
        [tree.a2.pk],
    )


def test_ranking_charts_hold_the_same_numbers_as_their_tables(overview: OverviewWorld) -> None:
    choropleth = choropleth_values(
        user=overview.users.province_officer, request=_villages(overview)
    )
    top, bottom = ranking_charts(choropleth, count=2)
    assert (top.key, top.title, bottom.title) == (
        "ranking-top",
        "2 thôn cao nhất",
        "1 thôn thấp nhất",
    )
    assert top.table.headers == ("Thôn", "Giá trị")
    values = top.spec["data"]["values"]
    assert [(v["name"], v["text"]) for v in values] == list(top.table.rows)
    assert [v["value"] for v in values] == [75.0, 25.0]
    assert top.table.rows[0] == (overview.tree.a1.name, "75 %")
    assert choropleth.title in top.summary


def test_no_unit_with_data_makes_no_ranking_chart(
    tree: RegistryTree, users: RegistryUsers, definitions: None
) -> None:
    choropleth = choropleth_values(
        user=users.province_officer,
        request=MapRequest(period=period_current(), indicator=EPAYMENT, unit=tree.province),
    )
    assert ranking_charts(choropleth) == []
    distribution = distribution_chart(choropleth)
    assert distribution.table.rows == (("Không có dữ liệu", "2"),)


def test_the_distribution_counts_every_unit_in_the_map_s_classes(overview: OverviewWorld) -> None:
    choropleth = choropleth_values(
        user=overview.users.province_officer, request=_villages(overview)
    )
    chart = distribution_chart(choropleth)
    values = chart.spec["data"]["values"]
    assert [(v["name"], v["count"], v["color"]) for v in values] == [
        *((c.label, c.count, c.color) for c in choropleth.classes),
        ("Không có dữ liệu", 1, choropleth.no_data_color),
    ]
    assert sum(v["count"] for v in values) == len(choropleth.values) == 4
    assert [(row[0], int(row[1])) for row in chart.table.rows] == [
        (v["name"], v["count"]) for v in values
    ]


def test_the_series_reads_the_closed_years_then_this_one_live(overview: OverviewWorld) -> None:
    periods = series_periods()
    assert [p.code for p in periods] == [str(YEAR - 1), str(YEAR)]
    points = indicator_series(unit=overview.tree.province, indicator=EPAYMENT, periods=periods)
    assert [(p.value, p.live) for p in points] == [(Decimal(75), False), (Decimal(40), True)]
    # A day of last year: the years closed by then, not today's live figure.
    assert series_periods(day=dt.date(YEAR - 1, 12, 31)) == periods[:1]


def test_the_series_chart_draws_the_target_as_a_rule_and_tables_the_same_numbers(
    overview: OverviewWorld,
) -> None:
    found = overview_targets(user=overview.users.province_officer, plans=[overview.plan], day=DAY)
    target = indicator_target(found, indicator=EPAYMENT)
    points = indicator_series(
        unit=overview.tree.province, indicator=EPAYMENT, periods=series_periods()
    )
    chart = series_chart(
        unit=overview.tree.province,
        title="Tỷ lệ người lớn thanh toán điện tử",
        percent=True,
        points=points,
        target=target,
    )
    _line, rule = chart.spec["layer"]
    assert rule["mark"]["strokeDash"]
    assert rule["data"]["values"][0]["target"] == 100.0
    values = chart.spec["data"]["values"]
    assert [(v["period"], v["text"]) for v in values] == list(chart.table.rows)
    assert chart.table.rows == (
        (f"Năm {YEAR - 1}", "75 %"),
        (f"Năm {YEAR} (đang cập nhật)", "40 %"),
    )
    without = series_chart(
        unit=overview.tree.province, title="x", percent=True, points=points, target=None
    )
    assert len(without.spec["layer"]) == 1


def test_the_picture_links_each_figure_to_its_source(overview: OverviewWorld) -> None:
    tree = overview.tree
    found = overview_targets(user=overview.users.province_officer, plans=[overview.plan], day=DAY)
    picture = indicator_picture(
        user=overview.users.province_officer, unit=tree.province, indicator=EPAYMENT, targets=found
    )
    assert [c.key for c in picture.charts] == ["ranking-top", "distribution", "series"]
    # Commune A (50 %) above B (25 %): both in the top, none left for the bottom.
    top = picture.ranked["ranking-top"]
    assert [r.value.unit.pk for r in top] == [tree.a.pk, tree.b.pk]
    assert picture.ranked["ranking-bottom"] == []
    assert top[0].source == (
        f"/api/v1/indicator-values?indicator={EPAYMENT}&unit={tree.a.code}&period={YEAR}"
    )
    assert [source for _p, source in picture.points] == [
        f"/api/v1/indicator-values?indicator={EPAYMENT}&unit={tree.province.code}&period={year}"
        for year in (YEAR - 1, YEAR)
    ]
    assert picture.distribution_source.endswith(f"&period={YEAR}&level=commune")


def test_a_picture_is_refused_outside_the_scope_and_below_the_communes(
    overview: OverviewWorld,
) -> None:
    users, tree = overview.users, overview.tree
    with pytest.raises(NotFound):
        indicator_picture(user=users.officer_a, unit=tree.b, indicator=EPAYMENT, targets=[])
    with pytest.raises(NotFound):
        indicator_picture(
            user=users.officer_a, unit=tree.a, indicator="khong-co-chi-so", targets=[]
        )
    with pytest.raises(DomainError):
        indicator_picture(user=users.officer_a, unit=tree.a1, indicator=EPAYMENT, targets=[])


def test_the_overview_opens_on_the_user_s_own_unit(overview: OverviewWorld) -> None:
    users, tree = overview.users, overview.tree
    assert overview_unit(user=users.province_officer, code="") == tree.province
    assert overview_unit(user=users.officer_a, code="") == tree.a
    assert overview_unit(user=users.central_admin, code="") is None
    with pytest.raises(NotFound):
        overview_unit(user=users.officer_a, code=tree.b.code)
    with pytest.raises(NotFound):
        overview_unit(user=users.nobody, code="")


def test_the_targets_cost_does_not_grow_with_the_communes(overview: OverviewWorld) -> None:
    """Reading the targets and the picture: the same number of queries with two
    communes as with six."""

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            found = overview_targets(
                user=overview.users.province_officer, plans=[overview.plan], day=DAY
            )
            indicator_picture(
                user=overview.users.province_officer,
                unit=overview.tree.province,
                indicator=EPAYMENT,
                targets=found,
            )
        return len(queries)

    count()  # The roles and definitions read once per test are read by now.
    before = count()
    more_communes(overview, count=4)
    assert count() == before
