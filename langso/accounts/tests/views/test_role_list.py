"""The role list page: what each viewer sees, granting and revoking, query budget."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from langso.accounts.models import RoleAssignment
from langso.accounts.roles import Role

from ..conftest import Holders, Units
from ..factories import make_role, make_user

URL = reverse("accounts:role-list")


def _post_grant(client: Client, username: str, **fields: str) -> Any:
    """The answer to the assignment form posted for `username` with `fields`."""
    return client.post(URL, {"username": username, **fields})


def test_role_list_needs_sign_in(client: Client, db: None) -> None:
    """An anonymous visitor is sent to the login page."""
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_commune_officer_sees_only_their_commune(
    client: Client, units: Units, holders: Holders
) -> None:
    """Assignments on commune B, on the province and nationwide are not on the page."""
    make_role(user=make_user(username="canbo.xa.b"), role=Role.COMMUNE_OFFICER, unit=units.b)
    client.force_login(holders.commune_officer)
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    for visible in ("truongthon.a1", "tocongnghe.a", "htx.a"):
        assert visible in body
    for hidden in ("canbo.xa.b", "canbo.tinh", "trunguong"):
        assert hidden not in body
    assert "Cấp vai trò" in body


def test_team_member_sees_their_own_roles_and_no_form(
    client: Client, units: Units, holders: Holders
) -> None:
    """Without ASSIGN_ROLES the page shows the user's own roles, nobody else's, no form."""
    client.force_login(holders.digital_team_member)
    response = client.get(URL)
    body = response.content.decode()
    assert units.a.name in body
    assert "truongthon.a1" not in body
    assert not response.context["form"].can_assign


def test_commune_officer_grants_a_role_on_a_village(
    client: Client, units: Units, holders: Holders
) -> None:
    """The form takes a username, a role and a unit picked by its label."""
    target = make_user(username="truongthon.a2")
    client.force_login(holders.commune_officer)
    response = _post_grant(
        client,
        "truongthon.a2",
        role=Role.VILLAGE_HEAD,
        unit=f"{units.a2.name}, {units.a.name}, {units.province.name}",
    )
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=target)
    assert (assignment.role, assignment.unit) == (Role.VILLAGE_HEAD, units.a2)
    assert "Đã cấp vai trò" in client.get(URL).content.decode()


@pytest.mark.parametrize(
    ("role", "unit"),
    [
        (Role.DIGITAL_TEAM_MEMBER, "b"),
        # Even a role they may grant, on a unit above their own.
        (Role.COMMUNE_OFFICER, "province"),
    ],
)
def test_commune_officer_cannot_grant_outside_commune_a_from_the_page(
    client: Client, units: Units, holders: Holders, role: str, unit: str
) -> None:
    """The refusal is shown on the form: a unit outside the officer's commune cannot be
    picked, by its name or by its code; nothing is written."""
    target = make_user()
    client.force_login(holders.commune_officer)
    picked = getattr(units, unit)
    for text in (picked.code, picked.name):
        response = _post_grant(client, target.username, role=role, unit=text)
        assert response.status_code == 200
        assert "trong phạm vi của bạn" in response.context["form"].errors["unit"][0]
    assert not RoleAssignment.objects.filter(user=target).exists()


def test_roles_above_ones_own_are_not_offered(
    client: Client, units: Units, holders: Holders
) -> None:
    """A commune officer is not offered province officer or central admin, and posting
    one anyway is refused."""
    target = make_user()
    client.force_login(holders.commune_officer)
    offered = {value for value, _ in client.get(URL).context["form"].fields["role"].choices}
    assert offered == {
        Role.COMMUNE_OFFICER,
        Role.VILLAGE_HEAD,
        Role.DIGITAL_TEAM_MEMBER,
        Role.COOPERATIVE_MANAGER,
    }
    for role, code in ((Role.PROVINCE_OFFICER, units.province.code), (Role.CENTRAL_ADMIN, "")):
        response = client.post(URL, {"username": target.username, "role": role, "unit": code})
        assert response.status_code == 200
        assert "role" in response.context["form"].errors
    assert not RoleAssignment.objects.filter(user=target).exists()


def test_unknown_unit_is_a_form_error_and_the_user_is_not_judged(
    client: Client, units: Units, holders: Holders
) -> None:
    """An unknown unit is named in its field; the username is not looked up while the
    grant cannot be judged."""
    client.force_login(holders.commune_officer)
    response = _post_grant(client, "khong.co.ai", role=Role.VILLAGE_HEAD, unit="99999")
    errors = response.context["form"].errors
    assert "99999" in errors["unit"][0]
    assert "username" not in errors


def test_revoke_from_the_page(client: Client, units: Units, holders: Holders) -> None:
    """The revoke button takes the role back and says so."""
    assignment = RoleAssignment.objects.get(user=holders.village_head)
    client.force_login(holders.commune_officer)
    response = client.post(reverse("accounts:role-revoke", args=[assignment.pk]), follow=True)
    assert response.status_code == 200
    assert "Đã thu hồi" in response.content.decode()
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_revoke_outside_scope_is_404_like_a_missing_id(
    client: Client, units: Units, holders: Holders
) -> None:
    """A commune officer cannot revoke on commune B, and cannot tell it exists."""
    on_b = make_role(user=make_user(), role=Role.COMMUNE_OFFICER, unit=units.b)
    client.force_login(holders.commune_officer)
    outside = client.post(reverse("accounts:role-revoke", args=[on_b.pk]))
    missing = client.post(reverse("accounts:role-revoke", args=[999_999]))
    assert outside.status_code == missing.status_code == 404
    assert RoleAssignment.objects.filter(pk=on_b.pk).exists()


def test_revoke_is_a_post(client: Client, units: Units, holders: Holders) -> None:
    """A link cannot revoke a role."""
    assignment = RoleAssignment.objects.get(user=holders.village_head)
    client.force_login(holders.commune_officer)
    assert client.get(reverse("accounts:role-revoke", args=[assignment.pk])).status_code == 405


def test_role_list_query_count_does_not_grow_with_rows(
    client: Client, units: Units, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """The same number of queries with 1 assignment as with 20 across villages and
    communes (user, unit and granter are joined, not fetched per row; the form's unit
    picker reads its suggestions in one)."""
    officer = make_user()
    make_role(user=officer, role=Role.PROVINCE_OFFICER, unit=units.province)
    client.force_login(officer)
    client.get(URL)  # warm caches outside the count (content types, templates)

    with django_assert_num_queries(6) as one:
        response = client.get(URL)
    assert len(response.context["rows"]) == 1

    villages = [units.a1, units.a2, units.b1, *units.ninh_binh.villages_of(units.b)[1:]]
    for n in range(19):
        make_role(
            user=make_user(),
            role=Role.VILLAGE_HEAD,
            unit=villages[n % len(villages)],
            granted_by=officer,
        )
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(URL)
    assert len(response.context["rows"]) == 20


def _errors_by_username(client: Client, usernames: tuple[str, str], **fields: str) -> list[Any]:
    """The form's errors when `fields` are posted with each of `usernames` in turn."""
    return [_post_grant(client, name, **fields).context["form"].errors for name in usernames]


def test_viewer_who_may_grant_nothing_learns_nothing_from_the_form(
    client: Client, units: Units, holders: Holders
) -> None:
    """Posting the form as a team member gives the same errors for an existing and an
    unknown username."""
    client.force_login(holders.digital_team_member)
    errors = _errors_by_username(
        client,
        ("canbo.xa.a", "khong.co.ai"),
        role=Role.VILLAGE_HEAD,
        unit=units.a1.code,
    )
    assert errors[0] == errors[1]
    assert not RoleAssignment.objects.filter(role=Role.VILLAGE_HEAD, unit=units.a1).exclude(
        user=holders.village_head
    )


def test_refused_grant_shows_the_same_errors_for_existing_and_unknown_usernames(
    client: Client, units: Units, holders: Holders
) -> None:
    """A commune officer granting on commune B gets the same refusal for an existing and
    an unknown username: the form never says which accounts exist outside their grant."""
    client.force_login(holders.commune_officer)
    errors = _errors_by_username(
        client,
        ("canbo.tinh", "khong.co.ai"),
        role=Role.DIGITAL_TEAM_MEMBER,
        unit=units.b.code,
    )
    assert errors[0] == errors[1]
    assert "trong phạm vi của bạn" in str(errors[0]["unit"])


def test_unknown_user_is_a_form_error_where_the_viewer_may_grant(
    client: Client, units: Units, holders: Holders
) -> None:
    """On a village of their own commune, an unknown username is named in its field."""
    client.force_login(holders.commune_officer)
    response = _post_grant(
        client,
        "khong.co.ai",
        role=Role.VILLAGE_HEAD,
        unit=units.a2.code,
    )
    assert "khong.co.ai" in response.context["form"].errors["username"][0]
