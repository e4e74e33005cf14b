"""Fixtures shared by the registry tests: a small current tree and one holder per role.

Ninh Bình (37) ─ commune A (37001, boundary and centroid) ─ villages A1, A2
               └ commune B (37002, centroid, no boundary) ─ villages B1, B2

Commune A's boundary is the square 105.90–106.00 E × 20.20–20.30 N; `points.inside_a`
lies in it, `points.outside_a` lies in Vietnam but outside it. Commune B has no
boundary loaded, so any point in Vietnam is accepted there.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon

from langso.accounts.models import User
from langso.accounts.roles import Role
from langso.accounts.tests.factories import make_role, make_user
from langso.core import events
from langso.places.models import AdminUnit
from langso.places.testing import UnitTree, make_unit_tree
from langso.registry.events import HouseholdsChanged
from langso.registry.models import Household
from langso.registry.services.households import household_create

A_BOUNDARY = MultiPolygon(
    Polygon(((105.90, 20.20), (106.00, 20.20), (106.00, 20.30), (105.90, 20.30), (105.90, 20.20))),
    srid=4326,
)
A_CENTROID = Point(105.95, 20.25, srid=4326)
B_CENTROID = Point(106.05, 20.25, srid=4326)


@dataclass
class RegistryTree:
    tree: UnitTree

    @property
    def province(self) -> AdminUnit:
        return self.tree.province

    @property
    def a(self) -> AdminUnit:
        return self.tree.communes[0]

    @property
    def b(self) -> AdminUnit:
        return self.tree.communes[1]

    @property
    def a1(self) -> AdminUnit:
        return self.tree.villages_of(self.a)[0]

    @property
    def a2(self) -> AdminUnit:
        return self.tree.villages_of(self.a)[1]

    @property
    def b1(self) -> AdminUnit:
        return self.tree.villages_of(self.b)[0]

    @property
    def b2(self) -> AdminUnit:
        return self.tree.villages_of(self.b)[1]


@pytest.fixture
def tree(db: None) -> RegistryTree:
    """Province 37 with communes A (boundary) and B (no boundary), two villages each."""
    units = make_unit_tree(province_code="37", province_name="Tỉnh Ninh Bình")
    commune_a, commune_b = units.communes
    commune_a.boundary = A_BOUNDARY
    commune_a.centroid = A_CENTROID
    commune_a.save(update_fields=["boundary", "centroid"])
    commune_b.centroid = B_CENTROID
    commune_b.save(update_fields=["centroid"])
    return RegistryTree(tree=units)


@dataclass(frozen=True)
class Points:
    inside_a: Point
    outside_a: Point
    in_b: Point
    outside_vietnam: Point


@pytest.fixture
def points() -> Points:
    return Points(
        inside_a=Point(105.95, 20.25, srid=4326),
        outside_a=Point(105.80, 20.25, srid=4326),
        in_b=Point(106.05, 20.25, srid=4326),
        outside_vietnam=Point(2.35, 48.85, srid=4326),
    )


@dataclass
class RegistryUsers:
    """One user per role: central admin nationwide, the province officer of 37, the
    commune officers of A and of B, the village head of A1, a digital-team member of A,
    and a signed-up user with no role."""

    central_admin: User
    province_officer: User
    officer_a: User
    officer_b: User
    village_head_a1: User
    digital_team_a: User
    nobody: User

    def of(self, name: str) -> User:
        user: User = getattr(self, name)
        return user


def _holder(role: str, unit: AdminUnit | None, username: str) -> User:
    user = make_user(username=username)
    make_role(user=user, role=role, unit=unit)
    return user


@pytest.fixture
def users(tree: RegistryTree) -> RegistryUsers:
    return RegistryUsers(
        central_admin=_holder(Role.CENTRAL_ADMIN, None, "trunguong"),
        province_officer=_holder(Role.PROVINCE_OFFICER, tree.province, "canbo.tinh"),
        officer_a=_holder(Role.COMMUNE_OFFICER, tree.a, "canbo.xa.a"),
        officer_b=_holder(Role.COMMUNE_OFFICER, tree.b, "canbo.xa.b"),
        village_head_a1=_holder(Role.VILLAGE_HEAD, tree.a1, "truongthon.a1"),
        digital_team_a=_holder(Role.DIGITAL_TEAM_MEMBER, tree.a, "tocongnghe.a"),
        nobody=make_user(username="khongvaitro"),
    )


_household_numbers = iter(range(1, 10**9))


def make_household(*, village: AdminUnit, **fields: object) -> Household:
    """A household row written directly (no service, no audit, no event): for tests of
    other registries that only need one to point at. Address codes are unique per call."""
    fields.setdefault("address_code", f"TEST-{next(_household_numbers):06d}")
    assert village.province is not None
    assert village.commune is not None
    household: Household = Household.objects.create(
        province=village.province,
        commune=village.commune,
        village=village,
        **fields,
    )
    return household


@pytest.fixture
def household_events(monkeypatch: pytest.MonkeyPatch) -> list[HouseholdsChanged]:
    """Every HouseholdsChanged published during the test, in order. The subscription is
    undone afterwards (core.events has no unsubscribe: apps subscribe once, at start)."""
    seen: list[HouseholdsChanged] = []
    handlers = events._in_transaction  # test-only: a temporary subscriber
    monkeypatch.setitem(handlers, HouseholdsChanged, [*handlers[HouseholdsChanged], seen.append])
    return seen


def create_household(*, actor: User, village: AdminUnit, **values: object) -> Household:
    """A household through the service (audited, published, checked for duplicates)."""
    return household_create(actor=actor, village=village, values=values)
