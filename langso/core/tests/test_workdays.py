"""Working days across Tết, bridged holidays and the Saturdays worked in exchange."""

from __future__ import annotations

import datetime as dt

import pytest

from langso.core.workdays import (
    holiday_name,
    is_working_day,
    working_days_add,
    working_days_between,
)


def test_tet_2026_is_not_counted() -> None:
    # Tết Bính Ngọ: Monday 16/02 to Friday 20/02/2026 are days off; received on Friday
    # 13/02, five working days end on Friday 27/02, not Friday 20/02.
    assert not any(is_working_day(dt.date(2026, 2, day)) for day in range(16, 21))
    assert working_days_add(dt.date(2026, 2, 13), 5) == dt.date(2026, 2, 27)
    assert working_days_between(dt.date(2026, 2, 13), dt.date(2026, 2, 27)) == 5


def test_tet_2027_spans_a_weekend() -> None:
    # Tết Đinh Mùi: 04/02 to 10/02/2027; from Wednesday 03/02, one working day is 11/02.
    assert working_days_add(dt.date(2027, 2, 3), 1) == dt.date(2027, 2, 11)


def test_weekends_and_national_day() -> None:
    # 01/09 and 02/09/2026 are Quốc khánh; 31/08/2026 is the bridging day off.
    assert working_days_add(dt.date(2026, 8, 28), 1) == dt.date(2026, 9, 3)
    assert holiday_name(dt.date(2026, 9, 2)) != ""
    assert holiday_name(dt.date(2026, 9, 3)) == ""


def test_a_saturday_worked_in_exchange_counts() -> None:
    # Saturday 22/08/2026 is worked in exchange for Monday 31/08.
    assert is_working_day(dt.date(2026, 8, 22))
    assert working_days_add(dt.date(2026, 8, 21), 1) == dt.date(2026, 8, 22)


def test_a_step_received_on_a_weekend_counts_from_monday() -> None:
    assert working_days_add(dt.date(2026, 3, 7), 1) == dt.date(2026, 3, 9)
    assert working_days_add(dt.date(2026, 3, 9), 0) == dt.date(2026, 3, 9)


def test_across_the_new_year() -> None:
    # 01/01/2027 (Friday) is a holiday: from Thursday 31/12/2026, one day is Monday 04/01.
    assert working_days_add(dt.date(2026, 12, 31), 1) == dt.date(2027, 1, 4)
    assert working_days_between(dt.date(2026, 12, 31), dt.date(2027, 1, 4)) == 1


def test_negative_days_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        working_days_add(dt.date(2026, 3, 9), -1)
