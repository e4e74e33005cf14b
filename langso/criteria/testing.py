"""Test helpers of criteria that other apps' tests (and the browser tests) use."""

from __future__ import annotations

from langso.core.actors import Actor
from langso.places.models import AdminUnit

from .models import CriteriaSet
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
