"""Contacts and consent: addresses kept normalised, a bad one refused with the reason;
each consent keeps who, when, how and for what; a withdrawal stops the next message."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType

from langso.accounts.roles import Role
from langso.accounts.tests.factories import make_role_holder
from langso.core.errors import DomainError
from langso.core.models import AuditEntry
from langso.messaging.models import (
    Channel,
    Consent,
    ConsentSource,
    Contact,
    Message,
    MessageStatus,
    Purpose,
    WithdrawnVia,
)
from langso.messaging.services.contacts import (
    ALL_PURPOSES,
    consent_give,
    consent_withdraw,
    contact_upsert,
)
from langso.messaging.services.outbox import VIETNAM, message_enqueue, outbox_dispatch
from langso.messaging.testing import ScriptedAdapter, adapter_replaced, outgoing_to
from langso.places.models import AdminUnit
from langso.places.testing import CommunePair


def _upsert(unit: AdminUnit, channel: str, address: str, *purposes: str) -> Contact:
    return contact_upsert(
        channel=channel,
        address=address,
        holder_kind="household",
        holder_id=7,
        unit=unit,
        purposes=purposes or (Purpose.ANNOUNCEMENTS,),
        source=ConsentSource.OFFICER,
    )


@pytest.mark.parametrize("written", ["0912 345 678", "+84 912.345.678", "84912345678", "912345678"])
def test_a_phone_is_kept_as_plus_84(village: AdminUnit, written: str) -> None:
    """Written any usual way, the number is one contact."""
    _upsert(village, Channel.SMS, "0912345678")
    contact = _upsert(village, Channel.SMS, written)
    assert contact.address == "+84912345678"
    assert Contact.objects.count() == 1


def test_an_email_is_kept_lower_cased(village: AdminUnit) -> None:
    assert _upsert(village, Channel.EMAIL, " Nguyen.Lan@Gmail.com ").address == (
        "nguyen.lan@gmail.com"
    )


@pytest.mark.parametrize(
    ("channel", "address", "reason"),
    [
        (Channel.SMS, "024 3825 1234", "là số máy bàn"),
        (Channel.SMS, "0112345678", "không thuộc đầu số di động"),
        (Channel.SMS, "12345", "không phải số di động Việt Nam"),
        (Channel.EMAIL, "lan@", "không phải địa chỉ thư điện tử hợp lệ"),
        (Channel.INAPP, "  ", "Thiếu địa chỉ"),
    ],
)
def test_a_bad_address_is_refused_with_the_reason(
    village: AdminUnit, channel: str, address: str, reason: str
) -> None:
    with pytest.raises(DomainError, match=reason):
        _upsert(village, channel, address)
    assert not Contact.objects.exists()
    assert not Consent.objects.exists()


def test_an_unknown_purpose_writes_nothing(village: AdminUnit) -> None:
    with pytest.raises(DomainError, match="Mục đích nhận tin không có: quang_cao"):
        _upsert(village, Channel.SMS, "0912345678", Purpose.ANNOUNCEMENTS, "quang_cao")
    assert not Contact.objects.exists()


def test_the_record_says_who_when_how_and_for_what(units: CommunePair, village: AdminUnit) -> None:
    """Decree 13/2023: the officer who recorded the consent, when, its source and its
    purpose; a withdrawal keeps when and how, audited with the officer who recorded it."""
    officer = make_role_holder(Role.COMMUNE_OFFICER, units.a, "canbo.xa.a")
    contact = contact_upsert(
        channel=Channel.SMS,
        address="0912345678",
        holder_kind="household",
        holder_id=7,
        unit=village,
        purposes=[Purpose.ANNOUNCEMENTS, Purpose.WARNINGS],
        source=ConsentSource.OFFICER,
        recorded_by=officer,
    )
    consent = Consent.objects.get(contact=contact, purpose=Purpose.ANNOUNCEMENTS)
    assert (consent.recorded_by, consent.source) == (officer, ConsentSource.OFFICER)
    assert consent.given_at is not None
    at = dt.datetime(2026, 3, 2, 9, 0, tzinfo=VIETNAM)
    withdrawn = consent_withdraw(
        contact=contact,
        purpose=Purpose.ANNOUNCEMENTS,
        via=WithdrawnVia.OFFICER,
        recorded_by=officer,
        at=at,
    )
    consent.refresh_from_db()
    assert withdrawn == 1
    assert (consent.withdrawn_at, consent.withdrawn_via) == (at, WithdrawnVia.OFFICER)
    kind = ContentType.objects.get_for_model(Consent)
    entry = AuditEntry.objects.filter(content_type=kind, object_id=str(consent.pk)).latest("at")
    assert entry.actor == officer
    assert entry.changes["withdrawn_via"] == ["", WithdrawnVia.OFFICER]
    # Warnings still stand.
    assert Consent.objects.filter(contact=contact, withdrawn_at__isnull=True).count() == 1


def test_withdrawing_all_then_giving_again_keeps_the_history(phone: Contact) -> None:
    consent_give(contact=phone, purpose=Purpose.SERVICES, source=ConsentSource.RESIDENT)
    assert consent_withdraw(contact=phone, purpose=ALL_PURPOSES, via=WithdrawnVia.SMS_KEYWORD) == 2
    assert consent_withdraw(contact=phone, purpose=ALL_PURPOSES, via=WithdrawnVia.SMS_KEYWORD) == 0
    again = consent_give(contact=phone, purpose=Purpose.ANNOUNCEMENTS, source="resident")
    assert consent_give(contact=phone, purpose=Purpose.ANNOUNCEMENTS, source="resident") == again
    assert Consent.objects.filter(contact=phone).count() == 3


def test_an_opt_out_stops_the_next_message(phone: Contact) -> None:
    """One message sent; the contact withdraws; the next is opted out and nothing more
    reaches the gateway."""
    morning = dt.datetime(2026, 3, 2, 10, 0, tzinfo=VIETNAM)
    first = message_enqueue(outgoing=outgoing_to(phone, "tb:1"), now=morning)
    with adapter_replaced(Channel.SMS, ScriptedAdapter()) as adapter:
        outbox_dispatch(now=morning)
        consent_withdraw(contact=phone, purpose=Purpose.ANNOUNCEMENTS, via=WithdrawnVia.SMS_KEYWORD)
        second = message_enqueue(outgoing=outgoing_to(phone, "tb:2"), now=morning)
        outbox_dispatch(now=morning + dt.timedelta(hours=1))
    assert adapter.sent == [first.pk]
    assert Message.objects.get(pk=second.pk).status == MessageStatus.OPTED_OUT
