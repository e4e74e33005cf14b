"""Contacts and consent (Decree 13/2023: consent per purpose, with its date and source).

Minimal version for announcements (issue 18); the outbox's author owns this module and
keeps theirs at merge."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from langso.core.actors import Actor
from langso.places.models import AdminUnit

from ..models import Channel, Consent, ConsentSource, Contact
from ..phones import vn_mobile_normalise


def _normalised(channel: str, address: str) -> str:
    if channel == Channel.SMS:
        return vn_mobile_normalise(address)
    if channel == Channel.EMAIL:
        return address.strip().lower()
    return address.strip()


def contact_upsert(
    *,
    channel: str,
    address: str,
    holder_kind: str,
    holder_id: int,
    unit: AdminUnit,
    purposes: Sequence[str] = (),
    source: str = ConsentSource.OFFICER,
    recorded_by: Actor | None = None,
) -> Contact:
    """The contact of `holder_kind`/`holder_id` at `address` on `channel` (normalised;
    a phone that is not a Vietnamese mobile is refused with the reason), created if
    missing, with a consent for each of `purposes` where none stands."""
    normalised = _normalised(channel, address)
    with transaction.atomic():
        contact, _created = Contact.objects.get_or_create(
            channel=channel,
            address=normalised,
            holder_kind=holder_kind,
            holder_id=holder_id,
            defaults={"unit": unit},
        )
        standing = set(
            contact.consents.filter(withdrawn_at__isnull=True).values_list("purpose", flat=True)
        )
        Consent.objects.bulk_create(
            [
                Consent(
                    contact=contact,
                    purpose=purpose,
                    source=source,
                    recorded_by_id=getattr(recorded_by, "pk", None),
                )
                for purpose in dict.fromkeys(purposes)
                if purpose not in standing
            ]
        )
    return contact


def consent_withdraw(*, contact: Contact, purpose: str | None, via: str) -> int:
    """Withdraw the contact's standing consent for `purpose` (every purpose if None);
    returns how many were withdrawn."""
    standing = contact.consents.filter(withdrawn_at__isnull=True)
    if purpose is not None:
        standing = standing.filter(purpose=purpose)
    return standing.update(withdrawn_at=timezone.now(), withdrawn_via=via)
