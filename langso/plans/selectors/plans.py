"""Reads of plans for a reader: the plans within reach, one plan by code, and whether
the reader may edit it. A plan is read by whoever reads its unit or a unit under it (a
commune officer reads the province's plans, which are about the commune too) and by
whoever reads its unit's area (a legacy unit's plan by who holds what it became);
written by who holds `DEFINE_CRITERIA` on its unit."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from langso.accounts.roles import ROLE_PERMISSIONS, Permission
from langso.accounts.selectors import (
    is_nationwide,
    role_list_for_user,
    unit_in_scope,
    unit_scope_q,
)
from langso.core.actors import Actor
from langso.core.errors import NotFound
from langso.places.models import AdminUnit, UnitLineage

from ..models import Plan, Target


def _ancestors_q(user: Actor) -> Q:
    """Plans of a unit containing one of the reader's units (the province's plans for a
    commune officer)."""
    wanted = Q(pk__in=[])
    for role in role_list_for_user(user=user):
        if role.unit is None or Permission.VIEW_SCOPED not in ROLE_PERMISSIONS[role.role]:
            continue
        ancestors = [
            pk
            for pk in (role.unit.province_id, role.unit.district_id, role.unit.commune_id)
            if pk is not None
        ]
        wanted |= Q(unit_id__in=ancestors)
    return wanted


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
    reach = (
        Q(unit__in=current) | Q(unit__in=legacy) | Q(unit__in=legacy_parents) | _ancestors_q(user)
    )
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
