"""The dossier board: every dossier in the reader's scope, overdue first, then by step
in the procedure's order; and the dossiers a role's home lists.

A board page is a fixed number of queries whatever the number of dossiers (the rows,
who must act, the sets' names): `tests/selectors/test_board.py` counts them for 130
communes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from langso.accounts.roles import Permission
from langso.accounts.selectors import is_nationwide, unit_label
from langso.core.actors import Actor
from langso.criteria.selectors.recognitions import set_names
from langso.places.models import AdminUnit

from ..models import CLOSED_STEPS, Dossier
from .acting import (
    OPEN_STEPS,
    STEP_ORDER,
    Acting,
    SpecCache,
    acting_for,
    dossier_list_for_user,
    dossier_set_name,
    step_label,
)
from .dossiers import dossier_overdue

# Rows of a board page. A province has at most a few hundred dossiers a year, so the
# board pages by OFFSET over its sorted rows: keyset paging would need the sort key of
# the last row (overdue, step, due date) carried in the link, for no measurable gain.
PAGE_SIZE = 50


@dataclass(frozen=True)
class BoardFilters:
    """The board's filters: the province (a nationwide reader must pick one; others see
    their scope), the set, the year, the step; `page` from 1."""

    province: AdminUnit | None = None
    set_code: str = ""
    year: int | None = None
    step: str = ""
    steps: tuple[str, ...] = ()
    unit: AdminUnit | None = None
    page: int = 1


@dataclass(frozen=True)
class BoardRow:
    dossier: Dossier
    unit_label: str
    set_name: str
    step_label: str
    acting: Acting
    due_on: dt.date | None
    overdue: int


@dataclass(frozen=True)
class Board:
    rows: list[BoardRow]
    page: int
    has_next: bool
    # A nationwide reader sees a province's board at a time and has not picked one.
    needs_province: bool = False


def _sorted(rows: QuerySet[Dossier], today: dt.date) -> QuerySet[Dossier]:
    """Overdue first (the most overdue first: working days past due grow as the due date
    is older), then by step in the procedure's order, then by due date."""
    late = ~Q(step__in=CLOSED_STEPS) & Q(step_due_on__lt=today)
    return rows.annotate(
        board_late=Case(When(late, then=Value(0)), default=Value(1), output_field=IntegerField()),
        board_late_since=Case(When(late, then=F("step_due_on")), default=None),
        board_step=Case(
            *(When(step=step, then=Value(rank)) for rank, step in enumerate(STEP_ORDER)),
            default=Value(len(STEP_ORDER)),
            output_field=IntegerField(),
        ),
    ).order_by(
        "board_late",
        F("board_late_since").asc(nulls_last=True),
        "board_step",
        F("step_due_on").asc(nulls_last=True),
        "unit__name",
        "pk",
    )


def board_rows(dossiers: list[Dossier], *, today: dt.date) -> list[BoardRow]:
    """Each dossier as the board shows it: two queries for all of them."""
    specs = SpecCache()
    acting = acting_for(dossiers, specs=specs)
    names = set_names(codes={d.set_code for d in dossiers if d.criteria_set is None})
    return [
        BoardRow(
            dossier=d,
            unit_label=unit_label(d.unit),
            set_name=dossier_set_name(d, names),
            step_label=step_label(d.step),
            acting=acting[d.pk],
            due_on=d.step_due_on if d.is_open else None,
            overdue=dossier_overdue(d, today=today),
        )
        for d in dossiers
    ]


def board_filtered(
    *, user: Actor, filters: BoardFilters, today: dt.date | None = None
) -> QuerySet[Dossier]:
    """The dossiers of the board, filtered, in the board's order."""
    rows = dossier_list_for_user(user=user)
    if filters.province is not None:
        rows = rows.filter(province=filters.province)
    if filters.unit is not None:
        rows = rows.filter(filters.unit.subtree_q("unit__"))
    if filters.set_code:
        rows = rows.filter(set_code=filters.set_code)
    if filters.year is not None:
        rows = rows.filter(year=filters.year)
    if filters.step:
        rows = rows.filter(step=filters.step)
    if filters.steps:
        rows = rows.filter(step__in=filters.steps)
    return _sorted(rows, today or timezone.localdate())


def dossier_board(*, user: Actor, filters: BoardFilters, today: dt.date | None = None) -> Board:
    """A page of the board of `user`: their scope's dossiers (a nationwide reader's, of
    the province picked), filtered by set, year and step, overdue first."""
    today = today or timezone.localdate()
    if filters.province is None and is_nationwide(user=user, permission=Permission.VIEW_SCOPED):
        return Board(rows=[], page=1, has_next=False, needs_province=True)
    page = max(filters.page, 1)
    start = (page - 1) * PAGE_SIZE
    found = list(
        board_filtered(user=user, filters=filters, today=today)[start : start + PAGE_SIZE + 1]
    )
    return Board(
        rows=board_rows(found[:PAGE_SIZE], today=today),
        page=page,
        has_next=len(found) > PAGE_SIZE,
    )


def board_set_choices(*, user: Actor) -> list[tuple[str, str]]:
    """The sets the reader's dossiers are for, by name, for the board's set filter."""
    codes = sorted(set(dossier_list_for_user(user=user).values_list("set_code", flat=True)))
    names = set_names(codes=codes)
    return sorted(((code, names.get(code) or code) for code in codes), key=lambda c: c[1])


@dataclass(frozen=True)
class StepCount:
    step: str
    label: str
    count: int


@dataclass(frozen=True)
class RoleDossiers:
    """The open dossiers a role's home lists: those whose step the role acts on (or all
    of the unit's, for the commune officer's overview), counted by step."""

    steps: list[StepCount]
    rows: list[BoardRow]
    total: int


# How many open dossiers a home reads at most: a province's year of them.
HOME_LIMIT = 500


def dossiers_for_role(
    *, user: Actor, unit: AdminUnit, role: str | None, shown: int, today: dt.date | None = None
) -> RoleDossiers:
    """The open dossiers under `unit` waiting for `role` (the actor or the preparer of
    their current step in their procedure), overdue first; with `role` None, every open
    dossier under `unit`. Counts by step, and the first `shown` rows."""
    today = today or timezone.localdate()
    filters = BoardFilters(unit=unit, steps=OPEN_STEPS)
    found = list(board_filtered(user=user, filters=filters, today=today)[:HOME_LIMIT])
    specs = SpecCache()
    if role is not None:
        found = [
            d
            for d in found
            if d.step in (spec := specs.of(d.procedure)).steps
            and role in (spec.step(d.step).actor, spec.step(d.step).preparer)
        ]
    counts: dict[str, int] = {}
    for dossier in found:
        counts[dossier.step] = counts.get(dossier.step, 0) + 1
    steps = [
        StepCount(step=step, label=step_label(step), count=counts[step])
        for step in STEP_ORDER
        if step in counts
    ]
    return RoleDossiers(steps=steps, rows=board_rows(found[:shown], today=today), total=len(found))
