"""/api/v1/dossiers and /api/v1/recognitions: the recognition dossiers and the units
recognised, within the caller's scope, in JSON or CSV (the CSV's columns are the JSON's
fields, in their order). A province's dossiers and recognitions number in the hundreds:
answered whole, as /evaluations answers a province's communes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.security import django_auth

from langso.accounts.selectors import unit_get_for_user
from langso.core.schemas import schema_csv_response
from langso.criteria.models import Recognition
from langso.places.models import AdminUnit

from .models import Dossier, Step
from .selectors.dossiers import dossier_overdue
from .selectors.recognitions import (
    dossiers_for_user,
    recognitions_at_risk,
    recognitions_for_user,
)

router = Router(tags=["recognition"], auth=django_auth)


class DossierFilters(Schema):
    # A unit's code: its dossiers and those of the units under it.
    unit: str | None = Field(None, max_length=32)
    set_code: str | None = Field(None, alias="set", max_length=64)
    year: int | None = Field(None, ge=2000, le=2100)
    step: Step | None = None
    format: Literal["json", "csv"] = "json"


class DossierOut(Schema):
    id: int
    unit: str
    unit_name: str
    set_code: str
    year: int
    step: str
    step_label: str
    step_started_on: dt.date
    # null: the step has no deadline
    step_due_on: dt.date | None
    # Working days past `step_due_on` (0: not overdue)
    overdue_days: int
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    # The SHA-256 of the latest snapshot (null before the self-assessment is frozen)
    snapshot_sha256: str | None


class DossierListOut(Schema):
    count: int
    results: list[DossierOut]


class RecognitionFilters(Schema):
    unit: str | None = Field(None, max_length=32)
    set_code: str | None = Field(None, alias="set", max_length=64)
    year: int | None = Field(None, ge=2000, le=2100)
    format: Literal["json", "csv"] = "json"


class RecognitionOut(Schema):
    unit: str
    unit_name: str
    province: str
    set_code: str
    year: int
    decision_number: str
    decision_date: dt.date
    signer: str
    revoked_on: dt.date | None
    revocation_number: str
    # In force and its live evaluation for this year no longer meets the set; null
    # once revoked.
    at_risk: bool | None


class RecognitionListOut(Schema):
    count: int
    results: list[RecognitionOut]


def _unit(request: HttpRequest, code: str | None) -> AdminUnit | None:
    """The unit asked for, refused as missing outside the caller's scope."""
    return unit_get_for_user(user=request.user, code=code) if code else None


def _dossier(dossier: Dossier, today: dt.date) -> DossierOut:
    return DossierOut(
        id=dossier.pk,
        unit=dossier.unit.code,
        unit_name=dossier.unit.name,
        set_code=dossier.set_code,
        year=dossier.year,
        step=dossier.step,
        step_label=str(Step(dossier.step).label),
        step_started_on=dossier.step_started_on,
        step_due_on=dossier.step_due_on,
        overdue_days=dossier_overdue(dossier, today=today),
        opened_at=dossier.opened_at,
        closed_at=dossier.closed_at,
        snapshot_sha256=getattr(dossier, "snapshot_sha256", None),
    )


@router.get(
    "/dossiers",
    response=DossierListOut,
    summary="Hồ sơ công nhận trong phạm vi (JSON hoặc CSV)",
    description=(
        "`format=csv`: một dòng cho mỗi hồ sơ; tên cột là tên trường JSON, cùng thứ tự / "
        "one row per dossier, the columns named as the JSON fields, in their order."
    ),
)
def dossiers(request: HttpRequest, filters: Query[DossierFilters]) -> Any:
    found = dossiers_for_user(
        user=request.user,
        unit=_unit(request, filters.unit),
        set_code=filters.set_code,
        year=filters.year,
        step=filters.step,
    )
    today = timezone.localdate()
    results = [_dossier(d, today) for d in found]
    if filters.format == "csv":
        return schema_csv_response("ho-so-cong-nhan.csv", DossierOut, results)
    return DossierListOut(count=len(results), results=results)


def _at_risk(recognitions: Sequence[Recognition]) -> set[int]:
    """The recognitions flagged at risk, by pk: one evaluation run per province (and
    set) of those in force, for this year."""
    year = timezone.localdate().year
    provinces = {r.province_id: r.province for r in recognitions if r.in_force}
    return {
        risk.recognition.pk
        for province in provinces.values()
        for risk in recognitions_at_risk(province=province, year=year)
    }


@router.get(
    "/recognitions",
    response=RecognitionListOut,
    summary="Đơn vị đã được công nhận đạt chuẩn, trong phạm vi (JSON hoặc CSV)",
    description=(
        "`format=csv`: một dòng cho mỗi công nhận; tên cột là tên trường JSON, cùng thứ "
        "tự / one row per recognition, the columns named as the JSON fields, in order."
    ),
)
def recognitions(request: HttpRequest, filters: Query[RecognitionFilters]) -> Any:
    found = list(
        recognitions_for_user(
            user=request.user,
            unit=_unit(request, filters.unit),
            set_code=filters.set_code,
            year=filters.year,
        )
    )
    risky = _at_risk(found)
    results = [
        RecognitionOut(
            unit=r.unit.code,
            unit_name=r.unit.name,
            province=r.province.code,
            set_code=r.set_code,
            year=r.year,
            decision_number=r.decision_number,
            decision_date=r.decision_date,
            signer=r.signer,
            revoked_on=r.revoked_on,
            revocation_number=r.revocation_number,
            at_risk=(r.pk in risky) if r.in_force else None,
        )
        for r in found
    ]
    if filters.format == "csv":
        return schema_csv_response("cong-nhan.csv", RecognitionOut, results)
    return RecognitionListOut(count=len(results), results=results)
