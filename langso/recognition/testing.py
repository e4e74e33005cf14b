"""Test helpers of recognition that other apps' tests (and the browser tests) use."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from langso.core.actors import Actor
from langso.criteria.models import FactStatus, Origin
from langso.indicators.services.reported import reported_value_set
from langso.places.models import AdminUnit

from .models import Procedure

# A complete procedure as stored (the shape `procedure.yaml` is written in), for tests
# that need one without the shipped file: every step with its actor, one required
# uploaded document at submission, a 15-working-day appraisal, a 70% satisfaction
# threshold for the 2026-2030 set.
TEST_PROCEDURE: dict[str, Any] = {
    "code": "thu_nghiem",
    "name_vi": "Quy trình thử nghiệm",
    "level": "commune",
    "sets": ["xa_ntm_2026_2030"],
    "status": "verified",
    "steps": {
        "self_assessment": {
            "actor": "commune_officer",
            "documents": [
                {
                    "code": "bao_cao_tu_danh_gia",
                    "name_vi": "Báo cáo kết quả tự đánh giá",
                    "generated": True,
                }
            ],
        },
        "consultation": {"actor": "commune_officer", "public_days": 15},
        "submission": {
            "actor": "commune_leader",
            "prepared_by": "commune_officer",
            "deadline_working_days": 10,
            "documents": [{"code": "to_trinh", "name_vi": "Tờ trình của UBND xã"}],
        },
        "appraisal": {"actor": "province_appraiser", "deadline_working_days": 15},
        "supplement": {
            "actor": "commune_leader",
            "prepared_by": "commune_officer",
            "deadline_working_days": 10,
        },
        "decision": {"actor": "province_leader", "deadline_working_days": 10},
        "revocation": {"actor": "province_leader"},
    },
    "satisfaction": {
        "xa_ntm_2026_2030": {
            "indicator": "resident-satisfaction-ntm",
            "comparator": "gte",
            "threshold": 70,
            "status": "provincial",
        }
    },
}


def make_procedure(
    *, province: AdminUnit | None = None, version: int = 1, **changes: Any
) -> Procedure:
    """A stored procedure from `TEST_PROCEDURE`, with top-level keys of its spec
    replaced by `changes` (`sets=[...]`, `satisfaction={...}`, `steps={...}`)."""
    spec = copy.deepcopy(TEST_PROCEDURE) | changes
    return Procedure.objects.create(
        code=spec["code"],
        version=version,
        province=province,
        name_vi=spec["name_vi"],
        level=spec["level"],
        set_codes=list(spec["sets"]),
        status=FactStatus.VERIFIED,
        spec=spec,
        origin=Origin.SHIPPED,
    )


def satisfaction_reported(*, actor: Actor, unit: AdminUnit, year: int, satisfied: int) -> None:
    """The residents' satisfaction of `unit` for `year`, as reported: `satisfied` of 100
    (the indicator the shipped procedures name)."""
    reported_value_set(
        actor=actor,
        code="resident-satisfaction-ntm",
        unit=unit,
        period=str(year),
        numerator=Decimal(satisfied),
        denominator=Decimal(100),
    )
