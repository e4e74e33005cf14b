"""The world of the training tests: Ninh Bình with communes A and B, two villages each,
and a holder of each role that keeps or attends training."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from langso.accounts.models import User
from langso.accounts.roles import Role
from langso.accounts.tests.factories import make_role, make_user
from langso.places.models import AdminUnit
from langso.places.testing import CommunePair
from langso.plans.models import Audience, Course, Session
from langso.plans.services.training import course_create, session_create

DAY = dt.date(2026, 3, 10)


@dataclass
class TrainingWorld:
    units: CommunePair
    central: User
    province_officer: User
    officer_a: User
    officer_b: User
    team_member_a1: User
    nobody: User

    @classmethod
    def make(cls) -> TrainingWorld:
        units = CommunePair.make()

        def holder(name: str, role: str, unit: AdminUnit | None, phone: str = "") -> User:
            user = make_user(username=name, full_name=f"Cán bộ {name}", phone=phone)
            make_role(user=user, role=role, unit=unit)
            return user

        return cls(
            units=units,
            central=holder("trunguong", Role.CENTRAL_ADMIN, None),
            province_officer=holder("tinh", Role.PROVINCE_OFFICER, units.province),
            officer_a=holder("xa_a", Role.COMMUNE_OFFICER, units.a, phone="0912000001"),
            officer_b=holder("xa_b", Role.COMMUNE_OFFICER, units.b, phone="0912000002"),
            team_member_a1=holder(
                "to_a1", Role.DIGITAL_TEAM_MEMBER, units.ninh_binh.villages_of(units.a)[0]
            ),
            nobody=make_user(username="khongvaitro", full_name="Người không vai trò"),
        )

    @property
    def a1(self) -> AdminUnit:
        return self.units.ninh_binh.villages_of(self.units.a)[0]

    @property
    def b1(self) -> AdminUnit:
        return self.units.ninh_binh.villages_of(self.units.b)[0]

    def session(
        self,
        *,
        unit: AdminUnit | None = None,
        audience: str = Audience.OFFICERS,
        day: dt.date = DAY,
        actor: User | None = None,
    ) -> Session:
        """A one-day session at `unit` (commune A) of a new course that unit organises."""
        unit = unit or self.units.a
        actor = actor or self.province_officer
        course: Course = course_create(
            actor=actor, organiser=unit, topic="Chuyển đổi số cho cán bộ", audience=audience
        )
        return session_create(
            actor=actor, course=course, unit=unit, starts_on=day, ends_on=day, place="Hội trường"
        )
