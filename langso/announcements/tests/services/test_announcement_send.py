"""Sending an announcement: what it writes, and every refusal with nothing written."""

from __future__ import annotations

import datetime as dt

import pytest

from langso.core.errors import AccessDenied, DomainError, FieldsInvalid
from langso.messaging.models import Channel, Contact, Message, MessageStatus, Priority, Purpose
from langso.registry.models import HouseholdStatus
from langso.registry.testing import RegistryTree, RegistryUsers, make_household

from ...models import Announcement, AnnouncementStatus, Category, Recipient, VillageReach
from ...selectors.audience import Audience
from ...services.compose import announcement_cancel
from ...services.send import (
    announcement_send,
    announcement_send_scheduled,
    announcements_send_due,
)
from ...testing import compose, household_reachable

# 09:00 in Vietnam.
NOW = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC)


def _nothing_written(announcement: Announcement) -> None:
    assert not Recipient.objects.filter(announcement=announcement).exists()
    assert not VillageReach.objects.filter(announcement=announcement).exists()
    assert not Message.objects.filter(
        source__startswith=f"announcement:{announcement.pk}:"
    ).exists()
    announcement.refresh_from_db()
    assert announcement.status == AnnouncementStatus.DRAFT


def test_send_writes_recipients_reach_and_one_message_per_household_on_its_best_channel(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    """Commune A, channels Zalo then SMS: a household with both gets Zalo, one with SMS
    only gets SMS, one without consent and one without contact get nothing and count as
    no channel; a household that moved away and one of commune B are not recipients."""
    both = household_reachable(village=tree.a1, channels=(Channel.ZALO, Channel.SMS))
    sms = household_reachable(village=tree.a1)
    unconsented = household_reachable(village=tree.a2, consent=False)
    bare = make_household(village=tree.a2)
    household_reachable(village=tree.a1, status=HouseholdStatus.MOVED_AWAY)
    household_reachable(village=tree.b1)
    draft = compose(actor=users.officer_a, unit=tree.a, channels=(Channel.SMS, Channel.ZALO))

    sent = announcement_send(actor=users.officer_a, announcement=draft, now=NOW)

    assert sent.status == AnnouncementStatus.SENT
    assert sent.sent_at == NOW
    assert sent.sent_by == users.officer_a
    assert sent.audience_households == 4
    recipients = {r.household_id: (r.channel, r.failed) for r in Recipient.objects.all()}
    assert recipients == {
        both.pk: (Channel.ZALO, False),
        sms.pk: (Channel.SMS, False),
        unconsented.pk: ("", True),
        bare.pk: ("", True),
    }
    reach = {
        r.village_id: (r.households, r.no_channel, r.reached, r.failed, r.commune_id)
        for r in VillageReach.objects.all()
    }
    assert reach == {tree.a1.pk: (2, 0, 0, 0, tree.a.pk), tree.a2.pk: (2, 2, 0, 0, tree.a.pk)}
    messages = {
        m.idempotency_key: (m.channel, m.status, m.purpose, m.unit_id)
        for m in Message.objects.all()
    }
    assert messages == {
        f"announcement:{draft.pk}:household:{both.pk}:zalo": (
            Channel.ZALO,
            MessageStatus.QUEUED,
            Purpose.ANNOUNCEMENTS,
            tree.a1.pk,
        ),
        f"announcement:{draft.pk}:household:{sms.pk}:sms": (
            Channel.SMS,
            MessageStatus.QUEUED,
            Purpose.ANNOUNCEMENTS,
            tree.a1.pk,
        ),
    }
    message = Message.objects.get(channel=Channel.SMS)
    assert message.source == f"announcement:{draft.pk}:household:{sms.pk}"
    assert message.body == "Họp thôn. Mời các hộ dự họp lúc 19 giờ tại nhà văn hóa."
    assert message.address == Contact.objects.get(holder_id=sms.pk).address


def test_a_warning_goes_to_households_without_consent_and_to_registry_phones(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    """A typhoon warning reaches a household that never consented, and a household whose
    head phone the registry holds becomes an SMS contact; a landline is skipped."""
    unconsented = household_reachable(village=tree.a1, consent=False)
    registry_phone = make_household(village=tree.a1, head_phone="+84 912 000 111")
    landline = make_household(village=tree.a1, head_phone="024 3825 1234")
    draft = compose(
        actor=users.officer_a,
        unit=tree.a1,
        category=Category.DISASTER,
        title="Bão số 3",
        body="Bão đổ bộ đêm nay, các hộ chằng chống nhà cửa.",
    )
    assert draft.priority == Priority.WARNING

    announcement_send(actor=users.officer_a, announcement=draft, now=NOW)

    messages = Message.objects.all()
    assert {m.source.rsplit(":", 1)[1] for m in messages} == {
        str(unconsented.pk),
        str(registry_phone.pk),
    }
    assert {m.purpose for m in messages} == {Purpose.WARNINGS}
    assert {m.status for m in messages} == {MessageStatus.QUEUED}
    assert Contact.objects.get(holder_id=registry_phone.pk).address == "+84912000111"
    assert not Contact.objects.filter(holder_id=landline.pk).exists()
    assert Recipient.objects.get(household=landline).failed


def test_audience_from_a_filter_only_writes_those_households(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    """A province audience of households without a smartphone: only those."""
    without = household_reachable(village=tree.b2, adults=2, adults_smartphone=0)
    household_reachable(village=tree.a1, adults=2, adults_smartphone=1)
    draft = compose(
        actor=users.province_officer,
        unit=tree.province,
        audience=Audience(units=(tree.province.pk,), filters=("no_smartphone",)),
    )
    announcement_send(actor=users.province_officer, announcement=draft, now=NOW)
    assert list(Recipient.objects.values_list("household_id", flat=True)) == [without.pk]


def test_an_empty_audience_is_refused_and_nothing_is_written(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    household_reachable(village=tree.a2)
    draft = compose(actor=users.officer_a, unit=tree.a1)
    with pytest.raises(DomainError, match="Không có hộ nào đang ở trong danh sách nhận"):
        announcement_send(actor=users.officer_a, announcement=draft, now=NOW)
    _nothing_written(draft)


def test_a_schedule_in_the_past_is_refused_and_nothing_is_written(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    """Composed for 10:00, sent at 11:00: refused, with the time in dd/mm/yyyy."""
    household_reachable(village=tree.a1)
    draft = compose(
        actor=users.officer_a,
        unit=tree.a1,
        scheduled_for=NOW + dt.timedelta(hours=1),
        now=NOW,
    )
    with pytest.raises(FieldsInvalid) as refused:
        announcement_send(
            actor=users.officer_a, announcement=draft, now=NOW + dt.timedelta(hours=2)
        )
    assert refused.value.errors["scheduled_for"] == (
        "Thời điểm hẹn gửi 07/12/2026 10:00 đã qua: hãy sửa lại giờ gửi."
    )
    _nothing_written(draft)


def test_a_text_too_long_for_sms_is_refused_saying_the_channel_and_by_how_much(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    """600 characters with diacritics are UCS-2: eight segments hold 536."""
    household_reachable(village=tree.a1)
    body = "ă" * (600 - len("Họp thôn. "))
    draft = compose(actor=users.officer_a, unit=tree.a1, body=body)
    with pytest.raises(DomainError) as refused:
        announcement_send(actor=users.officer_a, announcement=draft, now=NOW)
    assert refused.value.message == (
        "Tin SMS dài 600 ký tự, quá 64 ký tự so với giới hạn 536 ký tự (8 tin nhắn); "
        "hãy rút gọn hoặc chọn gửi không dấu."
    )
    _nothing_written(draft)


def test_the_same_text_without_diacritics_fits_and_is_sent(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    """The diacritic-free version of those 600 characters is GSM (1,224 fit)."""
    household_reachable(village=tree.a1)
    body = "ă" * (600 - len("Họp thôn. "))
    draft = compose(actor=users.officer_a, unit=tree.a1, body=body, sms_without_diacritics=True)
    announcement_send(actor=users.officer_a, announcement=draft, now=NOW)
    assert Message.objects.get().body == "Hop thon. " + "a" * 590


def test_a_second_send_is_refused_and_writes_nothing(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    household_reachable(village=tree.a1)
    draft = compose(actor=users.officer_a, unit=tree.a1)
    announcement_send(actor=users.officer_a, announcement=draft, now=NOW)
    with pytest.raises(DomainError, match="đã được gửi lúc 07/12/2026 09:00"):
        announcement_send(actor=users.officer_a, announcement=draft, now=NOW)
    assert Recipient.objects.count() == 1
    assert Message.objects.count() == 1


def test_an_officer_of_another_commune_may_not_send(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    household_reachable(village=tree.a1)
    draft = compose(actor=users.officer_a, unit=tree.a1)
    with pytest.raises(AccessDenied):
        announcement_send(actor=users.officer_b, announcement=draft, now=NOW)
    _nothing_written(draft)


def test_a_scheduled_announcement_waits_for_its_time_and_a_cancelled_one_never_goes(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    household_reachable(village=tree.a1)
    later = NOW + dt.timedelta(hours=3)
    draft = compose(actor=users.officer_a, unit=tree.a1, scheduled_for=later, now=NOW)
    other = compose(actor=users.officer_a, unit=tree.a1, scheduled_for=later, now=NOW)
    assert announcement_send(actor=users.officer_a, announcement=draft, now=NOW).status == (
        AnnouncementStatus.SCHEDULED
    )
    announcement_send(actor=users.officer_a, announcement=other, now=NOW)
    announcement_cancel(actor=users.officer_a, announcement=other)
    assert not Recipient.objects.exists()
    assert announcement_send_scheduled(announcement_id=draft.pk, now=NOW) is None

    assert announcements_send_due(now=later) == 1

    draft.refresh_from_db()
    other.refresh_from_db()
    assert draft.status == AnnouncementStatus.SENT
    assert other.status == AnnouncementStatus.CANCELLED
    assert list(Recipient.objects.values_list("announcement_id", flat=True)) == [draft.pk]
