"""A door-to-door worklist: the households of one of the collector's villages that are
due a visit, never visited first (by id), then the one visited longest ago. A commune
holds a few thousand households: pages go by keyset over the (village, last visit, id)
index, never by OFFSET."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from langso.core.actors import Actor
from langso.core.errors import NotFound
from langso.places.models import AdminUnit
from langso.registry.address_codes import normalize_code
from langso.registry.models import Household, HouseholdStatus

from .entity_declarations import HOUSEHOLDS
from .models import SurveyForm
from .selectors import collector_forms, collector_households, collector_villages

MAX_LIMIT = 200
# Villages offered to choose from: a team holds a handful, an officer a commune's.
MAX_VILLAGES = 500
# The cursor of a never-visited household: its id alone.
_NEVER = "n"


@dataclass(frozen=True)
class WorklistCursor:
    """Where the next page starts: after this household in worklist order."""

    last_visited_on: dt.date | None
    household_id: int

    def encode(self) -> str:
        day = self.last_visited_on.isoformat() if self.last_visited_on else _NEVER
        return f"{day}.{self.household_id}"

    @classmethod
    def decode(cls, value: str) -> WorklistCursor | None:
        """The cursor a link carries; None (the first page) when it is not one."""
        day, _dot, pk = value.partition(".")
        if not pk.isdigit():
            return None
        if day == _NEVER:
            return cls(last_visited_on=None, household_id=int(pk))
        try:
            return cls(last_visited_on=dt.date.fromisoformat(day), household_id=int(pk))
        except ValueError:
            return None


@dataclass(frozen=True)
class Worklist:
    villages: list[AdminUnit]
    village: AdminUnit | None
    households: list[Household]
    next_after: str | None


def worklist_villages(*, user: Actor) -> list[AdminUnit]:
    """The villages whose households the collector visits: their teams' villages, or,
    outside any team, the villages where they may collect."""
    return list(collector_villages(user=user).defer("boundary")[:MAX_VILLAGES])


def _due(
    households: QuerySet[Household], *, after: WorklistCursor | None, limit: int
) -> list[Household]:
    """Never visited by id, then visited by day and id: two reads that each follow the
    (village, last_visited_on, id) index in order, rather than one ORDER BY … NULLS
    FIRST, which that index (NULLs last) cannot give."""
    rows: list[Household] = []
    if after is None or after.last_visited_on is None:
        never = households.filter(last_visited_on__isnull=True)
        if after is not None:
            never = never.filter(pk__gt=after.household_id)
        rows = list(never.order_by("pk")[: limit + 1])
        after = None
    if len(rows) <= limit:
        visited = households.filter(last_visited_on__isnull=False)
        if after is not None and after.last_visited_on is not None:
            visited = visited.filter(
                Q(last_visited_on__gt=after.last_visited_on)
                | Q(last_visited_on=after.last_visited_on, pk__gt=after.household_id)
            )
        rows += visited.order_by("last_visited_on", "pk")[: limit + 1 - len(rows)]
    return rows


def worklist_for_user(
    *, user: Actor, village: str = "", after: str = "", limit: int = 50
) -> Worklist:
    """One page of the worklist of one village of the collector (the first of their
    villages when `village`, a code, is empty): active households only. A village that
    is not theirs is NotFound, as if it did not exist."""
    villages = worklist_villages(user=user)
    chosen = next((v for v in villages if v.code == village), None) if village else None
    if village and chosen is None:
        raise NotFound(
            _("Không có thôn mã “%(code)s” trong danh sách của bạn.") % {"code": village[:32]}
        )
    chosen = chosen or (villages[0] if villages else None)
    if chosen is None:
        return Worklist(villages=[], village=None, households=[], next_after=None)
    households = (
        collector_households(user=user)
        .filter(village=chosen, status=HouseholdStatus.ACTIVE)
        .defer("location")
    )
    limit = max(1, min(limit, MAX_LIMIT))
    rows = _due(households, after=WorklistCursor.decode(after), limit=limit)
    more = len(rows) > limit
    rows = rows[:limit]
    next_after = None
    if more and rows:
        last = rows[-1]
        next_after = WorklistCursor(
            last_visited_on=last.last_visited_on, household_id=last.pk
        ).encode()
    return Worklist(villages=villages, village=chosen, households=rows, next_after=next_after)


def worklist_household(*, user: Actor, address_code: str) -> Household | None:
    """The household a worklist's "survey this household" names, if the collector works
    on it; None otherwise (the form opens all the same)."""
    if not address_code:
        return None
    return (
        collector_households(user=user)
        .filter(address_code=normalize_code(address_code[:64]))
        .select_related("village")
        .defer("location", "village__boundary")
        .first()
    )


def household_survey_for_user(*, user: Actor) -> SurveyForm | None:
    """The form a collector surveys households with: the first open form they may fill
    whose newest version reads the households entity list (`households.csv`)."""
    for version in collector_forms(user=user):
        if any(a.dataset == HOUSEHOLDS for a in version.attachments.all()):
            return version.form
    return None
