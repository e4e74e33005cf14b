"""What Zalo tells us back: the events it posts to our webhook when a ZNS or OA message
reached the user's phone (`user_received_message`) or was seen (`user_seen_message`).

Zalo signs each event in the `X-ZEvent-Signature` header: `mac=` followed by
sha256(appId + data + timeStamp + OAsecretKey) in hex, where data is the request body
as sent and timeStamp the event's `timestamp` field. An event not so signed is refused;
a signed one moves the messages it names (by Zalo's msg_id, kept as `provider_ref`)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from langso.core.errors import AccessDenied, DomainError

from ..models import Channel, Message, ReceiptEvent
from .outbox import receipt_record

ZALO_EVENTS = {
    "user_received_message": ReceiptEvent.DELIVERED,
    "user_seen_message": ReceiptEvent.READ,
}


def zalo_signature_valid(*, body: bytes, timestamp: str, signature: str) -> bool:
    """Whether `signature` (the header's value) is Zalo's mac of `body`; never when the
    app id or the OA's secret key is not configured."""
    app_id, secret = settings.ZALO_APP_ID, settings.ZALO_OA_SECRET_KEY
    if not app_id or not secret:
        return False
    expected = hashlib.sha256(
        app_id.encode() + body + timestamp.encode() + secret.encode()
    ).hexdigest()
    given = signature.strip().removeprefix("mac=").strip().lower()
    return hmac.compare_digest(expected, given)


def _when(timestamp: str) -> dt.datetime:
    """Zalo's timestamps are milliseconds since the epoch, as a string."""
    try:
        return dt.datetime.fromtimestamp(int(timestamp) / 1000, tz=dt.UTC)
    except (ValueError, OverflowError, OSError):
        return timezone.now()


def _message_ids(event: dict[str, Any]) -> list[str]:
    """The msg_ids an event names: one for ZNS (`msg_id`), a list for OA (`msg_ids`)."""
    body = event.get("message")
    if not isinstance(body, dict):
        return []
    ids = body.get("msg_ids")
    if not isinstance(ids, list):
        ids = [body.get("msg_id")]
    return [str(i) for i in ids if i not in (None, "")]


def zalo_event_record(*, body: bytes, signature: str) -> int:
    """Record a signed Zalo event on the messages it names; returns how many it
    moved or confirmed. A body that is not JSON is refused (`DomainError`), a bad
    signature too (`AccessDenied`); an event of another kind records nothing."""
    try:
        event = json.loads(body)
    except ValueError as exc:
        raise DomainError(_("Sự kiện Zalo không đọc được.")) from exc
    if not isinstance(event, dict):
        raise DomainError(_("Sự kiện Zalo không đọc được."))
    timestamp = str(event.get("timestamp", ""))
    if not zalo_signature_valid(body=body, timestamp=timestamp, signature=signature):
        raise AccessDenied(_("Chữ ký của sự kiện Zalo không đúng."))
    receipt = ZALO_EVENTS.get(str(event.get("event_name", "")))
    ids = _message_ids(event)
    if receipt is None or not ids:
        return 0
    at = _when(timestamp)
    recorded = 0
    with transaction.atomic():
        for message in Message.objects.filter(channel=Channel.ZALO, provider_ref__in=ids):
            receipt_record(
                message=message,
                event=receipt,
                at=at,
                detail={"zalo_event": event["event_name"]},
            )
            recorded += 1
    return recorded
