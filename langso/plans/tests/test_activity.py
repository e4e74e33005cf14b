"""Training moves its indicators, read as every reader reads them (`indicators.selectors`):
officers trained as a share of the managing officers, residents trained per village;
taking an entry back moves them back, and a recount of the activity equals the events."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from langso.indicators.models import ActivityCount
from langso.indicators.selectors import indicator_values, period_parse
from langso.indicators.services.activity import activity_counts_rebuild
from langso.indicators.services.definitions import indicator_definitions_load
from langso.places.models import AdminUnit
from langso.plans.models import Audience
from langso.plans.selectors.progress import plan_progress
from langso.plans.services.training import (
    attendance_record,
    attendance_withdraw,
    resident_attendance_set,
)
from langso.plans.testing import plan_make
from langso.plans.tests.training_world import DAY, TrainingWorld

OFFICERS = "officers-trained-dx"
RESIDENTS = "residents-trained"


@pytest.fixture
def world(db: None) -> TrainingWorld:
    indicator_definitions_load()
    return TrainingWorld.make()


def _values(code: str, units: list[AdminUnit], period: str = "2026") -> list[Decimal | None]:
    result = indicator_values(code=code, units=units, period=period_parse(period))
    return [value.value for value in result.values]


def test_officers_trained_moves_with_attendance_and_back(world: TrainingWorld) -> None:
    """The province holds three managing officers (its own and A's and B's); A's
    officer trained makes commune A 100% and the province a third; attending twice
    counts once; marked absent or withdrawn, the share falls back."""
    units = world.units
    assert _values(OFFICERS, [units.a, units.b]) == [Decimal(0), Decimal(0)]
    first = world.session()
    (attendance,) = attendance_record(
        actor=world.province_officer, session=first, users=[world.officer_a]
    )
    second = world.session(day=DAY + dt.timedelta(days=30))
    attendance_record(actor=world.province_officer, session=second, users=[world.officer_a])
    assert _values(OFFICERS, [units.a, units.b]) == [Decimal(100), Decimal(0)]
    (province,) = _values(OFFICERS, [units.province])
    assert province is not None
    assert round(province, 2) == Decimal("33.33")
    attendance_record(
        actor=world.province_officer, session=second, users=[world.officer_a], attended=False
    )
    assert _values(OFFICERS, [units.a]) == [Decimal(100)]
    attendance_withdraw(actor=world.province_officer, attendance=attendance)
    assert _values(OFFICERS, [units.a]) == [Decimal(0)]


def test_officers_trained_counts_officers_courses_within_the_period(world: TrainingWorld) -> None:
    """A course for residents, or a session of another year, trains no officer for the
    period; a team member is no managing officer."""
    other_year = world.session(day=dt.date(2025, 12, 31))
    residents = world.session(audience=Audience.RESIDENTS)
    attendance_record(actor=world.province_officer, session=other_year, users=[world.officer_a])
    attendance_record(
        actor=world.province_officer,
        session=residents,
        users=[world.officer_a, world.team_member_a1],
    )
    assert _values(OFFICERS, [world.units.a]) == [Decimal(0)]
    assert _values(OFFICERS, [world.units.a], "2025") == [Decimal(100)]
    assert _values(OFFICERS, [world.a1]) == [None]


def test_residents_trained_moves_with_the_counts_and_back(world: TrainingWorld) -> None:
    """Counts set on a session add to the village and its commune in the session's
    month; a correction moves them by the difference, and a recount agrees."""
    session = world.session(audience=Audience.RESIDENTS)
    resident_attendance_set(actor=world.officer_a, session=session, village=world.a1, residents=12)
    resident_attendance_set(
        actor=world.officer_a, session=session, village=world.a1, residents=5, topic="VNeID"
    )
    assert _values(RESIDENTS, [world.a1]) == [Decimal(17)]
    assert _values(RESIDENTS, [world.units.a, world.units.b]) == [Decimal(17), Decimal(0)]
    assert _values(RESIDENTS, [world.units.a], "2026-04") == [Decimal(0)]
    resident_attendance_set(actor=world.officer_a, session=session, village=world.a1, residents=8)
    assert _values(RESIDENTS, [world.a1]) == [Decimal(13)]
    counted = set(ActivityCount.objects.values_list("unit_id", "kind", "month", "value"))
    activity_counts_rebuild()
    assert set(ActivityCount.objects.values_list("unit_id", "kind", "month", "value")) == counted
    resident_attendance_set(actor=world.officer_a, session=session, village=world.a1, residents=0)
    resident_attendance_set(
        actor=world.officer_a, session=session, village=world.a1, residents=0, topic="VNeID"
    )
    assert _values(RESIDENTS, [world.units.a]) == [Decimal(0)]


def test_attendance_moves_the_plans_managers_trained_target(world: TrainingWorld) -> None:
    """The plan's "100% of managers trained" target, bound to the officers' share, moves
    as training is recorded: a third of the province's managing officers once A's
    officer has attended, all of them once B's and the province's own have."""
    units = world.units
    plan = plan_make(
        unit=units.province,
        period=(dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
        targets=[
            {
                "text_vi": "100% cán bộ quản lý Chương trình NTM được tập huấn chuyển đổi số",
                "kind": "activity",
                "indicator": OFFICERS,
                "value": 100,
                "deadline": "2026-12-31",
            }
        ],
    )

    def trained() -> Decimal | None:
        (target,) = plan_progress(plan=plan, day=DAY).targets
        return None if target.value is None else round(target.value, 2)

    assert trained() == Decimal(0)
    session = world.session()
    attendance_record(actor=world.province_officer, session=session, users=[world.officer_a])
    assert trained() == Decimal("33.33")
    attendance_record(
        actor=world.province_officer,
        session=session,
        users=[world.officer_b, world.province_officer],
    )
    assert trained() == Decimal(100)
