"""Which procedure a dossier goes through, and its spec."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import yaml
from django.db.models import F, Q
from django.utils.translation import gettext as _

from langso.accounts.roles import Permission, Role
from langso.accounts.selectors import is_nationwide, scoped_units, user_has_unit_permission
from langso.core.actors import Actor
from langso.core.errors import NotFound
from langso.criteria.models import FactStatus
from langso.criteria.selectors.catalogue import (
    LEVEL_ORDER,
    SourceLink,
    province_get,
    source_links,
)
from langso.criteria.selectors.sets import criteria_sets_in_force
from langso.places.models import AdminUnit

from ..models import Procedure, Step
from ..procedure import (
    DESCRIBED_STEPS,
    PROCEDURE_KEYS,
    REVOCATION,
    DocumentSpec,
    ProcedureSpec,
    SatisfactionSpec,
    StepSpec,
    procedure_spec_from_stored,
)


def procedure_in_force(*, set_code: str, unit: AdminUnit) -> Procedure:
    """The procedure a dossier of `unit` for the set `set_code` goes through: the
    latest version of the unit's province's own variant that covers the set, else the
    latest national version that does. Procedures are few; they are read whole."""
    candidates = [
        procedure
        for procedure in Procedure.objects.filter(
            Q(province__isnull=True) | Q(province_id=unit.province_id)
        ).order_by("-version", "pk")
        if set_code in procedure.set_codes and procedure.level == unit.level
    ]
    own = [p for p in candidates if p.province_id is not None]
    found = own[0] if own else next(iter(candidates), None)
    if found is None:
        raise NotFound(
            _("Chưa có quy trình công nhận nào áp dụng cho bộ tiêu chí này ở cấp %(level)s.")
            % {"level": unit.get_level_display()}
        )
    return found


def procedure_spec(procedure: Procedure) -> ProcedureSpec:
    """The spec of a stored procedure version, as dataclasses."""
    return procedure_spec_from_stored(procedure.spec)


# --- The procedure pages --------------------------------------------------------------


def procedure_province_for_user(*, user: Actor, code: str) -> AdminUnit:
    """The province `code`, for a user who may read its procedures: nationwide readers,
    and those holding a role in that province (on it or on one of its units). Any
    other province is NotFound, as if it did not exist."""
    province = province_get(code=code)
    if (
        is_nationwide(user=user, permission=Permission.VIEW_SCOPED)
        or user_has_unit_permission(user=user, permission=Permission.VIEW_SCOPED, unit=province)
        or scoped_units(user=user, permission=Permission.VIEW_SCOPED)
        .filter(province_id=province.pk)
        .exists()
    ):
        return province
    raise NotFound(_("Không có tỉnh mã “%(code)s”.") % {"code": code})


def procedures_for(*, province: AdminUnit | None) -> list[Procedure]:
    """The procedures in force for `province` (None: the national ones): the latest
    version of each national procedure, the province's own latest standing in place of
    the national one of the same code, and the province's own procedures. Ordered by
    the level they recognise (communes first), then name."""
    owners = Q(province__isnull=True)
    if province is not None:
        owners |= Q(province=province)
    latest: dict[str, Procedure] = {}
    for procedure in (
        Procedure.objects.filter(owners)
        .select_related("province")
        .order_by("province_id", "code", "-version")
    ):
        current = latest.get(procedure.code)
        if current is None or (current.province_id is None and procedure.province_id is not None):
            latest[procedure.code] = procedure
    return sorted(latest.values(), key=lambda p: (LEVEL_ORDER.index(p.level), p.name_vi))


def procedure_versions(*, code: str, province: AdminUnit | None) -> list[Procedure]:
    """The national versions of `code`, then the province's, newest first."""
    owners = Q(province__isnull=True) | (Q(province=province) if province else Q(pk__in=[]))
    return list(
        Procedure.objects.filter(owners, code=code)
        .select_related("province", "created_by")
        .order_by(F("province_id").asc(nulls_first=True), "-version")
    )


@dataclass(frozen=True)
class DocumentRow:
    document: DocumentSpec
    status_label: str
    sources: list[SourceLink]


@dataclass(frozen=True)
class StepRow:
    """One step of the procedure page, every fact in words: the step's name, the
    roles' labels, the deadline and the days posted, each with its status label."""

    label: str
    spec: StepSpec
    actor_label: str
    preparer_label: str
    status_label: str
    deadline_status_label: str
    public_days_status_label: str
    documents: list[DocumentRow]
    sources: list[SourceLink]
    is_consultation: bool


@dataclass(frozen=True)
class SatisfactionRow:
    set_code: str
    set_name: str
    spec: SatisfactionSpec
    status_label: str
    sources: list[SourceLink]


@dataclass(frozen=True)
class ProcedurePage:
    procedure: Procedure
    latest: Procedure
    spec: ProcedureSpec
    sources: list[SourceLink]
    steps: list[StepRow]
    satisfaction: list[SatisfactionRow]
    # The sets the procedure covers, by their Vietnamese names.
    set_names: list[str]
    versions: list[Procedure]

    @property
    def is_latest(self) -> bool:
        return self.procedure.pk == self.latest.pk

    @property
    def unknown_thresholds(self) -> int:
        return sum(1 for row in self.satisfaction if row.spec.threshold is None)


def _links(ids: Sequence[str], texts: Mapping[str, str]) -> list[SourceLink]:
    return source_links([{"id": i, "url": texts.get(i, i)} for i in ids])


def _status_label(status: str) -> str:
    return str(FactStatus(status).label) if status in FactStatus.values else status


def _role_label(role: str) -> str:
    return str(Role(role).label) if role in Role.values else role


def _step_label(step: str) -> str:
    if step == REVOCATION:
        return _("Thu hồi công nhận")
    return str(Step(step).label)


def procedure_page(
    *, code: str, province: AdminUnit | None, version: int | None = None
) -> ProcedurePage:
    """A version (the latest by default) of the procedure `code` as the province has it
    (its own variant, else the national), every fact with its status and sources."""
    versions = procedure_versions(code=code, province=province)
    owned = [v for v in versions if province is not None and v.province_id == province.pk]
    owned = owned or [v for v in versions if v.province_id is None]
    if not owned:
        raise NotFound(_("Không có quy trình này."))
    asked = [v for v in owned if version is None or v.version == version]
    if not asked:
        raise NotFound(_("Không có phiên bản %(version)s.") % {"version": version})
    shown = asked[0]
    spec = procedure_spec(shown)
    texts = spec.source_texts
    names = {s.code: s.name_vi for s in criteria_sets_in_force(province=province)}
    steps = [
        StepRow(
            label=_step_label(name),
            spec=step,
            actor_label=_role_label(step.actor),
            preparer_label=_role_label(step.prepared_by) if step.prepared_by else "",
            status_label=_status_label(step.status),
            deadline_status_label=_status_label(step.deadline_status),
            public_days_status_label=_status_label(step.public_days_status),
            documents=[
                DocumentRow(
                    document=document,
                    status_label=_status_label(document.status),
                    sources=_links(document.sources, texts),
                )
                for document in step.documents
            ],
            sources=_links(step.sources, texts),
            is_consultation=name == Step.CONSULTATION,
        )
        for name in DESCRIBED_STEPS
        if (step := spec.steps.get(name)) is not None
    ]
    satisfaction = [
        SatisfactionRow(
            set_code=set_code,
            set_name=names.get(set_code, _("(bộ tiêu chí không còn áp dụng)")),
            spec=item,
            status_label=_status_label(item.status),
            sources=_links(item.sources, texts),
        )
        for set_code in spec.set_codes
        if (item := spec.satisfaction.get(set_code)) is not None
    ]
    return ProcedurePage(
        procedure=shown,
        latest=owned[0],
        spec=spec,
        sources=_links(spec.sources, texts),
        steps=steps,
        satisfaction=satisfaction,
        set_names=[names.get(c, _("(bộ tiêu chí không còn áp dụng)")) for c in spec.set_codes],
        versions=versions,
    )


def procedure_yaml(procedure: Procedure) -> str:
    """A stored version as a file the province can edit and upload as its variant: its
    sources, then the procedure, keys in the order the shipped file writes them."""
    spec = dict(procedure.spec)
    sources = spec.pop("sources", None) or {}
    ordered = {k: spec[k] for k in PROCEDURE_KEYS if k in spec}
    return yaml.safe_dump(
        {"sources": sources, "procedures": [ordered]}, allow_unicode=True, sort_keys=False
    )
