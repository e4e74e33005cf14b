"""Reach is counted as receipts arrive, once per household: delivered then read counts
once, two channels count once, a late failure after a delivery does not take it back;
the village head marks a household reached in person, within scope, audited."""

from __future__ import annotations

import pytest

from langso.core.errors import AccessDenied
from langso.core.models import AuditEntry
from langso.messaging.models import Channel, ReceiptEvent
from langso.messaging.services.outbox import receipt_record
from langso.places.models import AdminUnit
from langso.registry.models import Household
from langso.registry.testing import MANAGES_A1, RegistryTree, RegistryUsers

from ...models import Recipient, VillageReach
from ...selectors.reach import recipient_get_for_user
from ...services.reach import AlreadyReached, recipient_mark_reached_in_person
from ...testing import announcement_message
from ..reach_world import ReachWorld


@pytest.fixture
def world(tree: RegistryTree, users: RegistryUsers) -> ReachWorld:
    return ReachWorld.make(tree, users)


def _reached(world: ReachWorld, village: AdminUnit) -> int:
    return VillageReach.objects.get(announcement=world.announcement, village=village).reached


def _recipient(world: ReachWorld, household: Household) -> Recipient:
    return Recipient.objects.get(announcement=world.announcement, household=household)


def test_delivered_then_read_counts_once(world: ReachWorld, tree: RegistryTree) -> None:
    """An SMS accepted, delivered, then reported again and read: the household is
    reached once, when delivered, and its village counts one."""
    message = announcement_message(world.announcement, world.sms_only, Channel.SMS)
    receipt_record(message=message, event=ReceiptEvent.ACCEPTED)
    assert _reached(world, tree.a1) == 0
    receipt_record(message=message, event=ReceiptEvent.DELIVERED)
    receipt_record(message=message, event=ReceiptEvent.DELIVERED)
    receipt_record(message=message, event=ReceiptEvent.READ)
    assert _reached(world, tree.a1) == 1
    recipient = _recipient(world, world.sms_only)
    assert recipient.reached_by == "delivered"
    assert recipient.reached_at is not None


def test_two_channels_count_once(world: ReachWorld, tree: RegistryTree) -> None:
    """A household told by e-mail and by SMS, both delivered, counts once."""
    for channel in (Channel.EMAIL, Channel.SMS):
        message = announcement_message(world.announcement, world.two_channels, channel)
        receipt_record(message=message, event=ReceiptEvent.DELIVERED)
    assert _reached(world, tree.a1) == 1
    assert _reached(world, tree.a2) == 0


def test_a_read_in_app_reaches(world: ReachWorld, tree: RegistryTree) -> None:
    """An in-app message read reaches its household, in its own village only."""
    message = announcement_message(world.announcement, world.a2_inapp, Channel.INAPP)
    receipt_record(message=message, event=ReceiptEvent.READ)
    assert (_reached(world, tree.a1), _reached(world, tree.a2)) == (0, 1)
    assert _recipient(world, world.a2_inapp).reached_by == "read"


def test_a_late_failure_after_delivery_does_not_unreach(
    world: ReachWorld, tree: RegistryTree
) -> None:
    """A failure report after a delivery (a second SMSC report, the other channel
    failing) leaves the household reached and the count as it was."""
    sms = announcement_message(world.announcement, world.two_channels, Channel.SMS)
    email = announcement_message(world.announcement, world.two_channels, Channel.EMAIL)
    receipt_record(message=sms, event=ReceiptEvent.DELIVERED)
    receipt_record(message=sms, event=ReceiptEvent.FAILED)
    receipt_record(message=email, event=ReceiptEvent.FAILED)
    assert _reached(world, tree.a1) == 1
    assert _recipient(world, world.two_channels).reached_at is not None


def test_a_failure_alone_reaches_nobody(world: ReachWorld, tree: RegistryTree) -> None:
    """Accepted then failed: not reached."""
    message = announcement_message(world.announcement, world.all_failed, Channel.SMS)
    receipt_record(message=message, event=ReceiptEvent.ACCEPTED)
    receipt_record(message=message, event=ReceiptEvent.FAILED)
    assert _reached(world, tree.a1) == 0


def test_the_village_head_marks_a_household_reached_in_person(
    world: ReachWorld, tree: RegistryTree, users: RegistryUsers
) -> None:
    """The village head of A1 marks the household without a channel reached in person:
    counted once, who and how kept, the change audited; a second mark is refused
    with the reason and counts nothing."""
    head = users.village_head_a1
    recipient = recipient_get_for_user(
        user=head,
        announcement=world.announcement,
        pk=_recipient(world, world.no_channel).pk,
    )
    marked = recipient_mark_reached_in_person(actor=head, recipient=recipient)
    assert (marked.reached_by, marked.marked_by) == ("in_person", head)
    assert _reached(world, tree.a1) == 1
    entry = AuditEntry.objects.get(object_id=str(recipient.pk), action=AuditEntry.Action.UPDATE)
    assert entry.actor == head
    assert entry.changes["reached_by"] == ["", "in_person"]
    with pytest.raises(AlreadyReached, match="đã được tiếp cận"):
        recipient_mark_reached_in_person(actor=head, recipient=recipient)
    assert _reached(world, tree.a1) == 1


def test_a_delivery_after_the_in_person_mark_counts_nothing(
    world: ReachWorld, tree: RegistryTree, users: RegistryUsers
) -> None:
    """Marked in person, then the late SMS is delivered: still one, still in person."""
    recipient = _recipient(world, world.all_failed)
    recipient_mark_reached_in_person(actor=users.officer_a, recipient=recipient)
    message = announcement_message(world.announcement, world.all_failed, Channel.SMS)
    receipt_record(message=message, event=ReceiptEvent.DELIVERED)
    assert _reached(world, tree.a1) == 1
    assert _recipient(world, world.all_failed).reached_by == "in_person"


@pytest.mark.parametrize(("name", "allowed"), MANAGES_A1)
def test_only_who_keeps_the_village_marks_in_person(
    world: ReachWorld, users: RegistryUsers, name: str, allowed: bool
) -> None:
    """Marking in person is for the village head and the officers of the village's
    commune and province; others are refused and nothing is counted."""
    user = users.of(name)
    recipient = _recipient(world, world.no_channel)
    if allowed:
        recipient_mark_reached_in_person(actor=user, recipient=recipient)
        assert _recipient(world, world.no_channel).reached_by == "in_person"
    else:
        with pytest.raises(AccessDenied):
            recipient_mark_reached_in_person(actor=user, recipient=recipient)
        assert _recipient(world, world.no_channel).reached_at is None
