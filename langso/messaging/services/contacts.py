"""Contacts and their consent (Decree 13/2023/NĐ-CP): an address is kept normalised
with whose it is, and a contact is written to for a purpose only while a consent of
that purpose stands. Each consent keeps who recorded it, when, how (its source) and for
what (its purpose); a withdrawal keeps when and how, and is audited with who recorded
it when an officer did. Withdrawn consents stay as history; giving again adds one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from langso.core.actors import Actor
from langso.core.errors import DomainError
from langso.core.models import AuditEntry
from langso.core.services import audit_record, model_snapshot
from langso.places.models import AdminUnit

from ..models import Channel, Consent, ConsentSource, Contact, Purpose
from ..phones import vn_mobile_normalise

# `consent_withdraw(purpose=ALL_PURPOSES)`: every purpose at once ("TU CHOI").
ALL_PURPOSES = "all"
_CONSENT_AUDITED = ["purpose", "source", "given_at", "withdrawn_at", "withdrawn_via"]


def address_normalise(*, channel: str, address: str) -> str:
    """`address` as it is kept for `channel`: a phone as +84…, an e-mail lower-cased;
    a bad one refused with the reason (DomainError)."""
    text = (address or "").strip()
    if channel == Channel.SMS:
        return vn_mobile_normalise(text)
    if channel == Channel.EMAIL:
        try:
            validate_email(text)
        except ValidationError:
            raise DomainError(
                _("“%(address)s” không phải địa chỉ thư điện tử hợp lệ.") % {"address": address}
            ) from None
        return text.lower()
    if channel not in Channel.values:
        raise DomainError(_("Kênh gửi “%(channel)s” không có.") % {"channel": channel})
    if not text:
        raise DomainError(_("Thiếu địa chỉ nhận tin."))
    return text


def _purposes_checked(purposes: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(purposes))
    unknown = [p for p in chosen if p not in Purpose.values]
    if unknown:
        raise DomainError(
            _("Mục đích nhận tin không có: %(purposes)s.") % {"purposes": ", ".join(unknown)}
        )
    return chosen


def consent_give(
    *,
    contact: Contact,
    purpose: str,
    source: str,
    recorded_by: Actor | None = None,
    at: dt.datetime | None = None,
) -> Consent:
    """`contact` agrees to be told things of `purpose`; a consent standing already is
    kept as it was given."""
    (purpose,) = _purposes_checked([purpose])
    with transaction.atomic():
        # The contact's row locked: two requests giving the same consent make one.
        Contact.objects.select_for_update().filter(pk=contact.pk).first()
        standing = Consent.objects.filter(
            contact=contact, purpose=purpose, withdrawn_at__isnull=True
        ).first()
        if standing is not None:
            return standing
        consent = Consent.objects.create(
            contact=contact,
            purpose=purpose,
            source=source,
            given_at=at or timezone.now(),
            recorded_by_id=recorded_by.pk if recorded_by and recorded_by.is_authenticated else None,
        )
        audit_record(
            actor=recorded_by,
            instance=consent,
            action=AuditEntry.Action.CREATE,
            after=model_snapshot(consent, _CONSENT_AUDITED),
        )
    return consent


def consent_withdraw(
    *,
    contact: Contact,
    purpose: str,
    via: str,
    recorded_by: Actor | None = None,
    at: dt.datetime | None = None,
) -> int:
    """`contact` withdraws its consent for `purpose` (or `ALL_PURPOSES`), as `via`
    says; the next message of that purpose is not sent. How many consents it ended."""
    purposes = list(Purpose.values) if purpose == ALL_PURPOSES else _purposes_checked([purpose])
    at = at or timezone.now()
    with transaction.atomic():
        standing = list(
            Consent.objects.select_for_update().filter(
                contact=contact, purpose__in=purposes, withdrawn_at__isnull=True
            )
        )
        for consent in standing:
            before = model_snapshot(consent, _CONSENT_AUDITED)
            consent.withdrawn_at = at
            consent.withdrawn_via = via
            consent.save(update_fields=["withdrawn_at", "withdrawn_via"])
            audit_record(
                actor=recorded_by,
                instance=consent,
                action=AuditEntry.Action.UPDATE,
                before=before,
                after=model_snapshot(consent, _CONSENT_AUDITED),
            )
    return len(standing)


def contact_upsert(
    *,
    channel: str,
    address: str,
    holder_kind: str,
    holder_id: int,
    unit: AdminUnit,
    purposes: Iterable[str] = (),
    source: str = ConsentSource.OFFICER,
    recorded_by: Actor | None = None,
) -> Contact:
    """The contact of `holder_kind` `holder_id` at `address` on `channel`, made or
    found (its unit moved to `unit`), with a standing consent for each of `purposes`.
    A bad address or an unknown purpose is refused with the reason, and nothing is
    written."""
    normalised = address_normalise(channel=channel, address=address)
    chosen = _purposes_checked(purposes)
    with transaction.atomic():
        contact, created = Contact.objects.get_or_create(
            channel=channel,
            address=normalised,
            holder_kind=holder_kind,
            holder_id=holder_id,
            defaults={"unit": unit},
        )
        if not created and contact.unit_id != unit.pk:
            contact.unit = unit
            contact.save(update_fields=["unit"])
        for purpose in chosen:
            consent_give(contact=contact, purpose=purpose, source=source, recorded_by=recorded_by)
    return contact
