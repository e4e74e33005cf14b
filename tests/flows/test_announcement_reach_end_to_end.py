"""Issue 18's "Done when", end to end: an announcement of a village sent over e-mail (a
real SMTP server), SMS (real Kannel, its fake SMSC, delivery reports back to the live
server) and in-app, to households that have each one channel or none. Once the reports
are in, the reach table (selector and page) counts exactly, the unreached list is
exactly the households with no channel, and the reach indicator has moved. Then an
opt-out on each of SMS ("TỪ CHỐI") and e-mail (the link in the mail received) stops
the next announcement to that household on that channel."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from langso.announcements.models import Announcement, Recipient
from langso.announcements.selectors.reach import (
    ReachCounts,
    announcement_reach,
    unreached_households,
)
from langso.announcements.services.send import announcement_send
from langso.announcements.testing import compose, household_reachable
from langso.core.testing import Inbox
from langso.indicators.selectors import indicators_values, period_parse
from langso.indicators.testing import definitions
from langso.messaging.kannel import Kannel
from langso.messaging.models import Channel, Message, MessageStatus
from langso.messaging.services.outbox import outbox_dispatch
from langso.messaging.testing import kannel_db
from langso.registry.models import Household
from langso.registry.testing import RegistryTree, RegistryUsers, tree, users

# Fixtures, found by pytest in the module's namespace.
__all__ = ["definitions", "tree", "users"]

# Noon in Hà Nội: SMS go out whenever the suite runs (quiet hours are 22:00–06:00).
NOON = dt.datetime(2026, 12, 7, 5, 0, tzinfo=dt.UTC)
INDICATOR = "households-reached-announcements"
CHANNELS = (Channel.EMAIL, Channel.SMS, Channel.INAPP)
UNSUBSCRIBE = re.compile(r"https?://\S+?(/tin-nhan/huy-nhan/[^/\s]+/)")


def _dispatch(*, now: dt.datetime) -> None:
    """Every channel's due messages, as the worker's round gives them."""
    for channel in CHANNELS:
        with kannel_db():
            outbox_dispatch(channel=channel, now=now)


def _wait_sms_reports(announcement: Announcement, *, timeout: float = 30.0) -> dict[str, int]:
    """The announcement's SMS statuses (a count of each) once none is waiting to go
    or for its report."""
    waiting = {MessageStatus.QUEUED, MessageStatus.SENDING, MessageStatus.ACCEPTED}
    deadline = time.monotonic() + timeout
    while True:
        with kannel_db():
            statuses = list(
                Message.objects.filter(
                    source__startswith=f"announcement:{announcement.pk}:", channel=Channel.SMS
                ).values_list("status", flat=True)
            )
        if not waiting & set(statuses) or time.monotonic() > deadline:
            return {s: statuses.count(s) for s in set(statuses)}
        time.sleep(0.1)


def _reach_value(tree: RegistryTree, period: str) -> Decimal | None:
    with kannel_db():
        value = indicators_values(codes=[INDICATOR], units=[tree.a1], period=period_parse(period))
    found = value[0].values[0].value
    return None if found is None else round(found, 2)


def _phones_received(kannel: Kannel, phones: Iterable[str], tag: str) -> list[str]:
    wanted = set(phones)
    return sorted(m.receiver for m in kannel.received() if m.receiver in wanted and tag in m.text)


@pytest.mark.usefixtures("definitions")
def test_an_announcement_reaches_each_channel_and_an_opt_out_stops_the_next(
    kannel: Kannel,
    smtp_inbox: Inbox,
    tree: RegistryTree,
    users: RegistryUsers,
    client: Client,
) -> None:
    with kannel_db():
        # Only the SMS households have a head phone: a registry phone becomes an SMS
        # contact (without consent) when an announcement goes by SMS.
        by_email = [
            household_reachable(village=tree.a1, channels=(Channel.EMAIL,), head_phone="")
            for _ in range(2)
        ]
        by_sms = [household_reachable(village=tree.a1) for _ in range(3)]
        in_app = [
            household_reachable(village=tree.a1, channels=(Channel.INAPP,), head_phone="")
            for _ in range(2)
        ]
        no_channel = [
            household_reachable(village=tree.a1, channels=(), head_phone="") for _ in range(2)
        ]
        draft = compose(
            actor=users.officer_a,
            unit=tree.a1,
            title="Họp thôn",
            body="[e2e18-1] Mời các hộ dự họp lúc 19 giờ tại nhà văn hóa.",
            channels=CHANNELS,
            now=NOON,
        )
        first = announcement_send(actor=users.officer_a, announcement=draft, now=NOON)
    period = NOON.strftime("%Y-%m")
    assert _reach_value(tree, period) == Decimal(0)

    _dispatch(now=NOON)
    assert _wait_sms_reports(first) == {MessageStatus.DELIVERED: 3}

    with kannel_db():
        chosen = dict(
            Recipient.objects.filter(announcement=first).values_list("household_id", "channel")
        )
        reach = announcement_reach(user=users.officer_a, announcement=first)
        unreached = unreached_households(announcement=first, village=tree.a1)
    assert chosen == {
        **{h.pk: Channel.EMAIL for h in by_email},
        **{h.pk: Channel.SMS for h in by_sms},
        **{h.pk: Channel.INAPP for h in in_app},
        **{h.pk: "" for h in no_channel},
    }
    # Reached: the SMS delivered and the in-app messages; the e-mails are accepted, and
    # reach a household when read; the households without channel are unreached.
    expected = ReachCounts(households=9, reached=5, no_channel=2, failed=0)
    assert reach.total == expected
    assert [(v.code, v.counts) for v in reach.villages] == [(tree.a1.code, expected)]
    assert {u.recipient.household_id for u in unreached} == {h.pk for h in no_channel}
    assert _reach_value(tree, period) == Decimal("55.56")

    client.force_login(users.officer_a)
    with kannel_db():
        page = client.get(reverse("announcements:reach", args=[first.pk]))
        listed = client.get(
            reverse("announcements:unreached", args=[first.pk]), {"thon": tree.a1.code}
        )
    assert page.status_code == 200
    assert page.context["reach"].total == expected
    assert listed.status_code == 200
    assert {u.recipient.household_id for u in listed.context["households"]} == {
        h.pk for h in no_channel
    }

    mails = {to[0]: mail for to, mail in smtp_inbox.messages}
    assert sorted(mails) == sorted(f"ho{h.pk}@langso.test" for h in by_email)
    assert all("[e2e18-1]" in mail.get_content() for mail in mails.values())

    # Opt-outs: the first SMS household answers "TỪ CHỐI", the first e-mail household
    # follows the link in its mail and confirms.
    stopping_sms, stopping_email = by_sms[0], by_email[0]
    assert stopping_sms.head_phone
    phone = "+84" + stopping_sms.head_phone[1:]
    assert kannel.incoming(sender=phone, text="TỪ CHỐI")
    link = UNSUBSCRIBE.search(mails[f"ho{stopping_email.pk}@langso.test"].get_content())
    assert link is not None
    with kannel_db():
        assert client.post(link[1]).status_code == 200

    later = NOON + dt.timedelta(hours=1)
    with kannel_db():
        second = announcement_send(
            actor=users.officer_a,
            announcement=compose(
                actor=users.officer_a,
                unit=tree.a1,
                title="Tiêm chủng",
                body="[e2e18-2] Tiêm chủng cho trẻ lúc 8 giờ tại trạm y tế.",
                channels=CHANNELS,
                now=later,
            ),
            now=later,
        )
    _dispatch(now=later)
    assert _wait_sms_reports(second) == {MessageStatus.DELIVERED: 2}

    with kannel_db():
        chosen = dict(
            Recipient.objects.filter(announcement=second).values_list("household_id", "channel")
        )
        unreached = unreached_households(announcement=second, village=tree.a1)
    stopped: list[Household] = [stopping_sms, stopping_email]
    assert {pk for pk, channel in chosen.items() if not channel} == {
        h.pk for h in [*no_channel, *stopped]
    }
    assert {u.recipient.household_id for u in unreached} == {h.pk for h in [*no_channel, *stopped]}
    sms_phones = ["+84" + h.head_phone[1:] for h in by_sms]
    assert _phones_received(kannel, sms_phones, "[e2e18-2]") == sorted(sms_phones[1:])
    second_mails = [to[0] for to, mail in smtp_inbox.messages if "[e2e18-2]" in mail.get_content()]
    assert second_mails == [f"ho{by_email[1].pk}@langso.test"]
