"""Test helpers of criteria that other apps' tests (and the browser tests) use."""

from __future__ import annotations

import datetime as dt

from langso.core.actors import Actor
from langso.places.models import AdminUnit

from .models import CriteriaSet, Recognition
from .services import assessment_record

NATIONAL_2026 = "xa_ntm_2026_2030"


def criteria_assess_met(
    *, actor: Actor, unit: AdminUnit, met: int, year: int, code: str = NATIONAL_2026
) -> None:
    """Criteria "1" to `met` of the national set `code` (one whose criteria an officer
    assesses whole, as 51/2025/QĐ-TTg's in the catalogue) recorded as met for `unit`."""
    national = CriteriaSet.objects.get(code=code, province=None)
    for criterion in range(1, met + 1):
        assessment_record(
            actor=actor,
            criteria_set=national,
            indicator_code=str(criterion),
            unit=unit,
            year=year,
            verdict="pass",
            note="Biên bản kiểm tra",
        )


def recognition_make(
    *,
    unit: AdminUnit,
    year: int,
    code: str = NATIONAL_2026,
    number: str = "123/QĐ-UBND",
    decision_date: dt.date | None = None,
    revoked_on: dt.date | None = None,
    revocation_number: str = "",
) -> Recognition:
    """`unit` recognised as meeting the set `code` for `year` (decided on 20/12 of the
    year unless told), as the recognition module's decision writes it."""
    assert unit.province is not None  # noqa: S101  # a unit below a province
    return Recognition.objects.create(
        unit=unit,
        province=unit.province,
        set_code=code,
        year=year,
        decision_number=number,
        decision_date=decision_date or dt.date(year, 12, 20),
        signer="Chủ tịch UBND tỉnh",
        revoked_on=revoked_on,
        revocation_number=revocation_number,
    )
