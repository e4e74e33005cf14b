"""Test helpers of announcements that other apps' tests may use: a sent announcement
written directly, as the send service leaves one (`Recipient` and `VillageReach` rows,
one outbox message per household and channel, named as `models` says), so that reach,
the unreached list and the feeds are tested without the send path.

Test helpers of announcements, for its own tests and other apps': households with a
phone and consent, and announcements composed through the service."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from django.utils import timezone

from langso.accounts.models import User
from langso.messaging.models import Channel, Contact, Message, Purpose
from langso.messaging.services.contacts import contact_upsert
from langso.messaging.services.outbox import Outgoing, messages_enqueue
from langso.places.models import AdminUnit
from langso.registry.models import Household
from langso.registry.testing import make_household

from .models import Announcement, AnnouncementStatus, Category, Recipient, VillageReach
from .selectors.audience import HOLDER_KIND, Audience
from .services.compose import announcement_compose


def household_address(household: Household, channel: str) -> str:
    """The address the tests give `household` on `channel`: its head's phone (or one
    made of its id) for SMS, and one made of its id on any other channel."""
    if channel == Channel.SMS:
        return household.head_phone or f"+8491{household.pk:07d}"
    if channel == Channel.EMAIL:
        return f"ho{household.pk}@langso.test"
    return f"{channel}-{household.pk}"


def sent_announcement_make(
    *,
    unit: AdminUnit,
    sender: User,
    households: Mapping[Household, Sequence[str]],
    failed: Collection[Household] = (),
    title: str = "Họp thôn về xây dựng nông thôn mới",
    body: str = "Mời đại diện các hộ dự họp tại nhà văn hoá thôn lúc 19h thứ Bảy.",
    category: str = Category.MEETING,
    sent_at: dt.datetime | None = None,
) -> Announcement:
    """An announcement of `unit`, sent at `sent_at` (now) to `households`, each mapped to
    the channels it was sent on (none: it has no channel). Households in `failed` had
    every delivery fail. Messages are queued, to be moved by `receipt_record`."""
    sent_at = sent_at or timezone.now()
    villages = {h.pk: _village(h) for h in households}
    channels = sorted({c for chosen in households.values() for c in chosen})
    announcement = Announcement.objects.create(
        unit=unit,
        title=title,
        body=body,
        category=category,
        audience={"units": [unit.pk]},
        channels=channels,
        status=AnnouncementStatus.SENT,
        created_by=sender,
        sent_by=sender,
        sent_at=sent_at,
        audience_households=len(households),
    )
    Recipient.objects.bulk_create(
        Recipient(
            announcement=announcement,
            household=household,
            village=villages[household.pk],
            channel=chosen[-1] if chosen else "",
            failed=household in failed,
        )
        for household, chosen in households.items()
    )
    totals = Counter(villages[h.pk] for h in households)
    no_channel = Counter(villages[h.pk] for h, chosen in households.items() if not chosen)
    failures = Counter(villages[h.pk] for h in failed)
    VillageReach.objects.bulk_create(
        VillageReach(
            announcement=announcement,
            village=village,
            commune=village.commune,
            province=village.province,
            households=total,
            no_channel=no_channel[village],
            failed=failures[village],
        )
        for village, total in totals.items()
    )
    messages_enqueue(
        outgoing=[
            Outgoing(
                idempotency_key=f"announcement:{announcement.pk}:household:{h.pk}:{channel}",
                channel=channel,
                address=household_address(h, channel),
                body=body,
                subject=title,
                source=f"announcement:{announcement.pk}:household:{h.pk}",
                purpose=Purpose.ANNOUNCEMENTS,
                unit_id=h.village_id,
            )
            for h, chosen in households.items()
            for channel in chosen
        ],
        now=sent_at,
    )
    return announcement


def _village(household: Household) -> AdminUnit:
    if household.village is None:
        raise ValueError(f"household {household.pk} has no village")
    return household.village


def announcement_message(announcement: Announcement, household: Household, channel: str) -> Message:
    """The outbox message of `announcement` to `household` on `channel`."""
    return Message.objects.get(
        idempotency_key=f"announcement:{announcement.pk}:household:{household.pk}:{channel}"
    )


_phones = iter(range(1_000_000, 9_999_999))


def mobile() -> str:
    """A different valid Vietnamese mobile number each call (091xxxxxxx)."""
    return f"091{next(_phones):07d}"


def household_reachable(
    *,
    village: AdminUnit,
    channels: tuple[str, ...] = (Channel.SMS,),
    consent: bool = True,
    **fields: Any,
) -> Household:
    """A household of `village` with a head phone and a contact on each of `channels`
    (an SMS contact at the head's phone), consenting to announcements if `consent`."""
    fields.setdefault("head_phone", mobile())
    household = make_household(village=village, **fields)
    for channel in channels:
        household_contact(household, channel=channel, consent=consent)
    return household


def household_contact(household: Household, *, channel: str, consent: bool = True) -> Contact:
    return contact_upsert(
        channel=channel,
        address=household_address(household, channel),
        holder_kind=HOLDER_KIND,
        holder_id=household.pk,
        unit=household.unit,
        purposes=(Purpose.ANNOUNCEMENTS,) if consent else (),
    )


def compose(
    *,
    actor: User,
    unit: AdminUnit,
    audience: Audience | None = None,
    title: str = "Họp thôn",
    body: str = "Mời các hộ dự họp lúc 19 giờ tại nhà văn hóa.",
    category: str = Category.MEETING,
    channels: tuple[str, ...] = (Channel.SMS,),
    **values: Any,
) -> Announcement:
    """A draft from `unit` (to the whole unit unless `audience` says otherwise)."""
    return announcement_compose(
        actor=actor,
        unit=unit,
        audience=audience or Audience(units=(unit.pk,)),
        title=title,
        body=body,
        category=category,
        channels=channels,
        **values,
    )
