"""Two POSTs of one instance at once, for the tests: the lookup of a stored instance
(`services.instances.submission_stored`) made to miss once, as it misses for the second
of two simultaneous first POSTs on any database; or made to hold each thread of a real
race until the other has come as far."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from langso.surveys.models import Submission, SurveyForm
from langso.surveys.services import instances


def next_lookup_misses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """From now on, the next lookup of a stored instance finds none, as the second of two
    simultaneous first POSTs finds none (the first had not committed when it looked);
    the later ones find what is stored. Returns the instance ids looked up, in order."""
    stored = instances.submission_stored
    looked: list[str] = []

    def lookup(*, form: SurveyForm, instance_id: str) -> Submission | None:
        looked.append(instance_id)
        return None if len(looked) == 1 else stored(form=form, instance_id=instance_id)

    monkeypatch.setattr(instances, "submission_stored", lookup)
    return looked


def lookups_meet(
    monkeypatch: pytest.MonkeyPatch, *, parties: int, before: bool = False
) -> threading.Barrier:
    """Each thread's first lookup of a stored instance waits until `parties` threads have
    made theirs (or, `before`, until they are all about to): with none stored, they
    then all go on to create it."""
    stored = instances.submission_stored
    barrier = threading.Barrier(parties, timeout=30)
    met = threading.local()

    def lookup(*, form: SurveyForm, instance_id: str) -> Submission | None:
        first = not getattr(met, "done", False)
        met.done = True
        if first and before:
            barrier.wait()
        found = stored(form=form, instance_id=instance_id)
        if first and not before:
            barrier.wait()
        return found

    monkeypatch.setattr(instances, "submission_stored", lookup)
    return barrier


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run `calls` each in a thread of its own, with its own database connection (closed
    at its end), and return what they returned; fail with the first exception raised."""
    answers: list[Any] = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            answers[index] = call()
        except BaseException as exc:  # re-raised in the test's thread below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a request is still waiting"
    if errors:
        raise errors[0]
    return answers
