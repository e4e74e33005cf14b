"""Figures across the 2025 merger on real units of Cần Thơ, counted by hand:
- merged: Phường Đại Thành (31411) of today is the whole of Phường Hiệp Lợi (31344), Xã
  Đại Thành (31411) and Xã Tân Thành (31414) of before;
- split: Phường Bùi Hữu Nghĩa (31178) of before went in part to Phường Bình Thủy (31168,
  with the whole of Bình Thủy and An Thới) and in part to Phường Cái Khế (31120, with
  the whole of Cái Khế and An Hòa); the source gives no sizes for the parts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.test import Client

from langso.accounts.models import User
from langso.accounts.roles import Role
from langso.accounts.tests.factories import make_role, make_user
from langso.indicators.selectors import indicator_values, period_parse
from langso.indicators.services.reported import reported_value_set
from langso.places.models import AdminUnit, Level
from langso.places.services.units import UnitLoadReport
from langso.registry.services.households import household_create

pytestmark = pytest.mark.django_db


def _commune(code: str, *, legacy: bool) -> AdminUnit:
    return AdminUnit.objects.get(level=Level.COMMUNE, code=code, valid_to__isnull=not legacy)


@pytest.fixture
def admin(national_units: UnitLoadReport, definitions: None) -> User:
    user = make_user(username="trung.uong")
    make_role(user=user, role=Role.CENTRAL_ADMIN, unit=None)
    return user


def _households(admin: User, commune: AdminUnit, *places: Point | None) -> None:
    for place in places:
        household_create(
            actor=admin,
            commune=commune,
            values={"members": 3, "adults": 2, "adults_epayment": 1, "location": place},
        )


def _at(unit: AdminUnit) -> Point:
    assert unit.centroid is not None
    return Point(unit.centroid.x, unit.centroid.y, srid=4326)


def _value(code: str, unit: AdminUnit, period: str = "2026") -> Decimal | None:
    [value] = indicator_values(code=code, units=[unit], period=period_parse(period)).values
    return value.value


def test_todays_households_on_the_communes_merged_into_one(admin: User) -> None:
    """Placed households go to the predecessor whose centroid is nearest; the one not
    placed is shared in the proportion of the placed: 2 to Hiệp Lợi, 1 to Tân Thành."""
    hiep_loi, dai_thanh, tan_thanh = (
        _commune(code, legacy=True) for code in ("31344", "31411", "31414")
    )
    today = _commune("31411", legacy=False)
    _households(admin, today, _at(hiep_loi), _at(hiep_loi), _at(tan_thanh), None)
    third = Decimal(1) / 3
    assert _value("households", hiep_loi) == 2 + 2 * third
    assert _value("households", tan_thanh) == 1 + third
    assert _value("households", dai_thanh) == 0
    # A share is the same either way: 1 of 2 adults everywhere; no household, no data.
    assert _value("adults-epayment", hiep_loi) == 50
    assert _value("adults-epayment", dai_thanh) is None
    # The legacy district sums its communes; today's commune holds all four.
    assert hiep_loi.district is not None
    district = hiep_loi.district
    [value] = indicator_values(
        code="households", units=[district], period=period_parse("2026")
    ).values
    assert value.value is not None
    assert value.value >= 2 + 2 * third
    assert _value("households", today) == 4


def test_todays_households_on_a_commune_that_was_split(admin: User) -> None:
    """No household placed: Bùi Hữu Nghĩa takes, of each of the two communes it went
    into, its share among their predecessors: half of itself (an equal split of a part
    of unknown size) against two wholes, so 1/5 of each: 3/5 + 2/5 = 1 household."""
    bui_huu_nghia = _commune("31178", legacy=True)
    _households(admin, _commune("31168", legacy=False), None, None, None)
    _households(admin, _commune("31120", legacy=False), None, None)
    assert _value("households", bui_huu_nghia) == 1
    assert _value("households", _commune("31168", legacy=True)) == Decimal(3) * 2 / 5


def test_figures_reported_before_the_merger_read_on_todays_communes(admin: User) -> None:
    """Work records of 2024, reported by the communes of then: today's Bình Thủy gets
    all of old Bình Thủy's and half of Bùi Hữu Nghĩa's; today's Đại Thành all three of
    its predecessors'."""
    report: dict[str, Any] = {"code": "work-records-online-commune", "period": "2024"}
    for code, done, total in (("31168", 30, 60), ("31178", 40, 100), ("31344", 5, 10)):
        reported_value_set(
            actor=admin,
            unit=_commune(code, legacy=True),
            numerator=done,
            denominator=total,
            **report,
        )
    [binh_thuy] = indicator_values(
        code="work-records-online-commune",
        units=[_commune("31168", legacy=False)],
        period=period_parse("2024"),
    ).values
    assert binh_thuy.numerator == 50
    assert binh_thuy.denominator == 110
    assert _value("work-records-online-commune", _commune("31411", legacy=False), "2024") == 50
    # And on the legacy commune itself, as reported.
    assert _value("work-records-online-commune", _commune("31178", legacy=True), "2024") == 40


def test_an_officer_reads_the_old_communes_that_went_into_the_province(admin: User) -> None:
    """Through the API: the officer of today's province reads a legacy commune of it;
    an officer of another province does not see it."""
    today = _commune("31411", legacy=False)
    assert today.province is not None
    own = make_user(username="can.bo.tinh")
    make_role(user=own, role=Role.PROVINCE_OFFICER, unit=today.province)
    other = make_user(username="can.bo.khac")
    make_role(
        user=other,
        role=Role.PROVINCE_OFFICER,
        unit=AdminUnit.objects.current()
        .filter(level=Level.PROVINCE)
        .exclude(pk=today.province.pk)
        .first(),
    )
    _households(admin, today, _at(_commune("31344", legacy=True)))
    client = Client()
    client.force_login(own)
    params = {"indicator": "households", "unit": "31344", "period": "2026"}
    # 31344 is a legacy code only: the unit of then is found.
    response = client.get("/api/v1/indicator-values", params)
    assert response.status_code == 200, response.content
    assert response.json()["values"][0]["value"] == 1
    client.force_login(other)
    assert client.get("/api/v1/indicator-values", params).status_code == 404
