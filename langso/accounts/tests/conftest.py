"""Two provinces with communes and villages, and one holder of every role.

Ninh Bình (37) ─ commune A ─ villages A1, A2
               └ commune B ─ villages B1, B2
Hà Nội (01)    ─ commune C ─ village C1
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from langso.accounts.models import User
from langso.accounts.roles import Role
from langso.places.models import AdminUnit
from langso.places.testing import CommunePair, UnitTree, make_unit_tree

from .factories import make_role_holder, make_user


@dataclass
class Units(CommunePair):
    ha_noi: UnitTree

    @property
    def a1(self) -> AdminUnit:
        return self.ninh_binh.villages_of(self.a)[0]

    @property
    def a2(self) -> AdminUnit:
        return self.ninh_binh.villages_of(self.a)[1]

    @property
    def b1(self) -> AdminUnit:
        return self.ninh_binh.villages_of(self.b)[0]

    @property
    def other_province(self) -> AdminUnit:
        return self.ha_noi.province

    @property
    def c(self) -> AdminUnit:
        return self.ha_noi.communes[0]

    def all(self) -> list[AdminUnit]:
        return list(AdminUnit.objects.order_by("pk"))


@pytest.fixture
def units(db: None) -> Units:
    return Units(
        ninh_binh=make_unit_tree(province_code="37", province_name="Tỉnh Ninh Bình"),
        ha_noi=make_unit_tree(
            province_code="01",
            province_name="Thành phố Hà Nội",
            communes=1,
            villages_per_commune=1,
        ),
    )


@dataclass
class Holders:
    """One user per role: central admin nationwide, the province roles on Ninh Bình, the
    others on commune A or its village A1."""

    central_admin: User
    province_officer: User
    commune_officer: User
    village_head: User
    digital_team_member: User
    cooperative_manager: User
    commune_leader: User
    province_appraiser: User
    province_leader: User
    nobody: User

    def of(self, role: str) -> User:
        user: User = getattr(self, role)
        return user


@pytest.fixture
def holders(units: Units) -> Holders:
    return Holders(
        central_admin=make_role_holder(Role.CENTRAL_ADMIN, None, "trunguong"),
        province_officer=make_role_holder(Role.PROVINCE_OFFICER, units.province, "canbo.tinh"),
        commune_officer=make_role_holder(Role.COMMUNE_OFFICER, units.a, "canbo.xa.a"),
        village_head=make_role_holder(Role.VILLAGE_HEAD, units.a1, "truongthon.a1"),
        digital_team_member=make_role_holder(Role.DIGITAL_TEAM_MEMBER, units.a, "tocongnghe.a"),
        cooperative_manager=make_role_holder(Role.COOPERATIVE_MANAGER, units.a, "htx.a"),
        commune_leader=make_role_holder(Role.COMMUNE_LEADER, units.a, "lanhdao.xa.a"),
        province_appraiser=make_role_holder(
            Role.PROVINCE_APPRAISER, units.province, "thamdinh.tinh"
        ),
        province_leader=make_role_holder(Role.PROVINCE_LEADER, units.province, "lanhdao.tinh"),
        nobody=make_user(username="khongvaitro"),
    )
