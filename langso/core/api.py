"""/api/v1/jobs: the progress and outcome of a background job, for API clients that
started one (an import answers 202 with the job to follow). The shapes every router
answers in are in `core.schemas`."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router
from ninja.security import django_auth

from .schemas import JobOut
from .selectors import job_get_for_user

router = Router(tags=["jobs"])


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
