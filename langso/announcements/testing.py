"""Test helpers of announcements, for its own tests and other apps': households with a
phone and consent, and announcements composed through the service."""

from __future__ import annotations

from typing import Any

from langso.accounts.models import User
from langso.messaging.models import Channel, Contact, Purpose
from langso.messaging.services.contacts import contact_upsert
from langso.places.models import AdminUnit
from langso.registry.models import Household
from langso.registry.testing import make_household

from .models import Announcement, Category
from .selectors.audience import HOLDER_KIND, Audience
from .services.compose import announcement_compose

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
    addresses: dict[str, str] = {
        Channel.SMS: household.head_phone or mobile(),
        Channel.EMAIL: f"ho{household.pk}@langso.test",
    }
    address = addresses.get(channel, f"{channel}-{household.pk}")
    return contact_upsert(
        channel=channel,
        address=address,
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
