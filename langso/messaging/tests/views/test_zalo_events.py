"""The webhook Zalo posts its events to: no sign-in, no CSRF token, the signature
instead."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from langso.messaging.models import MessageStatus
from langso.messaging.tests.zalo_events import accepted, signed, zns_received

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("zalo_keys")]


def _post(body: bytes, signature: str) -> int:
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("messaging:zalo-events"),
        data=body,
        content_type="application/json",
        headers={"X-ZEvent-Signature": signature},
    )
    return response.status_code


def test_a_signed_event_is_recorded() -> None:
    """Zalo's delivery event, signed: 200, the message delivered."""
    message = accepted("zns-1")
    assert _post(*signed(zns_received("zns-1"))) == 200
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED


def test_a_wrong_signature_is_forbidden() -> None:
    message = accepted("zns-1")
    body, _ = signed(zns_received("zns-1"))
    assert _post(body, "mac=" + "f" * 64) == 403
    message.refresh_from_db()
    assert message.status == MessageStatus.ACCEPTED


def test_a_body_that_is_not_an_event_is_a_bad_request() -> None:
    assert _post(b"<xml/>", "mac=00") == 400


def test_only_post() -> None:
    assert Client().get(reverse("messaging:zalo-events")).status_code == 405
