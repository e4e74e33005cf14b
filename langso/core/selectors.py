"""Shared reads: background jobs and audit history."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from .actors import Actor
from .errors import NotFound
from .models import AuditEntry, Job


def job_get_for_user(*, job_id: int, user: Actor) -> Job:
    """A job is seen by whoever started it; a refusal looks like absence."""
    job = Job.objects.filter(pk=job_id, created_by_id=user.pk).first()
    if job is None:
        raise NotFound("Không tìm thấy công việc.")
    return job


def audit_history(*, instance: models.Model) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(instance), object_id=str(instance.pk)
    ).select_related("actor")


def jobs_unfinished_for_user(*, user: Actor, limit: int = 10) -> list[Job]:
    """The user's own background jobs still waiting or running, newest first (a home
    page's "imports in progress"); a job is seen only by whoever started it."""
    if not user.is_authenticated:
        return []
    return list(
        Job.objects.filter(
            created_by_id=user.pk, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]
        ).order_by("-created_at", "-id")[:limit]
    )
