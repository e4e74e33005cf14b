"""In-app: taking the message is delivering it."""

from __future__ import annotations

import datetime as dt

from langso.core.events import subscribe, unsubscribe
from langso.messaging.events import MessageStatusChanged
from langso.messaging.models import Channel, Message, MessageStatus, Receipt, ReceiptEvent
from langso.messaging.services.outbox import VIETNAM, message_enqueue, outbox_dispatch
from langso.messaging.testing import make_contact, outgoing_to
from langso.places.models import AdminUnit


def test_an_inapp_message_is_delivered_when_sent(village: AdminUnit) -> None:
    """Sent by the registered adapter at night too (only SMS keeps quiet): delivered at
    once, one receipt, one change told."""
    night = dt.datetime(2026, 3, 2, 23, 0, tzinfo=VIETNAM)
    contact = make_contact(unit=village, channel=Channel.INAPP, address="household:7")
    message = message_enqueue(outgoing=outgoing_to(contact, "tb:1:inapp"), now=night)
    told: list[MessageStatusChanged] = []
    subscribe(MessageStatusChanged, told.append)
    try:
        assert outbox_dispatch(now=night).sent == 1
    finally:
        unsubscribe(MessageStatusChanged, told.append)
    message.refresh_from_db()
    assert (message.status, message.delivered_at) == (MessageStatus.DELIVERED, night)
    assert list(Receipt.objects.values_list("event", flat=True)) == [ReceiptEvent.DELIVERED]
    assert [(e.before, e.after) for e in told] == [(MessageStatus.SENDING, MessageStatus.DELIVERED)]
    assert Message.objects.get().attempts == 1
