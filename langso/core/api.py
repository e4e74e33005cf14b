"""/api/v1/jobs: the progress and outcome of a background job, for API clients that
started one (an import answers 202 with the job to follow)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema
from ninja.security import django_auth

from .models import Job
from .selectors import job_get_for_user

router = Router(tags=["jobs"])


class JobErrorOut(Schema):
    row: int
    column: str
    reason: str


class JobOut(Schema):
    id: int
    kind: str
    status: str
    done: int
    total: int
    message: str
    errors: list[JobErrorOut]
    result: dict[str, Any]
    url: str

    @staticmethod
    def from_job(job: Job) -> JobOut:
        return JobOut(
            id=job.pk,
            kind=job.kind,
            status=job.status,
            done=job.done,
            total=job.total,
            message=job.message,
            errors=[JobErrorOut(**error) for error in job.errors],
            result=job.result,
            url=reverse("api:job_get", args=[job.pk]),
        )


@router.get(
    "/jobs/{job_id}",
    auth=django_auth,
    response=JobOut,
    url_name="job_get",
    summary="Tiến độ và kết quả một công việc nền",
)
def job_get(request: HttpRequest, job_id: int) -> JobOut:
    """Seen only by whoever started the job; any other answers 404."""
    return JobOut.from_job(job_get_for_user(job_id=job_id, user=request.user))
