"""The Zalo adapter against a local HTTP server standing for Zalo: the request is the
one Zalo documents (ZNS template message to a phone, OA message to a follower), and
each documented answer becomes accepted, a retry or a dead letter with its reason."""

from __future__ import annotations

import pytest
from pytest_django import Settings

from langso.messaging.channels.base import channel_configured
from langso.messaging.models import Channel, Message, MessageStatus, Purpose
from langso.messaging.services.outbox import Outgoing, message_enqueue, outbox_dispatch
from langso.messaging.testing import Gateway

pytestmark = pytest.mark.django_db

TOKEN = "oa-token-123"


@pytest.fixture
def zalo(gateway: Gateway, settings: Settings) -> Gateway:
    """Zalo's two APIs pointed at the local gateway, with a token and a template."""
    settings.ZALO_OA_ACCESS_TOKEN = TOKEN
    settings.ZALO_ZNS_TEMPLATE_ID = "250001"
    settings.ZALO_ZNS_URL = f"{gateway.url}/message/template"
    settings.ZALO_OA_MESSAGE_URL = f"{gateway.url}/v3.0/oa/message/cs"
    return gateway


def _queue(
    address: str, *, key: str = "announcement:1:household:7:zalo", body: str = ""
) -> Message:
    return message_enqueue(
        outgoing=Outgoing(
            idempotency_key=key,
            channel=Channel.ZALO,
            address=address,
            subject="Họp thôn",
            body=body or "Mời các hộ họp thôn lúc 19:00 ngày 12/12/2026 tại nhà văn hóa.",
            source="announcement:1",
            purpose=Purpose.ANNOUNCEMENTS,
        )
    )


def _sent(message: Message) -> Message:
    outbox_dispatch(channel=Channel.ZALO)
    message.refresh_from_db()
    return message


def test_zns_to_a_phone_is_the_documented_request(zalo: Gateway) -> None:
    """A phone gets a ZNS template message: POST /message/template with the OA's token
    in `access_token`, the phone as 84…, the template, its data and our key as
    tracking_id; Zalo's msg_id is kept to match its delivery event."""
    zalo.answer(
        200,
        {
            "error": 0,
            "message": "Success",
            "data": {"msg_id": "a1b2c3", "sent_time": "1765500000000", "quota": {}},
        },
    )
    message = _sent(_queue("+84912345678"))

    (request,) = zalo.received
    assert request.path == "/message/template"
    assert request.headers["access_token"] == TOKEN
    assert request.headers["content-type"] == "application/json"
    assert request.json() == {
        "phone": "84912345678",
        "template_id": "250001",
        "template_data": {
            "tieu_de": "Họp thôn",
            "noi_dung": "Mời các hộ họp thôn lúc 19:00 ngày 12/12/2026 tại nhà văn hóa.",
        },
        "tracking_id": "announcement:1:household:7:zalo",
    }
    assert message.status == MessageStatus.ACCEPTED
    assert message.provider_ref == "a1b2c3"


def test_a_phone_written_with_0_goes_as_84(zalo: Gateway) -> None:
    """However the address was written, ZNS gets 84 and nine digits."""
    zalo.answer(200, {"error": 0, "message": "Success", "data": {"msg_id": "m1"}})
    _sent(_queue("0912 345 678"))
    assert zalo.received[0].json()["phone"] == "84912345678"


def test_oa_message_to_a_follower(zalo: Gateway) -> None:
    """A Zalo user id gets the OA's customer-service message: recipient.user_id and
    the text (title, then body)."""
    zalo.answer(
        200,
        {"error": 0, "message": "Success", "data": {"message_id": "oa-9", "user_id": "1"}},
    )
    message = _sent(_queue("2512523625412515"))

    (request,) = zalo.received
    assert request.path == "/v3.0/oa/message/cs"
    assert request.headers["access_token"] == TOKEN
    assert request.json() == {
        "recipient": {"user_id": "2512523625412515"},
        "message": {
            "text": "Họp thôn\nMời các hộ họp thôn lúc 19:00 ngày 12/12/2026 tại nhà văn hóa."
        },
    }
    assert message.status == MessageStatus.ACCEPTED
    assert message.provider_ref == "oa-9"


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (-108, "số điện thoại"),
        (-109, "Mẫu ZNS"),
        (-131, "Mẫu ZNS"),
        (-132, "Nội dung tin"),
        (-118, "Người nhận"),
    ],
)
def test_zns_refusals_are_dead_letters_with_a_vietnamese_reason(
    zalo: Gateway, code: int, reason: str
) -> None:
    """An invalid phone, template or data is refused for good, said in Vietnamese
    and without Zalo's code."""
    zalo.answer(200, {"error": code, "message": "Invalid"})
    message = _sent(_queue("+84912345678"))
    assert message.status == MessageStatus.DEAD
    assert reason in message.last_error
    assert str(code) not in message.last_error


@pytest.mark.parametrize(
    ("code", "reason"),
    [(-124, "Mã truy cập"), (-144, "hạn mức"), (-115, "số dư"), (-133, "ban đêm")],
)
def test_zns_expired_token_and_spent_quota_are_retried(
    zalo: Gateway, code: int, reason: str
) -> None:
    """An expired token, a spent quota or balance, the night: the message waits and
    is tried again, never lost."""
    zalo.answer(200, {"error": code, "message": "Try later"})
    message = _sent(_queue("+84912345678"))
    assert message.status == MessageStatus.QUEUED
    assert message.attempts == 1
    assert reason in message.last_error


def test_oa_follower_gone_is_dead_and_expired_token_retried(zalo: Gateway) -> None:
    """OA codes: -213 (not a follower) is for good, -216 (token) is retried."""
    zalo.answer(200, {"error": -213, "message": "User has not followed OA"})
    zalo.answer(200, {"error": -216, "message": "Access token is invalid"})
    gone = _sent(_queue("111111111111", key="k1"))
    later = _sent(_queue("222222222222", key="k2"))
    assert gone.status == MessageStatus.DEAD
    assert later.status == MessageStatus.QUEUED


def test_zalo_down_or_busy_is_retried(zalo: Gateway, settings: Settings) -> None:
    """A 503, an unreadable answer and no server at all are retried."""
    zalo.answer(503, b"Service Unavailable")
    zalo.answer(200, b"<html>gateway</html>")
    busy = _sent(_queue("+84912345678", key="k1"))
    garbled = _sent(_queue("+84912345678", key="k2"))
    settings.ZALO_ZNS_URL = "http://127.0.0.1:9/message/template"
    down = _sent(_queue("+84912345678", key="k3"))
    assert [m.status for m in (busy, garbled, down)] == [MessageStatus.QUEUED] * 3
    assert "Không kết nối được" in down.last_error


def test_a_retry_after_a_failure_sends_the_same_tracking_id(zalo: Gateway) -> None:
    """The retry carries the same tracking_id as the first try, and is accepted once."""
    zalo.answer(503, b"")
    zalo.answer(200, {"error": 0, "message": "Success", "data": {"msg_id": "m2"}})
    message = _queue("+84912345678")
    outbox_dispatch(channel=Channel.ZALO)
    message.refresh_from_db()
    outbox_dispatch(channel=Channel.ZALO, now=message.next_attempt_at)
    message.refresh_from_db()
    assert [r.json()["tracking_id"] for r in zalo.received] == [message.idempotency_key] * 2
    assert message.status == MessageStatus.ACCEPTED


def test_a_long_key_is_tracked_by_the_message_id(zalo: Gateway) -> None:
    """Zalo keeps 48 characters of a tracking_id: a longer key goes as the message's id."""
    message = _sent(
        _queue("+84912345678", key="announcement:123456:household:123456789:zalo:retry")
    )
    assert zalo.received[0].json()["tracking_id"] == f"message:{message.pk}"


def test_addresses_zalo_cannot_take_are_refused_before_sending(zalo: Gateway) -> None:
    """A landline, an address that is neither phone nor user id, an OA text over 2,000
    characters: dead at once, nothing posted."""
    landline = _sent(_queue("024 3825 3536", key="k1"))
    garbage = _sent(_queue("ông Ba", key="k2"))
    long_text = _sent(_queue("2512523625412515", key="k3", body="a" * 2001))
    assert zalo.received == []
    assert "số máy bàn" in landline.last_error
    assert "Việt Nam" in garbage.last_error
    assert "2000" in long_text.last_error
    assert {m.status for m in (landline, garbage, long_text)} == {MessageStatus.DEAD}


def test_without_a_token_the_channel_is_not_configured(
    gateway: Gateway, settings: Settings
) -> None:
    """No OA token: announcements see the channel unconfigured, and a message queued
    anyway is dead with the reason, nothing posted."""
    settings.ZALO_OA_ACCESS_TOKEN = ""
    settings.ZALO_ZNS_URL = f"{gateway.url}/message/template"
    assert not channel_configured(Channel.ZALO)
    message = _sent(_queue("+84912345678"))
    assert message.status == MessageStatus.DEAD
    assert "chưa được cấu hình" in message.last_error
    assert gateway.received == []
    settings.ZALO_OA_ACCESS_TOKEN = TOKEN
    assert channel_configured(Channel.ZALO)
