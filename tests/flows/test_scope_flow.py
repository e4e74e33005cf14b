"""A role granted on the accounts page opens the places pages of that subtree, and only
those; revoking it closes them on the very next request."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from langso.accounts.roles import Role
from langso.accounts.services import central_admin_create, user_create
from langso.accounts.tests.factories import PASSWORD, make_user
from langso.places.testing import make_unit_tree


def test_granted_scope_opens_and_revoking_closes_village_pages(db: None) -> None:
    """A province officer makes an account a commune officer of commune A from the role
    page; signed in, that officer may add villages to A but not to B; once the province
    officer revokes the role, A is closed too."""
    tree = make_unit_tree(province_code="37", province_name="Tỉnh Ninh Bình")
    commune_a, commune_b = tree.communes
    admin = central_admin_create(
        username="quantri", full_name="Quản trị", email="", password="Quan-Tri-2026!"
    )
    user_create(
        actor=admin,
        username="canbo.tinh",
        full_name="Cán bộ tỉnh",
        email="tinh@langso.test",
        password="Can-Bo-Tinh-2026!",
        role=Role.PROVINCE_OFFICER,
        unit=tree.province,
    )
    make_user(username="canbo.xa.a")

    province = Client()
    response = province.post(
        reverse("accounts:login"), {"username": "canbo.tinh", "password": "Can-Bo-Tinh-2026!"}
    )
    assert response.status_code == 302
    response = province.post(
        reverse("accounts:role-list"),
        {
            "username": "canbo.xa.a",
            "role": Role.COMMUNE_OFFICER,
            # Picked from the officer's own units by its label.
            "unit": f"{commune_a.name}, {tree.province.name}",
        },
    )
    assert response.status_code == 302

    officer = Client()
    response = officer.post(
        reverse("accounts:login"), {"username": "canbo.xa.a", "password": PASSWORD}
    )
    assert response.status_code == 302
    add_to_a = reverse("places:village-create", args=[commune_a.code])
    add_to_b = reverse("places:village-create", args=[commune_b.code])
    assert officer.get(add_to_a).status_code == 200
    assert officer.get(add_to_b).status_code == 403

    listed = province.get(reverse("accounts:role-list")).context["rows"]
    (assignment,) = [a for a, _ in listed if a.user.username == "canbo.xa.a"]
    province.post(reverse("accounts:role-revoke", args=[assignment.pk]))
    assert officer.get(add_to_a).status_code == 403
