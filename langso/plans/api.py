"""/api/v1/plans and /api/v1/plans/{code}/progress: the plans within the caller's reach,
and every target of one with its live figure, the value expected today on its path, its
status and deadline, or why it is not computed; in JSON or CSV (the CSV's columns are
the JSON's fields, in their order)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.security import django_auth

from langso.core.schemas import schema_csv_response

from .selectors.plans import plan_get_for_user, plan_list_for_user, plan_progress_for_user
from .selectors.progress import TargetProgress

router = Router(tags=["plans"], auth=django_auth)


class FormatFilter(Schema):
    format: Literal["json", "csv"] = "json"


class PlanOut(Schema):
    code: str
    title_vi: str
    title_en: str
    # The issuing unit (one abolished in 2025 is read through the lineage).
    unit: str
    unit_name: str
    legal_reference: str
    period_from: dt.date
    period_to: dt.date
    issued_on: dt.date | None
    note: str


class PlanListOut(Schema):
    count: int
    results: list[PlanOut]


class TargetOut(Schema):
    position: int
    text_vi: str
    # indicator_value, units_meeting, activity; empty for a target not computed
    kind: str
    # gte, gt, lte, lt
    comparator: str
    target: float
    # percent or count
    measure: str
    deadline: dt.date
    # null: no figure (nothing reported, no unit counted), or not computed
    value: float | None
    # The value the straight path from the baseline (through the milestones) gives
    # today; null without a baseline
    expected: float | None
    # on_track, at_risk, off_track, no_data, unbound
    status: str
    status_label: str
    # The period read ("2025") and whether its figures are frozen (a closed period)
    period: str
    frozen: bool
    # units_meeting: sub-units meeting it, and counted
    met_units: int | None
    counted_units: int | None
    # The indicator or set read; the API call giving the figure
    indicator: str
    set_code: str
    criterion: str
    provenance: str
    # Codes of the sub-units pulling the target down, worst first
    worst_units: list[str]
    # Why the target is not computed ("chưa gắn chỉ số"), or what stopped its reading
    unbound_reason: str
    note: str


class ProgressOut(Schema):
    plan: PlanOut
    # For a plan of a unit that no longer exists: the units read for it
    lineage_note: str
    read_units: list[str]
    day: dt.date
    targets: list[TargetOut]


class TargetCsvOut(TargetOut):
    worst_units: str  # type: ignore[assignment]  # codes joined by spaces in a CSV cell


def _plan(plan: Any) -> PlanOut:
    return PlanOut(
        code=plan.code,
        title_vi=plan.title_vi,
        title_en=plan.title_en,
        unit=plan.unit.code,
        unit_name=plan.unit.name,
        legal_reference=plan.legal_reference,
        period_from=plan.period_from,
        period_to=plan.period_to,
        issued_on=plan.issued_on,
        note=plan.note,
    )


def _number(value: Any) -> float | None:
    return None if value is None else float(round(value, 4))


def _target(found: TargetProgress) -> TargetOut:
    target = found.target
    return TargetOut(
        position=target.position,
        text_vi=target.text_vi,
        kind=target.kind,
        comparator=target.comparator,
        target=float(target.value),
        measure=target.measure,
        deadline=target.deadline,
        value=_number(found.value),
        expected=_number(found.expected),
        status=found.status,
        status_label=found.status_label,
        period=found.period,
        frozen=found.frozen,
        met_units=found.met_units,
        counted_units=found.counted_units,
        indicator=target.indicator,
        set_code=target.set_code,
        criterion=target.criterion,
        provenance=found.provenance,
        worst_units=[c.unit.code for c in found.worst],
        unbound_reason=target.unbound_reason,
        note="" if target.unbound_reason else found.note,
    )


@router.get(
    "/plans",
    response=PlanListOut,
    summary="Kế hoạch trong phạm vi (JSON hoặc CSV)",
    description=(
        "`format=csv`: một dòng cho mỗi kế hoạch; tên cột là tên trường JSON, cùng thứ tự / "
        "one row per plan, the columns named as the JSON fields, in their order."
    ),
)
def plans(request: HttpRequest, filters: Query[FormatFilter]) -> Any:
    results = [_plan(plan) for plan in plan_list_for_user(user=request.user)]
    if filters.format == "csv":
        return schema_csv_response("ke-hoach.csv", PlanOut, results)
    return PlanListOut(count=len(results), results=results)


@router.get(
    "/plans/{code}/progress",
    response=ProgressOut,
    summary="Tiến độ từng chỉ tiêu của một kế hoạch (JSON hoặc CSV)",
    description=(
        "Giá trị hiện tại tính trực tiếp từ chỉ số và tiêu chí, giá trị kỳ vọng hôm nay, "
        "trạng thái, hạn. `format=csv`: một dòng cho mỗi chỉ tiêu, tên cột là tên trường "
        "JSON / live values, expected today, status, deadline; CSV: one row per target."
    ),
)
def plan_progress_get(request: HttpRequest, code: str, filters: Query[FormatFilter]) -> Any:
    plan = plan_get_for_user(user=request.user, code=code)
    progress = plan_progress_for_user(user=request.user, plan=plan)
    targets = [_target(found) for found in progress.targets]
    if filters.format == "csv":
        rows = [
            TargetCsvOut(**(t.model_dump() | {"worst_units": " ".join(t.worst_units)}))
            for t in targets
        ]
        return schema_csv_response(f"tien-do-{plan.code}.csv", TargetCsvOut, rows)
    return ProgressOut(
        plan=_plan(plan),
        lineage_note=progress.lineage_note,
        read_units=[u.code for u in progress.read_units],
        day=progress.day,
        targets=targets,
    )
