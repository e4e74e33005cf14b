"""The rebuild as a background job: the job follows its steps and ends with the rows
written."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from langso.core.db import capabilities
from langso.core.models import Job
from langso.core.services import job_create, job_progress
from langso.core.tabular import upload_store
from langso.indicators import tasks
from langso.indicators.models import HouseholdAggregate, ReportedValue
from langso.indicators.services import reported
from langso.indicators.tasks import household_aggregates_rebuild_task
from langso.registry.testing import RegistryTree, RegistryUsers, make_household

# Committed for real: on PostgreSQL the progress is written on another connection, which
# sees only what is committed.
pytestmark = pytest.mark.django_db(transaction=True)


def test_the_rebuild_job_follows_its_steps_and_succeeds(
    tree: RegistryTree, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Households written without events are counted by the job, which follows each
    step and then succeeds with the rows written. Where writers run side by side
    (PostgreSQL: row locks) each step is written beside the rebuild, by another thread
    on its own connection and outside any transaction, so that the job page sees it at
    once; SQLite has one writer, the rebuild itself, so there each step is written by
    the rebuild's own thread inside its transaction, and shows when it commits."""
    make_household(village=tree.a1, members=4, adults=3)
    make_household(village=tree.b1, members=2, adults=2)
    job = job_create(kind="indicators.household_aggregates_rebuild")
    seen: list[tuple[int, int, str]] = []
    # Per step: whether it was written inside a transaction, and by the rebuild's thread.
    steps: list[tuple[bool, bool]] = []
    rebuilder = threading.current_thread()

    def watched(*, job_id: int, done: int, total: int | None = None, message: str = "") -> None:
        steps.append(
            (transaction.get_connection().in_atomic_block, threading.current_thread() is rebuilder)
        )
        job_progress(job_id=job_id, done=done, total=total, message=message)
        row = Job.objects.get(pk=job_id)
        seen.append((row.done, row.total, row.status))

    monkeypatch.setattr(tasks, "job_progress", watched)
    household_aggregates_rebuild_task.enqueue(job_id=job.pk)

    total = seen[0][1]
    assert total > 1
    assert seen == [(done, total, Job.Status.RUNNING) for done in range(total + 1)]
    beside = (False, False)  # outside any transaction, on another thread
    within = (True, True)  # inside the rebuild's transaction, on its thread
    assert steps == [beside if capabilities().row_locks else within] * (total + 1)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.done == job.total == total
    written = HouseholdAggregate.objects.count()
    assert written > 0
    assert job.result == {"written": written, "activity": 0}
    assert f"{written} dòng" in job.message
    figures = dict(HouseholdAggregate.objects.filter(unit=tree.b1).values_list("measure", "value"))
    assert (figures["households"], figures["sum:adults"]) == (1, 2)


def test_a_reported_import_past_its_time_limit_fails_and_writes_nothing(
    tree: RegistryTree,
    users: RegistryUsers,
    definitions: None,
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
    tmp_path: Path,
) -> None:
    """An import of reported values still running at its time limit (here storing the
    second value is made slow) fails saying so; the value stored before is rolled back,
    and the stored upload is deleted."""
    settings.MEDIA_ROOT = tmp_path
    officer = users.province_officer
    content = f"Mã đơn vị,Tử số,Mẫu số\n{tree.a.code},3,4\n{tree.b.code},1,4\n"
    path = upload_store(SimpleUploadedFile("so-lieu.csv", content.encode()), prefix="chi-so")
    monkeypatch.setattr(tasks, "REPORTED_IMPORT_TIME_LIMIT", 0.5)
    store = reported._store
    calls: list[int] = []

    def slow_store(**kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            time.sleep(10)
        return store(**kwargs)

    monkeypatch.setattr(reported, "_store", slow_store)
    job = job_create(kind="indicators.reported_import", created_by=officer)
    tasks.reported_values_import_task.call(
        job_id=job.pk,
        actor_id=officer.pk,
        code="work-records-online-commune",
        period="2026",
        path=str(path),
    )
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "quá thời gian cho phép (0,5 giây)" in job.message
    assert not ReportedValue.objects.exists()
    assert not path.exists()
