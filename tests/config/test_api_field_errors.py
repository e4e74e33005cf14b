"""A `FieldsInvalid` raised anywhere under /api/v1/ answers, in one place
(`config/api.py`), a 400 naming each field: `detail` is the joined message and `errors`
lists each field as a body parameter with its reason (`core.schemas.field_errors`)."""

from __future__ import annotations

import json

import pytest
from django.test import Client, RequestFactory

from config.api import api
from langso.accounts.roles import Role
from langso.accounts.tests.factories import make_role, make_user
from langso.core.errors import DomainError, FieldsInvalid
from langso.places.testing import make_unit_tree
from langso.registry.models import Cooperative
from langso.surveys.services.teams import TeamInvalid


def test_a_fields_invalid_answers_400_with_each_field_in_order() -> None:
    request = RequestFactory().post("/api/v1/anything")
    error = FieldsInvalid({"name": "Thiếu tên.", "lat": "Ngoài tỉnh."}, label={"name": "Tên"})

    response = api.on_exception(request, error)

    assert response.status_code == 400
    assert json.loads(response.content) == {
        "detail": "Tên: Thiếu tên.; lat: Ngoài tỉnh.",
        "errors": [
            {"param": "name", "in": "body", "message": "Thiếu tên."},
            {"param": "lat", "in": "body", "message": "Ngoài tỉnh."},
        ],
    }


def test_an_app_s_fields_invalid_answers_the_same_and_other_errors_do_not_list_fields() -> None:
    request = RequestFactory().post("/api/v1/anything")

    team = api.on_exception(request, TeamInvalid({"village": "Chọn một thôn hiện hành."}))
    other = api.on_exception(request, DomainError("Một quy tắc khác."))

    assert team.status_code == 400
    assert json.loads(team.content)["errors"] == [
        {"param": "village", "in": "body", "message": "Chọn một thôn hiện hành."}
    ]
    assert other.status_code == 400
    assert json.loads(other.content) == {"detail": "Một quy tắc khác."}


@pytest.mark.django_db
def test_an_endpoint_s_refusal_names_each_field_and_writes_nothing(client: Client) -> None:
    tree = make_unit_tree(province_code="37", province_name="Tỉnh Ninh Bình")
    officer = make_user(username="canbo.tinh")
    make_role(user=officer, role=Role.PROVINCE_OFFICER, unit=tree.province)
    client.force_login(officer)

    response = client.post(
        "/api/v1/cooperatives",
        {"name": "HTX Đông", "unit": "37", "lat": 20.2},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Vị trí: cần cả vĩ độ và kinh độ",
        "errors": [{"param": "location", "in": "body", "message": "cần cả vĩ độ và kinh độ"}],
    }
    assert not Cooperative.objects.exists()
