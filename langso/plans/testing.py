"""Test helpers of plans that other apps' tests (dashboards, reports) use."""

from __future__ import annotations

import datetime as dt
from typing import Any

from langso.criteria.catalogue import Lined
from langso.places.models import AdminUnit

from .models import Plan
from .services.plans import plans_save


def plan_make(
    *,
    unit: AdminUnit,
    targets: list[dict[str, Any]],
    code: str = "ke-hoach-thu",
    period: tuple[dt.date, dt.date] = (dt.date(2026, 1, 1), dt.date(2027, 12, 31)),
) -> Plan:
    """A plan of `unit` with `targets` written as in a plan file (`plans.targets`)."""
    raw = Lined(
        code=code,
        title_vi="Kế hoạch thử",
        unit=unit.code,
        period=list(period),
        targets=[Lined(t) for t in targets],
    )
    return plans_save(actor=None, raw_plans=[raw])[0]
