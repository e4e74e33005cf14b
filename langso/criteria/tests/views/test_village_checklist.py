"""A village's smart-village checklist: the province's set in force, each indicator met
(✓), not met (✗) or unknown (?) with its figure, threshold and gap, a threshold the
province has not entered said as such, the reader's scope, and a page without script
of its own."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from langso.accounts.testing import client_for
from langso.indicators.services.reported import reported_value_set
from langso.places.models import Kind
from langso.places.testing import make_village
from langso.registry.testing import RegistryTree, RegistryUsers, create_household

pytestmark = pytest.mark.django_db

YEAR = 2026


def _url(unit: Any) -> str:
    return f"/tieu-chi/thon/{unit.code}/?year={YEAR}"


def _item(html: str, code: str) -> str:
    """The checklist item of indicator `code`, as text, with its status class first."""
    for status, body in re.findall(r'<li class="check band-([a-z_]+)">(.*?)</li>', html, re.S):
        if f"<strong>{code}</strong>" in body:
            return " ".join([status, *re.sub(r"<[^>]+>", " ", body).split()])
    raise AssertionError(f"no item for {code}")


def test_each_indicator_is_met_not_met_or_unknown(
    demo_sets: RegistryTree, users: RegistryUsers
) -> None:
    """Village A1 with two households on fibre and 2 of 8 adults with a smartphone:
    fibre 100 % > 80 % is met; smartphones 25 % against > 70 % is 45 points short, and
    70 % of 8 is 5.6, so 6 adults are needed: 4 more people; free wifi reported present
    is met, a digital team reported absent is not; 4G/5G has no data."""
    for adults, phones in ((4, 2), (4, 0)):
        create_household(
            actor=users.officer_a,
            village=demo_sets.a1,
            members=adults,
            adults=adults,
            adults_smartphone=phones,
            broadband="fibre",
        )
    for code, present in (("village-free-wifi", 1), ("village-digital-team-working", 0)):
        reported_value_set(
            actor=users.officer_a,
            code=code,
            unit=demo_sets.a1,
            period=str(YEAR),
            numerator=present,
        )
    html = client_for(users.village_head_a1).get(_url(demo_sets.a1)).content.decode()
    assert "Thôn thông minh tỉnh Ninh Bình (minh họa)" in html
    assert _item(html, "1.1").startswith("pass ✓")
    assert "100,0 % (2/2) · ngưỡng &gt; 80 %" in _item(html, "1.1")
    smartphones = _item(html, "2.1")
    assert smartphones.startswith("fail ✗")
    assert "25,0 % (2/8) · ngưỡng &gt; 70 %" in smartphones
    assert "còn thiếu 45,0 điểm phần trăm (còn 4 người)" in smartphones
    assert _item(html, "1.2").startswith("missing ?")
    assert "không có dữ liệu" in _item(html, "1.2")
    assert _item(html, "1.3").startswith("pass ✓")
    assert " có · ngưỡng có" in _item(html, "1.3")
    team = _item(html, "3.1")
    assert team.startswith("fail ✗")
    assert "không · ngưỡng có" in team
    assert "chưa có" in team
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "0/3 tiêu chí ✗ Chưa đạt" in text


def test_an_unknown_threshold_says_the_province_must_enter_it(
    demo_sets: RegistryTree, users: RegistryUsers
) -> None:
    """Demo indicator 2.2 (e-payment) has no threshold: said with or without figures."""
    client = client_for(users.officer_a)
    empty = _item(client.get(_url(demo_sets.a1)).content.decode(), "2.2")
    assert "chưa có ngưỡng — tỉnh cần nhập" in empty
    create_household(
        actor=users.officer_a, village=demo_sets.a1, members=4, adults=4, adults_epayment=3
    )
    item = _item(client.get(_url(demo_sets.a1)).content.decode(), "2.2")
    assert item.startswith("no_threshold !")
    assert "75,0 % (3/4) · chưa có ngưỡng — tỉnh cần nhập" in item


def test_the_national_framework_stands_where_the_province_has_no_set(
    catalogue: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    """Without the province's own rules, the one criterion is assessed by an officer."""
    html = client_for(users.officer_a).get(_url(tree.a1)).content.decode()
    assert (
        'Mô hình thôn thông minh (do <abbr title="Ủy ban nhân dân" tabindex="0">UBND</abbr>'
        " cấp tỉnh quy định)" in html
    )
    item = _item(html, "1")
    assert item.startswith("missing ?")
    assert "chưa đánh giá" in item
    assert f"/tieu-chi/don-vi/{tree.a1.code}/danh-gia/thon_thong_minh/1/?year={YEAR}" in html
    head = client_for(users.village_head_a1).get(_url(tree.a1)).content.decode()
    assert "/danh-gia/" not in head


def test_a_street_group_is_told_the_village_set_does_not_apply(
    demo_sets: RegistryTree, users: RegistryUsers
) -> None:
    """A tổ dân phố is not a subject of the smart-village set: its page says so and
    shows no checklist of "?"."""
    street = make_village(commune=demo_sets.a, code="37001-09", name="Tổ dân phố 9")
    street.kind = Kind.TO_DAN_PHO
    street.save(update_fields=["kind"])
    html = client_for(users.officer_a).get(_url(street)).content.decode()
    assert "Bộ tiêu chí nông thôn mới không áp dụng cho tổ dân phố" in html
    assert "Tổ dân phố 9 không thuộc diện xét" in html
    assert 'class="checklist"' not in html
    assert 'class="summary"' not in html


def test_the_reader_sees_only_villages_in_scope(
    demo_sets: RegistryTree, users: RegistryUsers
) -> None:
    url = _url(demo_sets.a1)
    assert Client().get(url).status_code == 302
    for name in ("nobody", "officer_b"):
        assert client_for(users.of(name)).get(url).status_code == 404, name
    assert client_for(users.village_head_a1).get(_url(demo_sets.a2)).status_code == 404
    for name in ("village_head_a1", "officer_a", "digital_team_a", "province_officer"):
        assert client_for(users.of(name)).get(url).status_code == 200, name
    commune = client_for(users.officer_a).get(_url(demo_sets.a))
    assert commune.status_code == 302
    assert commune["Location"] == f"/tieu-chi/don-vi/{demo_sets.a.code}/?year={YEAR}"


def test_the_page_needs_no_script_and_a_fixed_number_of_queries(
    demo_sets: RegistryTree, users: RegistryUsers
) -> None:
    """No script beyond the site's own (the page is plain HTML and a form); one
    household or many, the same queries."""
    client = client_for(users.village_head_a1)
    create_household(actor=users.officer_a, village=demo_sets.a1, members=2, adults=2)
    with CaptureQueriesContext(connection) as one:
        html = client.get(_url(demo_sets.a1)).content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert "<script" not in main
    assert "onclick" not in main
    for adults in (1, 2, 3, 4):
        create_household(
            actor=users.officer_a,
            village=demo_sets.a1,
            members=adults,
            adults=adults,
            adults_smartphone=1,
            broadband="fibre",
        )
    with CaptureQueriesContext(connection) as many:
        client.get(_url(demo_sets.a1))
    assert len(many.captured_queries) == len(one.captured_queries), "\n".join(
        q["sql"] for q in many.captured_queries
    )
