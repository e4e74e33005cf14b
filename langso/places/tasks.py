"""Background work of `places`: each task calls the service of the same name and records
its outcome on the `Job` that the user watches."""

from __future__ import annotations

import dataclasses
import logging

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django_tasks import task

from langso.core.errors import DomainError, ImportRejected
from langso.core.services import job_fail, job_succeed

from .services import boundaries_import

logger = logging.getLogger(__name__)


@task()
def boundaries_import_task(
    *, job_id: int, actor_id: int, path: str, level: str, code_field: str
) -> dict[str, int]:
    """Import boundaries for `actor_id`; a refused file fails the job with every error."""
    actor = get_user_model().objects.filter(pk=actor_id, is_active=True).first()
    if actor is None:
        job_fail(job_id=job_id, message=_("Tài khoản đã bị khoá hoặc không còn tồn tại."))
        return {}
    try:
        report = boundaries_import(
            actor=actor,
            path=path,
            level=level,
            code_field=code_field,
            job_id=job_id,
        )
    except ImportRejected as exc:
        job_fail(job_id=job_id, message=exc.message, errors=exc.errors)
        return {}
    except DomainError as exc:
        job_fail(job_id=job_id, message=exc.message)
        return {}
    except Exception:
        logger.exception("boundaries import job %s failed", job_id)
        job_fail(
            job_id=job_id, message=_("Lỗi không mong đợi; lỗi đã được ghi lại cho quản trị viên.")
        )
        raise
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
