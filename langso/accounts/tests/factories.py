# factory_boy declarations (Sequence, SubFactory...) are unannotated and not re-exported
# in its stubs' sense; the typed `make_*` helpers below are what tests call.
# mypy: disable-error-code="no-untyped-call,attr-defined"
from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory, Password

from langso.accounts.models import RoleAssignment, User
from langso.accounts.roles import Role
from langso.places.models import AdminUnit

PASSWORD = "mat-khau-thu-nghiem-2026"


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"nguoidung{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@langso.test")
    password = Password(PASSWORD)


class RoleAssignmentFactory(DjangoModelFactory[RoleAssignment]):
    """Central admin by default; pass `role` and `unit` for any other role."""

    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = Role.CENTRAL_ADMIN
    unit = None


# factory_boy's `Factory.create` carries no annotations; these give tests typed objects.
def make_user(**fields: Any) -> User:
    user: User = UserFactory.create(**fields)
    return user


def make_role(**fields: Any) -> RoleAssignment:
    assignment: RoleAssignment = RoleAssignmentFactory.create(**fields)
    return assignment


def make_role_holder(role: str, unit: AdminUnit | None, username: str) -> User:
    """A new user holding `role` on `unit` (None: nationwide)."""
    user = make_user(username=username)
    make_role(user=user, role=role, unit=unit)
    return user
