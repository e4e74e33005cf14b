"""Zalo's delivery events as Zalo signs and posts them, and Zalo messages Zalo
accepted, for the tests of the event service and of its webhook."""

from __future__ import annotations

import hashlib
import json

import pytest
from pytest_django import Settings

from langso.messaging.models import Channel, Message, Purpose
from langso.messaging.services.outbox import Outgoing, message_enqueue, receipt_record

APP_ID = "4321"
SECRET = "oa-secret"


@pytest.fixture
def zalo_keys(settings: Settings) -> None:
    """The app id and OA secret key Zalo's events are signed with."""
    settings.ZALO_APP_ID = APP_ID
    settings.ZALO_OA_SECRET_KEY = SECRET


def signed(event: dict[str, object]) -> tuple[bytes, str]:
    """An event's body and its X-ZEvent-Signature, as Zalo makes them."""
    body = json.dumps(event).encode()
    mac = hashlib.sha256(
        (APP_ID + body.decode() + str(event["timestamp"]) + SECRET).encode()
    ).hexdigest()
    return body, f"mac={mac}"


def accepted(provider_ref: str, key: str = "k1") -> Message:
    message = message_enqueue(
        outgoing=Outgoing(
            idempotency_key=key,
            channel=Channel.ZALO,
            address="+84912345678",
            body="Tiêm chủng ngày 15/12/2026",
            source="announcement:3",
            purpose=Purpose.ANNOUNCEMENTS,
        )
    )
    message.provider_ref = provider_ref
    message.save(update_fields=["provider_ref"])
    return receipt_record(message=message, event="accepted")


def zns_received(msg_id: str) -> dict[str, object]:
    return {
        "app_id": APP_ID,
        "event_name": "user_received_message",
        "sender": {"id": "oa-1"},
        "recipient": {"id": "user-1"},
        "message": {"msg_id": msg_id, "delivery_time": "1765500000000", "tracking_id": "k1"},
        "timestamp": "1765500001000",
    }
