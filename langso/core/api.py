"""The core of the JSON API: what every refusal looks like, for the apps' routers and
`config/api.py` alike (a 400 lists each bad parameter or field in `errors`), and
/api/v1/jobs, the progress and outcome of a background job, for API clients that
started one (an import answers 202 with the job to follow)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema
from ninja.security import django_auth
from typing_extensions import TypedDict  # pydantic takes typing's only from Python 3.12

from .models import Job
from .selectors import job_get_for_user

# One bad parameter or field: its name, where it was (query, path, body, file), and why.
# A TypedDict rather than a Schema because "in" is a keyword.
ParamError = TypedDict("ParamError", {"param": str, "in": str, "message": str})


class InvalidOut(Schema):
    detail: str
    errors: list[ParamError]


def field_errors(errors: Mapping[str, str], *, where: str = "body") -> list[ParamError]:
    """Field → message, as services raise them, in the API's list of bad parameters."""
    return [{"param": name, "in": where, "message": message} for name, message in errors.items()]


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
