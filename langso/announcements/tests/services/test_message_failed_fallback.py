"""Fallbacks: a household whose message fails is tried on its next consented channel;
with none left it is failed and its village's failed count moves, once."""

from __future__ import annotations

import datetime as dt

from langso.messaging.models import Channel, Message, MessageStatus, ReceiptEvent
from langso.messaging.services.outbox import receipt_record
from langso.registry.testing import RegistryTree, RegistryUsers

from ...models import Recipient, VillageReach
from ...services.send import announcement_send
from ...testing import compose, household_contact, household_reachable

# 09:00 in Vietnam.
NOW = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC)


def _fail(channel: str) -> None:
    message = Message.objects.get(channel=channel)
    receipt_record(message=message, event=ReceiptEvent.FAILED)


def test_a_failed_message_is_followed_by_the_next_channel_then_the_household_fails(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    """Zalo fails → SMS is queued; SMS fails → the recipient is failed and the village
    counts one failure; a late second failure report changes nothing."""
    household = household_reachable(village=tree.a1, channels=(Channel.ZALO, Channel.SMS))
    draft = compose(
        actor=users.officer_a, unit=tree.a1, channels=(Channel.ZALO, Channel.SMS, Channel.EMAIL)
    )
    announcement_send(actor=users.officer_a, announcement=draft, now=NOW)

    _fail(Channel.ZALO)
    sms = Message.objects.get(channel=Channel.SMS)
    assert sms.idempotency_key == f"announcement:{draft.pk}:household:{household.pk}:sms"
    assert sms.status == MessageStatus.QUEUED
    recipient = Recipient.objects.get()
    assert (recipient.channel, recipient.failed) == (Channel.SMS, False)
    assert VillageReach.objects.get().failed == 0

    _fail(Channel.SMS)
    recipient.refresh_from_db()
    assert recipient.failed
    assert VillageReach.objects.get().failed == 1

    receipt_record(message=Message.objects.get(channel=Channel.ZALO), event=ReceiptEvent.FAILED)
    assert VillageReach.objects.get().failed == 1
    assert Message.objects.count() == 2


def test_no_fallback_for_a_household_already_reached(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    household_reachable(village=tree.a1, channels=(Channel.ZALO, Channel.SMS))
    draft = compose(actor=users.officer_a, unit=tree.a1, channels=(Channel.ZALO, Channel.SMS))
    announcement_send(actor=users.officer_a, announcement=draft, now=NOW)
    Recipient.objects.update(reached_at=NOW, reached_by="in_person")

    _fail(Channel.ZALO)

    assert Message.objects.count() == 1
    assert not Recipient.objects.get().failed
    assert VillageReach.objects.get().failed == 0


def test_a_channel_without_consent_is_not_a_fallback(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    """The household's SMS contact never consented: Zalo failing fails the household."""
    household = household_reachable(village=tree.a1, channels=(Channel.ZALO,))
    household_contact(household, channel=Channel.SMS, consent=False)
    draft = compose(actor=users.officer_a, unit=tree.a1, channels=(Channel.ZALO, Channel.SMS))
    announcement_send(actor=users.officer_a, announcement=draft, now=NOW)

    _fail(Channel.ZALO)

    assert Message.objects.count() == 1
    assert Recipient.objects.get().failed
    assert VillageReach.objects.get().failed == 1
