"""Shared writes: audit entries and background-job progress."""

from __future__ import annotations

import datetime as dt
import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.gis.geos import GEOSGeometry
from django.core.files import File
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .actors import Actor
from .errors import DomainError, ImportRejected, RowError, TimeLimitExceeded
from .models import AuditEntry, Job

logger = logging.getLogger(__name__)

Outcome = TypeVar("Outcome")


def _json_value(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, GEOSGeometry):
        return value.wkt
    if isinstance(value, dt.date | dt.datetime | Decimal):
        return str(value)
    return value


def model_snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """The audited fields of an instance as JSON-safe values (foreign keys by id)."""
    concrete = {f.name: f.attname for f in instance._meta.concrete_fields}
    return {name: _json_value(getattr(instance, concrete[name])) for name in fields}


def audit_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """What an audit entry records: {field: [old, new]} for each field whose value
    differs, in field-name order. A field absent on one side counts as None."""
    if not before:
        # A creation: every known value (the shortcut matters to imports of 100,000 rows).
        return {key: [None, after[key]] for key in sorted(after) if after[key] is not None}
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(before.keys() | after.keys())
        if before.get(key) != after.get(key)
    }


def _actor_id(actor: Actor | None) -> Any:
    """The acting user's key, or None for nobody signed in (a command, the anonymous)."""
    return actor.pk if actor is not None and actor.is_authenticated else None


def audit_entry_values(
    *,
    actor: Actor | None,
    content_type_id: int,
    object_id: Any,
    object_repr: str,
    action: str,
    changes: dict[str, list[Any]],
    at: dt.datetime,
) -> dict[str, Any]:
    """The column values (by attribute name) of the `AuditEntry` that `audit_record`
    would save, for writers that insert many entries at once (imports)."""
    return {
        "content_type_id": content_type_id,
        "object_id": str(object_id),
        "object_repr": object_repr[:255],
        "action": action,
        "actor_id": _actor_id(actor),
        "changes": changes,
        "at": at,
    }


def audit_record(
    *,
    actor: Actor | None,
    instance: models.Model,
    action: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry | None:
    """Record a change; an update that changed nothing writes nothing."""
    changes = audit_changes(before or {}, after or {})
    if action == AuditEntry.Action.UPDATE and not changes:
        return None
    return AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(instance),
        object_id=str(instance.pk),
        object_repr=str(instance)[:255],
        action=action,
        actor_id=_actor_id(actor),
        changes=changes,
    )


def job_create(*, kind: str, created_by: Actor | None = None, total: int = 0) -> Job:
    return Job.objects.create(kind=kind, total=total, created_by_id=_actor_id(created_by))


def job_progress(*, job_id: int, done: int, total: int | None = None, message: str = "") -> None:
    """Progress is written outside the task's own transaction so that the page can see it.
    Work under a `job_time_limit` that no timer can interrupt stops here once past it."""
    _deadline_check()
    fields: dict[str, Any] = {"done": done, "status": Job.Status.RUNNING}
    if total is not None:
        fields["total"] = total
    if message:
        fields["message"] = message
    Job.objects.filter(pk=job_id).update(**fields)


def job_succeed(*, job_id: int, result: dict[str, Any], message: str = "") -> None:
    with transaction.atomic():
        job = Job.objects.get(pk=job_id)
        job.status = Job.Status.SUCCEEDED
        job.done = job.total
        job.result = result
        job.message = message
        job.finished_at = timezone.now()
        job.save()


def job_fail(*, job_id: int, message: str, errors: list[RowError] | None = None) -> None:
    Job.objects.filter(pk=job_id).update(
        status=Job.Status.FAILED,
        message=message,
        errors=[{"row": e.row, "column": e.column, "reason": e.reason} for e in errors or []],
        finished_at=timezone.now(),
    )


@dataclass
class JobRun:
    """What became of a task's work: `failed` once a refusal has failed its job."""

    failed: bool = False


@contextmanager
def job_failures(*, job_id: int) -> Iterator[JobRun]:
    """Record on the job how a task's work may end badly. A refusal (a `DomainError`,
    with every bad row of an `ImportRejected`) fails the job with its message and goes
    no further: the task checks `run.failed` and stops. Anything else fails the job
    with a message for the user, is logged with its trace for the administrators, and
    is raised again."""
    run = JobRun()
    try:
        yield run
    except ImportRejected as exc:
        job_fail(job_id=job_id, message=exc.message, errors=exc.errors)
        run.failed = True
    except DomainError as exc:
        job_fail(job_id=job_id, message=exc.message)
        run.failed = True
    except Exception:
        logger.exception("job %s failed", job_id)
        job_fail(
            job_id=job_id, message=_("Lỗi không mong đợi; lỗi đã được ghi lại cho quản trị viên.")
        )
        raise


# (monotonic deadline, limit in seconds) of the work under `job_time_limit` in this context.
_deadline: ContextVar[tuple[float, float] | None] = ContextVar("job_deadline", default=None)


def _over_limit(seconds: float) -> TimeLimitExceeded:
    shown = f"{seconds / 60:g} phút" if seconds >= 60 else f"{seconds:g} giây".replace(".", ",")
    return TimeLimitExceeded(
        _(
            "Công việc chạy quá thời gian cho phép (%(limit)s) nên đã dừng; những gì nó "
            "đang ghi đã được huỷ, không có gì được ghi dở. Hãy chia tệp thành nhiều tệp "
            "nhỏ hơn rồi nhập lại."
        )
        % {"limit": shown}
    )


def _deadline_check() -> None:
    if (deadline := _deadline.get()) is not None and time.monotonic() > deadline[0]:
        raise _over_limit(deadline[1])


@contextmanager
def job_time_limit(*, seconds: float) -> Iterator[None]:
    """Stop the work inside after `seconds` with `TimeLimitExceeded`, a `DomainError`
    that `job_failures` records as the job's failure; the work's transaction rolls back
    with it, so nothing is left half-written. In the worker's main thread (how
    `db_worker` runs tasks) a timer interrupts the work wherever it is, a query or a
    parse; in another thread (the worker under autoreload), where signals cannot be
    delivered, the limit is checked at each `job_progress`."""
    token = _deadline.set((time.monotonic() + seconds, seconds))
    timed = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    previous: Any = None
    if timed:

        def expire(signum: int, frame: object) -> None:
            raise _over_limit(seconds)

        previous = signal.signal(signal.SIGALRM, expire)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        if timed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        _deadline.reset(token)


def job_actor(*, job_id: int, actor_id: int) -> Actor | None:
    """The active user a job works for; None, with the job failed, when the account has
    been locked or removed since the job was queued."""
    actor = get_user_model().objects.filter(pk=actor_id, is_active=True).first()
    if actor is None:
        job_fail(job_id=job_id, message=_("Tài khoản đã bị khoá hoặc không còn tồn tại."))
    return actor


def job_stored_upload_run(
    *,
    job_id: int,
    actor_id: int,
    path: str,
    seconds: float,
    work: Callable[[Actor, File[bytes]], Outcome],
) -> Outcome | None:
    """What every import job does with the upload stored for it (`tabular.upload_store`):
    `work(actor, file)` for the active user the job works for, within `seconds`
    (`job_time_limit`), its failures recorded on the job (`job_failures`). None when the
    work did not end well, the job failed saying why. The stored file is deleted however
    the job ends: it is read once, and may hold personal data."""
    stored = Path(path)
    outcome: Outcome | None = None
    try:
        actor = job_actor(job_id=job_id, actor_id=actor_id)
        if actor is None:
            return None
        with (
            job_failures(job_id=job_id) as run,
            job_time_limit(seconds=seconds),
            stored.open("rb") as handle,
        ):
            job_progress(job_id=job_id, done=0, message=_("Đang đọc tệp…"))
            outcome = work(actor, File(handle, name=stored.name))
    finally:
        stored.unlink(missing_ok=True)
    return None if run.failed else outcome
