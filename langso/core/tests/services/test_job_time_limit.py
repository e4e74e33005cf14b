"""A job's time limit: work over it ends the job as failed with a clear message, and
what it was writing in its transaction is rolled back."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import transaction

from langso.core.models import Job
from langso.core.services import job_create, job_failures, job_progress, job_time_limit
from langso.places.models import AdminUnit
from langso.places.testing import make_province

pytestmark = pytest.mark.django_db(transaction=True)


def test_work_past_the_limit_is_stopped_and_its_writes_rolled_back() -> None:
    """Work that runs past its limit is interrupted wherever it is (here, waiting), the
    job fails saying how long it may run, and the row written before is gone."""
    job = job_create(kind="test")
    with job_failures(job_id=job.pk) as run, job_time_limit(seconds=0.2), transaction.atomic():
        make_province(code="37", name="Tỉnh Ninh Bình")
        time.sleep(5)
    job.refresh_from_db()
    assert run.failed
    assert job.status == Job.Status.FAILED
    assert "quá thời gian cho phép (0,2 giây)" in job.message
    assert "không có gì được ghi" in job.message
    assert not AdminUnit.objects.exists()


def test_work_within_the_limit_ends_normally_and_leaves_no_timer() -> None:
    """Work done in time is untouched, and no timer is left to interrupt what follows."""
    job = job_create(kind="test")
    with job_failures(job_id=job.pk) as run, job_time_limit(seconds=0.3):
        make_province(code="37", name="Tỉnh Ninh Bình")
    time.sleep(0.5)
    assert not run.failed
    assert AdminUnit.objects.count() == 1


def test_outside_the_main_thread_the_limit_is_checked_at_each_progress_report() -> None:
    """Where no timer can interrupt the work (a thread other than the main one), the
    limit is checked each time the work reports its progress."""
    job = job_create(kind="test")
    outcome: dict[str, object] = {}

    def work() -> None:
        with (
            job_failures(job_id=job.pk) as run,
            job_time_limit(seconds=0.1),
            transaction.atomic(),
        ):
            make_province(code="37", name="Tỉnh Ninh Bình")
            time.sleep(0.3)
            job_progress(job_id=job.pk, done=1, total=2)
        outcome["failed"] = run.failed

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    job.refresh_from_db()
    assert outcome == {"failed": True}
    assert job.status == Job.Status.FAILED
    assert not AdminUnit.objects.exists()
