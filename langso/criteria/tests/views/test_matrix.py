"""The province's matrix of communes × criteria: the reader's scope, coloured cells and
tier counts, the "one criterion short" filter naming the criterion, the exports, and a
query budget that does not grow with communes and households."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from langso.accounts.testing import client_for
from langso.criteria.testing import criteria_assess_met
from langso.places.models import Kind
from langso.places.testing import make_commune, make_village
from langso.registry.testing import RegistryTree, RegistryUsers, create_household

pytestmark = pytest.mark.django_db

YEAR = 2026
NATIONAL = "xa_ntm_2026_2030"
LAST = "10. Tiếp cận pháp luật và an ninh, quốc phòng"


def _url(tree: RegistryTree, **params: Any) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"year": YEAR, **params}.items())
    return f"/tieu-chi/tinh/{tree.province.code}/?{query}"


def _assess(tree: RegistryTree, users: RegistryUsers) -> None:
    """Commune A meets criteria 1-9 of the national set, criterion 10 not yet assessed;
    commune B meets all ten."""
    for unit, met in ((tree.a, 9), (tree.b, 10)):
        criteria_assess_met(actor=users.province_officer, unit=unit, met=met, year=YEAR)


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr class="commune" data-code="([^"]+)"', html)


def test_only_readers_of_the_whole_province_see_it(
    demo_sets: RegistryTree, users: RegistryUsers
) -> None:
    """Anonymous readers are sent to sign in; a commune officer or a user without a role
    finds no such province; a commune's code goes to its scorecard."""
    url = _url(demo_sets)
    assert Client().get(url).status_code == 302
    for name in ("nobody", "officer_a", "village_head_a1"):
        assert client_for(users.of(name)).get(url).status_code == 404, name
    for name in ("province_officer", "central_admin"):
        assert client_for(users.of(name)).get(url).status_code == 200, name
    commune = client_for(users.province_officer).get(f"/tieu-chi/tinh/{demo_sets.a.code}/")
    assert commune.status_code == 302
    assert commune["Location"].startswith(f"/tieu-chi/don-vi/{demo_sets.a.code}/")


def test_the_matrix_shows_communes_criteria_and_tiers(
    demo_sets: RegistryTree, users: RegistryUsers
) -> None:
    _assess(demo_sets, users)
    html = client_for(users.province_officer).get(_url(demo_sets, set=NATIONAL)).content.decode()
    assert _rows(html) == [demo_sets.a.code, demo_sets.b.code]
    assert f'<option value="{NATIONAL}" selected>' in html
    # 10 criteria per commune: A 9 met and one not assessed, B all met.
    assert html.count('<td class="cell"><span class="st st-pass"') == 19
    assert html.count('<td class="cell"><span class="st st-missing"') == 1
    assert f'title="{LAST}: Thiếu dữ liệu"' in html
    assert "9/10" in html
    assert "10/10" in html
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "1/2 xã đạt “Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2026-2030”" in text
    assert "0/2 xã đạt “Xã nông thôn mới thông minh tỉnh Ninh Bình (minh họa)”" in text
    assert "Thiếu đúng 1 tiêu chí (1 xã)" in text
    scorecard = f"/tieu-chi/don-vi/{demo_sets.a.code}/?set={NATIONAL}&amp;year={YEAR}"
    assert f'href="{scorecard}"' in html


def test_the_matrix_leaves_wards_out_and_says_so(
    demo_sets: RegistryTree, users: RegistryUsers
) -> None:
    """Phường are not rows, the tier counts are "x/2 xã", and the page says how many
    units were left out and why; by default the matrix shows the set that can be
    evaluated, and says the national one in force could not be."""
    for n in (1, 2, 3):
        make_commune(
            province=demo_sets.province, code=f"3790{n}", name=f"Phường {n}", kind=Kind.PHUONG
        )
    _assess(demo_sets, users)
    client = client_for(users.province_officer)
    html = client.get(_url(demo_sets, set=NATIONAL)).content.decode()
    assert _rows(html) == [demo_sets.a.code, demo_sets.b.code]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "1/2 xã đạt “Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2026-2030”" in text
    assert "3 phường không thuộc diện xét nông thôn mới, không được tính." in text
    assert "Phần lớn chỉ tiêu của bộ này chưa đánh giá được" in text
    default = client.get(_url(demo_sets)).content.decode()
    assert '<option value="xa_ntm_thong_minh" selected>' in default
    assert "đang có hiệu lực nhưng phần lớn chỉ tiêu chưa đánh giá được" in default
    assert _rows(default) == [demo_sets.a.code, demo_sets.b.code]


def test_the_missing_one_filter_names_the_criterion(
    demo_sets: RegistryTree, users: RegistryUsers
) -> None:
    _assess(demo_sets, users)
    html = (
        client_for(users.province_officer)
        .get(_url(demo_sets, set=NATIONAL, filter="missing-one"))
        .content.decode()
    )
    assert _rows(html) == [demo_sets.a.code]
    assert f'<td class="missing">{LAST}</td>' in html
    assert "Xem tất cả các xã" in html
    empty = (
        client_for(users.province_officer)
        .get(_url(demo_sets, set="xa_ntm_thong_minh", filter="missing-one"))
        .content.decode()
    )
    assert _rows(empty) == []
    assert "Không có xã nào thiếu đúng 1 tiêu chí." in empty


def test_the_csv_export_has_one_row_per_commune(
    demo_sets: RegistryTree, users: RegistryUsers
) -> None:
    _assess(demo_sets, users)
    client = client_for(users.province_officer)
    response = client.get(_url(demo_sets, set=NATIONAL, format="csv"))
    assert response.status_code == 200
    assert f"ma-tran-37-{NATIONAL}-{YEAR}.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8").removeprefix("\ufeff"))))
    assert rows[0][:3] == ["Mã xã", "Tên xã", "Tiêu chí 1. Quy hoạch"]
    assert rows[0][-3:] == ["Số tiêu chí đạt", "Tổng số tiêu chí", "Kết quả"]
    assert rows[1] == [
        demo_sets.a.code,
        demo_sets.a.name,
        *["Đạt"] * 9,
        "Thiếu dữ liệu",
        "9",
        "10",
        "Thiếu dữ liệu",
    ]
    assert rows[2] == [demo_sets.b.code, demo_sets.b.name, *["Đạt"] * 10, "10", "10", "Đạt"]
    filtered = client.get(_url(demo_sets, set=NATIONAL, filter="missing-one", format="csv"))
    assert len(list(csv.reader(io.StringIO(filtered.content.decode("utf-8"))))) == 2


def test_the_xlsx_export_reads_back(demo_sets: RegistryTree, users: RegistryUsers) -> None:
    _assess(demo_sets, users)
    response = client_for(users.province_officer).get(_url(demo_sets, set=NATIONAL, format="xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    assert sheet is not None
    # Named by the set's Vietnamese name, shortened, never by its code.
    assert sheet.title == "Xã NTM 2026-2030"
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3
    assert rows[1][:2] == (demo_sets.a.code, demo_sets.a.name)
    assert rows[1][-4:] == ("Thiếu dữ liệu", 9, 10, "Thiếu dữ liệu")
    assert rows[2][-3:] == (10, 10, "Đạt")


def _count(client: Client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries), "\n".join(q["sql"] for q in captured.captured_queries)


def test_the_matrix_costs_the_same_queries_with_more_communes(
    demo_sets: RegistryTree, users: RegistryUsers
) -> None:
    """Two communes or five, with villages and households: the same queries, for the
    national set and for the smart-commune set (computed and composite indicators)."""
    _assess(demo_sets, users)
    client = client_for(users.province_officer)
    urls = [_url(demo_sets, set=NATIONAL), _url(demo_sets, set="xa_ntm_thong_minh")]
    create_household(actor=users.officer_a, village=demo_sets.a1, members=2, adults=2)
    budgets = [_count(client, url)[0] for url in urls]
    for n in range(3, 6):
        commune = make_commune(province=demo_sets.province, code=f"37{n:03d}", name=f"Xã Thêm {n}")
        for v in (1, 2):
            village = make_village(
                commune=commune, code=f"{commune.code}-{v:02d}", name=f"Thôn {v} Thêm {n}"
            )
            create_household(
                actor=users.province_officer,
                village=village,
                members=3,
                adults=3,
                adults_epayment=2,
                adults_smartphone=1,
                broadband="fibre",
            )
    for url, budget in zip(urls, budgets, strict=True):
        count, sql = _count(client, url)
        assert count == budget, sql
    assert len(_rows(client.get(urls[0]).content.decode())) == 5
