"""`manage.py load_demo_announcements`: the demo commune's first village gets contacts
with consent, a self-management group, a sent announcement whose reach table and
unreached list have something to show, and a draft; rerunning changes nothing."""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from langso.accounts.roles import Permission
from langso.accounts.selectors import scope_unit, user_get_by_username
from langso.messaging.models import Channel, Consent, Contact, Message, MessageStatus
from langso.places.models import AdminUnit
from langso.registry.models import Household
from langso.registry.testing import RegistryTree, make_household

from ...models import Announcement, AnnouncementStatus, HouseholdGroup, Recipient, VillageReach
from ...selectors.announcements import villages_of

pytestmark = pytest.mark.django_db


def test_refuses_without_debug_unless_forced(tree: RegistryTree) -> None:
    """Made-up phone numbers never land on a real server by accident."""
    call_command("load_demo", force=True, stdout=StringIO())
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo_announcements", stdout=StringIO())
    assert not Announcement.objects.exists()


def test_without_demo_accounts_it_says_to_load_them(tree: RegistryTree) -> None:
    with pytest.raises(CommandError, match="load_demo"):
        call_command("load_demo_announcements", force=True, stdout=StringIO())


def _demo_villages() -> list[AdminUnit]:
    officer = user_get_by_username(username="demo.xa")
    assert officer is not None
    return villages_of(unit=scope_unit(user=officer, permission=Permission.VIEW_SCOPED))


def test_a_commune_without_households_is_refused_with_what_to_run(tree: RegistryTree) -> None:
    call_command("load_demo", force=True, stdout=StringIO())
    with pytest.raises(CommandError, match="synth"):
        call_command("load_demo_announcements", force=True, stdout=StringIO())


def _messages(announcement: Announcement) -> Counter[tuple[str, str]]:
    """The announcement's messages, counted by channel and status."""
    return Counter(
        Message.objects.filter(source__startswith=f"announcement:{announcement.pk}:").values_list(
            "channel", "status"
        )
    )


def _state() -> dict[str, object]:
    return {
        "announcements": sorted(Announcement.objects.values_list("title", "status")),
        "recipients": sorted(Recipient.objects.values_list("household_id", "channel")),
        "reach": list(VillageReach.objects.values_list("households", "reached", "no_channel")),
        "contacts": sorted(Contact.objects.values_list("channel", "address")),
        "consents": Consent.objects.filter(withdrawn_at__isnull=True).count(),
        "messages": sorted(Message.objects.values_list("channel", "status")),
        "groups": [(g.name, g.households.count()) for g in HouseholdGroup.objects.all()],
        "phones": sorted(Household.objects.values_list("pk", "head_phone")),
    }


def test_the_demo_village_gets_contacts_a_group_a_sent_announcement_and_a_draft(
    tree: RegistryTree,
) -> None:
    """Eleven households: every fifth has no channel, two in five a phone with consent,
    one in five an e-mail, one in five the in-app feed. The sent announcement reaches
    the in-app households at once and one household in person; its SMS and e-mails wait
    for the worker. demo.xa opens its reach table and unreached list. A second run
    leaves everything as the first did."""
    call_command("load_demo", force=True, stdout=StringIO())
    village, other = _demo_villages()[:2]
    households = [make_household(village=village) for _ in range(11)]
    outside = make_household(village=other)

    call_command("load_demo_announcements", force=True, stdout=StringIO())

    expected = ["", Channel.SMS, Channel.SMS, Channel.EMAIL, Channel.INAPP] * 2 + [""]
    sent = Announcement.objects.get(status=AnnouncementStatus.SENT)
    assert dict(
        Recipient.objects.filter(announcement=sent).values_list("household_id", "channel")
    ) == {h.pk: channel for h, channel in zip(households, expected, strict=True)}
    assert list(VillageReach.objects.values_list("households", "reached", "no_channel")) == [
        (11, 3, 3)
    ]
    assert _messages(sent) == {
        (Channel.INAPP, MessageStatus.DELIVERED): 2,
        (Channel.SMS, MessageStatus.QUEUED): 4,
        (Channel.EMAIL, MessageStatus.QUEUED): 2,
    }
    assert Household.objects.get(pk=households[1].pk).head_phone == "0900000001"
    assert Household.objects.get(pk=outside.pk).head_phone == ""
    assert Announcement.objects.get(status=AnnouncementStatus.DRAFT).unit == village
    group = HouseholdGroup.objects.get(village=village)
    assert group.households.count() == 10

    client = Client()
    assert client.login(username="demo.xa", password="LangSo-demo-Xa-2026")
    assert client.get(reverse("announcements:reach", args=[sent.pk])).status_code == 200
    listed = client.get(reverse("announcements:unreached", args=[sent.pk]), {"thon": village.code})
    assert {u.recipient.household_id for u in listed.context["households"]} == {
        households[5].pk,
        households[10].pk,
    }

    first = _state()
    call_command("load_demo_announcements", force=True, stdout=StringIO())
    assert _state() == first
