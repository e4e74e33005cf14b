"""Background work of `places`: each task calls the service of the same name and records
its outcome on the `Job` that the user watches."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from django_tasks import task

from langso.core.actors import Actor
from langso.core.models import Job
from langso.core.services import (
    job_actor,
    job_create,
    job_failures,
    job_stored_upload_run,
    job_succeed,
)
from langso.core.tabular import read_table, upload_store

from .models import AdminUnit
from .services.boundaries import boundaries_import
from .services.villages import (
    VILLAGE_COLUMNS,
    VILLAGE_OPTIONAL_COLUMNS,
    VillageImportReport,
    village_import_rows,
)


def _succeed(*, job_id: int, report: Any, message: str) -> dict[str, int]:
    """End the job well, with the report's figures as its result and in its message
    (`message` names them as %(field)s)."""
    result: dict[str, int] = dataclasses.asdict(report)
    job_succeed(job_id=job_id, result=result, message=message % result)
    return result


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
    return _succeed(
        job_id=job_id,
        report=report,
        message=_(
            "Đã nhập ranh giới: %(updated)s đơn vị cập nhật, %(unchanged)s không đổi "
            "(trên %(features)s đối tượng); %(centroids_set)s đơn vị được tính tâm."
        ),
    )


def boundaries_import_enqueue(
    *, actor: Actor, upload: UploadedFile[bytes], level: str, code_field: str
) -> Job:
    """Store a boundary file and queue its import for `actor`, once the request's
    transaction commits; the job it returns tells how the import went."""
    path = upload_store(upload, prefix="ranh-gioi")
    job = job_create(kind="places.boundaries_import", created_by=actor)
    arguments: dict[str, Any] = {
        "job_id": job.pk,
        "actor_id": actor.pk,
        "path": str(path),
        "level": level,
        "code_field": code_field,
    }
    transaction.on_commit(lambda: boundaries_import_task.enqueue(**arguments))
    return job


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

    def work(actor: Actor, file: File[bytes]) -> VillageImportReport:
        rows = read_table(file, columns=VILLAGE_COLUMNS, optional=VILLAGE_OPTIONAL_COLUMNS)
        commune = AdminUnit.objects.get(pk=commune_id)
        return village_import_rows(actor=actor, commune=commune, rows=rows)

    report = job_stored_upload_run(
        job_id=job_id,
        actor_id=actor_id,
        path=path,
        seconds=VILLAGE_IMPORT_TIME_LIMIT,
        work=work,
    )
    if report is None:
        return {}
    return _succeed(
        job_id=job_id,
        report=report,
        message=_(
            "Đã nhập tệp: %(created)s thôn mới, %(updated)s thôn cập nhật, "
            "%(unchanged)s thôn không đổi."
        ),
    )


def village_import_rows_enqueue(
    *, actor: Actor, commune: AdminUnit, upload: UploadedFile[bytes]
) -> Job:
    """Store an upload of the commune's villages and queue its import for `actor`, once
    the request's transaction commits; the job it returns tells how the import went.
    The caller has checked the upload (`tabular.upload_check`) and the actor's access
    (`village_manage_check`), which the import checks again."""
    path = upload_store(upload, prefix="thon")
    job = job_create(kind="places.village_import", created_by=actor)
    arguments: dict[str, Any] = {
        "job_id": job.pk,
        "actor_id": actor.pk,
        "commune_id": commune.pk,
        "path": str(path),
    }
    transaction.on_commit(lambda: village_import_rows_task.enqueue(**arguments))
    return job
