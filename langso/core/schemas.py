"""The shapes every app's API answers in: what a refusal looks like (a 400 lists each bad
parameter or field in `errors`), for the apps' routers and `config/api.py` alike, and a
background job, which an import answers 202 with for the client to follow. Here rather
than in `core.api`, the jobs router, because apps import only another app's public
types, never its routes. And the CSV of a list answered in JSON too: its columns are the
JSON's fields, in their order (`schema_csv_response`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from ninja import Schema
from typing_extensions import TypedDict  # pydantic takes typing's only from Python 3.12

from . import exports
from .models import Job

# One bad parameter or field: its name, where it was (query, path, body, file), and why.
# A TypedDict rather than a Schema because "in" is a keyword.
ParamError = TypedDict("ParamError", {"param": str, "in": str, "message": str})


class InvalidOut(Schema):
    detail: str
    errors: list[ParamError]


def field_errors(errors: Mapping[str, str], *, where: str = "body") -> list[ParamError]:
    """Field → message, as services raise them, in the API's list of bad parameters."""
    return [{"param": name, "in": where, "message": message} for name, message in errors.items()]


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


def schema_csv_response(
    filename: str, schema: type[Schema], rows: Sequence[Schema]
) -> HttpResponse:
    """The CSV of a list: one row per result, its columns the result's JSON fields (the
    project's rule: a program reads the JSON or the CSV with the same names)."""
    header = list(schema.model_fields)

    def cell(value: Any) -> exports.Value:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, dt.datetime):
            return value.isoformat(timespec="seconds")
        if isinstance(value, dt.date):
            return value.isoformat()
        return value  # type: ignore[no-any-return]  # str, number or None, as the schemas declare

    return exports.csv_response(
        filename, header, ([cell(getattr(row, name)) for name in header] for row in rows)
    )
