"""The path from baseline to target and the status on it (rule: `selectors.progress`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from langso.plans.models import Plan, Target
from langso.plans.selectors.progress import TrackStatus, expected_on, track_status

D = Decimal


def _target(**fields: object) -> Target:
    values: dict[str, object] = {
        "plan": Plan(code="x"),
        "position": 1,
        "text_vi": "≥ 65%",
        "comparator": "gte",
        "value": D(65),
        "measure": "percent",
        "deadline": dt.date(2026, 12, 31),
        "baseline_value": D(25),
        "baseline_on": dt.date(2024, 12, 31),
    }
    values.update(fields)
    return Target(**values)


TODAY = dt.date(2025, 12, 31)  # half way: the path gives 45


def test_the_path_is_straight_from_baseline_to_target() -> None:
    """Half way in time, the path gives half way in value; before and after, the ends."""
    target = _target()
    assert expected_on(target, TODAY) == D(45)
    assert expected_on(target, dt.date(2024, 1, 1)) == D(25)
    assert expected_on(target, dt.date(2027, 6, 1)) == D(65)


def test_milestones_bend_the_path() -> None:
    """A milestone of 55 at the half way point makes the path pass through it."""
    target = _target(milestones=[{"date": "2025-12-31", "value": "55"}])
    assert expected_on(target, TODAY) == D(55)
    later = expected_on(target, dt.date(2026, 7, 2))
    assert later is not None
    assert later > D(55)


def test_at_or_beyond_the_path_is_on_track() -> None:
    target = _target()
    assert track_status(target, D(45), D(45), TODAY) == TrackStatus.ON_TRACK
    assert track_status(target, D(50), D(45), TODAY) == TrackStatus.ON_TRACK


def test_short_within_a_tenth_of_the_way_is_at_risk() -> None:
    """The way is 40 points: 4 points short is at risk, 4.01 is off track."""
    target = _target()
    assert track_status(target, D(41), D(45), TODAY) == TrackStatus.AT_RISK
    assert track_status(target, D("40.99"), D(45), TODAY) == TrackStatus.OFF_TRACK


def test_a_deadline_passed_unmet_is_off_track_and_met_is_on_track() -> None:
    target = _target()
    after = dt.date(2027, 1, 5)
    assert track_status(target, D(64), D(65), after) == TrackStatus.OFF_TRACK
    assert track_status(target, D(65), D(65), after) == TrackStatus.ON_TRACK


def test_lower_is_better_for_at_most_targets() -> None:
    """ "≤ 5%" from 25%: above the path is short of it."""
    target = _target(comparator="lte", value=D(5))
    expected = expected_on(target, TODAY)
    assert expected == D(15)
    assert track_status(target, D(14), expected, TODAY) == TrackStatus.ON_TRACK
    assert track_status(target, D(17), expected, TODAY) == TrackStatus.AT_RISK
    assert track_status(target, D(18), expected, TODAY) == TrackStatus.OFF_TRACK


def test_without_baseline_or_data() -> None:
    """No baseline: no path; unmet before the deadline is at risk. No figure: no data.
    An unbound target is said so, whatever the figure."""
    target = _target(baseline_value=None, baseline_on=None)
    assert expected_on(target, TODAY) is None
    assert track_status(target, D(10), None, TODAY) == TrackStatus.AT_RISK
    assert track_status(target, D(70), None, TODAY) == TrackStatus.ON_TRACK
    assert track_status(target, None, None, TODAY) == TrackStatus.NO_DATA
    unbound = _target(unbound_reason="Cấp huyện không còn")
    assert track_status(unbound, D(70), None, TODAY) == TrackStatus.UNBOUND
