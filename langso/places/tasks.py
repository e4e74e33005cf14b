"""Background work of `places`: each task calls the service of the same name and records
its outcome on the `Job` that the user watches."""

from __future__ import annotations

import dataclasses

from django.utils.translation import gettext as _
from django_tasks import task

from langso.core.services import job_actor, job_failures, job_succeed

from .services import boundaries_import


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
