"""SMS through Kannel: the adapter posts each message to smsbox's HTTP `sendsms`, asking
for delivery reports on the app's `dlr-url`; and how long a text is in SMS.

Kannel answers 202 once bearerbox has stored the message ("Accepted for delivery", or
"Queued for later delivery" while no SMSC is connected): from then on Kannel sends it,
across its own restarts. A refused connection or a 5xx means smsbox or bearerbox is down
and nothing was taken (tried again later); a 4xx is a request Kannel will never take.
"""

from __future__ import annotations

import logging
import math
import urllib.parse
from typing import NamedTuple

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from langso.core.errors import DomainError
from langso.core.text import without_diacritics

from ..kannel import MAX_SEGMENTS
from ..models import Channel, Message
from ..phones import vn_mobile_normalise
from .base import PermanentFailure, Sent, TemporaryFailure, adapter_register, channel_rate
from .http import KeptAlive

logger = logging.getLogger(__name__)

# GSM 03.38: the default alphabet (one septet each) and its extension table (two each,
# behind an escape). Any other character makes the whole message UCS-2.
_GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENSION = frozenset("^{}\\[~]|€\f")
# Characters per segment: alone, and when concatenated (the UDH takes 6 bytes).
_GSM_SINGLE, _GSM_PART = 160, 153
_UCS2_SINGLE, _UCS2_PART = 70, 67
# Typographic punctuation word processors put in, which GSM lacks but plain ASCII says.
_PLAIN = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "..."})

# Kannel's delivery report types (`%d`) the adapter asks for: delivered (1), failed (2),
# SMSC rejected (16). Not "SMSC accepted" (8): Kannel's 202 already made the message
# `accepted`, and each report is a request to the app (half its CPU per message in the
# bench); nor "buffered" (4), which says nothing new.
DLR_MASK = 1 + 2 + 16


class SmsSize(NamedTuple):
    encoding: str  # "gsm" or "ucs2"
    segments: int


def sms_segments(text: str) -> SmsSize:
    """How `text` travels as SMS: GSM 7-bit when every character is in the GSM alphabet
    (160 a message, 153 a segment when concatenated), otherwise UCS-2 (70, 67) — any
    Vietnamese diacritic forces UCS-2."""
    if all(c in _GSM_BASIC or c in _GSM_EXTENSION for c in text):
        length = sum(2 if c in _GSM_EXTENSION else 1 for c in text)
        single, part, encoding = _GSM_SINGLE, _GSM_PART, "gsm"
    else:
        # UTF-16 code units: a character outside the BMP (an emoji) takes two.
        length = len(text.encode("utf-16-be")) // 2
        single, part, encoding = _UCS2_SINGLE, _UCS2_PART, "ucs2"
    segments = 1 if length <= single else math.ceil(length / part)
    return SmsSize(encoding, segments)


def sms_ascii(text: str) -> str:
    """`text` without diacritics ("đ" as "d") and with plain punctuation: the SMS version
    an officer may choose because it fits 160 characters a message, not 70."""
    return without_diacritics(text).translate(_PLAIN)


def sms_report_token(message_id: int, idempotency_key: str) -> str:
    """The signature the delivery-report URL of a message carries, so that only Kannel,
    given it with the message, can report on it."""
    return salted_hmac(
        "messaging.sms-report", f"{message_id}:{idempotency_key}", algorithm="sha256"
    ).hexdigest()[:32]


def sms_report_token_valid(message_id: int, idempotency_key: str, token: str) -> bool:
    return constant_time_compare(sms_report_token(message_id, idempotency_key), token)


def sms_report_url(message: Message) -> str:
    """The `dlr-url` of `message`: its id, its idempotency key and their signature, and
    Kannel's placeholders for the report's type (`%d`) and the SMSC's words (`%A`)."""
    base = settings.KANNEL_CALLBACK_URL.rstrip("/") + reverse(
        "messaging:sms-report", args=[message.pk]
    )
    query = urllib.parse.urlencode(
        {
            "key": message.idempotency_key,
            "token": sms_report_token(message.pk, message.idempotency_key),
        }
    )
    return f"{base}?{query}&type=%d&reply=%A"


class KannelSms:
    """Sends SMS through the smsbox of settings (KANNEL_HOST, KANNEL_SENDSMS_PORT)."""

    def __init__(self) -> None:
        self.rate_per_second: float = channel_rate(Channel.SMS)
        self.smsbox = KeptAlive(
            host=settings.KANNEL_HOST, port=int(settings.KANNEL_SENDSMS_PORT), timeout=30
        )

    def close(self) -> None:
        """The end of a dispatch: the kept-alive connection to smsbox is closed."""
        self.smsbox.close()

    def send(self, message: Message) -> Sent:
        try:
            to = vn_mobile_normalise(message.address)
        except DomainError as exc:
            raise PermanentFailure(exc.message) from exc
        size = sms_segments(message.body)
        if size.segments > MAX_SEGMENTS:
            raise PermanentFailure(
                _("Tin nhắn dài %(segments)s phần, quá %(most)s phần một tin SMS được ghép.")
                % {"segments": size.segments, "most": MAX_SEGMENTS}
            )
        params = {
            "user": settings.KANNEL_USER,
            "pass": settings.KANNEL_PASSWORD,
            "from": settings.KANNEL_SENDER,
            "to": to,
            "text": message.body,
            "charset": "UTF-8",
            "dlr-mask": str(DLR_MASK),
            "dlr-url": sms_report_url(message),
        }
        if size.encoding == "ucs2":
            params["coding"] = "2"
        answer = self.smsbox.get(f"/cgi-bin/sendsms?{urllib.parse.urlencode(params)}")
        if answer.status == 202:  # "Accepted for delivery" / "Queued for later delivery"
            return Sent()
        # Kannel's own words are English and technical: for the log, not for the officer
        # who reads the dead letter.
        logger.warning(
            "Kannel sendsms %s: %s",
            answer.status,
            answer.body.decode(errors="replace").strip()[:200],
        )
        if 400 <= answer.status < 500:
            raise PermanentFailure(
                _("Cổng SMS từ chối tin nhắn: số điện thoại bị chặn hoặc cấu hình cổng sai.")
            )
        raise TemporaryFailure(_("Cổng SMS tạm thời không nhận tin."))


def register() -> None:
    adapter_register(Channel.SMS, KannelSms)
