"""Reach is an indicator ("households-reached-announcements"), read as every reader
reads indicators (`indicators.selectors`): it moves when a message is delivered or a
household is met in person, per village and up the tree, in the month of sending."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from langso.indicators.selectors import indicator_values, period_parse
from langso.messaging.models import Channel, ReceiptEvent
from langso.messaging.services.outbox import receipt_record
from langso.places.models import AdminUnit
from langso.registry.testing import RegistryTree, RegistryUsers

from ..models import Recipient
from ..services.reach import recipient_mark_reached_in_person
from ..testing import announcement_message
from .reach_world import ReachWorld

CODE = "households-reached-announcements"


@pytest.fixture
def world(definitions: None, tree: RegistryTree, users: RegistryUsers) -> ReachWorld:
    return ReachWorld.make(tree, users)


def _values(units: list[AdminUnit], period: str) -> list[Decimal | None]:
    result = indicator_values(code=CODE, units=units, period=period_parse(period))
    return [None if v.value is None else round(v.value, 2) for v in result.values]


def test_the_indicator_moves_when_a_message_is_delivered(
    world: ReachWorld, tree: RegistryTree, users: RegistryUsers
) -> None:
    """A1 has five households, A2 three: nothing reached is 0%; an SMS delivered in A1
    makes A1 20% and commune A one of eight; an in-person mark in A2 moves A2 and A."""
    sent = world.announcement.sent_at
    assert sent is not None
    period = timezone.localtime(sent).strftime("%Y")
    assert _values([tree.a1, tree.a2], period) == [Decimal(0), Decimal(0)]
    message = announcement_message(world.announcement, world.sms_only, Channel.SMS)
    receipt_record(message=message, event=ReceiptEvent.DELIVERED)
    assert _values([tree.a1, tree.a2], period) == [Decimal(20), Decimal(0)]
    assert _values([tree.a], period) == [Decimal("12.50")]
    recipient = Recipient.objects.get(
        announcement=world.announcement, household=world.a2_no_channel
    )
    recipient_mark_reached_in_person(actor=users.officer_a, recipient=recipient)
    assert _values([tree.a2], period) == [Decimal("33.33")]
    assert _values([tree.a], period) == [Decimal(25)]
    assert _values([tree.province], period) == [Decimal(25)]


def test_the_indicator_counts_announcements_by_the_month_sent(
    world: ReachWorld, tree: RegistryTree
) -> None:
    """An announcement counts in the month it was sent, not in another; a commune that
    sent nothing has no figure."""
    sent = world.announcement.sent_at
    assert sent is not None
    other = timezone.localtime(sent - dt.timedelta(days=40)).strftime("%Y-%m")
    assert _values([tree.a1], other) == [None]
    assert _values([tree.a1], timezone.localtime(sent).strftime("%Y-%m")) == [Decimal(0)]
    assert _values([tree.b], timezone.localtime(sent).strftime("%Y")) == [None]
