"""Test helpers of surveys that other tests use (the flows across apps among them): Ninh
Bình with two communes, and who publishes and collects forms. `tree` and `users` are
fixtures, imported by the conftests that want them."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from langso.accounts.models import User
from langso.accounts.roles import Role
from langso.accounts.tests.factories import make_role, make_user
from langso.places.models import AdminUnit
from langso.places.testing import UnitTree, make_unit_tree
from langso.registry.models import Household

from .models import FormVersion, Submission


@dataclass
class FormUsers:
    central_admin: User
    province_officer: User
    officer_a: User
    officer_b: User
    team_member_a: User


@pytest.fixture
def tree(db: None) -> UnitTree:
    return make_unit_tree(province_code="37", province_name="Tỉnh Ninh Bình")


@pytest.fixture
def users(tree: UnitTree) -> FormUsers:
    def holder(role: str, unit: object, username: str) -> User:
        user = make_user(username=username)
        make_role(user=user, role=role, unit=unit)
        return user

    a, b = tree.communes
    return FormUsers(
        central_admin=holder(Role.CENTRAL_ADMIN, None, "trunguong"),
        province_officer=holder(Role.PROVINCE_OFFICER, tree.province, "canbo.tinh"),
        officer_a=holder(Role.COMMUNE_OFFICER, a, "canbo.xa.a"),
        officer_b=holder(Role.COMMUNE_OFFICER, b, "canbo.xa.b"),
        team_member_a=holder(Role.DIGITAL_TEAM_MEMBER, a, "tocongnghe.a"),
    )


def make_submission(
    *,
    version: FormVersion,
    key: str,
    household: Household | None = None,
    place: AdminUnit | None = None,
    state: str = Submission.State.RECEIVED,
    entity_state: str = "",
) -> Submission:
    """A submission stored as received, about `household` or, about none, placed in
    `place` (a new household's); `key` makes its instance id unique."""
    submission = Submission(
        version=version,
        form=version.form,
        instance_id=f"uuid:{key}",
        xml="<data/>",
        state=state,
        household=household,
        entity_state=entity_state,
    )
    if place is not None:
        submission.place_at(place)
    submission.save()
    return submission
