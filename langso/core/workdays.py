"""Vietnamese working days, for every deadline the law counts in them (ngày làm việc):
Monday to Friday, less the public holidays — Tết Nguyên Đán's days, Giỗ Tổ Hùng Vương,
30/4, 1/5, Quốc khánh and the days off the government moves to bridge them — plus the
Saturdays it makes working days in exchange. The calendar is the `holidays` package's
for Vietnam, which computes the lunar dates and carries each year's announced swaps."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays

_SATURDAY = 5


@lru_cache(maxsize=64)
def _calendar(year: int) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    """The year's days off that fall on weekdays, and its Saturdays and Sundays worked."""
    country = holidays.country_holidays("VN", years=year, language="vi")
    worked = frozenset(day for day in getattr(country, "weekend_workdays", ()) if day.year == year)
    return frozenset(country), worked


def holiday_name(day: dt.date) -> str:
    """The Vietnamese name of the public holiday on `day`, or "" on any other day."""
    country = holidays.country_holidays("VN", years=day.year, language="vi")
    return str(country.get(day) or "")


def is_working_day(day: dt.date) -> bool:
    days_off, worked = _calendar(day.year)
    if day in worked:
        return True
    return day.weekday() < _SATURDAY and day not in days_off


def working_days_add(start: dt.date, days: int) -> dt.date:
    """The day on which `days` working days counted from the day after `start` end: a
    step received on `start` with a limit of `days` working days is due on it."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    left = days
    while left:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """How many working days lie after `start` up to and including `end` (0 when `end`
    is not after `start`): how far into, or past, its limit a step is."""
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        count += is_working_day(day)
    return count
