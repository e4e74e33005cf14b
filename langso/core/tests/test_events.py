"""Domain events: in-transaction handlers see the write; on-commit handlers wait for it;
an event reaches only the handlers of its own type (or of a type it derives from); a
handler unsubscribed is no longer called."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from pytest_django import DjangoCaptureOnCommitCallbacks

from langso.core import events


@dataclass(frozen=True)
class VillageRenamed(events.DomainEvent):
    code: str


@dataclass(frozen=True)
class NobodyListens(events.DomainEvent):
    pass


Subscribe = Callable[..., None]


@pytest.fixture
def subscribe() -> Iterator[Subscribe]:
    """`events.subscribe` for one test: what it subscribes is unsubscribed when the test
    ends, so that no handler of one test hears another test's events (the registry is
    the process's, which apps fill once at start)."""
    made: list[tuple[type[Any], Callable[[Any], None], bool]] = []

    def subscribe(
        event_type: type[Any], handler: Callable[[Any], None], *, on_commit: bool = False
    ) -> None:
        events.subscribe(event_type, handler, on_commit=on_commit)
        made.append((event_type, handler, on_commit))

    yield subscribe
    for event_type, handler, on_commit in made:
        events.unsubscribe(event_type, handler, on_commit=on_commit)


@pytest.mark.django_db
def test_in_transaction_handlers_run_at_once_and_on_commit_ones_after_commit(
    subscribe: Subscribe, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    """A handler keeping derived data exact runs inside the writer's transaction; one that
    leaves the database runs only once the transaction commits."""
    seen: list[str] = []

    def exact(event: VillageRenamed) -> None:
        seen.append(f"exact {event.code}")

    def outside(event: VillageRenamed) -> None:
        seen.append(f"outside {event.code}")

    subscribe(VillageRenamed, exact)
    subscribe(VillageRenamed, outside, on_commit=True)
    subscribe(VillageRenamed, exact)  # a second subscription is ignored
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        events.publish(VillageRenamed(code="T1"))
        assert seen == ["exact T1"]
    assert seen == ["exact T1", "outside T1"]


@pytest.mark.django_db
def test_an_event_of_no_interest_reaches_nobody(
    subscribe: Subscribe, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    """An event reaches no handler of another type, in the transaction or on commit,
    while one of a type it derives from (every event is a DomainEvent) does."""
    seen: list[events.DomainEvent] = []
    subscribe(VillageRenamed, seen.append)
    subscribe(VillageRenamed, seen.append, on_commit=True)
    subscribe(events.DomainEvent, seen.append)
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        events.publish(NobodyListens())
    assert seen == [NobodyListens()]
    assert callbacks == []


def test_an_unsubscribed_handler_is_no_longer_called(subscribe: Subscribe) -> None:
    """Unsubscribing removes that one handler of that event type and kind; the others
    stay, and removing a handler that is not subscribed does nothing."""
    kept: list[str] = []
    removed: list[str] = []

    def keep(event: VillageRenamed) -> None:
        kept.append(event.code)

    def remove(event: VillageRenamed) -> None:
        removed.append(event.code)

    subscribe(VillageRenamed, keep)
    subscribe(VillageRenamed, remove)
    events.publish(VillageRenamed(code="T1"))
    events.unsubscribe(VillageRenamed, remove)
    events.unsubscribe(VillageRenamed, remove)  # no longer subscribed: nothing
    events.unsubscribe(VillageRenamed, keep, on_commit=True)  # not on commit: nothing
    events.publish(VillageRenamed(code="T2"))
    assert (kept, removed) == (["T1", "T2"], ["T1"])
