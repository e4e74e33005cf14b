"""Background work of `places`: each task calls the service of the same name and records
its outcome on the `Job` that the user watches."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from django.core.files import File
from django.utils.translation import gettext as _
from django_tasks import task

from langso.core.services import (
    job_actor,
    job_failures,
    job_progress,
    job_succeed,
    job_time_limit,
)

from .imports import read_table
from .models import AdminUnit
from .services import (
    VILLAGE_COLUMNS,
    VILLAGE_OPTIONAL_COLUMNS,
    boundaries_import,
    village_import_rows,
)


@task()
def boundaries_import_task(
    *, job_id: int, actor_id: int, path: str, level: str, code_field: str
) -> dict[str, int]:
    """Import boundaries for `actor_id`; a refused file fails the job with every error."""
    actor = job_actor(job_id=job_id, actor_id=actor_id)
    if actor is None:
        return {}
    with job_failures(job_id=job_id) as run:
        report = boundaries_import(
            actor=actor,
            path=path,
            level=level,
            code_field=code_field,
            job_id=job_id,
        )
    if run.failed:
        return {}
    result = dataclasses.asdict(report)
    job_succeed(
        job_id=job_id,
        result=result,
        message=_(
            "Đã nhập ranh giới: %(updated)s đơn vị cập nhật, %(unchanged)s không đổi "
            "(trên %(features)s đối tượng); %(centroids_set)s đơn vị được tính tâm."
        )
        % result,
    )
    return result


# A commune's villages are a few dozen rows, and the file holds at most 100,000: read and
# written in seconds. Five minutes is far past any real file, and frees the worker from
# one that would never end.
VILLAGE_IMPORT_TIME_LIMIT = 5 * 60


@task()
def village_import_rows_task(
    *, job_id: int, actor_id: int, commune_id: int, path: str
) -> dict[str, int]:
    """Read the stored file and import the commune's villages for `actor_id`. A refused
    file fails the job with every bad row; the file is deleted either way."""
    stored = Path(path)
    try:
        actor = job_actor(job_id=job_id, actor_id=actor_id)
        if actor is None:
            return {}
        with (
            job_failures(job_id=job_id) as run,
            job_time_limit(seconds=VILLAGE_IMPORT_TIME_LIMIT),
        ):
            job_progress(job_id=job_id, done=0, message=_("Đang đọc tệp…"))
            with stored.open("rb") as handle:
                rows = read_table(
                    File(handle, name=stored.name),
                    columns=VILLAGE_COLUMNS,
                    optional=VILLAGE_OPTIONAL_COLUMNS,
                )
            commune = AdminUnit.objects.get(pk=commune_id)
            report = village_import_rows(actor=actor, commune=commune, rows=rows)
    finally:
        stored.unlink(missing_ok=True)
    if run.failed:
        return {}
    result = dataclasses.asdict(report)
    job_succeed(
        job_id=job_id,
        result=result,
        message=_(
            "Đã nhập tệp: %(created)s thôn mới, %(updated)s thôn cập nhật, "
            "%(unchanged)s thôn không đổi."
        )
        % result,
    )
    return result
