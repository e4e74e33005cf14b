"""Composing an announcement: a draft written and edited by the officers of its unit,
attachments, and the cancelling of one scheduled to go later. Sending is `send`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from langso.core.actors import Actor
from langso.core.db import for_update
from langso.core.errors import AccessDenied, DomainError, FieldsInvalid
from langso.messaging.channels.sms import sms_ascii
from langso.messaging.models import Channel, Priority
from langso.places.models import AdminUnit

from ..models import Announcement, AnnouncementStatus, Attachment, Category
from ..selectors.announcements import may_send
from ..selectors.audience import (
    CHANNEL_ORDER,
    Audience,
    announcement_households,
    channels_best_first,
)
from .consent import household_contacts_sync

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


def _check_may_send(actor: Actor, unit: AdminUnit) -> None:
    if not may_send(user=actor, unit=unit):
        raise AccessDenied(_("Bạn không được gửi thông báo từ đơn vị này."))


def _fields(
    *,
    title: str,
    body: str,
    category: str,
    channels: Sequence[str],
    scheduled_for: dt.datetime | None,
    sms_without_diacritics: bool,
    now: dt.datetime,
) -> dict[str, object]:
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("Cần có tiêu đề.")
    if not body.strip():
        errors["body"] = _("Cần có nội dung.")
    if category not in Category.values:
        errors["category"] = _("Loại thông báo không hợp lệ.")
    chosen = channels_best_first(channels)
    if not chosen or not set(channels) <= set(CHANNEL_ORDER):
        errors["channels"] = _("Chọn ít nhất một kênh gửi trong danh sách.")
    if scheduled_for is not None and scheduled_for <= now:
        errors["scheduled_for"] = _("Thời điểm hẹn gửi %(at)s đã qua.") % {
            "at": timezone.localtime(scheduled_for).strftime("%d/%m/%Y %H:%M")
        }
    if errors:
        raise FieldsInvalid(errors)
    title, body = title.strip(), body.strip()
    return {
        "title": title,
        "body": body,
        "category": category,
        "priority": Priority.WARNING if category == Category.DISASTER else Priority.NORMAL,
        "channels": chosen,
        "scheduled_for": scheduled_for,
        "sms_text": sms_ascii(f"{title}. {body}") if sms_without_diacritics else "",
    }


def _draft_locked(announcement: Announcement) -> Announcement:
    locked = for_update(Announcement.objects.filter(pk=announcement.pk)).get()
    if locked.status != AnnouncementStatus.DRAFT:
        raise DomainError(_("Chỉ sửa được thông báo còn là bản nháp."))
    return locked


def announcement_cancel(*, actor: Actor, announcement: Announcement) -> Announcement:
    """Cancel an announcement scheduled to go later; one sent (or sending) stays."""
    _check_may_send(actor, announcement.unit)
    with transaction.atomic():
        locked = for_update(Announcement.objects.filter(pk=announcement.pk)).get()
        if locked.status != AnnouncementStatus.SCHEDULED:
            raise DomainError(_("Chỉ hủy được thông báo đang hẹn giờ gửi."))
        locked.status = AnnouncementStatus.CANCELLED
        locked.save(update_fields=["status"])
    return locked


def attachment_add(
    *, actor: Actor, announcement: Announcement, file: UploadedFile[Any]
) -> Attachment:
    """Attach `file` to a draft (stored under a random name, served by a checked view)."""
    _check_may_send(actor, announcement.unit)
    if (file.size or 0) > MAX_ATTACHMENT_BYTES:
        raise FieldsInvalid(
            {"file": _("Tệp lớn hơn %(mb)s MB.") % {"mb": MAX_ATTACHMENT_BYTES // (1024 * 1024)}}
        )
    with transaction.atomic():
        locked = _draft_locked(announcement)
        return Attachment.objects.create(
            announcement=locked,
            file=file,
            name=(file.name or "tep")[:255],
            size=file.size or 0,
        )


# What the compose form gives besides the audience and the attachment.
COMPOSED_FIELDS = (
    "title",
    "body",
    "category",
    "channels",
    "scheduled_for",
    "sms_without_diacritics",
)


def announcement_compose(
    *,
    actor: Actor,
    unit: AdminUnit,
    audience: Audience,
    title: str,
    body: str,
    category: str,
    channels: Sequence[str],
    scheduled_for: dt.datetime | None = None,
    sms_without_diacritics: bool = False,
    attachment: UploadedFile[Any] | None = None,
    draft: Announcement | None = None,
    now: dt.datetime | None = None,
) -> Announcement:
    """A draft from `unit` to `audience` (built by `audience_build`), or `draft` edited
    (an announcement sent, scheduled or cancelled is no longer edited), with its
    attachment, in one transaction. The registry's head phones of the audience become
    SMS contacts here, so that the preview counts the phones that are no mobiles."""
    _check_may_send(actor, unit if draft is None else draft.unit)
    values = _fields(
        title=title,
        body=body,
        category=category,
        channels=channels,
        scheduled_for=scheduled_for,
        sms_without_diacritics=sms_without_diacritics,
        now=now or timezone.now(),
    )
    with transaction.atomic():
        if draft is None:
            saved = Announcement.objects.create(
                unit=unit, audience=audience.as_json(), created_by_id=actor.pk, **values
            )
        else:
            saved = _draft_locked(draft)
            saved.audience = audience.as_json()
            for name, value in values.items():
                setattr(saved, name, value)
            saved.save()
        if attachment is not None:
            attachment_add(actor=actor, announcement=saved, file=attachment)
        if Channel.SMS in saved.channels:
            household_contacts_sync(households=announcement_households(announcement=saved))
    return saved
