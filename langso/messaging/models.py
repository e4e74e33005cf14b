"""Messaging: contacts with their consent, the transactional outbox of messages to send,
and the receipts of what became of each. Sits above `accounts` and below `registry`,
so it never names a household: whoever owns a contact (a household, a resident, an
officer) is named by kind and id (`holder_kind`, `holder_id`), and the scope of every
contact and message is its lowest unit (a village, or a commune)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from langso.places.models import AdminUnit


class Channel(models.TextChoices):
    EMAIL = "email", _("Thư điện tử")
    SMS = "sms", _("Tin nhắn SMS")
    ZALO = "zalo", _("Zalo")
    INAPP = "inapp", _("Trên ứng dụng")
    LOUDSPEAKER = "loudspeaker", _("Loa truyền thanh")


class Purpose(models.TextChoices):
    """What a contact consented to be told (Decree 13/2023 asks consent per purpose)."""

    ANNOUNCEMENTS = "announcements", _("Thông báo của xã, thôn")
    WARNINGS = "warnings", _("Cảnh báo thiên tai, khẩn cấp")
    SERVICES = "services", _("Thủ tục, hồ sơ và phản ánh của chính mình")


class Priority(models.TextChoices):
    NORMAL = "normal", _("Thường")
    # A warning (typhoon, flood) is sent in quiet hours too, and first.
    WARNING = "warning", _("Cảnh báo")


class Contact(models.Model):
    """An address someone can be told something at, on one channel: a household's phone
    (the registry keeps the head's), an e-mail, a Zalo user id. `address` is normalised
    (a phone as +84…, an e-mail lower-cased)."""

    channel = models.CharField(_("kênh"), max_length=16, choices=Channel.choices)
    address = models.CharField(_("địa chỉ"), max_length=254)
    # Who the contact belongs to, in the app that owns them ("household", "user").
    holder_kind = models.CharField(max_length=32)
    holder_id = models.BigIntegerField()
    unit = models.ForeignKey(
        AdminUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("liên hệ")
        verbose_name_plural = _("liên hệ")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "address", "holder_kind", "holder_id"],
                name="messaging_contact_unique",
            )
        ]
        indexes = [
            models.Index(fields=["holder_kind", "holder_id"]),
            models.Index(fields=["channel", "address"]),
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.address}"


class ConsentSource(models.TextChoices):
    SURVEY = "survey", _("Khảo sát hộ gia đình")
    OFFICER = "officer", _("Cán bộ ghi nhận")
    RESIDENT = "resident", _("Người dân tự đăng ký")
    IMPORT = "import", _("Nhập từ tệp")


class WithdrawnVia(models.TextChoices):
    SMS_KEYWORD = "sms", _("Nhắn TU CHOI")
    EMAIL_LINK = "email", _("Liên kết trong thư")
    OFFICER = "officer", _("Cán bộ ghi nhận")
    RESIDENT = "resident", _("Người dân tự hủy")


class Consent(models.Model):
    """A contact's consent to be told things of one purpose: when and how it was given,
    and when and how it was withdrawn. A contact is written to for a purpose only while
    a consent of that purpose stands (`withdrawn_at` empty); a warning needs none."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("mục đích"), max_length=16, choices=Purpose.choices)
    given_at = models.DateTimeField(_("đồng ý lúc"), default=timezone.now)
    source = models.CharField(_("nguồn"), max_length=16, choices=ConsentSource.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("rút lại lúc"), null=True, blank=True)
    withdrawn_via = models.CharField(max_length=16, choices=WithdrawnVia.choices, blank=True)

    class Meta:
        verbose_name = _("sự đồng ý")
        verbose_name_plural = _("sự đồng ý")
        constraints = [
            # One standing consent per contact and purpose; withdrawn ones stay as history.
            models.UniqueConstraint(
                fields=["contact", "purpose"],
                condition=Q(withdrawn_at__isnull=True),
                name="messaging_consent_one_standing",
            )
        ]

    def __str__(self) -> str:
        return f"{self.contact} {self.purpose}"


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Chờ gửi")
    SENDING = "sending", _("Đang gửi")
    # The gateway took it (Kannel queued it, the SMTP server accepted it).
    ACCEPTED = "accepted", _("Đã chuyển đi")
    DELIVERED = "delivered", _("Đã đến")
    READ = "read", _("Đã đọc")
    FAILED = "failed", _("Không đến được")
    # Retries exhausted or refused for good: an officer may send it again.
    DEAD = "dead", _("Gửi không được")
    # Not sent: the contact withdrew consent for this purpose.
    OPTED_OUT = "opted_out", _("Đã từ chối nhận")


# Statuses after which a message is never picked up again by the worker.
FINAL_STATUSES = (
    MessageStatus.DELIVERED,
    MessageStatus.READ,
    MessageStatus.FAILED,
    MessageStatus.DEAD,
    MessageStatus.OPTED_OUT,
)


class Message(models.Model):
    """One message to one address on one channel, written in the same transaction as
    whatever caused it (the outbox) and sent by the worker. `idempotency_key` is the
    caller's name for it ("announcement:12:household:345:sms"): queuing it again
    returns the one already there, and the gateway is given it so that a retry after a
    crash is never delivered twice."""

    idempotency_key = models.CharField(max_length=200, unique=True)
    channel = models.CharField(_("kênh"), max_length=16, choices=Channel.choices)
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    address = models.CharField(_("địa chỉ"), max_length=254, blank=True)
    # The recipient's lowest unit, for scope and for reach by village.
    unit = models.ForeignKey(
        AdminUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # What asked for it, in its own app's words ("announcement:12").
    source = models.CharField(max_length=100)
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    subject = models.CharField(_("tiêu đề"), max_length=200, blank=True)
    body = models.TextField(_("nội dung"))
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    # When the worker may (re)try it: now, after a backoff, or after quiet hours.
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    # The gateway's own id (Kannel's, Zalo's msg_id), to match its delivery reports.
    provider_ref = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("tin nhắn")
        verbose_name_plural = _("tin nhắn")
        indexes = [
            # The worker's pick: due messages of a status, oldest first.
            models.Index(fields=["status", "next_attempt_at"], name="messaging_message_due"),
            models.Index(fields=["source", "status"], name="messaging_message_source"),
            models.Index(fields=["channel", "provider_ref"], name="messaging_message_provider"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.idempotency_key} ({self.status})"


class ReceiptEvent(models.TextChoices):
    ACCEPTED = "accepted", _("Đã chuyển đi")
    DELIVERED = "delivered", _("Đã đến")
    FAILED = "failed", _("Không đến được")
    READ = "read", _("Đã đọc")
    RETRY = "retry", _("Thử lại")
    OPTED_OUT = "opted_out", _("Đã từ chối nhận")


class Receipt(models.Model):
    """What became of a message, event by event, as the gateway or the reader told."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="receipts")
    event = models.CharField(max_length=10, choices=ReceiptEvent.choices)
    at = models.DateTimeField(default=timezone.now)
    detail: models.JSONField[dict[str, Any]] = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("biên nhận")
        verbose_name_plural = _("biên nhận")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.message_id} {self.event}"


class AudioFormat(models.TextChoices):
    MP3 = "mp3", "MP3"
    OGG = "ogg", "Ogg Vorbis"


class Loudspeaker(models.Model):
    """A commune's IP loudspeaker system: where its audio files are uploaded, with the
    token it asks for, in the format it plays."""

    unit = models.OneToOneField(
        AdminUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("xã")
    )
    upload_url = models.URLField(_("địa chỉ tải lên"))
    token = models.CharField(_("mã truy cập"), max_length=200, blank=True)
    audio_format = models.CharField(
        _("định dạng"), max_length=3, choices=AudioFormat.choices, default=AudioFormat.MP3
    )
    enabled = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("hệ thống loa truyền thanh")
        verbose_name_plural = _("hệ thống loa truyền thanh")

    def __str__(self) -> str:
        return f"{self.unit_id} {self.upload_url}"
