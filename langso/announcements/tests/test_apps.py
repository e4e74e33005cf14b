"""The messaging worker sends scheduled announcements at their time: announcements
registers its sweep of due ones as the worker's periodic job."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from langso.messaging.models import Channel, Message, MessageStatus
from langso.messaging.worker import Worker
from langso.registry.testing import RegistryTree, RegistryUsers

from ..models import Announcement, AnnouncementStatus, Recipient
from ..services.compose import announcement_cancel
from ..services.send import announcement_send
from ..testing import compose, household_reachable


def _worker_iteration() -> None:
    """One round of a worker just started, as `messaging_worker --once` makes."""
    Worker(channels=[Channel.INAPP]).run(once=True)


def test_a_scheduled_announcement_goes_with_the_worker_round_once_due_and_a_cancelled_never(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    """Scheduled in an hour: a worker round leaves it scheduled. Its time come (the
    schedule moved back, as time would), one round sends it and delivers its in-app
    message; the cancelled one, also past its time, stays cancelled and writes nothing."""
    household = household_reachable(village=tree.a1, channels=(Channel.INAPP,))
    now = timezone.now()
    later = now + dt.timedelta(hours=1)
    due = compose(
        actor=users.officer_a,
        unit=tree.a1,
        channels=(Channel.INAPP,),
        scheduled_for=later,
        now=now,
    )
    cancelled = compose(
        actor=users.officer_a,
        unit=tree.a1,
        channels=(Channel.INAPP,),
        scheduled_for=later,
        now=now,
    )
    announcement_send(actor=users.officer_a, announcement=due, now=now)
    announcement_send(actor=users.officer_a, announcement=cancelled, now=now)
    announcement_cancel(actor=users.officer_a, announcement=cancelled)

    _worker_iteration()
    due.refresh_from_db()
    assert due.status == AnnouncementStatus.SCHEDULED
    assert not Recipient.objects.exists()

    past = timezone.now() - dt.timedelta(minutes=1)
    Announcement.objects.filter(pk__in=[due.pk, cancelled.pk]).update(scheduled_for=past)
    _worker_iteration()

    due.refresh_from_db()
    cancelled.refresh_from_db()
    assert due.status == AnnouncementStatus.SENT
    assert cancelled.status == AnnouncementStatus.CANCELLED
    assert list(Recipient.objects.values_list("announcement_id", "household_id")) == [
        (due.pk, household.pk)
    ]
    assert list(Message.objects.values_list("source", "status")) == [
        (f"announcement:{due.pk}:household:{household.pk}", MessageStatus.DELIVERED)
    ]
