"""The province overview page: the targets of the unit's plans worst first, in
Vietnamese, each figure with its source; one indicator's charts drawn as SVG with the
same numbers as their tables; the picker's errors; the scope."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from langso.accounts.roles import Role
from langso.accounts.testing import client_for
from langso.accounts.tests.factories import make_role_holder
from langso.dashboards.testing import EPAYMENT, TARGETS, YEAR, OverviewWorld, more_communes
from langso.places.models import UnitLineage, UnitSource
from langso.places.testing import make_commune, make_district, make_province
from langso.plans.selectors.progress import TrackStatus
from langso.plans.testing import plan_make

pytestmark = pytest.mark.django_db
PAGE = reverse("dashboards:overview")


class _Tables(HTMLParser):
    """Each table's caption and its rows' cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._caption: str | None = None
        self._rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self._in_caption = False
        self._in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._caption, self._rows = "", []
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self._rows.append([])
        elif tag in ("td", "th") and self._in_body:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption":
            self._in_caption = False
        elif tag in ("td", "th") and self._cell is not None:
            self._rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tbody":
            self._in_body = False
        elif tag == "table" and self._caption is not None:
            self.tables[self._caption] = self._rows

    def handle_data(self, data: str) -> None:
        if self._in_caption:
            self._caption = (self._caption or "") + data.strip()
        elif self._cell is not None:
            self._cell.append(data)


def _tables(html: str) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def test_the_targets_come_worst_first_in_vietnamese_with_their_sources(
    overview: OverviewWorld,
) -> None:
    response = client_for(overview.users.province_officer).get(PAGE)
    assert response.status_code == 200
    assert response.context["unit"] == overview.tree.province
    targets = response.context["targets"]
    assert [t.progress.status for t in targets][:3] == [
        TrackStatus.OFF_TRACK,
        TrackStatus.OFF_TRACK,
        TrackStatus.AT_RISK,
    ]
    text = response.content.decode()
    # Worst first on the page too, each with its status in words.
    shown = [text.index(str(t["text_vi"])) for t in (TARGETS[1], TARGETS[3], TARGETS[0])]
    assert shown == sorted(shown)
    for label in ("Chậm tiến độ", "Có nguy cơ chậm", "Chưa có số liệu", "Đúng tiến độ"):
        assert label in text
    assert "Chưa gắn chỉ số: Cấp huyện không còn từ 01/07/2025." in text
    # The communes that pull the worst target down: B (25 %), then A (50 %).
    worst = f"Đơn vị kéo chỉ tiêu xuống: {overview.tree.b.name}, {overview.tree.a.name}"
    assert worst in " ".join(text.split())
    assert "chỉ tiêu ≥ 100 %" in text
    assert f"31/12/{YEAR}" in text
    # Each target links to itself on its plan's page.
    detail = reverse("plans:detail", args=[overview.plan.code])
    assert f'href="{detail}#target-2"' in text
    # Every computed target's figure has its source.
    for item in targets:
        if item.progress.status != TrackStatus.UNBOUND:
            assert item.progress.provenance
            assert f'href="{item.progress.provenance.replace("&", "&amp;")}"' in text


def test_no_internal_code_or_english_label_reaches_the_reader(overview: OverviewWorld) -> None:
    text = client_for(overview.users.province_officer).get(PAGE).content.decode()
    visible = re.sub(
        r"<[^>]+>", " ", re.sub(r"<(script|style|svg)\b.*?</\1>", " ", text, flags=re.S)
    )
    for word in (
        "on_track",
        "off_track",
        "at_risk",
        "no_data",
        "unbound",
        "indicator_value",
        "units_meeting",
        EPAYMENT,
        "managers-trained-dx",
        "ke-hoach-tinh",
    ):
        assert word not in visible, word


def test_the_tables_hold_the_same_numbers_as_the_charts(overview: OverviewWorld) -> None:
    response = client_for(overview.users.province_officer).get(PAGE)
    picture = response.context["picture"]
    tables = _tables(response.content.decode())
    for chart in picture.charts:
        rows = tables[chart.title]
        values = chart.spec["data"]["values"]
        if chart.key == "distribution":
            assert [row[:2] for row in rows] == [[v["name"], str(v["count"])] for v in values]
        elif chart.key == "series":
            assert [row[:2] for row in rows] == [[v["period"], v["text"]] for v in values]
        else:
            assert [row[:2] for row in rows] == [[v["name"], v["text"]] for v in values]
        # The chart itself, drawn as SVG, carries the same names.
        svg = chart.svg
        for v in values:
            assert str(v.get("name", v.get("period"))) in svg
    text = response.content.decode()
    assert text.count("<svg") == len(picture.charts)
    top = tables["2 xã cao nhất"]
    assert top == [
        [overview.tree.a.name, "50 %", "Nguồn số liệu"],
        [overview.tree.b.name, "25 %", "Nguồn số liệu"],
    ]
    assert tables[f"{picture.choropleth.title} qua các kỳ"] == [
        [f"Năm {YEAR - 1}", "75 %", "Nguồn số liệu"],
        [f"Năm {YEAR} (đang cập nhật)", "40 %", "Nguồn số liệu"],
    ]


def test_each_ranked_commune_drills_down_and_each_figure_links_its_source(
    overview: OverviewWorld,
) -> None:
    tree = overview.tree
    client = client_for(overview.users.province_officer)
    text = client.get(PAGE).content.decode()
    drill = f"{PAGE}?unit={tree.a.code}&amp;indicator={EPAYMENT}"
    assert f'href="{drill}"' in text
    source = (
        f"/api/v1/indicator-values?indicator={EPAYMENT}&amp;unit={tree.a.code}&amp;period={YEAR}"
    )
    assert f'href="{source}"' in text
    # The source answers the officer.
    assert client.get(source.replace("&amp;", "&")).status_code == 200
    # The map of the same indicator and unit.
    the_map = (
        f"{reverse('dashboards:map')}?show=indicator%3A{EPAYMENT}&amp;unit={tree.province.code}"
    )
    assert f'href="{the_map}"' in text
    villages = client.get(drill.replace("&amp;", "&"))
    assert villages.context["picture"].choropleth.level == "village"
    assert villages.context["breadcrumb"] == [tree.province]


def test_a_commune_officer_sees_the_commune_s_villages_ranked(overview: OverviewWorld) -> None:
    tree = overview.tree
    response = client_for(overview.users.officer_a).get(PAGE)
    assert response.status_code == 200
    assert response.context["unit"] == tree.a
    picture = response.context["picture"]
    assert picture.choropleth.level == "village"
    ranked = [r.value.unit.pk for r in picture.ranked["ranking-top"]]
    assert ranked == [tree.a1.pk, tree.a2.pk]
    text = response.content.decode()
    assert tree.b.name not in text
    # The province's plan is not the commune's.
    assert response.context["targets"] == []


def test_out_of_scope_units_answer_404_and_signed_out_readers_sign_in(
    overview: OverviewWorld,
) -> None:
    tree = overview.tree
    assert Client().get(PAGE).status_code == 302
    assert (
        Client()
        .get(PAGE, {"unit": tree.province.code})["Location"]
        .startswith(reverse("accounts:login"))
    )
    other = make_province(code="38", name="Tỉnh Thanh Hóa")
    outsider = client_for(make_role_holder(Role.PROVINCE_OFFICER, other, "canbo.thanhhoa"))
    assert outsider.get(PAGE, {"unit": tree.province.code}).status_code == 404
    assert outsider.get(PAGE, {"unit": tree.a.code}).status_code == 404
    officer_a = client_for(overview.users.officer_a)
    assert officer_a.get(PAGE, {"unit": tree.province.code}).status_code == 404
    assert officer_a.get(PAGE, {"unit": tree.b.code}).status_code == 404
    assert officer_a.get(PAGE, {"unit": "khong-co"}).status_code == 404
    assert client_for(overview.users.nobody).get(PAGE).status_code == 404


def test_an_unknown_indicator_is_told_by_name_and_the_targets_stay(
    overview: OverviewWorld,
) -> None:
    response = client_for(overview.users.province_officer).get(
        PAGE, {"indicator": "<khong-co-chi-so>"}
    )
    assert response.status_code == 200
    assert response.context["picture"] is None
    text = response.content.decode()
    assert "Không có chỉ số “&lt;khong-co-chi-so&gt;”: chọn một chỉ số trong danh sách." in text
    assert "<khong-co-chi-so>" not in text
    assert str(TARGETS[1]["text_vi"]) in text


def test_a_village_has_no_sub_units_to_chart_and_says_so(overview: OverviewWorld) -> None:
    response = client_for(overview.users.officer_a).get(PAGE, {"unit": overview.tree.a1.code})
    assert response.status_code == 200
    assert response.context["picture"] is None
    assert "Không vẽ được cấp" in response.context["problem"]


def test_a_target_s_indicator_is_picked_from_its_link(overview: OverviewWorld) -> None:
    client = client_for(overview.users.province_officer)
    text = client.get(PAGE).content.decode()
    link = f"?unit={overview.tree.province.code}&amp;indicator=managers-trained-dx"
    assert f'href="{link}#overview-indicator-title"' in text
    picked = client.get(PAGE + link.replace("&amp;", "&"))
    assert picked.context["asked"]["indicator"] == "managers-trained-dx"
    # The target on that indicator is drawn on its series, said in words.
    assert picked.context["picture"].target.target.indicator == "managers-trained-dx"
    assert "Đường nét đứt: chỉ tiêu" in picked.content.decode()


def test_a_nationwide_role_picks_a_province_first(overview: OverviewWorld) -> None:
    client = client_for(overview.users.central_admin)
    response = client.get(PAGE)
    assert response.status_code == 200
    assert list(response.context["provinces"]) == [overview.tree.province]
    text = response.content.decode()
    assert f'href="{PAGE}?unit={overview.tree.province.code}"' in text
    assert "<svg" not in text
    assert client.get(PAGE, {"unit": overview.tree.province.code}).status_code == 200


def test_the_home_and_the_map_lead_to_the_overview_and_back(overview: OverviewWorld) -> None:
    client = client_for(overview.users.province_officer)
    code = overview.tree.province.code
    home = client.get("/").content.decode()
    assert f'href="{PAGE}?unit={code}"' in home
    the_map = client.get(reverse("dashboards:map")).content.decode()
    assert f'href="{PAGE}?unit={code}&amp;indicator={EPAYMENT}"' in the_map


def test_the_page_s_queries_do_not_grow_with_the_communes(overview: OverviewWorld) -> None:
    client = client_for(overview.users.province_officer)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(PAGE).status_code == 200
        return len(queries)

    count()
    before = count()
    more_communes(overview, count=4)
    assert count() == before, "\n".join(q["sql"] for q in connection.queries[-before:])


def test_neither_dashboard_page_loads_a_chart_script(overview: OverviewWorld) -> None:
    """The charts come drawn in the page (first load ≤ 500 KB, and no script that the
    Content-Security-Policy would refuse); the map keeps MapLibre alone."""
    client = client_for(overview.users.province_officer)
    for url in (PAGE, reverse("dashboards:map")):
        text = client.get(url).content.decode()
        assert "vendor/vega" not in text, url
        assert "charts.js" not in text, url


def test_a_plan_read_through_new_units_says_so(overview: OverviewWorld) -> None:
    """A district abolished in 2025 whose commune went into A: its plan is the
    province's too, read on A, and says so."""
    tree = overview.tree
    district = make_district(province=tree.province, code="379", name="Huyện Cũ")
    old = make_commune(province=tree.province, district=district, code="37901", name="Xã Cũ")
    source = UnitSource.objects.create(name="test", version="1")
    UnitLineage.objects.create(predecessor=old, successor=tree.a, kind="whole", source=source)
    for unit in (district, old):
        unit.valid_to = dt.date(2025, 6, 30)
        unit.save(update_fields=["valid_to"])
    plan_make(unit=district, targets=[TARGETS[0]], code="ke-hoach-huyen")
    text = client_for(overview.users.province_officer).get(PAGE).content.decode()
    assert f"Đơn vị của kế hoạch không còn: đọc qua đơn vị mới: {tree.a.name}." in text
