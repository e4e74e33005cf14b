"""A commune's scorecard: the reader's scope, the default set and the picker, a computed
indicator's value, threshold and gap as a person would work them out, an officer's
assessment with its evidence, the exports, and a query budget that does not grow with
households."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from langso.accounts.testing import client_for
from langso.criteria.models import CriteriaSet
from langso.criteria.services import assessment_record, commune_classification_set
from langso.places.models import Kind
from langso.places.testing import make_commune
from langso.registry.testing import RegistryTree, RegistryUsers, create_household

pytestmark = pytest.mark.django_db

YEAR = 2026
SMART = "xa_ntm_thong_minh"


def _url(unit: Any, **params: Any) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"/tieu-chi/don-vi/{unit.code}/" + (f"?{query}" if query else "")


def _text(html: str) -> str:
    """The page's text, tags dropped and spaces folded, to read it as a person would."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _row(html: str, code: str) -> str:
    """The text of the table row of indicator `code`."""
    for row in re.findall(r"<tr class=\"band-[a-z_]+\">(.*?)</tr>", html, re.S):
        if re.search(rf"<td>{re.escape(code)}</td>", row):
            return _text(row)
    raise AssertionError(f"no row for {code}")


def _smart_commune_a(tree: RegistryTree, users: RegistryUsers) -> None:
    """Commune A in group 1, with 9 adults of whom 5 pay electronically (55.6 %)."""
    commune_classification_set(
        actor=users.province_officer, unit=tree.a, year=YEAR, commune_group="NHOM_1"
    )
    for village, adults, paying in ((tree.a1, 4, 3), (tree.a2, 3, 1), (tree.a2, 2, 1)):
        create_household(
            actor=users.officer_a,
            village=village,
            members=adults,
            adults=adults,
            adults_epayment=paying,
            adults_smartphone=1,
        )


def test_the_reader_sees_only_communes_in_scope(
    demo_sets: RegistryTree, users: RegistryUsers
) -> None:
    """Anonymous readers are sent to sign in; a commune outside the reader's scope is not
    found, whether the reader has no role or another commune's."""
    url = _url(demo_sets.a)
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert "/tai-khoan/" in anonymous["Location"]
    assert client_for(users.nobody).get(url).status_code == 404
    assert client_for(users.officer_b).get(url).status_code == 404
    assert client_for(users.village_head_a1).get(url).status_code == 404
    assert client_for(users.officer_a).get(_url(demo_sets.b)).status_code == 404
    for name in ("officer_a", "digital_team_a", "province_officer", "central_admin"):
        assert client_for(users.of(name)).get(url).status_code == 200, name
    assert client_for(users.officer_a).get("/tieu-chi/don-vi/99999/").status_code == 404


def test_the_default_set_is_one_of_the_year_that_can_be_evaluated(
    demo_sets: RegistryTree, users: RegistryUsers
) -> None:
    """2026: the national 2026-2030 set is in force but its criteria are all unknown, so
    the province's smart-commune set is shown, the page says why and links to the
    national one; asked for, the national set is shown, said to be mostly unknown, with
    the complete set offered. 2025 likewise (the national 2021-2025 set is mostly
    unknown). A set of another level is refused kindly."""
    client = client_for(users.officer_a)
    html = client.get(_url(demo_sets.a, year=YEAR)).content.decode()
    assert f'<option value="{SMART}" selected>' in html
    assert '<option value="xa_ntm_2026_2030">' in html
    assert '<option value="thon_thong_minh"' not in html
    text = _text(html)
    assert "đang có hiệu lực nhưng phần lớn chỉ tiêu chưa đánh giá được" in text
    assert f'href="?set=xa_ntm_2026_2030&amp;year={YEAR}"' in html
    national = client.get(_url(demo_sets.a, set="xa_ntm_2026_2030", year=YEAR)).content.decode()
    assert '<option value="xa_ntm_2026_2030" selected>' in national
    assert "0/10 tiêu chí" in _text(national)
    assert "chỉ 0/47 chỉ tiêu rõ nội dung và có ngưỡng" in _text(national)
    assert f'href="?set={SMART}&amp;year={YEAR}"' in national
    old = client.get(_url(demo_sets.a, year=2025)).content.decode()
    assert '<option value="xa_chuyen_doi_so_2025" selected>' in old
    assert '<option value="xa_ntm_2021_2025">' in old
    refused = client.get(_url(demo_sets.a, set="thon_thong_minh", year=YEAR))
    assert refused.status_code == 200
    assert "không áp dụng cho đơn vị này" in refused.content.decode()
    assert client.get(_url(demo_sets.a, year="20x6")).status_code == 404
    assert client.get(_url(demo_sets.a, format="pdf")).status_code == 404


def test_a_ward_is_told_the_sets_do_not_apply_to_it(
    demo_sets: RegistryTree, users: RegistryUsers
) -> None:
    """A phường's own scorecard says the NTM sets do not apply to it, with no "?" and no
    set to pick; its export is refused."""
    ward = make_commune(
        province=demo_sets.province, code="37990", name="Phường Hoa Lư", kind=Kind.PHUONG
    )
    client = client_for(users.province_officer)
    html = client.get(_url(ward, year=YEAR)).content.decode()
    text = _text(html)
    assert "Bộ tiêu chí nông thôn mới không áp dụng cho phường" in text
    assert "Phường Hoa Lư không thuộc diện xét" in text
    assert '<select id="set"' not in html
    assert "st-missing" not in html
    assert client.get(_url(ward, year=YEAR, format="csv")).status_code == 404


def test_a_village_goes_to_its_checklist(demo_sets: RegistryTree, users: RegistryUsers) -> None:
    response = client_for(users.officer_a).get(_url(demo_sets.a1, year=YEAR))
    assert response.status_code == 302
    assert response["Location"] == f"/tieu-chi/thon/{demo_sets.a1.code}/?year={YEAR}"


def test_a_computed_indicator_shows_value_threshold_and_gap(
    demo_sets: RegistryTree, users: RegistryUsers
) -> None:
    """Indicator 2.1 (e-payment, group 1: ≥ 80 %): 5 of 9 adults is 55.6 %, 24.4 points
    short; 80 % of 9 is 7.2, so 8 adults are needed: 3 more people."""
    _smart_commune_a(demo_sets, users)
    html = client_for(users.officer_a).get(_url(demo_sets.a, set=SMART, year=YEAR)).content.decode()
    row = _row(html, "2.1")
    assert "55,6 %" in row
    assert "(5/9)" in row
    assert "≥ 80 %" in row
    assert "Chưa đạt" in row
    assert "còn thiếu 24,4 điểm phần trăm (còn 3 người)" in row
    # The indicator the line is computed from, by its name.
    assert "chỉ số “Tỷ lệ người từ 15 tuổi trở lên có tài khoản thanh toán điện tử” v1" in row
    assert "adults-epayment" not in _text(row)
    assert "Do tỉnh quy định" in row
    text = _text(html)
    assert "Ngưỡng áp dụng: Xã nhóm 1 (phân loại năm 2026)" in text
    # What is missing comes first, failures before missing data.
    assert text.index("Còn thiếu") < text.index("Các tiêu chí")
    short = text[text.index("Còn thiếu") : text.index("Các tiêu chí")]
    assert short.index("2. Kinh tế số") < short.index("1. Chính quyền số")
    assert "Kỳ số liệu 2026" in text
    assert "chưa chốt" in text
    assert 'class="band-fail"' in html
    assert 'class="st st-fail"' in html


def test_an_unknown_threshold_says_the_province_must_enter_it(
    demo_sets: RegistryTree, users: RegistryUsers
) -> None:
    """Group 3 has no threshold for 3.1 (households with a smartphone) in the demo set."""
    commune_classification_set(
        actor=users.province_officer, unit=demo_sets.a, year=YEAR, commune_group="NHOM_3"
    )
    create_household(actor=users.officer_a, village=demo_sets.a1, members=2, adults_smartphone=1)
    html = client_for(users.officer_a).get(_url(demo_sets.a, set=SMART, year=YEAR)).content.decode()
    row = _row(html, "3.1")
    assert "100,0 %" in row
    assert "chưa có ngưỡng — tỉnh cần nhập" in row
    assert "! Chưa có ngưỡng — tỉnh cần nhập" in row


def test_an_assessed_criterion_shows_the_finding_and_who_may_assess(
    demo_sets: RegistryTree, users: RegistryUsers, settings: Any, tmp_path: Any
) -> None:
    """The officer's verdict, note and evidence show on the row; the assess link shows to
    those who may assess, the classification link to those who may classify."""
    settings.MEDIA_ROOT = tmp_path
    national = CriteriaSet.objects.get(code="xa_ntm_2026_2030", province=None)
    assessment_record(
        actor=users.officer_a,
        criteria_set=national,
        indicator_code="1",
        unit=demo_sets.a,
        year=YEAR,
        verdict="pass",
        note="Quy hoạch chung xã đã duyệt",
        evidence=[SimpleUploadedFile("quyet-dinh.pdf", b"%PDF-1.4")],
    )
    page = _url(demo_sets.a, set="xa_ntm_2026_2030", year=YEAR)
    html = client_for(users.officer_a).get(page).content.decode()
    row = _row(html, "1")
    assert f"Đạt — {users.officer_a}, " in row
    assert "Quy hoạch chung xã đã duyệt" in row
    assert "Minh chứng: tệp 1" in row
    assert re.search(r'href="/tieu-chi/minh-chung/\d+/" title="quyet-dinh.pdf"', html)
    assess = f"/tieu-chi/don-vi/{demo_sets.a.code}/danh-gia/xa_ntm_2026_2030/1/?year={YEAR}"
    assert assess in html
    assert "1/10 tiêu chí" in _text(html)
    assert "/phan-loai/" not in html
    team = client_for(users.digital_team_a).get(page).content.decode()
    assert "/danh-gia/" not in team
    province = client_for(users.province_officer).get(page).content.decode()
    assert f"/tieu-chi/don-vi/{demo_sets.a.code}/phan-loai/?year={YEAR}" in province


def _export_expected(tree: RegistryTree) -> list[Any]:
    return [
        tree.a.code,
        tree.a.name,
        SMART,
        1,
        YEAR,
        "2",
        "2.1",
        "Người trưởng thành có tài khoản thanh toán điện tử",
        "55.56",
        "5",
        "9",
        "≥",
        "80",
        "Xã nhóm 1",
        "Chưa đạt",
        "24.44",
        "3",
        "1",
    ]


def test_the_csv_export_has_one_row_per_indicator(
    demo_sets: RegistryTree, users: RegistryUsers
) -> None:
    _smart_commune_a(demo_sets, users)
    response = client_for(users.officer_a).get(
        _url(demo_sets.a, set=SMART, year=YEAR, format="csv")
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f"tieu-chi-{demo_sets.a.code}-{SMART}-{YEAR}.csv" in response["Content-Disposition"]
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content.removeprefix("\ufeff"))))
    assert rows[0][:3] == ["Mã đơn vị", "Tên đơn vị", "Mã bộ tiêu chí"]
    assert [r[6] for r in rows[1:]] == ["1.1", "1.2", "2.1", "3.1", "3.2", "4.1"]
    row = next(r for r in rows if r[6] == "2.1")
    assert row == [str(v) for v in _export_expected(demo_sets)]
    composite = next(r for r in rows if r[6] == "4.1")
    assert composite[8:11] == ["0", "0", "2"]
    assert composite[17] == ""


def test_the_xlsx_export_reads_back(demo_sets: RegistryTree, users: RegistryUsers) -> None:
    _smart_commune_a(demo_sets, users)
    response = client_for(users.officer_a).get(
        _url(demo_sets.a, set=SMART, year=YEAR, format="xlsx")
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    assert sheet is not None
    # "Xã nông thôn mới thông minh tỉnh Ninh Bình (minh họa)", in 31 characters.
    assert sheet.title == "Xã NTM thông minh 2026-2030"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][14] == "Kết quả"
    assert len(rows) == 7
    row = next(r for r in rows if r[6] == "2.1")
    expected = _export_expected(demo_sets)
    assert list(row[:8]) == expected[:8]
    assert row[8] == pytest.approx(55.56)
    assert (row[9], row[10]) == (5, 9)
    assert row[11:15] == ("≥", 80, "Xã nhóm 1", "Chưa đạt")
    assert row[15] == pytest.approx(24.44)
    assert (row[16], row[17]) == (3, 1)


def test_the_scorecard_costs_the_same_queries_with_more_households(
    demo_sets: RegistryTree, users: RegistryUsers
) -> None:
    """One household or many across villages: the same queries, for either set."""
    client = client_for(users.officer_a)
    create_household(actor=users.officer_a, village=demo_sets.a1, members=2, adults=2)
    for code in (SMART, "xa_ntm_2026_2030"):
        url = _url(demo_sets.a, set=code, year=YEAR)
        with CaptureQueriesContext(connection) as one:
            assert client.get(url).status_code == 200
        budget = len(one.captured_queries)
        for village in (demo_sets.a1, demo_sets.a2, demo_sets.a2):
            create_household(
                actor=users.officer_a,
                village=village,
                members=3,
                adults=3,
                adults_epayment=1,
                broadband="fibre",
            )
        with CaptureQueriesContext(connection) as many:
            assert client.get(url).status_code == 200
        assert len(many.captured_queries) == budget, "\n".join(
            q["sql"] for q in many.captured_queries
        )
