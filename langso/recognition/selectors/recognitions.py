"""Scoped reads of the recognition facts and the dossiers, for the list of recognised
units, the at-risk flag and the API: every read here goes through the user's scope
(`unit_scope_q`), except `recognitions_at_risk`, which its callers filter by scope."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery

from langso.accounts.roles import Permission
from langso.accounts.selectors import is_nationwide, scoped_units, unit_scope_q
from langso.core.actors import Actor
from langso.core.errors import DomainError
from langso.criteria.evaluation.engine import evaluate, evaluate_statuses
from langso.criteria.evaluation.statuses import Status
from langso.criteria.models import Recognition
from langso.places.models import AdminUnit, Level

from ..models import Dossier, Snapshot, Step
from .acting import dossier_list_for_user


def provinces_in_scope(*, user: Actor) -> list[AdminUnit]:
    """The current provinces the user's scope reaches (every one nationwide), by name:
    the provinces whose recognised units the user may list."""
    provinces = AdminUnit.objects.filter(level=Level.PROVINCE, valid_to__isnull=True)
    if not is_nationwide(user=user, permission=Permission.VIEW_SCOPED):
        reached = scoped_units(user=user, permission=Permission.VIEW_SCOPED)
        provinces = provinces.filter(pk__in=reached.values("province_id"))
    return list(provinces.order_by("name"))


def recognitions_for_user(
    *,
    user: Actor,
    province: AdminUnit | None = None,
    unit: AdminUnit | None = None,
    set_code: str | None = None,
    year: int | None = None,
) -> QuerySet[Recognition]:
    """The recognitions (in force or revoked) of units in `user`'s scope, of the
    province or under the unit, the set and the year where given; by province, year
    (newest first), set and unit."""
    found = Recognition.objects.filter(
        unit_scope_q(user=user, permission=Permission.VIEW_SCOPED, prefix="unit__")
    )
    if province is not None:
        found = found.filter(province=province)
    if unit is not None:
        found = found.filter(unit.subtree_q("unit__"))
    if set_code:
        found = found.filter(set_code=set_code)
    if year is not None:
        found = found.filter(year=year)
    return found.select_related("unit", "unit__commune", "unit__province", "province").order_by(
        "province__code", "-year", "set_code", "unit__code", "pk"
    )


@dataclass(frozen=True)
class FailingCriterion:
    code: str
    name_vi: str
    status: str
    status_label: str


@dataclass(frozen=True)
class AtRisk:
    """A recognition in force whose unit's live evaluation no longer meets its set."""

    recognition: Recognition
    status: str
    status_label: str
    failing: list[FailingCriterion]


def recognitions_at_risk(*, province: AdminUnit, year: int) -> list[AtRisk]:
    """The recognitions in force in `province` whose unit, evaluated live against the
    recognised set for `year`, no longer meets it ("có nguy cơ không giữ chuẩn"), with
    the criteria it does not meet. One status run per set for all the province's
    recognised units; the full evaluation only for those not passing."""
    in_force = list(
        Recognition.objects.filter(province=province, revoked_on__isnull=True)
        .select_related("unit", "unit__province", "unit__commune")
        .order_by("set_code", "unit__code", "pk")
    )
    by_set: dict[str, list[Recognition]] = defaultdict(list)
    for recognition in in_force:
        by_set[recognition.set_code].append(recognition)
    flagged: list[AtRisk] = []
    for set_code, recognitions in by_set.items():
        units = list({r.unit_id: r.unit for r in recognitions}.values())
        try:
            statuses = evaluate_statuses(code=set_code, units=units, year=year)
            short = [u for u in units if statuses.get(u.pk) != Status.PASS]
            evaluations = {e.unit.pk: e for e in evaluate(code=set_code, units=short, year=year)}
        except DomainError:
            # A set no longer in force for this year: nothing to measure the unit by.
            continue
        for recognition in recognitions:
            evaluation = evaluations.get(recognition.unit_id)
            if evaluation is None:
                continue
            flagged.append(
                AtRisk(
                    recognition=recognition,
                    status=evaluation.status,
                    status_label=str(Status(evaluation.status).label),
                    failing=[
                        FailingCriterion(
                            code=c.criterion.code,
                            name_vi=c.criterion.name_vi,
                            status=c.status,
                            status_label=str(Status(c.status).label),
                        )
                        for c in evaluation.short
                    ],
                )
            )
    return flagged


def dossiers_for_user(
    *,
    user: Actor,
    unit: AdminUnit | None = None,
    set_code: str | None = None,
    year: int | None = None,
    step: str | None = None,
) -> QuerySet[Dossier]:
    """The dossiers of units in `user`'s scope (under `unit`, of the set, year and step
    where given), each with its latest snapshot's hash (`snapshot_sha256`, None before
    the first), newest first."""
    found = dossier_list_for_user(user=user)
    if unit is not None:
        found = found.filter(unit.subtree_q("unit__"))
    if set_code:
        found = found.filter(set_code=set_code)
    if year is not None:
        found = found.filter(year=year)
    if step:
        found = found.filter(step=step)
    latest = Snapshot.objects.filter(dossier=OuterRef("pk")).order_by("-number")
    return (
        found.annotate(snapshot_sha256=Subquery(latest.values("sha256")[:1]))
        .select_related("unit")
        .order_by("-opened_at", "-pk")
    )


def recognised_dossiers(*, user: Actor, recognitions: list[Recognition]) -> dict[int, int]:
    """The dossier that led to each recognition (by recognition pk → dossier pk), among
    the dossiers in `user`'s scope: where the revocation is entered. One query."""
    units = {r.unit_id for r in recognitions}
    found = dossier_list_for_user(user=user).filter(unit_id__in=units, step__in=[Step.RECOGNISED])
    by_key = {(d.unit_id, d.set_code, d.year): d.pk for d in found}
    return {
        r.pk: by_key[r.unit_id, r.set_code, r.year]
        for r in recognitions
        if (r.unit_id, r.set_code, r.year) in by_key
    }
