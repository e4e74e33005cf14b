"""/api/v1/roles: list, grant, revoke, with session authentication and CSRF."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from langso.accounts.models import RoleAssignment
from langso.accounts.roles import Role

from ..conftest import Holders, Units
from ..factories import PASSWORD, make_role, make_user

ROLES = "/api/v1/roles"


# A grant asked for: the role, the unit (an attribute of `Units`; None: nationwide) and
# the level given with its code.
Grant = tuple[str, str | None, str | None]


def post_json(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


def _post_grant(client: Client, units: Units, grant: Grant, *, username: str) -> Any:
    role, unit, level = grant
    payload: dict[str, Any] = {"username": username, "role": role}
    if unit is not None:
        payload |= {"unit_code": getattr(units, unit).code, "unit_level": level}
    return post_json(client, ROLES, payload)


def test_anonymous_gets_401(client: Client, db: None) -> None:
    """Without a session the API answers 401."""
    assert client.get(ROLES).status_code == 401


def test_list_is_limited_to_the_callers_scope(
    client: Client, units: Units, holders: Holders
) -> None:
    """A commune officer lists the assignments of their commune only."""
    make_role(user=make_user(), role=Role.COMMUNE_OFFICER, unit=units.b)
    client.force_login(holders.commune_officer)
    response = client.get(ROLES)
    assert response.status_code == 200
    rows = response.json()
    assert {r["username"] for r in rows} == {
        "canbo.xa.a",
        "truongthon.a1",
        "tocongnghe.a",
        "htx.a",
        "lanhdao.xa.a",
    }
    assert {r["unit_code"] for r in rows} == {units.a.code, units.a1.code}


def test_list_query_count_does_not_grow_with_rows(
    client: Client, units: Units, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """As many queries for 1 assignment as for 20."""
    officer = make_user()
    make_role(user=officer, role=Role.PROVINCE_OFFICER, unit=units.province)
    client.force_login(officer)
    with django_assert_num_queries(4) as one:
        assert len(client.get(ROLES).json()) == 1
    for n in range(19):
        make_role(
            user=make_user(),
            role=Role.DIGITAL_TEAM_MEMBER,
            unit=[units.a, units.b, units.a1][n % 3],
            granted_by=officer,
        )
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(client.get(ROLES).json()) == 20


def test_grant_inside_scope_is_201(client: Client, units: Units, holders: Holders) -> None:
    """A commune officer grants a village head role on one of their villages."""
    target = make_user()
    client.force_login(holders.commune_officer)
    response = post_json(
        client,
        ROLES,
        {
            "username": target.username,
            "role": "village_head",
            "unit_code": units.a2.code,
            "unit_level": "village",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["username"], body["role"], body["unit_code"], body["granted_by"]) == (
        target.username,
        "village_head",
        units.a2.code,
        "canbo.xa.a",
    )


@pytest.mark.parametrize(
    "grant",
    [
        ("digital_team_member", "b", "commune"),
        ("digital_team_member", "b1", "village"),
        ("commune_officer", "province", "province"),
        ("province_officer", "province", "province"),
        ("province_officer", "a", "commune"),
        ("central_admin", None, None),
    ],
)
def test_commune_officer_refusals_are_403(
    client: Client, units: Units, holders: Holders, grant: Grant
) -> None:
    """Outside commune A, on the province, or a role above their own: 403 with a
    Vietnamese reason, and nothing written."""
    target = make_user()
    client.force_login(holders.commune_officer)
    response = _post_grant(client, units, grant, username=target.username)
    assert response.status_code == 403, response.content
    assert "không có quyền" in response.json()["detail"]
    assert not RoleAssignment.objects.filter(user=target).exists()


def test_unknown_unit_is_404(client: Client, units: Units, holders: Holders) -> None:
    """A code no current unit of that level holds is 404."""
    client.force_login(holders.commune_officer)
    response = post_json(
        client,
        ROLES,
        {
            "username": holders.nobody.username,
            "role": "village_head",
            "unit_code": "00000",
            "unit_level": "village",
        },
    )
    assert response.status_code == 404
    assert "00000" in response.json()["detail"]


def test_bad_role_is_400_naming_the_field(client: Client, units: Units, holders: Holders) -> None:
    """An unknown role value is a 400 whose message names `role`."""
    client.force_login(holders.commune_officer)
    response = post_json(
        client,
        ROLES,
        {
            "username": holders.nobody.username,
            "role": "sieu_nhan",
            "unit_code": units.a1.code,
            "unit_level": "village",
        },
    )
    assert response.status_code == 400
    assert "role" in response.json()["detail"]
    assert [e["param"] for e in response.json()["errors"]] == ["role"]


def test_missing_unit_for_a_unit_role_is_400(
    client: Client, units: Units, holders: Holders
) -> None:
    """Every role but central admin needs a unit; the message names the fields."""
    client.force_login(holders.commune_officer)
    response = post_json(
        client, ROLES, {"username": holders.nobody.username, "role": "village_head"}
    )
    assert response.status_code == 400
    assert "unit_code" in response.json()["detail"]


def test_revoke_inside_scope_is_204(client: Client, units: Units, holders: Holders) -> None:
    """The assignment is gone."""
    assignment = RoleAssignment.objects.get(user=holders.village_head)
    client.force_login(holders.commune_officer)
    response = client.delete(f"{ROLES}/{assignment.pk}")
    assert response.status_code == 204
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_revoke_outside_scope_is_indistinguishable_from_missing(
    client: Client, units: Units, holders: Holders
) -> None:
    """Revoking on commune B answers exactly what a missing id answers."""
    on_b = make_role(user=make_user(), role=Role.COMMUNE_OFFICER, unit=units.b)
    client.force_login(holders.commune_officer)
    outside = client.delete(f"{ROLES}/{on_b.pk}")
    missing = client.delete(f"{ROLES}/999999")
    assert outside.status_code == missing.status_code == 404
    assert outside.json() == missing.json()
    assert RoleAssignment.objects.filter(pk=on_b.pk).exists()


def test_session_writes_need_the_csrf_token(units: Units, holders: Holders) -> None:
    """With a session cookie, a POST without the CSRF token is refused; with it, it works."""
    client = Client(enforce_csrf_checks=True)
    assert client.login(username="canbo.xa.a", password=PASSWORD)
    payload = {
        "username": holders.nobody.username,
        "role": "village_head",
        "unit_code": units.a1.code,
        "unit_level": "village",
    }
    refused = post_json(client, ROLES, payload)
    assert refused.status_code == 403
    assert not RoleAssignment.objects.filter(user=holders.nobody).exists()

    client.get("/tai-khoan/phan-quyen/")  # a page with a form sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    accepted = client.post(
        ROLES, json.dumps(payload), content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert accepted.status_code == 201, accepted.content


def test_caller_who_may_grant_nothing_learns_nothing(
    client: Client, units: Units, holders: Holders
) -> None:
    """A team member gets the same 403 for an existing and an unknown username."""
    client.force_login(holders.digital_team_member)
    answers = [
        post_json(
            client,
            ROLES,
            {"username": name, "role": "village_head", "unit_code": "x", "unit_level": "village"},
        )
        for name in ("canbo.xa.a", "khong.co.ai")
    ]
    assert [a.status_code for a in answers] == [403, 403]
    assert answers[0].json() == answers[1].json()


@pytest.mark.parametrize(
    "grant",
    [
        ("village_head", "b1", "village"),
        ("commune_officer", "province", "province"),
        ("central_admin", None, None),
    ],
)
def test_refused_grant_answers_the_same_for_existing_and_unknown_usernames(
    client: Client, units: Units, holders: Holders, grant: Grant
) -> None:
    """A grant the caller may not make is refused with the same 403 and message whether
    the username exists or not, so refusals cannot be used to find accounts."""
    client.force_login(holders.commune_officer)
    answers = [
        _post_grant(client, units, grant, username=name) for name in ("canbo.tinh", "khong.co.ai")
    ]
    assert [a.status_code for a in answers] == [403, 403], [a.content for a in answers]
    assert answers[0].json() == answers[1].json()


def test_unknown_username_is_404_where_the_caller_may_grant(
    client: Client, units: Units, holders: Holders
) -> None:
    """Inside the caller's scope an unknown username is a 404 that names it."""
    client.force_login(holders.commune_officer)
    response = post_json(
        client,
        ROLES,
        {
            "username": "khong.co.ai",
            "role": "village_head",
            "unit_code": units.a2.code,
            "unit_level": "village",
        },
    )
    assert response.status_code == 404
    assert "khong.co.ai" in response.json()["detail"]
