"""Receipts: each is kept; the status only moves forward (a late "accepted" never
undoes "delivered"); dead and opted-out messages keep their status; every change of
status publishes MessageStatusChanged once, the worker's own claim and requeue not."""

from __future__ import annotations

import datetime as dt

import pytest

from langso.messaging.channels.base import PermanentFailure, TemporaryFailure
from langso.messaging.events import MessageStatusChanged
from langso.messaging.models import Channel, Contact, Message, MessageStatus, Receipt
from langso.messaging.models import ReceiptEvent as Event
from langso.messaging.services.outbox import (
    VIETNAM,
    message_enqueue,
    outbox_dispatch,
    receipt_record,
)
from langso.messaging.testing import Answer, ScriptedAdapter, adapter_replaced, outgoing_to

MORNING = dt.datetime(2026, 3, 2, 10, 0, tzinfo=VIETNAM)


def _sent(phone: Contact) -> Message:
    message = message_enqueue(outgoing=outgoing_to(phone, "tb:1"), now=MORNING)
    with adapter_replaced(Channel.SMS, ScriptedAdapter()):
        outbox_dispatch(now=MORNING)
    message.refresh_from_db()
    return message


def test_a_delivery_report_then_a_late_accepted_stays_delivered(
    phone: Contact, told: list[MessageStatusChanged]
) -> None:
    """Accepted, delivered, then accepted again (out of order), failed (a late report)
    and delivered again: delivered stays, each receipt is kept, two changes told."""
    message = _sent(phone)
    for event in (Event.DELIVERED, Event.ACCEPTED, Event.FAILED, Event.DELIVERED):
        receipt_record(message=message, event=event, at=MORNING + dt.timedelta(minutes=1))
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED
    assert message.delivered_at == MORNING + dt.timedelta(minutes=1)
    assert Receipt.objects.filter(message=message).count() == 5
    assert [(e.before, e.after) for e in told] == [
        (MessageStatus.SENDING, MessageStatus.ACCEPTED),
        (MessageStatus.ACCEPTED, MessageStatus.DELIVERED),
    ]
    assert {(e.message_id, e.source, e.channel, e.unit_id) for e in told} == {
        (message.pk, "test:1", Channel.SMS, phone.unit_id)
    }


def test_a_stale_copy_of_the_message_does_not_move_it_back(phone: Contact) -> None:
    """The worker's copy still says `sending` when the delivery report has been
    recorded by another request: its "accepted" reads the stored status and does
    nothing to it."""
    message = _sent(phone)
    receipt_record(message=Message.objects.get(pk=message.pk), event=Event.DELIVERED)
    message.status = MessageStatus.SENDING
    receipt_record(message=message, event=Event.ACCEPTED)
    assert Message.objects.get(pk=message.pk).status == MessageStatus.DELIVERED


def test_read_after_delivered_moves_on_failed_after_accepted_too(phone: Contact) -> None:
    message = _sent(phone)
    receipt_record(message=message, event=Event.FAILED)
    assert Message.objects.get().status == MessageStatus.FAILED
    receipt_record(message=message, event=Event.DELIVERED)
    receipt_record(message=message, event=Event.READ, at=MORNING)
    stored = Message.objects.get()
    assert (stored.status, stored.read_at) == (MessageStatus.READ, MORNING)


@pytest.mark.parametrize("final", [MessageStatus.DEAD, MessageStatus.OPTED_OUT])
def test_dead_and_opted_out_keep_their_status(phone: Contact, final: str) -> None:
    message = _sent(phone)
    Message.objects.filter(pk=message.pk).update(status=final)
    receipt_record(message=message, event=Event.DELIVERED)
    assert Message.objects.get().status == final


def test_the_worker_tells_each_fate_once_and_not_its_bookkeeping(
    phone: Contact, told: list[MessageStatusChanged]
) -> None:
    """A retry (claimed, given back) tells nothing; dying tells once."""
    message_enqueue(outgoing=outgoing_to(phone, "tb:1"), now=MORNING)
    answers: list[Answer] = [TemporaryFailure("Cổng bận."), PermanentFailure("Số không tồn tại.")]
    with adapter_replaced(Channel.SMS, ScriptedAdapter(answers)):
        outbox_dispatch(now=MORNING)
        assert told == []
        outbox_dispatch(now=MORNING + dt.timedelta(hours=1))
    assert [(e.before, e.after) for e in told] == [(MessageStatus.SENDING, MessageStatus.DEAD)]
