"""Kannel's callbacks over HTTP: the delivery report (signed per message) and incoming SMS
(shared secret), without a session."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import Settings

from langso.messaging.channels.sms import sms_report_token
from langso.messaging.models import Consent, MessageStatus
from langso.messaging.tests.factories import make_sms_contact, make_village_unit, queue_sms

pytestmark = pytest.mark.django_db


def test_a_signed_report_is_recorded(client: Client) -> None:
    message = queue_sms(key="v:1", address="+84912345678", body="Họp thôn")
    url = reverse("messaging:sms-report", args=[message.pk])
    token = sms_report_token(message.pk, message.idempotency_key)
    answer = client.get(url, {"key": message.idempotency_key, "token": token, "type": "1"})
    assert answer.status_code == 200
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED


def test_a_bad_report_is_refused(client: Client) -> None:
    """A wrong token answers 404 like a missing message; an unknown type 400; a POST 405."""
    message = queue_sms(key="v:2", address="+84912345678", body="Họp thôn")
    url = reverse("messaging:sms-report", args=[message.pk])
    token = sms_report_token(message.pk, message.idempotency_key)
    key = message.idempotency_key
    assert client.get(url, {"key": key, "token": "x" * 32, "type": "1"}).status_code == 404
    missing = reverse("messaging:sms-report", args=[message.pk + 100])
    assert client.get(missing, {"key": key, "token": token, "type": "1"}).status_code == 404
    assert client.get(url, {"key": key, "token": token, "type": "3"}).status_code == 400
    assert client.get(url, {"key": key, "token": token, "type": "a"}).status_code == 400
    assert client.post(url, {"key": key, "token": token, "type": "1"}).status_code == 405
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED


def test_incoming_sms_needs_the_shared_secret(client: Client, settings: Settings) -> None:
    """Without Kannel's secret nobody withdraws anyone's consent; with it, the reply is the
    body Kannel sends back."""
    settings.KANNEL_MO_SECRET = "the-secret"
    make_sms_contact(unit=make_village_unit(), phone="+84912345678", household_id=1)
    url = reverse("messaging:sms-incoming")
    refused = client.get(url, {"from": "+84912345678", "text": "TU CHOI", "secret": "guess"})
    assert refused.status_code == 403
    assert not Consent.objects.filter(withdrawn_at__isnull=False).exists()
    answer = client.get(url, {"from": "+84912345678", "text": "TU CHOI", "secret": "the-secret"})
    assert answer.status_code == 200
    assert "ngung nhan tin" in answer.content.decode()
    assert Consent.objects.filter(withdrawn_at__isnull=False).count() == 1
