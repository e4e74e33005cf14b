"""What the public consultation page shows, to anyone, without signing in: a dossier
that has reached its consultation (a snapshot posted), the frozen results, the posting
period and the comments with the officers' answers; and the open consultations of a
province. A dossier still at its self-assessment is not public: it answers as missing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from langso.core.errors import NotFound
from langso.places.models import AdminUnit, Level

from ..models import Comment, Dossier, Snapshot, Step, Transition


@dataclass(frozen=True)
class FrozenCriterion:
    code: str
    name_vi: str
    passed: bool
    # Indicators met, of the criterion's.
    met: int
    total: int


@dataclass(frozen=True)
class Consultation:
    dossier: Dossier
    snapshot: Snapshot
    set_name: str
    starts_on: dt.date
    ends_on: dt.date | None
    is_open: bool
    criteria: list[FrozenCriterion]
    comments: list[Comment]
    villages: list[AdminUnit]

    @property
    def content(self) -> dict[str, Any]:
        content: dict[str, Any] = self.snapshot.content
        return content


def consultation_is_open(dossier: Dossier) -> bool:
    """Whether the dossier's consultation takes comments today: it is at the step, and
    its posting period (to `step_due_on` included) has not passed."""
    if dossier.step != Step.CONSULTATION:
        return False
    return dossier.step_due_on is None or timezone.localdate() <= dossier.step_due_on


def _public(dossiers: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """Dossiers whose results have been posted: past the self-assessment, with a snapshot."""
    return dossiers.exclude(step=Step.SELF_ASSESSMENT).filter(snapshots__isnull=False).distinct()


def _criteria(content: dict[str, Any]) -> list[FrozenCriterion]:
    return [
        FrozenCriterion(
            code=str(criterion.get("code", "")),
            name_vi=str(criterion.get("name_vi", "")),
            passed=criterion.get("status") == "pass",
            met=sum(1 for i in criterion.get("indicators", []) if i.get("status") == "pass"),
            total=len(criterion.get("indicators", [])),
        )
        for criterion in content.get("criteria", [])
    ]


def _period(dossier: Dossier, snapshot: Snapshot) -> tuple[dt.date, dt.date | None]:
    """From the move into the consultation to its due day while it runs; once it has
    ended, to the day it was closed (the move out of it)."""
    moves = list(
        Transition.objects.filter(
            Q(to_step=Step.CONSULTATION) | Q(from_step=Step.CONSULTATION), dossier=dossier
        )
        .order_by("at", "pk")
        .values_list("from_step", "to_step", "at")
    )
    into = [at for _source, target, at in moves if target == Step.CONSULTATION]
    out = [at for source, _target, at in moves if source == Step.CONSULTATION]
    starts_on = timezone.localdate(into[-1] if into else snapshot.taken_at)
    if dossier.step == Step.CONSULTATION:
        return starts_on, dossier.step_due_on
    return starts_on, timezone.localdate(out[-1]) if out else None


def consultation_get(*, pk: int) -> Consultation:
    """The public record of a dossier's consultation, or NotFound for a dossier that is
    not (yet) public. A handful of queries whatever the comments' number."""
    dossier = (
        _public(Dossier.objects.filter(pk=pk))
        .select_related("unit", "unit__commune", "unit__province")
        .first()
    )
    if dossier is None:
        raise NotFound(_("Không có hồ sơ lấy ý kiến này."))
    snapshot = Snapshot.objects.filter(dossier=dossier).order_by("-number").first()
    if snapshot is None:  # the snapshot was there a moment ago; never deleted
        raise NotFound(_("Không có hồ sơ lấy ý kiến này."))
    starts_on, ends_on = _period(dossier, snapshot)
    content = snapshot.content
    return Consultation(
        dossier=dossier,
        snapshot=snapshot,
        set_name=str(content.get("set", {}).get("name_vi", dossier.set_code)),
        starts_on=starts_on,
        ends_on=ends_on,
        is_open=consultation_is_open(dossier),
        criteria=_criteria(content),
        comments=list(
            Comment.objects.filter(dossier=dossier, hidden_reason="")
            .select_related("village")
            .order_by("created_at", "pk")
        ),
        villages=list(
            AdminUnit.objects.filter(
                dossier.unit.subtree_q(), level=Level.VILLAGE, valid_to__isnull=True
            ).order_by("name", "code")
        ),
    )


def consultations_open(*, province: AdminUnit) -> list[Dossier]:
    """The dossiers of the province whose consultation is running, by unit name."""
    return list(
        _public(Dossier.objects.filter(province=province, step=Step.CONSULTATION))
        .select_related("unit", "unit__commune", "unit__province")
        .order_by("step_due_on", "unit__name", "pk")
    )
