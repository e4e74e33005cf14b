"""Background work of the registries: each task calls the service of the same name and
records its progress and outcome on the `Job` that the officer watches."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files import File
from django.utils.translation import gettext as _
from django_tasks import task

from langso.core.errors import DomainError, ImportRejected
from langso.core.services import job_fail, job_progress, job_succeed
from langso.places.imports import read_table
from langso.places.models import AdminUnit

from .services.imports import registry_import_rows
from .transfer import MAX_FILE_BYTES, MAX_ROWS, transfer_for

logger = logging.getLogger(__name__)


@task()
def registry_import_rows_task(
    *, job_id: int, actor_id: int, registry: str, path: str, unit_id: int | None = None
) -> dict[str, int]:
    """Read the stored file and import it for `actor_id`. A refused file fails the job
    with every bad row; the file is deleted either way (it holds personal data)."""
    stored = Path(path)
    try:
        actor = get_user_model().objects.filter(pk=actor_id, is_active=True).first()
        transfer = transfer_for(registry)
        if actor is None or transfer is None:
            job_fail(job_id=job_id, message=_("Tài khoản đã bị khoá hoặc không còn tồn tại."))
            return {}
        unit = AdminUnit.objects.filter(pk=unit_id).first() if unit_id is not None else None
        job_progress(job_id=job_id, done=0, message=_("Đang đọc tệp…"))
        with stored.open("rb") as handle:
            rows = read_table(
                File(handle, name=stored.name),
                columns=transfer.headers,
                optional=transfer.optional,
                max_bytes=MAX_FILE_BYTES,
                max_rows=MAX_ROWS,
            )
        report = registry_import_rows(
            actor=actor, registry=registry, rows=rows, unit=unit, job_id=job_id
        )
    except ImportRejected as exc:
        job_fail(job_id=job_id, message=exc.message, errors=exc.errors)
        return {}
    except DomainError as exc:
        job_fail(job_id=job_id, message=exc.message)
        return {}
    except Exception:
        logger.exception("registry import job %s failed", job_id)
        job_fail(
            job_id=job_id, message=_("Lỗi không mong đợi; lỗi đã được ghi lại cho quản trị viên.")
        )
        raise
    finally:
        stored.unlink(missing_ok=True)
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
