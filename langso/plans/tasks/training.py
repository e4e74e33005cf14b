"""Background work of the training records: each task calls the service of the same
name and records its outcome on the `Job` the officer watches."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django_tasks import task

from langso.core.services import job_stored_upload_run, job_succeed

from ..selectors.training import session_get_for_user
from ..services.training import attendance_import

# An attendance list is read and written in a second; a minute frees the worker from a
# file that would never end.
ATTENDANCE_IMPORT_TIME_LIMIT = 60


@task()
def attendance_import_task(*, job_id: int, actor_id: int, session_id: int, path: str) -> int:
    """Import the stored attendance file of a session for `actor_id`. A refused file
    fails the job with every bad row; the file is deleted either way."""
    count = job_stored_upload_run(
        job_id=job_id,
        actor_id=actor_id,
        path=path,
        seconds=ATTENDANCE_IMPORT_TIME_LIMIT,
        work=lambda actor, file: attendance_import(
            actor=actor, session=session_get_for_user(user=actor, pk=session_id), file=file
        ),
    )
    if count is None:
        return 0
    job_succeed(
        job_id=job_id,
        result={"recorded": count},
        message=_("Đã ghi %(count)s người vào danh sách tham dự.") % {"count": count},
    )
    return count
