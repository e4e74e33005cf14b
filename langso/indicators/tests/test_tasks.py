"""The rebuild as a background job: the job follows its steps and ends with the rows
written."""

from __future__ import annotations

import pytest
from django.db import transaction

from langso.core.db import capabilities
from langso.core.models import Job
from langso.core.services import job_create, job_progress
from langso.indicators import tasks
from langso.indicators.models import HouseholdAggregate
from langso.indicators.tasks import household_aggregates_rebuild_task
from langso.registry.tests.conftest import RegistryTree, make_household

# Committed for real: on PostgreSQL the progress is written on another connection, which
# sees only what is committed.
pytestmark = pytest.mark.django_db(transaction=True)


def test_the_rebuild_job_follows_its_steps_and_succeeds(
    tree: RegistryTree, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Households written without events are counted by the job. Each step done is
    written outside the rebuild's transaction where writers run side by side, so that
    the job page sees it at once; the job then succeeds with the rows written."""
    make_household(village=tree.a1, members=4, adults=3)
    make_household(village=tree.b1, members=2, adults=2)
    job = job_create(kind="indicators.household_aggregates_rebuild")
    seen: list[tuple[int, int, str]] = []

    def watched(*, job_id: int, done: int, total: int | None = None, message: str = "") -> None:
        if capabilities().row_locks:
            assert not transaction.get_connection().in_atomic_block
        job_progress(job_id=job_id, done=done, total=total, message=message)
        row = Job.objects.get(pk=job_id)
        seen.append((row.done, row.total, row.status))

    monkeypatch.setattr(tasks, "job_progress", watched)
    household_aggregates_rebuild_task.enqueue(job_id=job.pk)

    total = seen[0][1]
    assert total > 1
    assert seen == [(done, total, Job.Status.RUNNING) for done in range(total + 1)]
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.done == job.total == total
    written = HouseholdAggregate.objects.count()
    assert written > 0
    assert job.result == {"written": written, "activity": 0}
    assert f"{written} dòng" in job.message
    figures = dict(HouseholdAggregate.objects.filter(unit=tree.b1).values_list("measure", "value"))
    assert (figures["households"], figures["sum:adults"]) == (1, 2)
