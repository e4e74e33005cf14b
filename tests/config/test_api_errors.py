"""Bad input to the API is refused with a 400 that names the parameter, in Vietnamese,
before it reaches the database: a NUL character, which PostgreSQL cannot store (it
answered 500), and a body that is not JSON."""

from __future__ import annotations

import pytest
from django.test import Client

from langso.accounts.roles import Role
from langso.accounts.tests.factories import make_role, make_user
from langso.places.testing import make_unit_tree
from langso.registry.models import Cooperative

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client: Client) -> Client:
    tree = make_unit_tree(province_code="37", province_name="Tỉnh Ninh Bình")
    officer = make_user(username="canbo.tinh")
    make_role(user=officer, role=Role.PROVINCE_OFFICER, unit=tree.province)
    client.force_login(officer)
    return client


def test_a_nul_in_a_query_parameter_is_refused_by_name(officer_client: Client) -> None:
    response = officer_client.get("/api/v1/households", {"q": "Nguy\x00n"})

    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert (error["param"], error["in"]) == ("q", "query")
    assert "NUL" in error["message"]


def test_a_nul_in_a_path_parameter_is_refused_by_name(officer_client: Client) -> None:
    response = officer_client.get("/api/v1/households/HO%00-1")

    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert (error["param"], error["in"]) == ("address_code", "path")
    assert "NUL" in error["message"]


def test_a_nul_in_a_body_field_is_refused_by_name_and_nothing_stored(
    officer_client: Client,
) -> None:
    response = officer_client.post(
        "/api/v1/cooperatives",
        {"name": "HTX Đông\x00", "unit": "37"},
        content_type="application/json",
    )

    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert (error["param"], error["in"]) == ("name", "body")
    assert "NUL" in error["message"]
    assert not Cooperative.objects.exists()


def test_a_body_that_is_not_json_says_so(officer_client: Client) -> None:
    response = officer_client.post(
        "/api/v1/cooperatives", b"\xff{", content_type="application/json"
    )

    assert response.status_code == 400
    body = response.json()
    assert "JSON" in body["detail"]
    assert [e["in"] for e in body["errors"]] == ["body"]
