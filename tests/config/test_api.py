"""The API's error mapping in `config.api`, for failures before any endpoint runs."""

from __future__ import annotations

import pytest
from django.test import Client

from langso.accounts.roles import Role
from langso.accounts.tests.factories import make_role, make_user
from langso.places.testing import make_unit_tree

_PART = b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nabc'


@pytest.mark.parametrize(
    ("endpoint", "content_type", "said"),
    [
        ("villages/import", "multipart/form-data", "không đọc được"),  # no boundary
        ("villages/import", "multipart/form-data; boundary=\xff", "không đọc được"),
        # Never closed: the parser finds no file, which is the field's error.
        ("villages/import", "multipart/form-data; boundary=x", "Tham số không hợp lệ: file"),
        ("roles", "multipart/form-data", "không đọc được"),
        ("roles", "multipart/form-data; boundary=\xff", "không đọc được"),
        # Read as a form by the CSRF check, then wanted as JSON.
        ("roles", "multipart/form-data; boundary=x", "không đọc được"),
    ],
)
def test_unreadable_body_of_a_session_post_is_400(
    db: None, endpoint: str, content_type: str, said: str
) -> None:
    """A session-authenticated POST (CSRF checked) whose multipart body cannot be parsed,
    or is sent to an endpoint that reads JSON, is a 400 with a Vietnamese message in
    JSON, never a server error."""
    tree = make_unit_tree(province_code="37", province_name="Tỉnh Ninh Bình")
    officer = make_user()
    make_role(user=officer, role=Role.PROVINCE_OFFICER, unit=tree.province)
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(officer)
    client.get("/tai-khoan/phan-quyen/")  # a page with a form sets the CSRF cookie
    url = {
        "villages/import": f"/api/v1/communes/{tree.communes[0].code}/villages/import",
        "roles": "/api/v1/roles",
    }[endpoint]
    response = client.generic(
        "POST",
        url,
        _PART,
        content_type=content_type,
        headers={"X-CSRFToken": client.cookies["csrftoken"].value},
    )
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert said in response.json()["detail"]
