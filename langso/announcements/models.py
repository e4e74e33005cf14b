"""Announcements (thông báo) from a unit to the households of an audience, sent over
`messaging`, and their reach: which households got at least one message delivered or
read, per village, kept as counts as receipts arrive (never recounted to be read).

Names of the messages: every message of an announcement has `source`
"announcement:<id>:household:<household id>" and idempotency key
"announcement:<id>:household:<household id>:<channel>", so that a receipt names its
household without a join, and sending the same announcement twice writes nothing new.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from langso.core.files import RandomName
from langso.messaging.models import Priority
from langso.places.models import AdminUnit
from langso.registry.models import Household


class Category(models.TextChoices):
    NOTICE = "notice", _("Thông báo")
    MEETING = "meeting", _("Lịch họp")
    VACCINATION = "vaccination", _("Tiêm chủng")
    TAX = "tax", _("Thuế, phí")
    # Sent as a warning: first, in quiet hours too, without waiting for consent.
    DISASTER = "disaster", _("Cảnh báo thiên tai")


class AnnouncementStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    SCHEDULED = "scheduled", _("Đã hẹn giờ gửi")
    SENDING = "sending", _("Đang gửi")
    SENT = "sent", _("Đã gửi")
    CANCELLED = "cancelled", _("Đã hủy")


class HouseholdGroup(models.Model):
    """A self-management group (tổ tự quản) of households inside a village, which the
    village defines and an announcement may be sent to."""

    village = models.ForeignKey(
        AdminUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("thôn")
    )
    name = models.CharField(_("tên tổ"), max_length=150)
    households = models.ManyToManyField(Household, related_name="+", blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("tổ tự quản")
        verbose_name_plural = _("tổ tự quản")
        constraints = [
            models.UniqueConstraint(fields=["village", "name"], name="announcements_group_name")
        ]

    def __str__(self) -> str:
        return self.name


class Announcement(models.Model):
    """What a unit tells the households of its audience. `audience` says who, as the
    compose form chose it: {"units": [unit ids], "groups": [group ids],
    "filters": ["vessel_owner", "no_smartphone", …], "households": [ids]} — resolved
    to households when sent, and the result kept as `Recipient` rows."""

    unit = models.ForeignKey(
        AdminUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị gửi")
    )
    title = models.CharField(_("tiêu đề"), max_length=200)
    body = models.TextField(_("nội dung"))
    # The SMS text without diacritics (GSM, 160 characters a segment), when chosen.
    sms_text = models.TextField(_("nội dung SMS không dấu"), blank=True)
    category = models.CharField(_("loại"), max_length=16, choices=Category.choices)
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    audience: models.JSONField[dict[str, Any]] = models.JSONField(_("người nhận"), default=dict)
    # Channels the sender allows, best first ("zalo", "sms", "email", "inapp").
    channels: models.JSONField[list[str]] = models.JSONField(default=list)
    scheduled_for = models.DateTimeField(_("hẹn giờ gửi"), null=True, blank=True)
    status = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=AnnouncementStatus.choices,
        default=AnnouncementStatus.DRAFT,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    # Households in the audience when sent (active ones), for the reach's denominator.
    audience_households = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        indexes = [models.Index(fields=["unit", "-created_at"], name="announcements_unit_recent")]

    def __str__(self) -> str:
        return self.title

    @property
    def source(self) -> str:
        return f"announcement:{self.pk}"


class Attachment(models.Model):
    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=RandomName("announcements"))
    name = models.CharField(_("tên tệp"), max_length=255)
    size = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")

    def __str__(self) -> str:
        return self.name


class Recipient(models.Model):
    """One household of a sent announcement: the channel it was tried on last (empty:
    it has no consented channel), when it was first reached (a message delivered or
    read, or the village head marking it reached in person) and how."""

    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="recipients"
    )
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=16, blank=True)
    reached_at = models.DateTimeField(null=True, blank=True)
    # "delivered", "read" or "in_person".
    reached_by = models.CharField(max_length=10, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Every channel tried failed (or none was there): on the unreached list.
    failed = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("hộ nhận thông báo")
        verbose_name_plural = _("hộ nhận thông báo")
        constraints = [
            models.UniqueConstraint(
                fields=["announcement", "household"], name="announcements_recipient_once"
            )
        ]
        indexes = [
            models.Index(fields=["announcement", "village"], name="announcements_recipient_vil")
        ]

    def __str__(self) -> str:
        return f"{self.announcement_id}/{self.household_id}"


class VillageReach(models.Model):
    """An announcement's reach in one village, kept as counts: households in the
    audience, reached (at least one message delivered or read, or met in person),
    without any channel, and with every delivery failed. Moved by receipts in the
    writer's transaction, so reading a province's reach sums a few thousand rows."""

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="reach")
    village = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    households = models.PositiveIntegerField(default=0)
    reached = models.PositiveIntegerField(default=0)
    no_channel = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("mức độ tiếp cận theo thôn")
        verbose_name_plural = _("mức độ tiếp cận theo thôn")
        constraints = [
            models.UniqueConstraint(
                fields=["announcement", "village"], name="announcements_reach_village"
            )
        ]

    def __str__(self) -> str:
        return f"{self.announcement_id}/{self.village_id}"
