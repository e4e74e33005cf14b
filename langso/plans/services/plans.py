"""Writes of plans and targets: plans imported from YAML, targets from a spreadsheet,
and a target added, edited or deleted on the plan's page. Each validates in
`plans.targets` first, writes in one transaction and leaves an audit entry; a plan is
written by who holds `DEFINE_CRITERIA` on its unit (the province's office; a central
admin anywhere)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from langso.core.actors import Actor
from langso.core.errors import (
    AccessDenied,
    DomainError,
    FieldsInvalid,
    ImportRejected,
    RowError,
)
from langso.core.evidence import evidence_files_check
from langso.core.models import AuditEntry
from langso.core.services import audit_record, model_snapshot
from langso.core.tabular import read_table
from langso.criteria.catalogue import Lined, text_of
from langso.criteria.models import CriteriaSet, Criterion, CriterionIndicator
from langso.indicators.models import HouseholdAggregate, IndicatorDefinition
from langso.places.models import AdminUnit
from langso.places.selectors import unit_get

from ..models import Plan, Target
from ..selectors.plans import unit_editable
from ..targets import (
    Known,
    KnownIndicator,
    KnownSet,
    PlanSpec,
    TargetSpec,
    plans_validate,
    plans_yaml_read,
    targets_validate,
)

TARGET_FIELDS = [
    "position",
    "text_vi",
    "kind",
    "comparator",
    "value",
    "measure",
    "unit",
    "level",
    "indicator",
    "set_code",
    "criterion",
    "unit_comparator",
    "unit_threshold",
    "deadline",
    "baseline_value",
    "baseline_on",
    "milestones",
    "unbound_reason",
]
PLAN_FIELDS = [
    "code",
    "unit",
    "title_vi",
    "title_en",
    "legal_reference",
    "period_from",
    "period_to",
    "issued_on",
    "note",
]
# Spreadsheet of targets: one row per target (header label → key of `targets`).
XLSX_COLUMNS = {
    "text_vi": "Chỉ tiêu",
    "kind": "Loại",
    "indicator": "Chỉ số",
    "unit": "Mã đơn vị",
    "level": "Cấp đơn vị đếm",
    "set": "Bộ tiêu chí",
    "criterion": "Tiêu chí",
    "unit_comparator": "So sánh của đơn vị",
    "unit_threshold": "Ngưỡng của đơn vị",
    "comparator": "So sánh",
    "value": "Mục tiêu",
    "measure": "Đơn vị đo",
    "deadline": "Hạn",
    "baseline_value": "Mức cơ sở",
    "baseline_on": "Ngày của mức cơ sở",
    "unbound": "Lý do chưa gắn chỉ số",
}
XLSX_OPTIONAL = tuple(k for k in XLSX_COLUMNS if k not in ("text_vi", "value", "deadline"))


def _unit_of(code: str) -> AdminUnit | None:
    try:
        return unit_get(code=code)
    except DomainError:
        return None


def known_build() -> Known:
    """What a target may name, read once for a whole file: every indicator code (its
    unit and source), every criteria set code (its level, its criteria and indicators)."""
    indicators = {
        code: KnownIndicator(unit=unit, source=source)
        for code, unit, source in IndicatorDefinition.objects.order_by("version").values_list(
            "code", "unit", "source"
        )
    }
    levels = dict(CriteriaSet.objects.values_list("code", "level"))
    parts: dict[str, set[str]] = {code: set() for code in levels}
    for model in (Criterion, CriterionIndicator):
        for set_code, code in model.objects.values_list("criteria_set__code", "code"):
            parts[set_code].add(code)
    sets = {
        code: KnownSet(level=level, parts=frozenset(parts[code])) for code, level in levels.items()
    }
    return Known(indicators=indicators, sets=sets, unit_of=_unit_of)


def _check_allowed(actor: Actor | None, unit: AdminUnit) -> None:
    # A command (no actor) acts as the platform.
    if actor is not None and not unit_editable(user=actor, unit=unit):
        raise AccessDenied(_("Bạn không được sửa kế hoạch của đơn vị này."))


def _target_row(plan: Plan, position: int, spec: TargetSpec) -> Target:
    return Target(
        plan=plan,
        position=position,
        text_vi=spec.text_vi,
        kind=spec.kind,
        comparator=spec.comparator,
        value=spec.value,
        measure=spec.measure,
        unit=spec.unit,
        level=spec.level,
        indicator=spec.indicator,
        set_code=spec.set_code,
        criterion=spec.criterion,
        unit_comparator=spec.unit_comparator,
        unit_threshold=spec.unit_threshold,
        deadline=spec.deadline,
        baseline_value=spec.baseline_value,
        baseline_on=spec.baseline_on,
        milestones=spec.milestones,
        unbound_reason=spec.unbound_reason,
    )


def _targets_replace(*, actor: Actor | None, plan: Plan, specs: Sequence[TargetSpec]) -> None:
    for old in plan.targets.all():
        audit_record(
            actor=actor,
            instance=old,
            action=AuditEntry.Action.DELETE,
            before=model_snapshot(old, TARGET_FIELDS),
        )
    plan.targets.all().delete()
    for position, spec in enumerate(specs, start=1):
        target = _target_row(plan, position, spec)
        target.save()
        audit_record(
            actor=actor,
            instance=target,
            action=AuditEntry.Action.CREATE,
            after=model_snapshot(target, TARGET_FIELDS),
        )


def _plan_write(*, actor: Actor | None, spec: PlanSpec) -> Plan:
    plan = Plan.objects.select_for_update().filter(code=spec.code).first()
    if plan is not None:
        _check_allowed(actor, plan.unit)
    before = model_snapshot(plan, PLAN_FIELDS) if plan is not None else None
    plan = plan or Plan(code=spec.code, created_by_id=getattr(actor, "pk", None))
    plan.unit = spec.unit
    plan.title_vi = spec.title_vi
    plan.title_en = spec.title_en
    plan.legal_reference = spec.legal_reference
    plan.period_from = spec.period_from
    plan.period_to = spec.period_to
    plan.issued_on = spec.issued_on
    plan.note = spec.note
    plan.save()
    audit_record(
        actor=actor,
        instance=plan,
        action=AuditEntry.Action.UPDATE if before else AuditEntry.Action.CREATE,
        before=before,
        after=model_snapshot(plan, PLAN_FIELDS),
    )
    _targets_replace(actor=actor, plan=plan, specs=spec.targets)
    return plan


def plans_import(*, actor: Actor | None, text: str | bytes) -> list[Plan]:
    """The plans of a YAML file (format: `plans.targets`), each created or replaced
    whole (its targets with it) by code. A file with any bad entry, or naming a unit
    the actor may not plan for, writes nothing."""
    return plans_save(actor=actor, raw_plans=plans_yaml_read(text))


def plans_save(*, actor: Actor | None, raw_plans: Sequence[Lined]) -> list[Plan]:
    """Plans as read from a file (`Lined` entries), validated and written whole."""
    specs = plans_validate(raw_plans, known=known_build())
    for spec in specs:
        _check_allowed(actor, spec.unit)
    with transaction.atomic():
        return [_plan_write(actor=actor, spec=spec) for spec in specs]


def _xlsx_rows(file: IO[bytes] | UploadedFile[Any]) -> list[Lined]:
    rows = read_table(file, columns=XLSX_COLUMNS, optional=XLSX_OPTIONAL, max_rows=500)
    found = []
    for number, row in enumerate(rows, start=2):
        if not any(row.values()):
            continue
        raw = Lined({k: v for k, v in row.items() if v and not k.startswith("baseline")})
        raw.line = number
        if row.get("baseline_value") or row.get("baseline_on"):
            raw["baseline"] = {"value": row.get("baseline_value"), "date": row.get("baseline_on")}
        found.append(raw)
    return found


def plan_targets_import(
    *, actor: Actor, plan: Plan, file: IO[bytes] | UploadedFile[Any]
) -> list[Target]:
    """Replace the plan's targets by those of a spreadsheet (CSV or XLSX, one row per
    target, the template's columns); any bad row and nothing changes."""
    _check_allowed(actor, plan.unit)
    raws = _xlsx_rows(file)
    if not raws:
        raise ImportRejected([RowError(2, "", _("tệp không có chỉ tiêu nào"))])
    specs = targets_validate(raws, known=known_build())
    with transaction.atomic():
        Plan.objects.select_for_update().filter(pk=plan.pk).first()
        _targets_replace(actor=actor, plan=plan, specs=specs)
    return list(plan.targets.all())


def target_save(
    *, actor: Actor, plan: Plan, values: Mapping[str, Any], target: Target | None = None
) -> Target:
    """Add a target at the end of the plan, or change `target`, with the checks of a
    file (every refusal named by field)."""
    _check_allowed(actor, plan.unit)
    raw = Lined({k: v for k, v in values.items() if v not in (None, "", [])})
    raw.line = 1
    try:
        spec = targets_validate([raw], known=known_build())[0]
    except ImportRejected as refused:
        # One target, on a form: each reason goes next to its field.
        raise FieldsInvalid({e.column: e.reason for e in refused.errors}) from refused
    with transaction.atomic():
        Plan.objects.select_for_update().filter(pk=plan.pk).first()
        if target is None:
            last = plan.targets.order_by("-position").values_list("position", flat=True).first()
            saved = _target_row(plan, (last or 0) + 1, spec)
            saved.save()
            audit_record(
                actor=actor,
                instance=saved,
                action=AuditEntry.Action.CREATE,
                after=model_snapshot(saved, TARGET_FIELDS),
            )
            return saved
        before = model_snapshot(target, TARGET_FIELDS)
        saved = _target_row(plan, target.position, spec)
        saved.pk = target.pk
        saved.save()
        audit_record(
            actor=actor,
            instance=saved,
            action=AuditEntry.Action.UPDATE,
            before=before,
            after=model_snapshot(saved, TARGET_FIELDS),
        )
        return saved


def target_delete(*, actor: Actor, target: Target) -> None:
    _check_allowed(actor, target.plan.unit)
    with transaction.atomic():
        audit_record(
            actor=actor,
            instance=target,
            action=AuditEntry.Action.DELETE,
            before=model_snapshot(target, TARGET_FIELDS),
        )
        target.delete()


SEED = Path(__file__).resolve().parents[1] / "seed"
# Each seed file, and whose plan it is (named in the note of a plan shown on another
# province's data).
SEED_FILES = {"cao-bang.yaml": "tỉnh Cao Bằng", "hcmc.yaml": "Thành phố Hồ Chí Minh"}


def _has_households(unit: AdminUnit) -> bool:
    return HouseholdAggregate.objects.filter(province_id=unit.pk).exists()


def seed_plans_load(*, province: AdminUnit) -> list[Plan]:
    """The two seed plans (Cao Bằng, TP.HCM), each loaded for its own province where
    that province has household figures, else for `province` with a note saying whose
    plan it is and whose data it shows. Rerunning replaces them unchanged."""
    raws: list[Lined] = []
    for name, owner_name in SEED_FILES.items():
        for raw in plans_yaml_read((SEED / name).read_bytes()):
            owner = _unit_of(text_of(raw.get("unit")))
            if owner is None or not _has_households(owner):
                raw["unit"] = province.code
                raw["note"] = _(
                    "Kế hoạch mẫu của %(owner)s, áp dụng cho dữ liệu %(province)s để minh họa."
                ) % {"owner": owner_name, "province": _lower_first(province.name)}
            raws.append(raw)
    return plans_save(actor=None, raw_plans=raws)


def _lower_first(name: str) -> str:
    """ "Tỉnh Cao Bằng" inside a sentence: "tỉnh Cao Bằng"."""
    return name[:1].lower() + name[1:]


def plan_file_attach(*, actor: Actor, plan: Plan, upload: UploadedFile[Any]) -> Plan:
    """The plan's signed text (a PDF, an office document), checked as evidence files
    are (its first bytes are those of the type its name says), replacing the last one."""
    _check_allowed(actor, plan.unit)
    evidence_files_check([upload])
    with transaction.atomic():
        before = {"file_name": plan.file_name}
        plan.file = upload
        plan.file_name = (upload.name or "")[:255]
        plan.save(update_fields=["file", "file_name"])
        audit_record(
            actor=actor,
            instance=plan,
            action=AuditEntry.Action.UPDATE,
            before=before,
            after={"file_name": plan.file_name},
        )
    return plan
