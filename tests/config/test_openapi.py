"""The OpenAPI document at /api/v1/openapi.json describes the API truthfully: every
operation, called by schemathesis with values its schema allows (and some it does not)
as a signed-in officer, answers no 5xx, and answers with a status, content type and body
the document declares. Bounded: ten examples per operation, no shrinking."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from langso.accounts.roles import Role
from langso.accounts.tests.factories import make_role, make_user
from langso.places.testing import make_unit_tree

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def officer_session(db: None) -> dict[str, str]:
    """The cookies and CSRF header of a province officer of a small tree: writes are
    checked for real, not refused at the door."""
    tree = make_unit_tree(province_code="37", province_name="Tỉnh Ninh Bình")
    officer = make_user(username="canbo.tinh")
    make_role(user=officer, role=Role.PROVINCE_OFFICER, unit=tree.province)
    client = Client()
    client.force_login(officer)
    client.get("/")  # sets the CSRF cookie
    return {name: morsel.value for name, morsel in client.cookies.items()}


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_every_operation_answers_as_documented(
    case: schemathesis.Case[Any], officer_session: dict[str, str]
) -> None:
    case.call_and_validate(
        cookies=officer_session,
        headers={"X-CSRFToken": officer_session.get("csrftoken", "")},
        checks=CHECKS,
    )
