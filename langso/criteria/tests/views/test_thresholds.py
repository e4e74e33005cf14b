"""A province's thresholds page: one input per indicator and key, prefilled from the set
in force; what changed is saved as the province's next version; a non-numeric input
is refused by the form, and a threshold looser than the national one by the service,
with the reason shown and nothing saved."""

from __future__ import annotations

from typing import Any

import pytest

from langso.accounts.testing import client_for
from langso.criteria.catalogue import catalogue_yaml_read
from langso.criteria.models import CriteriaSet, FactStatus
from langso.criteria.services import criteria_sets_save
from langso.registry.testing import RegistryTree, RegistryUsers

pytestmark = pytest.mark.django_db

VILLAGE = "/tieu-chi/bo/thon_thong_minh/nguong/37/"

NATIONAL = """
code: xa_thu_nghiem
name_vi: "Bộ quốc gia thử nghiệm"
level: commune
years: [2026, 2030]
status: verified
criteria:
  - code: "1"
    name_vi: "Hạ tầng số"
    status: verified
    indicators:
      - code: "1.1"
        name_vi: "Hộ có cáp quang"
        kind: computed
        indicator: households-fibre
        comparator: gte
        threshold: 80
        status: verified
      - code: "1.2"
        name_vi: "Người có điện thoại thông minh"
        kind: computed
        indicator: adults-smartphone
        comparator: gte
        threshold: unknown
        provincial: true
        status: verified
"""


def _latest(code: str, province: Any) -> CriteriaSet | None:
    return CriteriaSet.objects.filter(code=code, province=province).order_by("-version").first()


def _form(response: Any) -> dict[str, str]:
    """The form's inputs as the page fills them in."""
    form = response.context["form"]
    return {name: form[name].value() or "" for name in form.fields}


def test_the_province_enters_an_unknown_threshold(
    demo_sets: RegistryTree, users: RegistryUsers
) -> None:
    """Only the indicator whose number changed is sent: it becomes provincial, the
    others keep their threshold and status; the page no longer says it is missing."""
    client = client_for(users.province_officer)
    page = client.get(VILLAGE)
    assert page.status_code == 200
    data = _form(page)
    # Numeric indicators only: 1.3 (a presence) has no input.
    assert set(data) == {"t:1.1:*", "t:1.2:*", "t:2.1:*", "t:2.2:*"}
    assert data["t:1.1:*"] == "80"
    assert data["t:2.2:*"] == ""
    response = client.post(VILLAGE, data | {"t:2.2:*": "60,5"})
    assert response.status_code == 302
    assert response["Location"] == "/tieu-chi/bo/thon_thong_minh/?province=37"
    latest = _latest("thon_thong_minh", demo_sets.province)
    assert latest is not None
    assert latest.version == 2
    assert latest.indicators.get(code="2.2").thresholds == {"*": "60.5"}
    assert latest.indicators.get(code="2.2").threshold_status == FactStatus.PROVINCIAL
    assert latest.indicators.get(code="1.1").thresholds == {"*": "80"}
    html = client.get(response["Location"]).content.decode()
    assert "chưa có ngưỡng — tỉnh cần nhập" not in html
    assert "≥ 60,5" in html


def test_nothing_changed_saves_nothing(demo_sets: RegistryTree, users: RegistryUsers) -> None:
    client = client_for(users.province_officer)
    response = client.post(VILLAGE, _form(client.get(VILLAGE)), follow=True)
    assert "Không có thay đổi" in response.content.decode()
    assert _latest("thon_thong_minh", demo_sets.province).version == 1  # type: ignore[union-attr]  # the demo set exists


def test_a_non_numeric_threshold_is_refused_with_the_field_named(
    demo_sets: RegistryTree, users: RegistryUsers
) -> None:
    client = client_for(users.province_officer)
    data = _form(client.get(VILLAGE)) | {"t:2.2:*": "sáu mươi"}
    response = client.post(VILLAGE, data)
    assert response.status_code == 200
    assert "Chỉ tiêu 2.2 — Mọi đơn vị: “sáu mươi” không phải là số." in response.content.decode()
    assert _latest("thon_thong_minh", demo_sets.province).version == 1  # type: ignore[union-attr]  # the demo set exists


def test_thresholds_per_commune_group(demo_sets: RegistryTree, users: RegistryUsers) -> None:
    """A set by commune group has one input per group; the missing group-3 threshold
    of 3.1 is entered, and the common 50% of 4.1 stays one common threshold."""
    url = "/tieu-chi/bo/xa_ntm_thong_minh/nguong/37/"
    client = client_for(users.province_officer)
    data = _form(client.get(url))
    assert data["t:3.1:NHOM_3"] == ""
    assert data["t:4.1:NHOM_2"] == "50"
    assert client.post(url, data | {"t:3.1:NHOM_3": "80"}).status_code == 302
    latest = _latest("xa_ntm_thong_minh", demo_sets.province)
    assert latest is not None
    assert latest.version == 2
    assert latest.indicators.get(code="3.1").thresholds == {
        "NHOM_1": "100",
        "NHOM_2": "90",
        "NHOM_3": "80",
    }
    assert latest.indicators.get(code="4.1").thresholds == {"*": "50"}


def test_a_threshold_looser_than_the_national_one_is_refused(
    catalogue: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    """The national 1.1 (≥ 80%, known, not left to provinces) may only be made
    stricter; 1.2, left to provinces and unknown, may be entered at any level."""
    raw, sources = catalogue_yaml_read(NATIONAL)
    criteria_sets_save(actor=users.central_admin, raw_sets=raw, sources=sources)
    url = f"/tieu-chi/bo/xa_thu_nghiem/nguong/{tree.province.code}/"
    client = client_for(users.province_officer)
    data = _form(client.get(url))
    assert data == {"t:1.1:*": "80", "t:1.2:*": ""}
    refused = client.post(url, {"t:1.1:*": "70", "t:1.2:*": "50"})
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "ngưỡng * của trung ương là 80; tỉnh chỉ được đặt chặt hơn" in html
    assert _latest("xa_thu_nghiem", tree.province) is None
    saved = client.post(url, {"t:1.1:*": "90", "t:1.2:*": "50"})
    assert saved.status_code == 302
    variant = _latest("xa_thu_nghiem", tree.province)
    assert variant is not None
    assert variant.indicators.get(code="1.1").thresholds == {"*": "90"}
    assert variant.indicators.get(code="1.2").thresholds == {"*": "50"}


def test_only_the_provinces_definers_reach_the_page(
    demo_sets: RegistryTree, users: RegistryUsers
) -> None:
    for user in (users.officer_a, users.digital_team_a, users.nobody):
        client = client_for(user)
        assert client.get(VILLAGE).status_code == 403
        assert client.post(VILLAGE, {"t:2.2:*": "60"}).status_code == 403
    assert client_for(users.central_admin).get(VILLAGE).status_code == 200
    officer = client_for(users.province_officer)
    assert officer.get("/tieu-chi/bo/thon_thong_minh/nguong/99/").status_code == 404
    assert officer.get("/tieu-chi/bo/khong_co/nguong/37/").status_code == 404
    assert _latest("thon_thong_minh", demo_sets.province).version == 1  # type: ignore[union-attr]  # the demo set exists


def test_a_province_raises_a_threshold_of_a_shipped_national_set(
    catalogue: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    url = f"/tieu-chi/bo/huyen_ntm_2021_2025/nguong/{tree.province.code}/"
    client = client_for(users.province_officer)
    data = _form(client.get(url))
    assert data["t:H2:*"] == "10"
    response = client.post(url, data | {"t:H2:*": "20"})
    assert response.status_code == 302, response.content.decode()
