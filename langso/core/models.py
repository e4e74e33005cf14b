"""Shared kernel models: the audit trail and background-job progress."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class NamedInTwoLanguages:
    """Reference data named in Vietnamese (`name_vi`) and English (`name_en`): `label`
    is the name a page shows, English only when the reader chose English and there is
    one. Pages show it, never the row's code."""

    @property
    def label(self) -> str:
        english = str(getattr(self, "name_en", "") or "")
        if english and (get_language() or "").startswith("en"):
            return english
        return str(getattr(self, "name_vi", ""))


class AuditEntry(models.Model):
    """Who changed what, when, old -> new. One mechanism for every audited model."""

    class Action(models.TextChoices):
        CREATE = "create", _("Tạo mới")
        UPDATE = "update", _("Sửa")
        DELETE = "delete", _("Xoá")

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=255)
    action = models.CharField(max_length=10, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # {field: [old, new]}; values as JSON-safe strings or numbers.
    changes = models.JSONField(default=dict)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["content_type", "object_id", "at"], name="audit_object_at")]
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} {self.object_repr} @ {self.at:%d/%m/%Y %H:%M}"


class Job(models.Model):
    """A background task's progress, for the progress bar and the error list a user sees."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang chạy")
        SUCCEEDED = "succeeded", _("Hoàn tất")
        FAILED = "failed", _("Thất bại")

    kind = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    errors: models.JSONField[list[dict[str, Any]]] = models.JSONField(default=list)
    result: models.JSONField[dict[str, Any]] = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)
