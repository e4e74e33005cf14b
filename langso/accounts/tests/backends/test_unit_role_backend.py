"""`user.has_perm(permission, unit)` answered from roles held on units."""

from __future__ import annotations

from asgiref.sync import async_to_sync
from django.contrib.auth import authenticate
from django.contrib.auth.models import Permission as ModelPermission
from pytest_django import DjangoAssertNumQueries

from langso.accounts.backends import UnitRoleBackend
from langso.accounts.models import User

from ..conftest import Holders, Units
from ..factories import PASSWORD


def test_officer_has_unit_permission_inside_subtree_only(units: Units, holders: Holders) -> None:
    """A commune officer may manage the villages of their commune, not of another."""
    officer = holders.commune_officer
    assert officer.has_perm("manage_villages", units.a)
    assert officer.has_perm("manage_villages", units.a1)
    assert not officer.has_perm("manage_villages", units.b)
    assert not officer.has_perm("manage_villages", units.province)
    assert not officer.has_perm("set_commune_group", units.a)


def test_central_admin_has_unit_permissions_everywhere(units: Units, holders: Holders) -> None:
    """A central admin holds every unit permission on every unit."""
    admin = holders.central_admin
    assert all(admin.has_perm("import_boundaries", unit) for unit in units.all())


def test_async_check_agrees(units: Units, holders: Holders) -> None:
    """`ahas_perm` gives the same answers as `has_perm`."""
    officer = holders.commune_officer
    assert async_to_sync(officer.ahas_perm)("manage_villages", units.a)
    assert not async_to_sync(officer.ahas_perm)("manage_villages", units.b)


def test_other_objects_and_unknown_permissions_are_not_answered(
    units: Units, holders: Holders
) -> None:
    """The backend says no to anything but a unit permission on a unit or on nothing;
    model permissions are left to ModelBackend."""
    backend = UnitRoleBackend()
    admin = holders.central_admin
    assert not backend.has_perm(admin, "manage_villages", admin)
    assert not backend.has_perm(admin, "places.change_adminunit", units.a)
    assert not admin.has_perm("places.change_adminunit")


def test_without_an_object_the_question_is_whether_the_user_holds_it_anywhere(
    units: Units, holders: Holders
) -> None:
    """`has_perm(permission)` with no unit asks whether any role grants it: a commune
    officer manages villages somewhere but imports boundaries nowhere."""
    assert holders.commune_officer.has_perm("manage_villages")
    assert not holders.commune_officer.has_perm("import_boundaries")
    assert holders.province_officer.has_perm("import_boundaries")
    assert holders.central_admin.has_perm("import_boundaries")
    assert not holders.nobody.has_perm("manage_villages")


def test_model_permissions_still_come_from_model_backend(holders: Holders) -> None:
    """A model permission granted the Django way still works beside unit roles."""
    user = holders.nobody
    user.user_permissions.add(ModelPermission.objects.get(codename="view_roleassignment"))
    user = User.objects.get(pk=user.pk)
    assert user.has_perm("accounts.view_roleassignment")


def test_backend_authenticates_no_one(holders: Holders) -> None:
    """Signing in goes through ModelBackend, which the session then records."""
    user = authenticate(username="canbo.xa.a", password=PASSWORD)
    assert user == holders.commune_officer
    assert user is not None
    assert getattr(user, "backend", "") == "django.contrib.auth.backends.ModelBackend"


def test_roles_are_read_once_per_request_user(
    units: Units, holders: Holders, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """Many checks on one user object cost one query."""
    user = User.objects.get(pk=holders.province_officer.pk)
    all_units = units.all()
    with django_assert_num_queries(1):
        for unit in all_units:
            user.has_perm("view_scoped", unit)
            user.has_perm("manage_villages", unit)
