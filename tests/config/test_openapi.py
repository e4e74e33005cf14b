"""The OpenAPI document at /api/v1/openapi.json describes the API truthfully: every
operation, called by schemathesis with values its schema allows (and some it does not)
as a signed-in officer, answers no 5xx, and answers with a status, content type and body
the document declares. Bounded: ten examples per operation, no shrinking."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
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
def officer_session(db: None) -> Iterator[dict[str, str]]:
    """The cookies and CSRF header of a province officer of a small tree: writes are
    checked for real, not refused at the door.

    Django's WSGI handler closes the database connection around each request, which on
    PostgreSQL ends the test's transaction: as the test client does, the test keeps it
    open (after the client's own requests here, which reconnect the handlers)."""
    tree = make_unit_tree(province_code="37", province_name="Tỉnh Ninh Bình")
    officer = make_user(username="canbo.tinh")
    make_role(user=officer, role=Role.PROVINCE_OFFICER, unit=tree.province)
    client = Client()
    client.force_login(officer)
    client.get("/")  # sets the CSRF cookie
    cookies = {name: morsel.value for name, morsel in client.cookies.items()}
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield cookies
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


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


def test_the_document_declares_the_errors_and_the_other_formats(client: Client) -> None:
    """What schemathesis cannot see unless it meets it: every operation declares 400,
    403 and 404 (401 where a sign-in is needed), a 400's `errors` is a list, a list
    that offers GeoJSON or CSV says so, and required parameters are marked required."""
    document = client.get("/api/v1/openapi.json").json()

    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert {"400", "403", "404"} <= set(operation["responses"]), (method, path)
    households = document["paths"]["/api/v1/households"]["get"]
    assert "401" in households["responses"]
    assert "application/geo+json" in households["responses"]["200"]["content"]
    values = document["paths"]["/api/v1/indicator-values"]["get"]
    assert "text/csv" in values["responses"]["200"]["content"]
    assert {p["name"]: p["required"] for p in values["parameters"]}["indicator"] is True
    errors = document["components"]["schemas"]["BadRequest"]["properties"]["errors"]
    assert errors["type"] == "array"
    create = document["paths"]["/api/v1/households"]["post"]["responses"]["400"]
    (own, _bad_input) = create["content"]["application/json"]["schema"]["anyOf"]
    invalid = document["components"]["schemas"][own["$ref"].rsplit("/", 1)[-1]]
    assert invalid["properties"]["errors"]["type"] == "array"
