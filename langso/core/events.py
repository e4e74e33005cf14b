"""Domain events: how a lower app tells higher apps that something changed, without importing
them. Handlers that keep derived data exact run inside the writer's transaction; handlers
that leave the database (mail, SMS, webhooks) run on commit."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from django.db import transaction


@dataclass(frozen=True)
class DomainEvent:
    """Base of every event; subclasses are frozen dataclasses named in the past tense."""


E = TypeVar("E", bound=DomainEvent)
Handler = Callable[[Any], None]

_in_transaction: dict[type[DomainEvent], list[Handler]] = defaultdict(list)
_on_commit: dict[type[DomainEvent], list[Handler]] = defaultdict(list)


def subscribe(
    event_type: type[E], handler: Callable[[E], None], *, on_commit: bool = False
) -> None:
    """Register a handler; call from AppConfig.ready(). Registering twice is a no-op."""
    registry = _on_commit if on_commit else _in_transaction
    if handler not in registry[event_type]:
        registry[event_type].append(handler)


def unsubscribe(
    event_type: type[E], handler: Callable[[E], None], *, on_commit: bool = False
) -> None:
    """Remove a handler `subscribe` registered (a test's own, when it ends); removing one
    that is not registered is a no-op."""
    registry = _on_commit if on_commit else _in_transaction
    if handler in registry.get(event_type, []):
        registry[event_type].remove(handler)


def publish(event: DomainEvent) -> None:
    for event_type in type(event).__mro__:
        for handler in _in_transaction.get(event_type, []):
            handler(event)
        for handler in _on_commit.get(event_type, []):
            transaction.on_commit(partial(handler, event))


@dataclass(frozen=True)
class ActivityCounted(DomainEvent):
    """Something the platform counts as activity happened (`amount` 1) or was taken back
    (-1) on `day`, at a lowest unit (a village, or a commune): a digital team's visit to
    a household, a question answered, a dossier filed online. Indicators count them per
    unit and month, in the publisher's transaction."""

    kind: str
    province_id: int
    commune_id: int
    unit_id: int
    day: dt.date
    amount: int = 1


# (province id, commune id, lowest unit id, first day of the month, count)
ActivityTotal = tuple[int, int, int, dt.date, int]


@dataclass(frozen=True)
class ActivityKind:
    """A kind of activity a module publishes: its label, and how to count it again from
    the module's own records (what a rebuild of the counts reads)."""

    label: str
    recount: Callable[[], Iterable[ActivityTotal]]


# Each kind of activity, registered by the module that publishes it.
ACTIVITY_KINDS: dict[str, ActivityKind] = {}


def activity_kind(kind: str, label: str, *, recount: Callable[[], Iterable[ActivityTotal]]) -> str:
    """Declare a kind of activity a module publishes; returns the kind."""
    ACTIVITY_KINDS[kind] = ActivityKind(label=label, recount=recount)
    return kind


# For each unit asked (by id), how many of the people counted did the thing and of how
# many: (numerator, denominator).
ShareFigures = Mapping[int, tuple[int, int]]


@dataclass(frozen=True)
class ActivityShare:
    """A share of people a module computes from its own records over a period, which
    monthly event counts cannot carry: a person is counted once however often they acted,
    over the people who could have (officers trained, of the officers holding the role).
    `figures(level, unit_ids, first_day, last_day)` reads the units of one level at once."""

    label: str
    figures: Callable[[str, Sequence[int], dt.date, dt.date], ShareFigures]


# Each share of activity, registered by the module that keeps its records.
ACTIVITY_SHARES: dict[str, ActivityShare] = {}


def activity_share(
    kind: str,
    label: str,
    *,
    figures: Callable[[str, Sequence[int], dt.date, dt.date], ShareFigures],
) -> str:
    """Declare a share of activity a module computes; returns the kind."""
    ACTIVITY_SHARES[kind] = ActivityShare(label=label, figures=figures)
    return kind
