"""Test helpers shared by the apps that read indicators: a reported count that may be
negative, for exports that must keep a negative figure a number, and a commune's
reported share with its evidence files."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from django.core.files.uploadedfile import UploadedFile

from langso.core.actors import Actor
from langso.places.models import AdminUnit

from .models import ReportedValue
from .services.definitions import indicator_definition_save, indicator_definitions_load
from .services.reported import reported_value_set

HOUSEHOLD_CHANGE = "household-change"
# A shipped reported indicator, entered per commune as a fraction.
WORK_RECORDS = "work-records-online-commune"


@pytest.fixture
def definitions(db: None) -> None:
    """The shipped definitions, loaded as `serve.sh` loads them (a fixture: the conftests
    of the apps that read indicators import it)."""
    indicator_definitions_load()


def household_change_define(*, actor: Actor) -> None:
    """A village-level reported count that may fall below zero: the change in the
    number of households a village counts over a year."""
    indicator_definition_save(
        actor=actor,
        raw={
            "code": HOUSEHOLD_CHANGE,
            "name_vi": "Số hộ tăng (giảm) trong năm",
            "name_en": "Change in the number of households",
            "unit": "count",
            "source": "reported",
            "level": "village",
            "entry": "count",
            "min": -1000,
        },
    )


def work_records_report(
    *,
    actor: Actor,
    commune: AdminUnit,
    note: str = "",
    evidence: Sequence[UploadedFile[Any]] = (),
    online: int = 3,
) -> ReportedValue:
    """`actor` reports that `commune` handled `online` of its 4 work records online in
    2026 (75 % by default), with `evidence`. Needs the shipped definitions."""
    return reported_value_set(
        actor=actor,
        code=WORK_RECORDS,
        unit=commune,
        period="2026",
        numerator=online,
        denominator=4,
        note=note,
        evidence=evidence,
    )
