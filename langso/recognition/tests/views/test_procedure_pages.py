"""The procedure pages: the procedures in force for the reader's province, one
procedure with its steps, who acts, documents, deadlines and thresholds in Vietnamese
(no internal code shown), its YAML, a province's variant uploaded (errors by line) and
a satisfaction threshold entered; each open only to whom it belongs."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoAssertNumQueries

from langso.accounts.roles import Role
from langso.accounts.testing import client_for
from langso.accounts.tests.factories import make_role_holder
from langso.places.testing import make_province
from langso.recognition.models import Procedure
from langso.recognition.selectors.procedures import procedure_spec
from langso.recognition.services.procedures import procedure_threshold_set
from langso.registry.testing import RegistryTree, RegistryUsers

pytestmark = pytest.mark.django_db

LIST = "/cong-nhan/quy-trinh/"
COMMUNE = "/cong-nhan/quy-trinh/cong_nhan_xa_18_2022/"
LATER = "/cong-nhan/quy-trinh/cong_nhan_xa_2026_2030/"
# What a reader must never see on a Vietnamese page: codes of roles, steps, statuses
# and sets, and the procedure's own code.
INTERNAL = (
    "commune_officer",
    "commune_leader",
    "province_appraiser",
    "province_leader",
    "village_head",
    "self_assessment",
    "consultation",
    "appraisal",
    "verified",
    "inferred",
    "unknown",
    "xa_ntm_2026_2030",
    "cong_nhan_xa",
)


def _text(html: str) -> str:
    """The page as the reader sees it: no tags, attributes or links."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_list_shows_the_procedures_in_force_for_the_readers_province(
    procedures: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    for user in (users.province_officer, users.officer_a, users.village_head_a1):
        response = client_for(user).get(LIST)
        assert response.status_code == 200
        text = _text(response.content.decode())
        assert "Quy trình xét, công nhận đạt chuẩn" in text
        assert "Xét, công nhận thôn thông minh (theo quy định của tỉnh)" in text
        assert "Tỉnh Ninh Bình" in text
        assert not [code for code in INTERNAL if code in text]
    officer = client_for(users.province_officer).get(LIST).content.decode()
    assert f"/cong-nhan/quy-trinh/tai-len/{tree.province.code}/" in officer
    commune = client_for(users.officer_a).get(LIST).content.decode()
    assert "/tai-len/" not in commune


def test_a_central_admin_sees_the_national_ones_and_picks_a_province(
    procedures: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    client = client_for(users.central_admin)
    html = client.get(LIST).content.decode()
    assert 'name="province"' in html
    assert "Các quy trình quốc gia đang áp dụng." in html
    picked = client.get(LIST, {"province": tree.province.code}).content.decode()
    assert "Các quy trình đang áp dụng tại Tỉnh Ninh Bình" in picked
    assert client.get(LIST, {"province": "99"}).status_code == 404


def test_the_criteria_catalogue_links_to_the_procedures(
    procedures: None, users: RegistryUsers
) -> None:
    assert LIST in client_for(users.officer_a).get("/tieu-chi/").content.decode()


def test_the_procedure_page_shows_every_step_and_fact_in_words(
    procedures: None, users: RegistryUsers
) -> None:
    response = client_for(users.officer_a).get(COMMUNE)
    assert response.status_code == 200
    text = _text(response.content.decode())
    steps = [
        "Tự đánh giá",
        "Lấy ý kiến công khai",
        "Hoàn thiện và trình hồ sơ",
        "Thẩm định",
        "Bổ sung hồ sơ",
        "Quyết định công nhận",
        "Thu hồi công nhận",
    ]
    positions = [text.index(step) for step in steps]
    assert positions == sorted(positions)
    for label in (
        "Cán bộ xã",
        "Lãnh đạo UBND xã",
        "Cán bộ thẩm định của tỉnh",
        "Lãnh đạo UBND tỉnh",
    ):
        assert label in text
    assert "chuẩn bị: Cán bộ xã" in text
    assert "15 ngày làm việc" in text
    assert "15 ngày Đã kiểm chứng" in text
    assert "Tờ trình của UBND xã đề nghị xét, công nhận xã đạt chuẩn" in text
    assert "Làng Số lập" in text
    assert "Bộ tiêu chí quốc gia về xã nông thôn mới nâng cao giai đoạn 2021-2025" in text
    assert "Chưa rõ" in text
    assert "Suy luận" in text
    assert "s18-art5-tvpl" in text
    assert 'href="https://beta.thuvienphapluat.vn/' in response.content.decode()
    assert not [code for code in INTERNAL if code in text]
    # A commune officer does not enter the province's thresholds.
    assert "Nhập ngưỡng hài lòng của tỉnh" not in text


def test_the_yaml_of_a_version_downloads(procedures: None, users: RegistryUsers) -> None:
    response = client_for(users.officer_a).get(f"{COMMUNE}yaml/", {"version": "1"})
    assert response.status_code == 200
    assert "cong_nhan_xa_18_2022-v1.yaml" in response["Content-Disposition"]
    document = yaml.safe_load(response.content)
    assert document["procedures"][0]["code"] == "cong_nhan_xa_18_2022"
    assert "s18-art5-tvpl" in document["sources"]
    assert client_for(users.officer_a).get(f"{COMMUNE}yaml/", {"version": "9"}).status_code == 404


def test_a_province_officer_enters_an_unknown_threshold_as_a_new_version(
    procedures: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    client = client_for(users.province_officer)
    page = _text(client.get(LATER).content.decode())
    assert "Nhập ngưỡng hài lòng của tỉnh" in page
    url = f"{LATER}nguong/{tree.province.code}/"
    response = client.post(
        url, {"set_code": "xa_ntm_2026_2030", "threshold": "80", "note": "QĐ 5/2026"}
    )
    assert response.status_code == 302
    own = Procedure.objects.get(province=tree.province)
    assert procedure_spec(own).satisfaction["xa_ntm_2026_2030"].threshold == 80
    text = _text(client.get(LATER).content.decode())
    assert "≥ 80%" in text
    assert "Do tỉnh quy định" in text
    bad = client.post(url, {"set_code": "xa_ntm_2026_2030", "threshold": "120", "note": ""})
    assert bad.status_code == 400
    assert Procedure.objects.filter(province=tree.province).count() == 1


def test_a_province_uploads_its_variant_and_a_bad_one_is_listed_by_line(
    procedures: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    client = client_for(users.province_officer)
    text = client.get(f"{LATER}yaml/").content.decode()
    url = f"/cong-nhan/quy-trinh/tai-len/{tree.province.code}/"
    assert client.get(url).status_code == 200
    bad = text.replace("actor: province_leader", "actor: province_boss", 1)
    response = client.post(url, {"file": SimpleUploadedFile("quy-trinh.yaml", bad.encode())})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Quy trình chưa được lưu" in html
    assert "vai trò “province_boss” không có" in html
    assert not Procedure.objects.filter(province=tree.province).exists()
    good = text.replace("deadline_working_days: 15", "deadline_working_days: 12", 1)
    response = client.post(url, {"file": SimpleUploadedFile("quy-trinh.yaml", good.encode())})
    assert response.status_code == 302
    own = Procedure.objects.get(province=tree.province)
    assert procedure_spec(own).step("appraisal").deadline_working_days == 12
    assert "12 ngày làm việc" in _text(client.get(LATER).content.decode())


def test_access_follows_role_and_province(
    procedures: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    """Signed-in readers with a role; a province's pages only to those in it; edits
    only to those who issue its rules."""
    assert Client().get(LIST).status_code == 302
    assert Client().get(f"{COMMUNE}yaml/").status_code == 302
    assert client_for(users.nobody).get(LIST).status_code == 403
    other = make_province(code="38", name="Tỉnh Thanh Hóa")
    outsider = client_for(make_role_holder(Role.PROVINCE_OFFICER, other, "canbo.thanhhoa"))
    query = {"province": tree.province.code}
    assert outsider.get(LIST, query).status_code == 404
    assert outsider.get(COMMUNE, query).status_code == 404
    assert outsider.get(f"{COMMUNE}yaml/", query).status_code == 404
    upload = f"/cong-nhan/quy-trinh/tai-len/{tree.province.code}/"
    threshold = f"{LATER}nguong/{tree.province.code}/"
    assert outsider.get(upload).status_code == 404
    assert (
        outsider.post(threshold, {"set_code": "xa_ntm_2026_2030", "threshold": "70"}).status_code
        == 404
    )
    commune = client_for(users.officer_a)
    assert commune.get(LIST, query).status_code == 200
    assert commune.get(upload).status_code == 403
    appraiser = client_for(make_role_holder(Role.PROVINCE_APPRAISER, tree.province, "thamdinh"))
    assert appraiser.get(COMMUNE, query).status_code == 200
    assert (
        appraiser.post(threshold, {"set_code": "xa_ntm_2026_2030", "threshold": "70"}).status_code
        == 403
    )
    assert not Procedure.objects.filter(province__isnull=False).exists()


def test_the_pages_cost_the_same_queries_with_more_versions(
    procedures: None,
    tree: RegistryTree,
    users: RegistryUsers,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    """Measured with the national versions; the province's own versions (and a
    national one more) add no query to the list or the procedure page."""
    client = client_for(users.province_officer)
    own = procedure_threshold_set(
        actor=users.province_officer,
        province=tree.province,
        procedure=Procedure.objects.get(code="cong_nhan_xa_2026_2030", province=None),
        set_code="xa_ntm_2026_2030",
        threshold=Decimal("70"),
        note="",
    )
    budgets = {}
    for url in (LIST, LATER):
        with CaptureQueriesContext(connection) as few:
            client.get(url)
        budgets[url] = len(few.captured_queries)
    for threshold in ("72", "75", "80"):
        own = procedure_threshold_set(
            actor=users.province_officer,
            province=tree.province,
            procedure=own,
            set_code="xa_ntm_2026_2030",
            threshold=Decimal(threshold),
            note="",
        )
    for url, budget in budgets.items():
        with django_assert_num_queries(budget):
            response = client.get(url)
        assert "v4" in response.content.decode()
