"""Messaging's own test data: SMS contacts with their consent, and messages to them."""

from __future__ import annotations

import datetime as dt

from langso.places.models import AdminUnit
from langso.places.testing import make_commune, make_province, make_village

from ..models import Channel, Consent, ConsentSource, Contact, Message, Purpose
from ..services.outbox import Outgoing, message_enqueue


def make_village_unit() -> AdminUnit:
    province = make_province(code="97", name="Tỉnh Thử Tin")
    commune = make_commune(province=province, code="97001", name="Xã Thử Tin")
    return make_village(commune=commune, code="97001001", name="Thôn Một")


def make_sms_contact(*, unit: AdminUnit, phone: str, household_id: int) -> Contact:
    """A household's phone with a standing consent to announcements."""
    contact = Contact.objects.create(
        channel=Channel.SMS,
        address=phone,
        holder_kind="household",
        holder_id=household_id,
        unit=unit,
    )
    Consent.objects.create(
        contact=contact, purpose=Purpose.ANNOUNCEMENTS, source=ConsentSource.SURVEY
    )
    return contact


def queue_sms(
    *,
    key: str,
    address: str,
    body: str,
    contact: Contact | None = None,
    now: dt.datetime | None = None,
) -> Message:
    """An announcement's SMS to `address`, queued (`now`, or now)."""
    return message_enqueue(
        now=now,
        outgoing=Outgoing(
            idempotency_key=key,
            channel=Channel.SMS,
            address=address,
            body=body,
            source="test:sms",
            purpose=Purpose.ANNOUNCEMENTS,
            unit_id=contact.unit_id if contact else None,
            contact_id=contact.pk if contact else None,
        ),
    )
