"""Queuing: a name queued twice is one message, alone or in bulk; a contact without a
standing consent is not written to (opted out, with its receipt), a warning is."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from django.db import transaction

from langso.messaging.models import (
    Channel,
    Contact,
    Message,
    MessageStatus,
    Priority,
    Purpose,
    Receipt,
    ReceiptEvent,
    WithdrawnVia,
)
from langso.messaging.services import outbox
from langso.messaging.services.contacts import consent_withdraw
from langso.messaging.services.outbox import Outgoing, message_enqueue, messages_enqueue
from langso.messaging.testing import make_contact, outgoing_to
from langso.places.models import AdminUnit


def test_the_same_name_twice_is_one_message(phone: Contact) -> None:
    """Queued again under its name (a double click), the message is the one there,
    unchanged, even with another body."""
    first = message_enqueue(outgoing=outgoing_to(phone, "thong-bao:1:ho:1:sms"))
    again = message_enqueue(outgoing=outgoing_to(phone, "thong-bao:1:ho:1:sms", body="Khác"))
    assert again.pk == first.pk
    assert Message.objects.get().body == first.body


def test_a_name_taken_in_a_race_gives_the_message_there(
    phone: Contact, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When another request inserts the name between the look-up and the insert, the
    caller gets that message and its transaction stays usable."""
    outgoing = outgoing_to(phone, "thong-bao:1:ho:1:sms")
    build = outbox._message

    def racing(o: Outgoing, **kwargs: Any) -> Message:
        rival = build(o, **kwargs)
        rival.body = "Của yêu cầu kia"
        rival.save()
        return build(o, **kwargs)

    monkeypatch.setattr(outbox, "_message", racing)
    with transaction.atomic():
        message = message_enqueue(outgoing=outgoing)
        assert message.body == "Của yêu cầu kia"
        assert Message.objects.count() == 1


def test_bulk_over_twenty_thousand_with_some_existing(village: AdminUnit) -> None:
    """20,500 messages, 500 of them queued before and 10 named twice in the call: each
    name is one message, the count returned is of the new ones."""
    contact = make_contact(unit=village, channel=Channel.INAPP, address="ho:1")
    every = [outgoing_to(contact, f"tb:1:ho:{n}:inapp") for n in range(20_500)]
    assert messages_enqueue(outgoing=every[:500]) == 500
    written = messages_enqueue(outgoing=every + every[-10:], batch_size=5000)
    assert written == 20_000
    assert Message.objects.count() == 20_500
    assert not Receipt.objects.exists()


def test_no_standing_consent_is_opted_out_with_a_receipt(phone: Contact) -> None:
    """Withdrawn, then queued: stored opted out (counted, never sent), with its receipt;
    in bulk the same."""
    consent_withdraw(contact=phone, purpose=Purpose.ANNOUNCEMENTS, via=WithdrawnVia.SMS_KEYWORD)
    one = message_enqueue(outgoing=outgoing_to(phone, "tb:1"))
    assert messages_enqueue(outgoing=[outgoing_to(phone, "tb:2"), outgoing_to(phone, "tb:3")]) == 2
    statuses = dict(Message.objects.values_list("idempotency_key", "status"))
    assert statuses == {
        "tb:1": MessageStatus.OPTED_OUT,
        "tb:2": MessageStatus.OPTED_OUT,
        "tb:3": MessageStatus.OPTED_OUT,
    }
    assert Receipt.objects.filter(event=ReceiptEvent.OPTED_OUT).count() == 3
    assert one.status == MessageStatus.OPTED_OUT


def test_a_consent_for_another_purpose_does_not_do(phone: Contact) -> None:
    message = message_enqueue(outgoing=outgoing_to(phone, "ho-so:1", purpose=Purpose.SERVICES))
    assert message.status == MessageStatus.OPTED_OUT


@pytest.mark.parametrize(
    ("purpose", "priority"),
    [(Purpose.WARNINGS, Priority.NORMAL), (Purpose.ANNOUNCEMENTS, Priority.WARNING)],
)
def test_a_warning_needs_no_consent(phone: Contact, purpose: str, priority: str) -> None:
    """A typhoon warning reaches a contact who withdrew from announcements."""
    consent_withdraw(contact=phone, purpose="all", via=WithdrawnVia.OFFICER)
    message = message_enqueue(
        outgoing=outgoing_to(phone, "canh-bao:1", purpose=purpose, priority=priority)
    )
    assert message.status == MessageStatus.QUEUED
    bulk = messages_enqueue(
        outgoing=[outgoing_to(phone, "canh-bao:2", purpose=purpose, priority=priority)]
    )
    assert bulk == 1
    assert Message.objects.get(idempotency_key="canh-bao:2").status == MessageStatus.QUEUED


def test_a_message_to_no_contact_needs_no_consent(village: AdminUnit) -> None:
    """An address given without a contact (an officer's own e-mail) is queued."""
    message = message_enqueue(
        outgoing=Outgoing(
            idempotency_key="ho-so:7:buoc",
            channel=Channel.EMAIL,
            address="canbo@langso.test",
            body="Hồ sơ chờ thẩm định.",
            source="dossier:7",
            purpose=Purpose.SERVICES,
            unit_id=village.pk,
        )
    )
    assert message.status == MessageStatus.QUEUED


def test_the_bulk_writer_writes_what_queuing_one_by_one_writes(village: AdminUnit) -> None:
    """Oracle: the bulk writer's rules in SQL (consent, warnings, quiet hours) give the
    rows and receipts that `message_enqueue`'s rules in Python give, message for message:
    consented, withdrawn, a warning to a withdrawn contact, a warnings purpose at
    normal priority, an SMS and an e-mail queued in the night, no contact at all."""
    night = dt.datetime(2026, 3, 2, 23, 30, tzinfo=outbox.VIETNAM)
    yes = make_contact(unit=village, address="0912000001", holder_id=1)
    no = make_contact(unit=village, address="0912000002", holder_id=2)
    consent_withdraw(contact=no, purpose="all", via=WithdrawnVia.OFFICER)
    mail = make_contact(unit=village, channel=Channel.EMAIL, address="ho@x.test", holder_id=3)

    def mix(prefix: str) -> list[Outgoing]:
        nobody = dataclasses.replace(outgoing_to(yes, f"{prefix}:none"), contact_id=None)
        return [
            outgoing_to(yes, f"{prefix}:yes"),
            outgoing_to(no, f"{prefix}:no"),
            outgoing_to(no, f"{prefix}:warning", priority=Priority.WARNING),
            outgoing_to(no, f"{prefix}:purpose", purpose=Purpose.WARNINGS),
            outgoing_to(mail, f"{prefix}:mail"),
            nobody,
        ]

    for one in mix("one"):
        message_enqueue(outgoing=one, now=night)
    assert messages_enqueue(outgoing=mix("bulk"), now=night) == 6

    def written(prefix: str) -> list[tuple[Any, ...]]:
        return [
            (
                m.idempotency_key.split(":")[1],
                m.status,
                m.priority,
                m.next_attempt_at,
                m.created_at,
                m.contact_id,
                [r.event for r in m.receipts.all()],
            )
            for m in Message.objects.filter(idempotency_key__startswith=f"{prefix}:").order_by(
                "idempotency_key"
            )
        ]

    assert written("bulk") == written("one")
    # Both could be wrong alike: the statuses said outright.
    assert {name: status for name, status, *_rest in written("bulk")} == {
        "mail": MessageStatus.QUEUED,
        "no": MessageStatus.OPTED_OUT,
        "none": MessageStatus.QUEUED,
        "purpose": MessageStatus.QUEUED,
        "warning": MessageStatus.QUEUED,
        "yes": MessageStatus.QUEUED,
    }
