"""Background work of `indicators`: each task calls the service of the same name and
records its outcome on the `Job` that the user watches."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from django.db import connections
from django.utils.translation import gettext as _
from django_tasks import task

from langso.core.db import capabilities
from langso.core.services import (
    job_actor,
    job_failures,
    job_progress,
    job_stored_upload_run,
    job_succeed,
)

from .services.activity import activity_counts_rebuild
from .services.aggregates import Progress, household_aggregates_rebuild
from .services.periods import period_close
from .services.reported import reported_values_import

# A file of reported values holds one row per unit of a level: at most the country's
# 3,321 communes, or a province's villages. It is read and written in seconds; five
# minutes is far past any real file, and frees the worker from one that would never end.
REPORTED_IMPORT_TIME_LIMIT = 5 * 60


@contextmanager
def _progress_beside(job_id: int) -> Iterator[Progress]:
    """A progress callback for work done in one transaction, which the job page could
    not see before the commit. Where writers run side by side (PostgreSQL), each report
    is written by another thread, on its own connection, in its own transaction; SQLite
    has one writer, the work itself, so there the reports wait for its commit."""
    if not capabilities().row_locks:
        yield lambda done, total: job_progress(job_id=job_id, done=done, total=total)
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"job-{job_id}") as beside:

        def report(done: int, total: int) -> None:
            beside.submit(job_progress, job_id=job_id, done=done, total=total).result()

        try:
            yield report
        finally:
            beside.submit(connections.close_all).result()


@task()
def household_aggregates_rebuild_task(*, job_id: int) -> dict[str, int]:
    """Rebuild the household aggregates, the job following the rebuild's steps."""
    with job_failures(job_id=job_id) as run:
        with _progress_beside(job_id) as progress:
            written = household_aggregates_rebuild(progress=progress)
        activity = activity_counts_rebuild()
    if run.failed:
        return {}
    result = {"written": written, "activity": activity}
    job_succeed(
        job_id=job_id,
        result=result,
        message=_("Đã tính lại số liệu tổng hợp theo hộ: %(written)s dòng được ghi lại.") % result,
    )
    return result


@task()
def period_close_task(*, job_id: int, actor_id: int, code: str) -> dict[str, str]:
    """Close a period for `actor_id`: the copy of the aggregates is one statement, so the
    job shows no steps, only its end."""
    actor = job_actor(job_id=job_id, actor_id=actor_id)
    if actor is None:
        return {}
    with job_failures(job_id=job_id) as run:
        period = period_close(actor=actor, code=code)
    if run.failed:
        return {}
    result = {"period": period.code}
    job_succeed(job_id=job_id, result=result, message=_("Đã chốt kỳ %(period)s.") % result)
    return result


@task()
def reported_values_import_task(
    *, job_id: int, actor_id: int, code: str, period: str, path: str
) -> dict[str, int | str]:
    """Import the stored file of a reported indicator's values for `actor_id`. A refused
    file fails the job with every bad row; the file is deleted either way."""
    count = job_stored_upload_run(
        job_id=job_id,
        actor_id=actor_id,
        path=path,
        seconds=REPORTED_IMPORT_TIME_LIMIT,
        work=lambda actor, file: reported_values_import(
            actor=actor, code=code, period=period, file=file
        ),
    )
    if count is None:
        return {}
    result: dict[str, int | str] = {"stored": count, "period": period}
    job_succeed(
        job_id=job_id,
        result=result,
        message=_("Đã nhập %(count)s giá trị cho kỳ %(period)s.")
        % {"count": count, "period": period},
    )
    return result
