"""Reads of plans for a reader: the plans within reach, one plan by code, its progress
as the reader may see it, and whether the reader may edit it. A plan is read by whoever
reads its unit (a legacy unit's plan by who holds a unit its area went into) and
written by who holds `DEFINE_CRITERIA` on its unit."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from langso.accounts.roles import Permission
from langso.accounts.selectors import (
    is_nationwide,
    unit_in_scope,
    unit_scope_q,
)
from langso.core.actors import Actor
from langso.core.errors import NotFound
from langso.places.models import AdminUnit, UnitLineage

from ..models import Plan, Target
from .progress import PlanProgress, plan_progress


def plan_list_for_user(*, user: Actor) -> QuerySet[Plan]:
    """The plans `user` may read, newest period first."""
    plans = Plan.objects.select_related("unit")
    if is_nationwide(user=user, permission=Permission.VIEW_SCOPED):
        return plans.order_by("-period_to", "code")
    scope = unit_scope_q(user=user, permission=Permission.VIEW_SCOPED)
    current = AdminUnit.objects.filter(scope).values("pk")
    # A legacy unit's plans belong to whoever holds a unit it (or a commune of it) went
    # into: the legacy units whose territory went into the reader's scope.
    legacy = UnitLineage.objects.filter(successor__in=current).values("predecessor_id")
    legacy_parents = AdminUnit.objects.filter(pk__in=legacy).values("district_id")
    reach = Q(unit__in=current) | Q(unit__in=legacy) | Q(unit__in=legacy_parents)
    return plans.filter(reach).order_by("-period_to", "code")


def plan_get_for_user(*, user: Actor, code: str) -> Plan:
    """The plan `code`, refused as missing outside the reader's reach."""
    plan = plan_list_for_user(user=user).filter(code=code).first()
    if plan is None:
        raise NotFound(_("Không có kế hoạch này trong phạm vi của bạn."))
    return plan


def unit_editable(*, user: Actor, unit: AdminUnit) -> bool:
    """Whether `user` may write the plans of `unit` and their targets."""
    return unit_in_scope(user=user, unit=unit, permission=Permission.DEFINE_CRITERIA)


def target_get(*, plan: Plan, pk: int) -> Target:
    target = plan.targets.filter(pk=pk).first()
    if target is None:
        raise NotFound(_("Không có chỉ tiêu này."))
    return target


def plan_progress_for_user(*, user: Actor, plan: Plan, day: dt.date | None = None) -> PlanProgress:
    """The plan's progress (`selectors.progress.plan_progress`) as `user` may see it:
    only the sub-units within the reader's scope among those pulling a target down, and
    a figure's source only where the reader may open it (a legacy district's plan is
    read on communes some of which may lie outside a commune officer's scope). One
    query more, whatever the number of targets."""
    progress = plan_progress(plan=plan, day=day)
    if is_nationwide(user=user, permission=Permission.VIEW_SCOPED):
        return progress
    shown = {c.unit.pk for p in progress.targets for c in p.contributions} | {
        p.provenance_unit.pk for p in progress.targets if p.provenance_unit is not None
    }
    scope = unit_scope_q(user=user, permission=Permission.VIEW_SCOPED)
    visible = set(AdminUnit.objects.filter(scope, pk__in=shown).values_list("pk", flat=True))
    for found in progress.targets:
        found.contributions = [c for c in found.contributions if c.unit.pk in visible]
        if found.provenance_unit is not None and found.provenance_unit.pk not in visible:
            found.provenance = ""
    return progress
