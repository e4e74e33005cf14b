"""The dashboard map page: who may open it, what it shows (picker by name, legend,
table, breadcrumb, drill-down links), and refusals outside the scope."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from langso.accounts.testing import client_for
from langso.registry.services.households import household_create
from langso.registry.testing import RegistryTree, RegistryUsers

pytestmark = pytest.mark.django_db
PAGE = reverse("dashboards:map")


@pytest.fixture
def counted(tree: RegistryTree, users: RegistryUsers, definitions: None) -> None:
    household_create(
        actor=users.province_officer,
        village=tree.a1,
        values={"members": 4, "adults": 4, "adults_epayment": 3},
    )


def test_the_province_officer_sees_the_communes(
    tree: RegistryTree, users: RegistryUsers, counted: None
) -> None:
    response = client_for(users.province_officer).get(PAGE)
    assert response.status_code == 200
    text = response.content.decode()
    # The picker names indicators, never their codes.
    assert "Tỷ lệ" in text or "tỷ lệ" in text
    assert ">adults-epayment<" not in text
    assert "Không có dữ liệu" in text
    assert "(ranh giới gần đúng)" in text
    config = json.loads(response.context["config"] and json.dumps(response.context["config"]))
    assert config["level"] == "commune"
    units = config["units"]
    assert set(units) == {str(tree.a.pk), str(tree.b.pk)}
    # A click on commune A opens the map of its villages, with the same picks.
    drill = units[str(tree.a.pk)]["drill"]
    assert f"unit={tree.a.code}" in drill
    assert f'href="{drill.replace("&", "&amp;")}"' in text
    villages = client_for(users.province_officer).get(drill)
    assert villages.context["config"]["level"] == "village"
    assert villages.context["breadcrumb"] == [tree.province]


def test_a_commune_officer_opens_the_commune_and_not_the_province(
    tree: RegistryTree, users: RegistryUsers, counted: None
) -> None:
    client = client_for(users.officer_a)
    response = client.get(PAGE)
    assert response.status_code == 200
    assert response.context["config"]["level"] == "village"
    assert response.context["breadcrumb"] == []
    assert client.get(PAGE, {"unit": tree.province.code}).status_code == 404
    assert client.get(PAGE, {"unit": tree.b.code}).status_code == 404


def test_the_province_officer_s_home_links_to_the_map(
    tree: RegistryTree, users: RegistryUsers, definitions: None
) -> None:
    home = client_for(users.province_officer).get("/").content.decode()
    assert f'href="{PAGE}?unit={tree.province.code}"' in home


def test_signed_out_visitors_are_sent_to_sign_in(definitions: None) -> None:
    response = Client().get(PAGE)
    assert response.status_code == 302


def test_a_set_for_villages_says_why_on_the_page(
    tree: RegistryTree, users: RegistryUsers, counted: None
) -> None:
    from langso.criteria.services import criteria_catalogue_load

    criteria_catalogue_load()
    response = client_for(users.officer_a).get(
        PAGE, {"show": "set:xa_ntm_2021_2025", "period": "2025"}
    )
    assert response.status_code == 200
    assert "áp dụng cho cấp" in response.context["problem"]
