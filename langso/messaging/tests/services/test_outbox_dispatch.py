"""Sending: due messages go through their channel's adapter once each; a temporary
failure waits for the next backoff and ends a dead letter; a permanent one is dead at
once; a message left `sending` by a dead worker is claimed again; a stop gives back
what was not sent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.test.utils import CaptureQueriesContext

from langso.messaging.channels.base import PermanentFailure, Sent, TemporaryFailure
from langso.messaging.events import MessageStatusChanged
from langso.messaging.models import (
    Channel,
    Contact,
    Message,
    MessageStatus,
    Receipt,
    ReceiptEvent,
)
from langso.messaging.services.outbox import (
    RETRY_DELAYS,
    STALE_SENDING,
    VIETNAM,
    message_enqueue,
    outbox_dispatch,
    quiet_until,
    receipt_record,
)
from langso.messaging.testing import (
    ScriptedAdapter,
    adapter_missing,
    adapter_replaced,
    make_contact,
    outgoing_to,
)
from langso.places.models import AdminUnit

# 10:00 in Vietnam: no quiet hours.
MORNING = dt.datetime(2026, 3, 2, 10, 0, tzinfo=VIETNAM)


def _events(message: Message) -> list[str]:
    return list(Receipt.objects.filter(message=message).values_list("event", flat=True))


def test_a_due_message_is_sent_once_and_accepted(phone: Contact) -> None:
    message = message_enqueue(outgoing=outgoing_to(phone, "tb:1"), now=MORNING)
    with adapter_replaced(Channel.SMS, ScriptedAdapter([Sent(provider_ref="k-1")])) as adapter:
        done = outbox_dispatch(now=MORNING)
        again = outbox_dispatch(now=MORNING + dt.timedelta(hours=1))
    message.refresh_from_db()
    assert (done.sent, again.sent) == (1, 0)
    assert adapter.sent == [message.pk]
    assert message.status == MessageStatus.ACCEPTED
    assert message.provider_ref == "k-1"
    assert message.accepted_at == MORNING
    assert message.attempts == 1
    assert _events(message) == [ReceiptEvent.ACCEPTED]


def test_temporary_failures_back_off_then_the_message_is_dead(phone: Contact) -> None:
    """Each temporary failure puts the message back after the next delay of
    RETRY_DELAYS; it is not tried before; after the last, it is a dead letter with the
    reason."""
    message = message_enqueue(outgoing=outgoing_to(phone, "tb:1"), now=MORNING)
    failures = [TemporaryFailure("Cổng SMS không trả lời.") for _ in range(len(RETRY_DELAYS) + 1)]
    now = MORNING
    with adapter_replaced(Channel.SMS, ScriptedAdapter(list(failures))) as adapter:
        for delay in RETRY_DELAYS:
            assert outbox_dispatch(now=now).retried == 1
            message.refresh_from_db()
            assert message.status == MessageStatus.QUEUED
            assert message.next_attempt_at == now + dt.timedelta(seconds=delay)
            # A second before it is due, nothing is tried.
            assert (
                outbox_dispatch(now=message.next_attempt_at - dt.timedelta(seconds=1)).retried == 0
            )
            now = message.next_attempt_at
        # The last delay ends in the night: the SMS waits for the morning.
        assert outbox_dispatch(now=now).dead == 0
        now = quiet_until(channel=Channel.SMS, priority="normal", at=now)
        done = outbox_dispatch(now=now)
    message.refresh_from_db()
    assert done.dead == 1
    assert len(adapter.sent) == len(RETRY_DELAYS) + 1
    assert message.status == MessageStatus.DEAD
    assert message.last_error == "Cổng SMS không trả lời."
    assert _events(message) == [ReceiptEvent.RETRY] * len(RETRY_DELAYS) + [ReceiptEvent.FAILED]


def test_a_permanent_failure_is_dead_at_once(phone: Contact) -> None:
    message = message_enqueue(outgoing=outgoing_to(phone, "tb:1"), now=MORNING)
    refusal = PermanentFailure("Số máy không tồn tại.")
    with adapter_replaced(Channel.SMS, ScriptedAdapter([refusal])):
        assert outbox_dispatch(now=MORNING).dead == 1
        assert outbox_dispatch(now=MORNING + dt.timedelta(days=1)).dead == 0
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.DEAD, 1)
    assert message.last_error == "Số máy không tồn tại."


def test_an_adapters_own_fault_is_retried_not_lost(phone: Contact) -> None:
    """An adapter raising something else than the two failures (a bug, a library's
    error) leaves the message queued for a retry, with the error said in Vietnamese."""
    message = message_enqueue(outgoing=outgoing_to(phone, "tb:1"), now=MORNING)
    with adapter_replaced(Channel.SMS, ScriptedAdapter([KeyError("x")])):  # type: ignore[list-item]  # what a buggy adapter raises
        assert outbox_dispatch(now=MORNING).retried == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED
    assert message.last_error.startswith("Lỗi không mong đợi khi gửi")


def test_a_channel_without_adapter_is_a_dead_letter_said_in_vietnamese(
    village: AdminUnit,
) -> None:
    contact = make_contact(unit=village, channel=Channel.LOUDSPEAKER, address="loa:1")
    message = message_enqueue(outgoing=outgoing_to(contact, "loa:1"), now=MORNING)
    with adapter_missing(Channel.LOUDSPEAKER):
        assert outbox_dispatch(now=MORNING).dead == 1
    message.refresh_from_db()
    assert message.last_error == "Chưa có cách gửi qua kênh “Loa truyền thanh”."


def test_a_message_left_sending_by_a_dead_worker_is_claimed_again(phone: Contact) -> None:
    """A worker claimed the message and died: it is not claimed again while the claim
    may still be alive, then it is, and sent once."""
    message = message_enqueue(outgoing=outgoing_to(phone, "tb:1"), now=MORNING)
    Message.objects.filter(pk=message.pk).update(status=MessageStatus.SENDING, attempts=1)
    with adapter_replaced(Channel.SMS, ScriptedAdapter()) as adapter:
        assert outbox_dispatch(now=MORNING + STALE_SENDING / 2).sent == 0
        assert outbox_dispatch(now=MORNING + STALE_SENDING).sent == 1
    message.refresh_from_db()
    assert adapter.sent == [message.pk]
    assert (message.status, message.attempts) == (MessageStatus.ACCEPTED, 2)


def test_one_adapter_per_channel_per_dispatch_closed_after(
    phone: Contact, village: AdminUnit
) -> None:
    """Three e-mails and two SMS in one dispatch: each channel's adapter is made once,
    given its messages, and closed once."""
    mail = make_contact(unit=village, channel=Channel.EMAIL, address="ho@langso.test")
    for n in range(3):
        message_enqueue(outgoing=outgoing_to(mail, f"mail:{n}"), now=MORNING)
    for n in range(2):
        message_enqueue(outgoing=outgoing_to(phone, f"sms:{n}"), now=MORNING)
    with (
        adapter_replaced(Channel.EMAIL, ScriptedAdapter()) as emails,
        adapter_replaced(Channel.SMS, ScriptedAdapter()) as sms,
    ):
        assert outbox_dispatch(now=MORNING).sent == 5
    assert (len(emails.sent), emails.closed, len(sms.sent), sms.closed) == (3, 1, 2, 1)


def test_warnings_go_first(phone: Contact) -> None:
    message_enqueue(outgoing=outgoing_to(phone, "tb:1"), now=MORNING)
    warning = message_enqueue(
        outgoing=outgoing_to(phone, "canh-bao:1", priority="warning"),
        now=MORNING + dt.timedelta(minutes=1),
    )
    with adapter_replaced(Channel.SMS, ScriptedAdapter()) as adapter:
        outbox_dispatch(now=MORNING + dt.timedelta(minutes=2), limit=1)
    assert adapter.sent == [warning.pk]


def test_a_stop_finishes_the_message_and_gives_the_rest_back(phone: Contact) -> None:
    """Asked to stop while sending the first of three, the dispatch sends no other;
    the two are queued again, due at once, their attempt not counted."""
    for n in range(3):
        message_enqueue(outgoing=outgoing_to(phone, f"tb:{n}"), now=MORNING)
    adapter = ScriptedAdapter()
    with adapter_replaced(Channel.SMS, adapter):
        done = outbox_dispatch(now=MORNING, stop=lambda: len(adapter.sent) >= 1)
    assert (done.sent, done.released) == (1, 2)
    rest = Message.objects.exclude(pk=adapter.sent[0])
    assert sorted(rest.values_list("status", "attempts")) == [(MessageStatus.QUEUED, 0)] * 2


def _dispatch_queries(phone: Contact, count: int, prefix: str) -> int:
    for n in range(count):
        message_enqueue(outgoing=outgoing_to(phone, f"{prefix}:{n}"), now=MORNING)
    with (
        adapter_replaced(Channel.SMS, ScriptedAdapter()),
        CaptureQueriesContext(connection) as queries,
    ):
        assert outbox_dispatch(now=MORNING).sent == count
    return len(queries)


def test_a_rounds_successes_are_written_together(phone: Contact) -> None:
    """Query budget: a round of 20 taken messages costs the queries a round of one
    does (claimed, receipts and statuses written per round, not per message)."""
    one = _dispatch_queries(phone, 1, "one")
    assert _dispatch_queries(phone, 20, "many") == one
    assert Message.objects.filter(status=MessageStatus.ACCEPTED).count() == 21
    assert Receipt.objects.filter(event=ReceiptEvent.ACCEPTED).count() == 21


@dataclass
class _ReportsFirst:
    """Kannel's delivery report arrives while the worker is still sending: the
    message is delivered before its round is written."""

    rate_per_second: float = 1000.0

    def send(self, message: Message) -> Sent:
        receipt_record(message=message, event=ReceiptEvent.DELIVERED, at=MORNING)
        return Sent(provider_ref="k-9")


def test_a_report_before_the_round_is_written_is_not_undone(
    phone: Contact, told: list[MessageStatusChanged]
) -> None:
    """The round's "accepted" comes after "delivered": kept as a receipt, the message
    stays delivered, and one change of status (sending → delivered) is published."""
    message = message_enqueue(outgoing=outgoing_to(phone, "tb:9"), now=MORNING)
    with adapter_replaced(Channel.SMS, _ReportsFirst()):
        assert outbox_dispatch(now=MORNING).sent == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED
    assert message.provider_ref == "k-9"
    assert message.accepted_at is None
    assert _events(message) == [ReceiptEvent.DELIVERED, ReceiptEvent.ACCEPTED]
    assert [(c.before, c.after) for c in told] == [(MessageStatus.SENDING, MessageStatus.DELIVERED)]
