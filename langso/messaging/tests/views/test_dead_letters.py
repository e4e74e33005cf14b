"""The dead letters page (/tin-nhan/loi/): the officer's scope only, by the message's
unit; the recipient masked; channel and error in Vietnamese; "Gửi lại" queues the
message again (POST), refused outside the scope as a missing one; the same queries for
one dead letter or many."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from pytest_django import DjangoAssertNumQueries

from langso.accounts.roles import Role
from langso.accounts.testing import client_for
from langso.accounts.tests.factories import make_role_holder
from langso.messaging.channels.base import PermanentFailure
from langso.messaging.models import Channel, Message, MessageStatus
from langso.messaging.services.outbox import VIETNAM, message_enqueue, outbox_dispatch
from langso.messaging.testing import ScriptedAdapter, adapter_replaced, make_contact, outgoing_to
from langso.places.models import AdminUnit
from langso.places.testing import CommunePair, make_province

LIST = reverse("messaging:dead-letters")
MORNING = dt.datetime(2026, 3, 2, 10, 0, tzinfo=VIETNAM)


def _dead(unit: AdminUnit, key: str, address: str = "0912345678") -> Message:
    contact = make_contact(unit=unit, address=address)
    message = message_enqueue(outgoing=outgoing_to(contact, key), now=MORNING)
    with adapter_replaced(
        Channel.SMS, ScriptedAdapter([PermanentFailure("Nhà mạng từ chối số máy này.")])
    ):
        outbox_dispatch(now=MORNING)
    return message


@pytest.fixture
def letters(units: CommunePair) -> tuple[Message, Message]:
    village_a = units.ninh_binh.villages_of(units.a)[0]
    village_b = units.ninh_binh.villages_of(units.b)[0]
    return _dead(village_a, "tb:a", "0912345678"), _dead(village_b, "tb:b", "0987654321")


def test_the_communes_officer_reads_the_communes_dead_letters(
    units: CommunePair, letters: tuple[Message, Message]
) -> None:
    officer = make_role_holder(Role.COMMUNE_OFFICER, units.a, "canbo.xa.a")
    page = client_for(officer).get(LIST).content.decode()
    assert "091…678" in page
    assert "0912345678" not in page
    assert "+84912345678" not in page
    assert "098…321" not in page
    assert "Tin nhắn SMS" in page
    assert "Nhà mạng từ chối số máy này." in page
    assert "02/03/2026" in page
    assert reverse("messaging:dead-letter-retry", args=[letters[0].pk]) in page


def test_the_provinces_officer_reads_both_communes(
    units: CommunePair, letters: tuple[Message, Message]
) -> None:
    officer = make_role_holder(Role.PROVINCE_OFFICER, units.province, "canbo.tinh")
    page = client_for(officer).get(LIST).content.decode()
    assert "091…678" in page
    assert "098…321" in page


def test_send_again_queues_it_and_says_so(
    units: CommunePair, letters: tuple[Message, Message]
) -> None:
    officer = make_role_holder(Role.COMMUNE_OFFICER, units.a, "canbo.xa.a")
    client = client_for(officer)
    retry = reverse("messaging:dead-letter-retry", args=[letters[0].pk])
    assert client.get(retry).status_code == 405
    response = client.post(retry, follow=True)
    assert response.redirect_chain == [(LIST, 302)]
    assert "Tin nhắn đã được đưa lại vào hàng đợi gửi." in response.content.decode()
    assert Message.objects.get(pk=letters[0].pk).status == MessageStatus.QUEUED


def test_access_anonymous_other_commune_other_province_and_collectors(
    units: CommunePair, letters: tuple[Message, Message]
) -> None:
    """Anonymous: sent to sign in, for the list and the button. Commune B's officer and
    another province's: the list without A's letter, the button a 404 like a missing
    message's. A digital team member (no contacts to keep): 403."""
    retry = reverse("messaging:dead-letter-retry", args=[letters[0].pk])
    for response in (Client().get(LIST), Client().post(retry)):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    other = make_province(code="38", name="Tỉnh Thanh Hóa")
    for outsider in (
        make_role_holder(Role.COMMUNE_OFFICER, units.b, "canbo.xa.b"),
        make_role_holder(Role.PROVINCE_OFFICER, other, "canbo.thanhhoa"),
    ):
        client = client_for(outsider)
        assert "091…678" not in client.get(LIST).content.decode()
        missing = reverse("messaging:dead-letter-retry", args=[10**9])
        assert client.post(retry).status_code == client.post(missing).status_code == 404
    collector = make_role_holder(Role.DIGITAL_TEAM_MEMBER, units.a, "tocongnghe.a")
    assert client_for(collector).get(LIST).status_code == 403
    assert Message.objects.get(pk=letters[0].pk).status == MessageStatus.DEAD


def test_the_list_costs_the_same_queries_with_many(
    units: CommunePair, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    villages = units.ninh_binh.villages_of(units.a)
    _dead(villages[0], "tb:0")
    client = client_for(make_role_holder(Role.COMMUNE_OFFICER, units.a, "canbo.xa.a"))
    client.get(LIST)
    with CaptureQueriesContext(connection) as one:
        client.get(LIST)
    for n in range(1, 8):
        _dead(villages[n % 2], f"tb:{n}", f"09123456{n:02d}")
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(LIST).content.decode()
    assert page.count(">Gửi lại</button>") == 8


def test_the_page_in_english(units: CommunePair, letters: tuple[Message, Message]) -> None:
    """Chosen English, the page, its channel and its button are English."""
    client = client_for(make_role_holder(Role.COMMUNE_OFFICER, units.a, "canbo.xa.a"))
    try:
        client.post(reverse("set_language"), {"language": "en", "next": LIST})
        page = client.get(LIST).content.decode()
    finally:
        translation.activate(settings.LANGUAGE_CODE)
    assert "<h1>Messages that could not be sent</h1>" in page
    assert ">Send again</button>" in page
    assert "<td>SMS</td>" in page
