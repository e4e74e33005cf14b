"""Background work of the registries: each task calls the service of the same name and
records its progress and outcome on the `Job` that the officer watches."""

from __future__ import annotations

import dataclasses

from django.core.files import File
from django.utils.translation import gettext as _
from django_tasks import task

from langso.core.actors import Actor
from langso.core.errors import DomainError
from langso.core.services import job_stored_upload_run, job_succeed
from langso.core.tabular import read_table
from langso.places.models import AdminUnit

from .services.imports import ImportReport, registry_import_rows
from .transfer import MAX_FILE_BYTES, MAX_ROWS, transfer_for

# A province's 1.5 million households: the write runs at 20,000 rows/s and more on
# PostGIS (bench/registry_import.py), reading and checking take as long again, so about
# three minutes; SQLite and a worker sharing its machine are several times slower. Thirty
# minutes leaves that room, and frees the worker from a file that would never end.
REGISTRY_IMPORT_TIME_LIMIT = 30 * 60


@task()
def registry_import_rows_task(
    *, job_id: int, actor_id: int, registry: str, path: str, unit_id: int | None = None
) -> dict[str, int]:
    """Read the stored file and import it for `actor_id`. A refused file fails the job
    with every bad row; the file is deleted either way (it holds personal data)."""
    report = job_stored_upload_run(
        job_id=job_id,
        actor_id=actor_id,
        path=path,
        seconds=REGISTRY_IMPORT_TIME_LIMIT,
        work=lambda actor, file: _import(
            job_id=job_id, actor=actor, registry=registry, file=file, unit_id=unit_id
        ),
    )
    if report is None:
        return {}
    result = dataclasses.asdict(report)
    result.pop("registry")
    job_succeed(
        job_id=job_id,
        result=result,
        message=_(
            "Đã nhập %(rows)s dòng: %(created)s mới, %(updated)s cập nhật, %(unchanged)s "
            "không đổi; %(codes_generated)s mã được cấp; %(likely_duplicates)s cặp có thể "
            "trùng cần xem lại."
        )
        % result,
    )
    return result


def _import(
    *, job_id: int, actor: Actor, registry: str, file: File[bytes], unit_id: int | None
) -> ImportReport:
    transfer = transfer_for(registry)
    if transfer is None:
        raise DomainError(_("Không có sổ đăng ký “%(registry)s”.") % {"registry": registry})
    unit = AdminUnit.objects.filter(pk=unit_id).first() if unit_id is not None else None
    rows = read_table(
        file,
        columns=transfer.headers,
        optional=transfer.optional,
        max_bytes=MAX_FILE_BYTES,
        max_rows=MAX_ROWS,
    )
    return registry_import_rows(actor=actor, registry=registry, rows=rows, unit=unit, job_id=job_id)
