"""The catalogue pages: the sets in force for the reader's province, one set with the
status and source of every fact, a set edited as YAML into a new version (a bad edit
listed by line, nothing saved), and a catalogue file imported (every bad row listed,
nothing saved)."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from pytest_django import DjangoAssertNumQueries

from langso.accounts.testing import client_for
from langso.criteria.catalogue import catalogue_yaml_read
from langso.criteria.management.commands.load_demo_criteria import DEMO
from langso.criteria.models import CriteriaSet
from langso.criteria.selectors.catalogue import criteria_set_sources, criteria_set_yaml
from langso.criteria.services import criteria_catalogue_load, criteria_sets_save
from langso.registry.testing import RegistryTree, RegistryUsers

pytestmark = pytest.mark.django_db

POSTAL_SOURCE = "https://lawnet.vn/en/laws/national-set-of-criteria-for-new-rural-communes"


def _row(html: str, code: str) -> str:
    """The table row of one indicator of a set page."""
    start = html.index(f'id="chi-tieu-{code.replace(".", "")}"')
    return html[start : html.index("</tr>", start)]


def _national(code: str) -> CriteriaSet:
    return CriteriaSet.objects.filter(code=code, province=None).order_by("-version").first()  # type: ignore[return-value]  # the shipped set exists


# --- The list -----------------------------------------------------------------------


def test_the_list_shows_the_sets_in_force_for_the_readers_province(
    demo_sets: RegistryTree, users: RegistryUsers
) -> None:
    """A province officer sees the national sets and the province's own, latest period
    first, who issued each and how many thresholds are unknown, and may import; a
    commune officer of the province sees the same sets and may not import."""
    response = client_for(users.province_officer).get("/tieu-chi/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "xa_ntm_thong_minh" in html
    assert "Xã nông thôn mới thông minh tỉnh Ninh Bình (minh họa)" in html
    assert "Tỉnh Ninh Bình" in html
    assert "Trung ương" in html
    assert "1 ngưỡng chưa có" in html
    assert "318/QĐ-TTg (08/03/2022)" in html
    assert html.index("Giai đoạn 2026-2030") < html.index("Giai đoạn 2021-2025")
    assert "/tieu-chi/nhap-tep/" in html
    commune = client_for(users.officer_a).get("/tieu-chi/").content.decode()
    assert "xa_ntm_thong_minh" in commune
    assert "/tieu-chi/nhap-tep/" not in commune


def test_a_central_admin_sees_national_sets_and_picks_a_province(
    demo_sets: RegistryTree, users: RegistryUsers
) -> None:
    client = client_for(users.central_admin)
    html = client.get("/tieu-chi/").content.decode()
    assert "xa_ntm_2026_2030" in html
    assert "(minh họa)" not in html
    assert 'name="province"' in html
    assert "/tieu-chi/nhap-tep/" in html
    picked = client.get("/tieu-chi/", {"province": demo_sets.province.code}).content.decode()
    assert "Xã nông thôn mới thông minh tỉnh Ninh Bình (minh họa)" in picked
    assert client.get("/tieu-chi/", {"province": "99"}).status_code == 404


def test_the_list_needs_a_login(catalogue: None) -> None:
    assert Client().get("/tieu-chi/").status_code == 302


def test_the_list_costs_the_same_queries_with_more_sets(
    catalogue: None,
    tree: RegistryTree,
    users: RegistryUsers,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    """Measured with the national sets; the province's three sets add no query."""
    client = client_for(users.province_officer)
    with CaptureQueriesContext(connection) as few:
        client.get("/tieu-chi/")
    budget = len(few.captured_queries)
    criteria_catalogue_load(path=DEMO, province=tree.province)
    with django_assert_num_queries(budget):
        response = client.get("/tieu-chi/")
    assert "xa_ntm_thong_minh" in response.content.decode()


# --- One set ------------------------------------------------------------------------


def test_the_detail_shows_an_unknown_threshold_for_the_province_to_enter(
    demo_sets: RegistryTree, users: RegistryUsers
) -> None:
    """The demo smart village's 2.2 has no threshold: the page says so on its row, and a
    province officer gets the link to enter the province's thresholds."""
    response = client_for(users.province_officer).get("/tieu-chi/bo/thon_thong_minh/")
    assert response.status_code == 200
    html = response.content.decode()
    row = _row(html, "2.2")
    assert "chưa có ngưỡng — tỉnh cần nhập" in row
    assert 'href="/chi-so/adults-epayment/"' in row
    assert "Do tỉnh quy định" in row
    assert "chưa có ngưỡng" not in _row(html, "2.1")
    assert "&gt; 70" in _row(html, "2.1")
    assert f"/tieu-chi/bo/thon_thong_minh/nguong/{demo_sets.province.code}/" in html
    assert "<details>" in html
    assert "name_vi: Thôn thông minh tỉnh Ninh Bình (minh họa)" in html
    version = CriteriaSet.objects.get(code="thon_thong_minh", province=demo_sets.province)
    assert timezone.localtime(version.created_at).strftime("%d/%m/%Y") in html


def test_the_detail_shows_the_status_and_source_of_every_fact(
    catalogue: None, users: RegistryUsers
) -> None:
    """8.1 of the shipped NTM 2021-2025 set: verified, its threshold inferred, its
    source linked; the set's and the criterion's statuses and sources shown too."""
    html = client_for(users.central_admin).get("/tieu-chi/bo/xa_ntm_2021_2025/").content.decode()
    row = _row(html, "8.1")
    assert "Đã kiểm chứng" in row
    assert "Suy luận" in row
    assert POSTAL_SOURCE in row
    assert "ít nhất một điểm phục vụ bưu chính" in row
    assert 'href="/chi-so/postal-service-point/"' in row
    assert "s318-tvpl-summary" in html
    assert "Tiêu chí 8" in html
    # One column per region, named, not by its code.
    regions = ("Trung du miền núi phía Bắc", "Đồng bằng sông Hồng", "Đồng bằng sông Cửu Long")
    assert all(f'<th class="num">{region}</th>' in html for region in regions)
    assert '<th class="num">TDMNPB' not in html
    # The central admin may edit the national set.
    assert "/tieu-chi/bo/xa_ntm_2021_2025/sua/" in html


def test_the_edit_and_threshold_links_follow_permissions(
    demo_sets: RegistryTree, users: RegistryUsers
) -> None:
    province = client_for(users.province_officer)
    national = province.get("/tieu-chi/bo/xa_ntm_2021_2025/").content.decode()
    assert "/sua/" not in national
    # 8.1 is a presence and the rest are assessed: no threshold to enter.
    assert "/nguong/" not in national
    own = province.get("/tieu-chi/bo/xa_ntm_thong_minh/").content.decode()
    assert "/tieu-chi/bo/xa_ntm_thong_minh/sua/?province=37" in own
    assert "/tieu-chi/bo/xa_ntm_thong_minh/nguong/37/" in own
    commune = client_for(users.officer_a).get("/tieu-chi/bo/xa_ntm_thong_minh/").content.decode()
    assert "/sua/" not in commune
    assert "/nguong/" not in commune


def test_an_old_version_and_a_missing_set(catalogue: None, users: RegistryUsers) -> None:
    client = client_for(users.central_admin)
    assert client.get("/tieu-chi/bo/khong_co/").status_code == 404
    assert client.get("/tieu-chi/bo/xa_ntm_2021_2025/", {"version": "9"}).status_code == 404
    assert client.get("/tieu-chi/bo/xa_ntm_2021_2025/", {"version": "1"}).status_code == 200


MORE = """
code: xa_ntm_thong_minh
name_vi: "Xã nông thôn mới thông minh (thêm tiêu chí)"
level: commune
years: [2026, 2030]
varies_by: commune_group
status: provincial
criteria:
  - code: "1"
    name_vi: "Chính quyền số"
    status: provincial
    indicators:
      - code: "1.1"
        name_vi: "Hồ sơ trực tuyến"
        kind: computed
        indicator: work-records-online-commune
        comparator: gte
        threshold: 60
        status: provincial
  - code: "2"
    name_vi: "Kinh tế số"
    status: provincial
    source: ["https://example.org/a"]
    indicators:
      - code: "2.1"
        name_vi: "Thanh toán điện tử"
        kind: computed
        indicator: adults-epayment
        comparator: gte
        threshold: {NHOM_1: 80}
        status: provincial
      - {code: "2.2", name_vi: "Đánh giá", kind: assessed, pass_conditions: [a, b]}
  - code: "3"
    name_vi: "Xã hội số"
    status: provincial
    indicators: unknown
conditions:
  - code: "C1"
    name_vi: "Thôn thông minh"
    kind: composite
    set: thon_thong_minh
    over: village
    measure: percent
    comparator: gte
    threshold: 50
    status: provincial
"""


def test_the_detail_costs_the_same_queries_with_more_rows_and_versions(
    demo_sets: RegistryTree,
    users: RegistryUsers,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    client = client_for(users.province_officer)
    url = "/tieu-chi/bo/xa_ntm_thong_minh/"
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    budget = len(few.captured_queries)
    raw, sources = catalogue_yaml_read(MORE)
    criteria_sets_save(
        actor=users.province_officer, raw_sets=raw, sources=sources, province=demo_sets.province
    )
    with django_assert_num_queries(budget):
        response = client.get(url)
    assert "(thêm tiêu chí)" in response.content.decode()


# --- Editing as YAML ----------------------------------------------------------------


def test_a_central_admin_edits_a_national_set_into_a_new_version(
    catalogue: None, users: RegistryUsers
) -> None:
    client = client_for(users.central_admin)
    url = "/tieu-chi/bo/xa_ntm_2021_2025/sua/"
    page = client.get(url)
    assert page.status_code == 200
    text = page.context["form"].initial["text"]
    assert text.startswith("code: xa_ntm_2021_2025\nname_vi:")
    # Saved unchanged, it is the same version.
    same = client.post(url, {"text": text}, follow=True)
    assert "Không có thay đổi" in same.content.decode()
    assert _national("xa_ntm_2021_2025").version == 1
    edited = text.replace("Xã có điểm phục vụ bưu chính", "Xã có điểm phục vụ bưu chính công cộng")
    response = client.post(url, {"text": edited})
    assert response.status_code == 302
    assert response["Location"] == "/tieu-chi/bo/xa_ntm_2021_2025/?province="
    latest = _national("xa_ntm_2021_2025")
    assert latest.version == 2
    assert latest.created_by == users.central_admin
    # The sources named by id in the YAML were kept.
    assert latest.sources == _national_v1_sources()
    html = client.get(response["Location"]).content.decode()
    assert "điểm phục vụ bưu chính công cộng" in html
    assert "v1" in html
    assert "v2" in html


def _national_v1_sources() -> list[dict[str, str]]:
    first = CriteriaSet.objects.get(code="xa_ntm_2021_2025", province=None, version=1)
    sources: list[dict[str, str]] = first.sources
    return sources


def test_a_bad_edit_lists_the_line_and_reason_and_adds_nothing(
    catalogue: None, users: RegistryUsers
) -> None:
    """An unknown indicator: the error names the line of 8.1 and the reason."""
    text = criteria_set_yaml(_national("xa_ntm_2021_2025").spec)
    edited = text.replace("indicator: postal-service-point", "indicator: khong-co-chi-so")
    line = next(n for n, t in enumerate(edited.splitlines(), start=1) if "code: '8.1'" in t)
    response = client_for(users.central_admin).post(
        "/tieu-chi/bo/xa_ntm_2021_2025/sua/", {"text": edited}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "chỉ số “khong-co-chi-so” không có trong danh mục chỉ số" in html
    assert re.search(rf'<td class="num">{line}</td>\s*<td>indicator</td>', html)
    assert "khong-co-chi-so" in response.context["form"]["text"].value()
    assert CriteriaSet.objects.filter(code="xa_ntm_2021_2025").count() == 1


def test_unreadable_yaml_and_another_code_are_refused(
    catalogue: None, users: RegistryUsers
) -> None:
    client = client_for(users.central_admin)
    url = "/tieu-chi/bo/xa_ntm_2021_2025/sua/"
    broken = client.post(url, {"text": "code: xa_ntm_2021_2025\nname_vi: [unclosed\n"})
    assert broken.status_code == 200
    assert 'id="catalogue-errors"' in broken.content.decode()
    other = client.post(url, {"text": "code: khac\nname_vi: Khác\n"})
    assert "không đổi được mã" in other.content.decode()
    assert CriteriaSet.objects.filter(code="khac").count() == 0


def test_only_those_who_issue_a_set_may_edit_it(
    demo_sets: RegistryTree, users: RegistryUsers
) -> None:
    """National: central admins only. The province's own: its officers, whose saved
    edit is the province's next version."""
    province = client_for(users.province_officer)
    assert province.get("/tieu-chi/bo/xa_ntm_2021_2025/sua/").status_code == 403
    assert (
        client_for(users.officer_a).get("/tieu-chi/bo/thon_thong_minh/sua/?province=37").status_code
        == 403
    )
    url = "/tieu-chi/bo/thon_thong_minh/sua/?province=37"
    text = province.get(url).context["form"].initial["text"]
    response = province.post(url, {"text": text.replace("threshold: 70", "threshold: 75")})
    assert response.status_code == 302
    latest = CriteriaSet.objects.filter(code="thon_thong_minh", province=demo_sets.province)
    assert latest.order_by("-version").first().version == 2  # type: ignore[union-attr]  # two versions now


# --- Importing a file ---------------------------------------------------------------


def _xlsx(threshold: Any) -> bytes:
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = "bo_tieu_chi"
    for key, value in {
        "code": "thon_thong_minh",
        "name_vi": "Thôn thông minh (từ tệp)",
        "level": "village",
        "years": "2026-2030",
        "status": "provincial",
    }.items():
        sheet.append([key, value])
    rows = book.create_sheet("chi_tieu")
    rows.append(
        ["tieu_chi", "ten_tieu_chi", "ma", "ten", "cach_danh_gia", "chi_so", "so_sanh", "nguong"]
    )
    rows.append(
        ["1", "Hạ tầng số", "1.2", "Tổ công nghệ số hoạt động", "assessed", None, None, None]
    )
    rows.append(
        [
            "1",
            "Hạ tầng số",
            "1.1",
            "Hộ có cáp quang",
            "computed",
            "households-fibre",
            "gt",
            threshold,
        ]
    )
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def _upload(data: bytes, name: str = "bo.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def test_a_province_officer_imports_an_xlsx_set(
    catalogue: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    client = client_for(users.province_officer)
    page = client.get("/tieu-chi/nhap-tep/")
    assert page.status_code == 200
    response = client.post(
        "/tieu-chi/nhap-tep/", {"file": _upload(_xlsx(80)), "province": tree.province.code}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Thôn thông minh (từ tệp) v1</a> · <code>thon_thong_minh</code>" in html
    stored = CriteriaSet.objects.get(code="thon_thong_minh", province=tree.province)
    assert stored.name_vi == "Thôn thông minh (từ tệp)"
    assert stored.indicators.get(code="1.1").thresholds == {"*": "80"}


def test_a_bad_xlsx_names_the_row_and_saves_nothing(
    catalogue: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    response = client_for(users.province_officer).post(
        "/tieu-chi/nhap-tep/",
        {"file": _upload(_xlsx("tám mươi")), "province": tree.province.code},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "không có bộ tiêu chí nào được lưu" in html
    assert re.search(r'<td class="num">3</td>\s*<td>threshold</td>', html)
    assert "ngưỡng “tám mươi” của * không phải là số" in html
    assert not CriteriaSet.objects.filter(province=tree.province).exists()


def test_a_central_admin_imports_national_yaml_and_others_are_refused(
    catalogue: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    national = _national("thon_thong_minh")
    spec = dict(national.spec) | {"name_vi": "Mô hình thôn thông minh (sửa)"}
    body = yaml.safe_dump(
        {"sources": criteria_set_sources(national), "sets": [spec]}, allow_unicode=True
    )
    response = client_for(users.central_admin).post(
        "/tieu-chi/nhap-tep/", {"file": _upload(body.encode(), "bo.yaml"), "province": ""}
    )
    assert response.status_code == 200, response.content.decode()
    assert "Mô hình thôn thông minh (sửa) v2" in response.content.decode()
    assert _national("thon_thong_minh").version == 2
    for user in (users.officer_a, users.nobody):
        assert client_for(user).get("/tieu-chi/nhap-tep/").status_code == 403
    # A province officer cannot import for the nation: the province is required.
    refused = client_for(users.province_officer).post(
        "/tieu-chi/nhap-tep/", {"file": _upload(_xlsx(80)), "province": ""}
    )
    assert refused.status_code == 200
    assert not CriteriaSet.objects.filter(province=tree.province).exists()
    other = client_for(users.central_admin).post(
        "/tieu-chi/nhap-tep/", {"file": _upload(b"x", "bo.csv"), "province": ""}
    )
    assert ".yaml, .yml hoặc .xlsx" in other.content.decode()


def test_the_xlsx_template_has_both_sheets_and_imports_as_is(
    catalogue: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    client = client_for(users.province_officer)
    response = client.get("/tieu-chi/nhap-tep/", {"template": "1"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    book = load_workbook(io.BytesIO(response.content))
    assert {"bo_tieu_chi", "chi_tieu"} <= set(book.sheetnames)
    header = [c.value for c in book["chi_tieu"][1]]
    assert {"tieu_chi", "ma", "cach_danh_gia", "nguong", "nguong_TDMNPB", "nguong_NHOM_1"} <= set(
        header
    )
    imported = client.post(
        "/tieu-chi/nhap-tep/",
        {"file": _upload(response.content, "mau.xlsx"), "province": tree.province.code},
    )
    assert "v1</a> · <code>thon_thong_minh</code>" in imported.content.decode()
