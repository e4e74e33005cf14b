"""Who must act on dossiers now, by when, and what their sets are called: the reads the
dossier page, the province's board and the homes share. Each takes many dossiers at
once and answers in a fixed number of queries, whatever their number."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import QuerySet

from langso.accounts.models import RoleAssignment
from langso.accounts.roles import Permission, Role
from langso.accounts.selectors import unit_scope_q
from langso.core.actors import Actor

from ..models import CLOSED_STEPS, Dossier, Procedure, Step
from ..procedure import ProcedureSpec
from .procedures import procedure_spec

# The steps in the order the law runs them (`Step` is declared in that order): the
# board sorts by it and the timeline draws it.
STEP_ORDER: tuple[str, ...] = tuple(Step.values)


def step_label(step: str) -> str:
    return str(Step(step).label) if step in Step.values else ""


def role_label(role: str) -> str:
    return str(Role(role).label) if role in Role.values else ""


def dossier_list_for_user(*, user: Actor) -> QuerySet[Dossier]:
    """The dossiers of the units in `user`'s scope, with what pages show of each."""
    scope = unit_scope_q(user=user, permission=Permission.VIEW_SCOPED, prefix="unit__")
    return Dossier.objects.filter(scope).select_related(
        "unit__commune", "unit__province", "procedure", "criteria_set"
    )


class SpecCache:
    """Procedure specs read once per page, however many dossiers share a version."""

    def __init__(self) -> None:
        self._specs: dict[int, ProcedureSpec] = {}

    def of(self, procedure: Procedure) -> ProcedureSpec:
        if procedure.pk not in self._specs:
            self._specs[procedure.pk] = procedure_spec(procedure)
        return self._specs[procedure.pk]


@dataclass(frozen=True)
class RoleHolders:
    """A role the procedure names for a step, and the people holding it over the unit."""

    role: str
    names: tuple[str, ...]

    @property
    def label(self) -> str:
        return role_label(self.role)


@dataclass(frozen=True)
class Acting:
    """Who moves the dossier out of its step (`actor`) and, where another role prepares
    it meanwhile (uploads, answers), who that is (`preparer`). Both None once closed."""

    actor: RoleHolders | None = None
    preparer: RoleHolders | None = None

    @property
    def roles(self) -> set[str]:
        return {h.role for h in (self.actor, self.preparer) if h is not None}


def _containing_ids(dossier: Dossier) -> set[int]:
    """The units a role may be held on to reach the dossier's unit: it and its ancestors."""
    unit = dossier.unit
    ids = {unit.pk, unit.province_id, unit.district_id, unit.commune_id, unit.village_id}
    return {pk for pk in ids if pk is not None}


def acting_for(dossiers: Sequence[Dossier], *, specs: SpecCache) -> dict[int, Acting]:
    """Who must act on each open dossier, by its procedure's current step: the roles'
    labels and the active users holding them on the dossier's unit or one containing
    it. One query for all the dossiers."""
    wanted: dict[int, tuple[str, str]] = {}
    for dossier in dossiers:
        spec = specs.of(dossier.procedure)
        if dossier.is_open and dossier.step in spec.steps:
            step = spec.step(dossier.step)
            wanted[dossier.pk] = (step.actor, step.preparer)
    roles = {role for pair in wanted.values() for role in pair}
    units = {pk for d in dossiers if d.pk in wanted for pk in _containing_ids(d)}
    holders: dict[tuple[str, int], list[str]] = defaultdict(list)
    if wanted:
        assignments = (
            RoleAssignment.objects.filter(role__in=roles, unit_id__in=units, user__is_active=True)
            .select_related("user")
            .order_by("user__full_name", "user__username", "pk")
        )
        for assignment in assignments:
            holders[(assignment.role, assignment.unit_id or 0)].append(str(assignment.user))

    def held(role: str, dossier: Dossier) -> RoleHolders:
        names: list[str] = []
        for unit_id in sorted(_containing_ids(dossier)):
            names += [n for n in holders[(role, unit_id)] if n not in names]
        return RoleHolders(role=role, names=tuple(names))

    acting: dict[int, Acting] = {}
    for dossier in dossiers:
        if dossier.pk not in wanted:
            acting[dossier.pk] = Acting()
            continue
        actor, preparer = wanted[dossier.pk]
        acting[dossier.pk] = Acting(
            actor=held(actor, dossier),
            preparer=held(preparer, dossier) if preparer != actor else None,
        )
    return acting


def dossier_set_name(dossier: Dossier, names: dict[str, str]) -> str:
    if dossier.criteria_set is not None:
        return dossier.criteria_set.label
    return names.get(dossier.set_code, "")


OPEN_STEPS: tuple[str, ...] = tuple(s for s in STEP_ORDER if s not in CLOSED_STEPS)
