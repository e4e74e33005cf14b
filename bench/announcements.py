"""Announcements (issue 18): a province-wide typhoon warning, goal ≤ 60 s from the
audience resolved to the outbox written for 1,000,000 households on PostGIS.

Data: synthetic households of Ninh Bình (37), BENCH_ANNOUNCEMENT_HOUSEHOLDS of them
(default 1,000,000 on PostGIS, 50,000 on SpatiaLite). Seven in ten have a head phone:
one in twenty of those a landline (no SMS contact), the others become SMS contacts —
timed apart, as a province's first announcement would (`household_contacts_sync`);
one household in ten also has an e-mail contact and one in five a Zalo one, half of
them consenting. The warning goes on Zalo, SMS and e-mail, consent or not; timed: the
preview (aggregates), then `announcement_send` — recipients, reach per village and one
queued message per household that has a contact, in one transaction."""

from __future__ import annotations

import os

from django.db import connection, transaction
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Concat, LPad, Mod

from langso.accounts.roles import Role
from langso.accounts.tests.factories import make_role_holder
from langso.announcements.models import Category, Recipient, VillageReach
from langso.announcements.selectors.audience import HOLDER_KIND, Audience
from langso.announcements.selectors.preview import announcement_preview
from langso.announcements.services.compose import announcement_compose
from langso.announcements.services.consent import household_contacts_sync
from langso.announcements.services.send import announcement_send
from langso.messaging.models import Channel, Consent, ConsentSource, Contact, Message, Purpose
from langso.registry.models import Household

from .common import province_with_households, stopwatch

POSTGIS = connection.vendor == "postgresql"
HOUSEHOLDS = int(os.environ.get("BENCH_ANNOUNCEMENT_HOUSEHOLDS", 1_000_000 if POSTGIS else 50_000))
PROVINCE = "37"
BATCH = 20_000


def _phones(province_id: int) -> None:
    """Head phones: 09 + the id on eight digits (ids stay below 10⁸ here) for 7 in 10,
    a landline for 1 in 20."""
    households = Household.objects.filter(province_id=province_id).annotate(
        tenth=Mod(F("id"), 10), twentieth=Mod(F("id"), 20)
    )
    households.filter(tenth__lt=7).update(
        head_phone=Concat(
            Value("09"),
            LPad(Cast(F("id"), CharField()), 8, Value("0")),
            output_field=CharField(),
        )
    )
    households.filter(tenth__lt=7, twentieth=13).update(head_phone="0241234567")


def _other_contacts(province_id: int) -> None:
    """E-mail for one household in ten, Zalo for one in five; half of each consenting."""
    rows = Household.objects.filter(province_id=province_id).values_list("pk", "village_id")
    # (channel, one household in how many, which one, its address)
    kinds = ((Channel.EMAIL, 10, 9, "ho{}@langso.test"), (Channel.ZALO, 5, 3, "zalo-{}"))
    batch: list[Contact] = []
    for pk, village_id in rows.iterator(chunk_size=BATCH):
        batch += [
            Contact(
                channel=channel,
                address=address.format(pk),
                holder_kind=HOLDER_KIND,
                holder_id=pk,
                unit_id=village_id,
            )
            for channel, every, which, address in kinds
            if pk % every == which
        ]
        if len(batch) >= BATCH:
            Contact.objects.bulk_create(batch)
            batch = []
    Contact.objects.bulk_create(batch)
    consenting = Contact.objects.filter(holder_kind=HOLDER_KIND).values_list("pk", flat=True)
    consents: list[Consent] = []
    for pk in consenting.iterator(chunk_size=BATCH):
        if pk % 2 == 0:
            consents.append(
                Consent(contact_id=pk, purpose=Purpose.ANNOUNCEMENTS, source=ConsentSource.SURVEY)
            )
        if len(consents) >= BATCH:
            Consent.objects.bulk_create(consents)
            consents = []
    Consent.objects.bulk_create(consents)


def _analyze() -> None:
    if POSTGIS:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def run() -> None:
    print(f"Announcements on {connection.vendor}: a province-wide warning (goal ≤ 60 s at 1 M)")
    province = province_with_households(PROVINCE, HOUSEHOLDS)
    households = Household.objects.filter(province=province)
    total = households.count()
    _phones(province.pk)
    with stopwatch() as synced:
        written, refused = household_contacts_sync(households=households)
    print(
        f"  head phones → SMS contacts, first time: {written:,} written, {refused:,} refused "
        f"(landlines) in {synced[0]:.1f} s ({written / synced[0]:,.0f} rows/s)"
    )
    _other_contacts(province.pk)
    _analyze()
    officer = make_role_holder(Role.PROVINCE_OFFICER, province, "bench.thongbao")
    warning = announcement_compose(
        actor=officer,
        unit=province,
        audience=Audience(units=(province.pk,)),
        title="Cảnh báo bão số 3",
        body="Bão số 3 đổ bộ đêm nay. Các hộ chằng chống nhà cửa, tàu thuyền về nơi trú ẩn.",
        category=Category.DISASTER,
        channels=(Channel.ZALO, Channel.SMS, Channel.EMAIL),
    )
    with stopwatch() as previewed:
        preview = announcement_preview(announcement=warning)
    print(
        f"  preview of {preview.households:,} households: {previewed[0]:.2f} s "
        f"({', '.join(f'{c} {n:,}' for c, n in preview.by_channel.items())}, "
        f"no channel {preview.no_channel:,}, invalid phones {preview.invalid_phones:,})"
    )
    # The send in an outer transaction, to tell its work from its commit, where
    # PostgreSQL runs the deferred foreign-key checks of every row written.
    with stopwatch() as sent, transaction.atomic(), stopwatch() as worked:
        announcement_send(actor=officer, announcement=warning)
    recipients = Recipient.objects.filter(announcement=warning).count()
    messages = Message.objects.filter(source__startswith=f"announcement:{warning.pk}:").count()
    villages = VillageReach.objects.filter(announcement=warning).count()
    rows = recipients + messages + villages
    print(
        f"  send to {total:,} households: {sent[0]:.1f} s — {recipients:,} recipients, "
        f"{messages:,} messages, {villages:,} villages; {rows / sent[0]:,.0f} rows/s, "
        f"{recipients / sent[0]:,.0f} households/s   (goal ≤ 60 s at 1,000,000)"
    )
    print(f"    of which the commit (deferred foreign-key checks): {sent[0] - worked[0]:.1f} s")
