"""Fallbacks: when a household's message of an announcement ends failed or dead and the
household is not reached, the next channel it may be written to is tried; when none is
left, the household is failed (on the unreached list) and its village's `failed` count
moves. Runs inside the transaction that moved the message (`MessageStatusChanged`), so
the count is exact. Reach itself (`reached`) is counted by `services.reach`."""

from __future__ import annotations

import re

from django.db.models import F

from langso.core.db import for_update
from langso.messaging.events import MessageStatusChanged
from langso.messaging.models import Message, MessageStatus
from langso.messaging.services.outbox import message_enqueue

from ..models import Recipient, VillageReach
from ..selectors.audience import channels_best_first, usable_contacts
from .send import outgoing_for

_SOURCE = re.compile(r"announcement:(\d+):household:(\d+)")
_ENDED = (MessageStatus.FAILED, MessageStatus.DEAD)
_REACHED = (MessageStatus.DELIVERED, MessageStatus.READ)


def message_failed_fallback(event: MessageStatusChanged) -> None:
    """Try the household's next channel, or count it failed (see the module)."""
    if event.after not in _ENDED:
        return
    match = _SOURCE.fullmatch(event.source)
    if match is None:
        return
    announcement_id, household_id = int(match[1]), int(match[2])
    recipient = (
        for_update(
            Recipient.objects.filter(announcement_id=announcement_id, household_id=household_id)
        )
        .select_related("announcement")
        .first()
    )
    # A late failure of a channel already left behind changes nothing.
    if (
        recipient is None
        or recipient.reached_at is not None
        or recipient.failed
        or recipient.channel != event.channel
    ):
        return
    messages = Message.objects.filter(source=event.source)
    if messages.filter(status__in=_REACHED).exists():
        return
    announcement = recipient.announcement
    tried = set(messages.values_list("channel", flat=True))
    left: dict[str, tuple[int, str]] = {}
    for pk, channel, address in (
        usable_contacts(announcement=announcement)
        .filter(holder_id=household_id)
        .exclude(channel__in=tried)
        .order_by("pk")
        .values_list("pk", "channel", "address")
    ):
        left.setdefault(channel, (pk, address))
    following = next((c for c in channels_best_first(announcement.channels) if c in left), "")
    if following:
        contact_id, address = left[following]
        message_enqueue(
            outgoing=outgoing_for(
                announcement,
                household_id=household_id,
                village_id=recipient.village_id,
                channel=following,
                contact_id=contact_id,
                address=address,
            )
        )
        recipient.channel = following
        recipient.save(update_fields=["channel"])
        return
    recipient.failed = True
    recipient.save(update_fields=["failed"])
    VillageReach.objects.filter(
        announcement_id=announcement_id, village_id=recipient.village_id
    ).update(failed=F("failed") + 1)
