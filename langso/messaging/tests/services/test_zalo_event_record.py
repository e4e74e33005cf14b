"""Zalo's delivery events: a signed event moves the messages it names (delivered, then
read); an event not signed as Zalo documents moves nothing."""

from __future__ import annotations

import pytest
from pytest_django import Settings

from langso.core.errors import AccessDenied, DomainError
from langso.messaging.models import MessageStatus, Receipt
from langso.messaging.services.zalo import zalo_event_record
from langso.messaging.tests.zalo_events import APP_ID, accepted, signed, zns_received

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("zalo_keys")]


def test_a_zns_delivery_event_marks_the_message_delivered() -> None:
    """user_received_message with a ZNS msg_id: the message is delivered, at Zalo's time."""
    message = accepted("zns-1")
    body, signature = signed(zns_received("zns-1"))
    assert zalo_event_record(body=body, signature=signature) == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED
    assert message.delivered_at is not None
    assert int(message.delivered_at.timestamp() * 1000) == 1765500001000


def test_an_oa_seen_event_marks_the_messages_read() -> None:
    """user_seen_message names OA messages in msg_ids: each is read."""
    first, second = accepted("oa-1", "k1"), accepted("oa-2", "k2")
    body, signature = signed(
        {
            "app_id": APP_ID,
            "event_name": "user_seen_message",
            "message": {"msg_ids": ["oa-1", "oa-2"]},
            "timestamp": "1765500002000",
        }
    )
    assert zalo_event_record(body=body, signature=signature) == 2
    for message in (first, second):
        message.refresh_from_db()
        assert message.status == MessageStatus.READ


@pytest.mark.parametrize(
    "tamper", ["signature", "body", "secret"], ids=["wrong mac", "body changed", "no secret"]
)
def test_an_event_not_signed_by_zalo_moves_nothing(tamper: str, settings: Settings) -> None:
    """A wrong mac, a body changed after signing, or no secret configured: refused,
    and the message keeps its status and receipts."""
    message = accepted("zns-1")
    body, signature = signed(zns_received("zns-1"))
    if tamper == "signature":
        signature = "mac=" + "0" * 64
    elif tamper == "body":
        body = body.replace(b"zns-1", b"zns-2")
        accepted("zns-2", "k2")
    else:
        settings.ZALO_OA_SECRET_KEY = ""
    before = Receipt.objects.count()
    with pytest.raises(AccessDenied):
        zalo_event_record(body=body, signature=signature)
    message.refresh_from_db()
    assert message.status == MessageStatus.ACCEPTED
    assert Receipt.objects.count() == before


def test_other_events_and_unknown_ids_record_nothing() -> None:
    """A follow event, or a msg_id of no message of ours: nothing recorded."""
    accepted("zns-1")
    follow, follow_signature = signed(
        {"app_id": APP_ID, "event_name": "follow", "timestamp": "1765500000000"}
    )
    other, other_signature = signed(zns_received("not-ours"))
    before = Receipt.objects.count()
    assert zalo_event_record(body=follow, signature=follow_signature) == 0
    assert zalo_event_record(body=other, signature=other_signature) == 0
    assert Receipt.objects.count() == before


def test_a_body_that_is_not_json_is_refused() -> None:
    with pytest.raises(DomainError):
        zalo_event_record(body=b"not json", signature="mac=00")
