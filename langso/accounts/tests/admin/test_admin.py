"""The Django admin goes through the same services: scope rules and audit trail."""

from __future__ import annotations

from django.contrib.auth.models import Permission as ModelPermission
from django.test import Client
from django.urls import reverse

from langso.accounts.models import RoleAssignment, User
from langso.accounts.roles import Role
from langso.core.models import AuditEntry

from ..conftest import Holders, Units
from ..factories import make_user

ADD = reverse("admin:accounts_roleassignment_add")
CHANGELIST = reverse("admin:accounts_roleassignment_changelist")


def test_superuser_pages_load(client: Client, holders: Holders) -> None:
    """User and role pages open for a superuser."""
    client.force_login(make_user(is_superuser=True, is_staff=True))
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_user_add")).status_code == 200
    assert (
        client.get(
            reverse("admin:accounts_user_change", args=[holders.commune_officer.pk])
        ).status_code
        == 200
    )
    assert client.get(CHANGELIST).status_code == 200
    assert client.get(ADD).status_code == 200


def test_adding_a_role_in_admin_is_granted_and_audited(
    client: Client, units: Units, holders: Holders
) -> None:
    """The admin's add form grants through `role_assign`: granter recorded, audit written."""
    root = make_user(is_superuser=True, is_staff=True)
    client.force_login(root)
    target = make_user()
    response = client.post(
        ADD, {"user": target.pk, "role": Role.COMMUNE_OFFICER, "unit": units.b.pk}
    )
    assert response.status_code == 302, response.content
    assignment = RoleAssignment.objects.get(user=target)
    assert assignment.granted_by == root
    assert AuditEntry.objects.filter(object_id=str(assignment.pk), actor=root).exists()


def test_scoped_staff_cannot_grant_outside_scope_in_admin(
    client: Client, units: Units, holders: Holders
) -> None:
    """A staff commune officer with admin rights sees only their commune's assignments and
    cannot grant on commune B there either."""
    officer: User = holders.commune_officer
    officer.is_staff = True
    officer.save()
    officer.user_permissions.add(
        *ModelPermission.objects.filter(
            codename__in=["add_roleassignment", "view_roleassignment", "delete_roleassignment"]
        )
    )
    client.force_login(officer)
    listed = client.get(CHANGELIST)
    assert listed.status_code == 200
    assert {a.user.username for a in listed.context["cl"].result_list} == {
        "canbo.xa.a",
        "truongthon.a1",
        "tocongnghe.a",
        "htx.a",
        "lanhdao.xa.a",
    }
    target = make_user()
    response = client.post(
        ADD, {"user": target.pk, "role": Role.DIGITAL_TEAM_MEMBER, "unit": units.b.pk}
    )
    assert response.status_code == 200
    assert "không có quyền" in response.content.decode()
    assert not RoleAssignment.objects.filter(user=target).exists()


def test_deleting_in_admin_revokes(client: Client, units: Units, holders: Holders) -> None:
    """Deleting an assignment in the admin is a revoke, audited."""
    root = make_user(is_superuser=True, is_staff=True)
    client.force_login(root)
    assignment = RoleAssignment.objects.get(user=holders.village_head)
    response = client.post(
        reverse("admin:accounts_roleassignment_delete", args=[assignment.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert AuditEntry.objects.filter(
        object_id=str(assignment.pk), action=AuditEntry.Action.DELETE
    ).exists()
