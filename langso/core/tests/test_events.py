"""Domain events: in-transaction handlers see the write; on-commit handlers wait for it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.db import transaction
from pytest_django import DjangoCaptureOnCommitCallbacks

from langso.core import events


@dataclass(frozen=True)
class VillageRenamed(events.DomainEvent):
    code: str


@pytest.mark.django_db
def test_in_transaction_handlers_run_at_once_and_on_commit_ones_after_commit(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    """A handler keeping derived data exact runs inside the writer's transaction; one that
    leaves the database runs only once the transaction commits."""
    seen: list[str] = []

    def exact(event: VillageRenamed) -> None:
        seen.append(f"exact {event.code}")

    def outside(event: VillageRenamed) -> None:
        seen.append(f"outside {event.code}")

    events.subscribe(VillageRenamed, exact)
    events.subscribe(VillageRenamed, outside, on_commit=True)
    events.subscribe(VillageRenamed, exact)  # a second subscription is ignored
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        events.publish(VillageRenamed(code="T1"))
        assert seen == ["exact T1"]
    assert seen == ["exact T1", "outside T1"]


def test_an_event_of_no_interest_reaches_nobody() -> None:
    """Publishing with no subscriber is harmless."""

    @dataclass(frozen=True)
    class NobodyListens(events.DomainEvent):
        pass

    events.publish(NobodyListens())
