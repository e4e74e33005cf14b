"""Quiet hours: no SMS between 22:00 and 06:00 Vietnam time except warnings; e-mail
and in-app messages are not held. Held at queuing, and at claiming (a retry or a late
queue never slips into the night)."""

from __future__ import annotations

import datetime as dt

import pytest

from langso.messaging.models import Channel, Contact, Message, MessageStatus, Priority, Purpose
from langso.messaging.services.outbox import (
    VIETNAM,
    message_enqueue,
    outbox_dispatch,
    quiet_until,
)
from langso.messaging.testing import ScriptedAdapter, adapter_replaced, outgoing_to


def _vn(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=VIETNAM)


@pytest.mark.parametrize(
    ("at", "until"),
    [
        (_vn(2, 21, 59), _vn(2, 21, 59)),
        (_vn(2, 22, 0), _vn(3, 6, 0)),
        (_vn(2, 23, 30), _vn(3, 6, 0)),
        (_vn(3, 0, 10), _vn(3, 6, 0)),
        (_vn(3, 5, 59), _vn(3, 6, 0)),
        (_vn(3, 6, 0), _vn(3, 6, 0)),
    ],
)
def test_an_sms_waits_for_six_in_the_morning(at: dt.datetime, until: dt.datetime) -> None:
    assert quiet_until(channel=Channel.SMS, priority=Priority.NORMAL, at=at) == until


def test_the_night_is_vietnams_whatever_the_clock_given() -> None:
    """23:30 in Vietnam is 16:30 UTC: held all the same, until 23:00 UTC."""
    at = dt.datetime(2026, 3, 2, 16, 30, tzinfo=dt.UTC)
    assert quiet_until(channel=Channel.SMS, priority=Priority.NORMAL, at=at) == _vn(3, 6)


@pytest.mark.parametrize(
    ("channel", "priority"),
    [
        (Channel.SMS, Priority.WARNING),
        (Channel.EMAIL, Priority.NORMAL),
        (Channel.INAPP, Priority.NORMAL),
    ],
)
def test_warnings_and_other_channels_are_not_held(channel: str, priority: str) -> None:
    assert quiet_until(channel=channel, priority=priority, at=_vn(2, 23)) == _vn(2, 23)


def test_queued_at_night_an_sms_is_sent_in_the_morning_a_warning_at_once(
    phone: Contact,
) -> None:
    night = _vn(2, 23)
    notice = message_enqueue(outgoing=outgoing_to(phone, "tb:1"), now=night)
    warning = message_enqueue(
        outgoing=outgoing_to(phone, "canh-bao:1", priority=Priority.WARNING), now=night
    )
    with adapter_replaced(Channel.SMS, ScriptedAdapter()) as adapter:
        outbox_dispatch(now=night)
        assert adapter.sent == [warning.pk]
        outbox_dispatch(now=_vn(3, 6))
    assert adapter.sent == [warning.pk, notice.pk]


def test_a_message_due_before_the_night_is_not_claimed_in_it(phone: Contact) -> None:
    """Queued at 21:00 but the worker only gets to it at 22:30 (a backlog, a retry):
    it stays queued until 06:00."""
    message = message_enqueue(outgoing=outgoing_to(phone, "tb:1"), now=_vn(2, 21))
    with adapter_replaced(Channel.SMS, ScriptedAdapter()) as adapter:
        assert outbox_dispatch(now=_vn(2, 22, 30)).sent == 0
        assert outbox_dispatch(now=_vn(3, 6)).sent == 1
    assert adapter.sent == [message.pk]
    assert Message.objects.get().status == MessageStatus.ACCEPTED


def test_a_message_for_the_warnings_purpose_is_a_warning(phone: Contact) -> None:
    """Queued for the warnings purpose at normal priority, it is stored as a warning
    and leaves at night."""
    message = message_enqueue(
        outgoing=outgoing_to(phone, "canh-bao:1", purpose=Purpose.WARNINGS), now=_vn(2, 23)
    )
    assert message.priority == Priority.WARNING
    with adapter_replaced(Channel.SMS, ScriptedAdapter()) as adapter:
        outbox_dispatch(now=_vn(2, 23))
    assert adapter.sent == [message.pk]
