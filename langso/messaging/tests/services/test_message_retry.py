"""An officer sends a dead letter again: queued anew, attempts from zero, audited; a
message outside their scope, or not dead, is refused as missing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from langso.accounts.roles import Role
from langso.accounts.tests.factories import make_role_holder
from langso.core.errors import NotFound
from langso.core.models import AuditEntry
from langso.messaging.channels.base import PermanentFailure
from langso.messaging.models import Channel, Contact, Message, MessageStatus
from langso.messaging.services.outbox import (
    VIETNAM,
    message_enqueue,
    message_retry,
    outbox_dispatch,
)
from langso.messaging.testing import ScriptedAdapter, adapter_replaced, outgoing_to
from langso.places.testing import CommunePair

MORNING = dt.datetime(2026, 3, 2, 10, 0, tzinfo=VIETNAM)


def _audited(message: Message) -> QuerySet[AuditEntry]:
    kind = ContentType.objects.get_for_model(Message)
    return AuditEntry.objects.filter(content_type=kind, object_id=str(message.pk))


def _dead(phone: Contact) -> Message:
    message = message_enqueue(outgoing=outgoing_to(phone, "tb:1"), now=MORNING)
    with adapter_replaced(Channel.SMS, ScriptedAdapter([PermanentFailure("Sai số.")])):
        outbox_dispatch(now=MORNING)
    message.refresh_from_db()
    assert message.status == MessageStatus.DEAD
    return message


def test_the_communes_officer_sends_it_again(units: CommunePair, phone: Contact) -> None:
    message = _dead(phone)
    officer = make_role_holder(Role.COMMUNE_OFFICER, units.a, "canbo.xa.a")
    message_retry(actor=officer, message_id=message.pk, now=MORNING + dt.timedelta(hours=1))
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (MessageStatus.QUEUED, 0, "")
    entry = _audited(message).get()
    assert entry.actor == officer
    assert entry.changes["status"] == [MessageStatus.DEAD, MessageStatus.QUEUED]
    with adapter_replaced(Channel.SMS, ScriptedAdapter()) as adapter:
        outbox_dispatch(now=MORNING + dt.timedelta(hours=1))
    assert adapter.sent == [message.pk]


def test_refused_as_missing_outside_scope_or_not_dead(units: CommunePair, phone: Contact) -> None:
    message = _dead(phone)
    other = make_role_holder(Role.COMMUNE_OFFICER, units.b, "canbo.xa.b")
    with pytest.raises(NotFound):
        message_retry(actor=other, message_id=message.pk)
    officer = make_role_holder(Role.COMMUNE_OFFICER, units.a, "canbo.xa.a")
    message_retry(actor=officer, message_id=message.pk)
    with pytest.raises(NotFound):
        message_retry(actor=officer, message_id=message.pk)
    assert _audited(message).count() == 1
