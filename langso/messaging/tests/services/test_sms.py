"""Kannel's delivery reports and residents' incoming SMS, as the services record them."""

from __future__ import annotations

import pytest

from langso.core.errors import NotFound
from langso.messaging.channels.sms import sms_report_token
from langso.messaging.models import (
    Consent,
    Message,
    MessageStatus,
    Receipt,
    ReceiptEvent,
    WithdrawnVia,
)
from langso.messaging.services.sms import (
    sms_incoming_receive,
    sms_is_stop_keyword,
    sms_report_record,
)
from langso.messaging.tests.factories import make_sms_contact, make_village_unit, queue_sms

pytestmark = pytest.mark.django_db


def _accepted(key: str = "a:1") -> Message:
    message = queue_sms(key=key, address="+84912345678", body="Họp thôn")
    Message.objects.filter(pk=message.pk).update(status=MessageStatus.ACCEPTED)
    message.refresh_from_db()
    return message


def _report(message: Message, report_type: int, token: str | None = None) -> Message:
    return sms_report_record(
        message_id=message.pk,
        idempotency_key=message.idempotency_key,
        token=token or sms_report_token(message.pk, message.idempotency_key),
        report_type=report_type,
    )


@pytest.mark.parametrize(
    ("report_type", "status"),
    [
        (1, MessageStatus.DELIVERED),
        (2, MessageStatus.FAILED),
        (4, MessageStatus.ACCEPTED),
        (8, MessageStatus.ACCEPTED),
        (16, MessageStatus.FAILED),
    ],
)
def test_a_report_type_moves_the_message(report_type: int, status: str) -> None:
    """Kannel's %d: 1 delivered, 2 failed, 4 buffered and 8 SMSC accepted (accepted),
    16 SMSC rejected (failed)."""
    message = _report(_accepted(), report_type)
    message.refresh_from_db()
    assert message.status == status


def test_the_same_report_twice_is_recorded_once() -> None:
    """Kannel calling back twice with one report leaves one receipt of it."""
    message = _accepted()
    _report(message, 1)
    _report(message, 1)
    assert list(Receipt.objects.filter(message=message).values_list("event", flat=True)) == [
        ReceiptEvent.DELIVERED
    ]


def test_a_late_smsc_acceptance_does_not_undo_delivery() -> None:
    """ "SMSC accepted" arriving after "delivered" is kept as a receipt, the status stays."""
    message = _accepted()
    _report(message, 1)
    _report(message, 8)
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED


def test_a_report_with_a_wrong_token_is_refused_as_missing() -> None:
    """Someone guessing message ids cannot mark them delivered."""
    message = _accepted()
    with pytest.raises(NotFound):
        _report(message, 1, token="0" * 32)
    other = _accepted("a:2")
    with pytest.raises(NotFound):
        # The token of another message does not fit this one.
        _report(message, 1, token=sms_report_token(other.pk, other.idempotency_key))
    assert not Receipt.objects.filter(message=message).exists()


@pytest.mark.parametrize(
    "text", ["TU CHOI", "tu choi", "TUCHOI", "Từ chối", "TỪ CHỐI.", " tuchoi "]
)
def test_stop_keyword_in_any_case_and_diacritics(text: str) -> None:
    assert sms_is_stop_keyword(text)


@pytest.mark.parametrize("text", ["", "TU", "TU CHOI NHAN", "chấp nhận", "tu choi 2"])
def test_other_texts_are_no_stop_keyword(text: str) -> None:
    assert not sms_is_stop_keyword(text)


def test_tu_choi_withdraws_every_contact_of_the_number() -> None:
    """Two households share a phone: "TU CHOI" from it withdraws both consents, says how
    it was withdrawn, leaves another number alone, and answers a confirmation."""
    unit = make_village_unit()
    first = make_sms_contact(unit=unit, phone="+84912345678", household_id=1)
    second = make_sms_contact(unit=unit, phone="+84912345678", household_id=2)
    other = make_sms_contact(unit=unit, phone="+84987654321", household_id=3)
    reply = sms_incoming_receive(sender="84912345678", text="Từ chối")
    assert "ngung nhan tin" in reply
    withdrawn = Consent.objects.filter(withdrawn_at__isnull=False)
    assert {c.contact_id for c in withdrawn} == {first.pk, second.pk}
    assert {c.withdrawn_via for c in withdrawn} == {WithdrawnVia.SMS_KEYWORD}
    assert Consent.objects.get(contact=other).withdrawn_at is None


def test_other_incoming_sms_change_nothing() -> None:
    """A text that is no keyword, or a sender that is no mobile number: no reply."""
    unit = make_village_unit()
    make_sms_contact(unit=unit, phone="+84912345678", household_id=1)
    assert sms_incoming_receive(sender="0912345678", text="Xin chào") == ""
    assert sms_incoming_receive(sender="LANGSO", text="TU CHOI") == ""
    assert not Consent.objects.filter(withdrawn_at__isnull=False).exists()
