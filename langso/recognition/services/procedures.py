"""Writes of procedures: the shipped file loaded as national versions, a province's
variant adopted from YAML, and a satisfaction threshold a province enters — each a new
version, never a change to one stored."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from langso.core.actors import Actor
from langso.core.errors import DomainError, ImportRejected, RowError
from langso.core.models import AuditEntry
from langso.core.services import audit_record
from langso.criteria.catalogue import Lined, relined
from langso.criteria.models import FactStatus, Origin
from langso.criteria.selectors.sets import criteria_sets_in_force
from langso.criteria.services import define_criteria_check
from langso.indicators.selectors import indicator_list
from langso.places.models import AdminUnit

from ..models import Procedure
from ..procedure import (
    ProcedureSpec,
    procedure_stored_spec,
    procedure_yaml_read,
    procedures_validate,
)

SHIPPED = Path(__file__).resolve().parent.parent / "procedure.yaml"
SATISFACTION_INDICATOR = "resident-satisfaction-ntm"


@dataclass(frozen=True)
class ProcedureReport:
    """What a load did: the versions added, and the codes of procedures already current."""

    added: list[Procedure]
    unchanged: list[str]


def _latest(code: str, province: AdminUnit | None) -> Procedure | None:
    return Procedure.objects.filter(code=code, province=province).order_by("-version").first()


def _validated(
    raw_procedures: Sequence[Lined], sources: Mapping[str, str], province: AdminUnit | None
) -> list[ProcedureSpec]:
    """The procedures checked against the criteria sets in force for `province` (the
    national ones and its own) and the indicator catalogue."""
    return procedures_validate(
        raw_procedures,
        sources=sources,
        set_levels={s.code: s.level for s in criteria_sets_in_force(province=province)},
        indicators={d.code for d in indicator_list()},
    )


def _save(
    *,
    spec: ProcedureSpec,
    stored: dict[str, Any],
    province: AdminUnit | None,
    origin: str,
    actor: Actor | None,
) -> Procedure | None:
    """Store the next version of the procedure, unless it says what the current version
    says (None then). Audited; the shipped file's versions have no actor."""
    latest = _latest(spec.code, province)
    if latest is not None and latest.spec == stored:
        return None
    procedure = Procedure.objects.create(
        code=spec.code,
        version=(latest.version + 1) if latest else 1,
        province=province,
        name_vi=spec.name_vi,
        name_en=spec.name_en,
        legal_basis=spec.legal_basis,
        level=spec.level,
        set_codes=list(spec.set_codes),
        status=spec.status,
        sources=[{"id": s, "url": spec.source_texts.get(s, s)} for s in spec.sources],
        note=spec.note,
        spec=stored,
        origin=origin,
        created_by_id=actor.pk if actor is not None else None,
    )
    audit_record(
        actor=actor,
        instance=procedure,
        action=AuditEntry.Action.CREATE,
        after={
            "code": procedure.code,
            "version": procedure.version,
            "province": province.code if province else None,
            "sets": procedure.set_codes,
            "origin": origin,
        },
    )
    return procedure


@transaction.atomic
def procedures_save(
    *,
    actor: Actor | None,
    raw_procedures: Sequence[Lined],
    sources: Mapping[str, str],
    province: AdminUnit | None = None,
    origin: str = Origin.EDITED,
) -> ProcedureReport:
    """Validate every procedure, then store each changed one as a new version: all or
    nothing. A province's procedure is its variant (its own versions)."""
    define_criteria_check(actor, province)
    specs = _validated(raw_procedures, sources, province)
    added: list[Procedure] = []
    unchanged: list[str] = []
    for spec, raw in zip(specs, raw_procedures, strict=True):
        saved = _save(
            spec=spec,
            stored=procedure_stored_spec(raw, sources),
            province=province,
            origin=origin,
            actor=actor,
        )
        if saved is None:
            unchanged.append(spec.code)
        else:
            added.append(saved)
    return ProcedureReport(added=added, unchanged=unchanged)


def procedures_load(*, path: Path = SHIPPED) -> ProcedureReport:
    """The procedures shipped with the platform, loaded by the platform itself: each
    whose entry changed gets a national version."""
    raw_procedures, sources = procedure_yaml_read(path.read_bytes())
    return procedures_save(
        actor=None, raw_procedures=raw_procedures, sources=sources, origin=Origin.SHIPPED
    )


def procedure_variant_save(*, actor: Actor, province: AdminUnit, text: str | bytes) -> Procedure:
    """A province adopts its own variant of a procedure from YAML (one procedure; the
    sources of the national version of the same code may be cited without repeating
    them): validated whole, stored as the next version of the province's own. Written
    as the current version says, it adds nothing and that version is returned."""
    define_criteria_check(actor, province)
    raw_procedures, sources = procedure_yaml_read(text)
    if len(raw_procedures) != 1:
        raise ImportRejected(
            [RowError(raw_procedures[1].line, "code", _("mỗi lần chỉ nhận một quy trình"))]
        )
    code = str(raw_procedures[0].get("code") or "")
    base = _latest(code, province) or _latest(code, None)
    known = dict((base.spec.get("sources") or {}) if base else {})
    report = procedures_save(
        actor=actor,
        raw_procedures=raw_procedures,
        sources=known | sources,
        province=province,
        origin=Origin.IMPORTED,
    )
    current = report.added[0] if report.added else _latest(code, province)
    if current is None:  # unchanged means stored: a province's version exists
        raise DomainError(_("Không có quy trình “%(code)s”.") % {"code": code})
    return current


def procedure_threshold_set(
    *,
    actor: Actor,
    province: AdminUnit,
    procedure: Procedure,
    set_code: str,
    threshold: Decimal,
    note: str,
) -> Procedure:
    """The residents' satisfaction share a dossier for `set_code` must reach in
    `province` — one the texts leave unknown, or a change to one — stored as the next
    version of the province's variant of `procedure`, marked provincial."""
    define_criteria_check(actor, province)
    if procedure.province_id not in (None, province.pk):
        raise DomainError(_("Quy trình này là của tỉnh khác."))
    if set_code not in procedure.set_codes:
        raise DomainError(
            _("Quy trình không áp dụng cho bộ tiêu chí “%(code)s”.") % {"code": set_code}
        )
    if not threshold.is_finite() or not 0 <= threshold <= 100:
        raise DomainError(_("Ngưỡng hài lòng phải là tỉ lệ phần trăm từ 0 đến 100."))
    base = _latest(procedure.code, province) or procedure
    spec = copy.deepcopy(base.spec)
    sources = dict(spec.pop("sources", None) or {})
    satisfaction = spec.setdefault("satisfaction", {})
    entry = satisfaction.setdefault(
        set_code, {"indicator": SATISFACTION_INDICATOR, "comparator": "gte"}
    )
    # "70", not "7E+1": the stored spec reads as the YAML a province would write.
    entry["threshold"] = format(threshold.normalize(), "f")
    entry["status"] = FactStatus.PROVINCIAL
    entry["note"] = note.strip()
    report = procedures_save(
        actor=actor,
        raw_procedures=[relined(spec)],
        sources=sources,
        province=province,
    )
    return report.added[0] if report.added else base
