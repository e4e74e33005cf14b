"""Tracked links (/m/…): opening one records its message read, once, and goes on to
the page of this site it names; a link not made here, or to another site, leads
nowhere (no open redirect)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client

from langso.messaging.links import message_link
from langso.messaging.models import Channel, Message, MessageStatus, Receipt, ReceiptEvent
from langso.messaging.services.outbox import VIETNAM, message_enqueue, outbox_dispatch
from langso.messaging.testing import make_contact, outgoing_to
from langso.places.models import AdminUnit

MORNING = dt.datetime(2026, 3, 2, 10, 0, tzinfo=VIETNAM)


@pytest.fixture
def delivered(village: AdminUnit) -> Message:
    contact = make_contact(unit=village, channel=Channel.INAPP, address="household:7")
    message = message_enqueue(outgoing=outgoing_to(contact, "tb:1:inapp"), now=MORNING)
    outbox_dispatch(now=MORNING)
    message.refresh_from_db()
    return message


def _path(link: str) -> str:
    return link.removeprefix(str(settings.SITE_URL))


def test_opening_the_link_records_read_once_and_goes_on(delivered: Message) -> None:
    link = message_link(delivered, "/thong-bao/12/?kenh=sms")
    assert link.startswith(f"{settings.SITE_URL}/m/")
    # Short enough for an SMS beside its text.
    assert len(_path(link)) <= 50
    first = Client().get(_path(link))
    again = Client().get(_path(link))
    assert first.status_code == again.status_code == 302
    assert first["Location"] == "/thong-bao/12/?kenh=sms"
    delivered.refresh_from_db()
    assert delivered.status == MessageStatus.READ
    assert delivered.read_at is not None
    assert Receipt.objects.filter(event=ReceiptEvent.READ).count() == 1


def test_an_absolute_address_of_this_site_and_its_home(delivered: Message) -> None:
    home = Client().get(_path(message_link(delivered, f"{settings.SITE_URL}/")))
    assert home["Location"] == "/"
    page = Client().get(_path(message_link(delivered, f"{settings.SITE_URL}/ke-hoach/")))
    assert page["Location"] == "/ke-hoach/"


@pytest.mark.parametrize(
    "url", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "thong-bao/1/"]
)
def test_a_link_to_another_site_is_refused(delivered: Message, url: str) -> None:
    with pytest.raises(ValueError, match="not a page of this site"):
        message_link(delivered, url)


def test_a_changed_link_leads_nowhere(delivered: Message) -> None:
    """Another page, another message or another signature than signed: 404, nothing
    recorded."""
    path = _path(message_link(delivered, "/thong-bao/12/"))
    token = path.split("/")[2]
    number, signature = token.split("-")
    tampered = [
        path.replace("/thong-bao/12/", "/thong-bao/13/"),
        path.replace(f"/{number}-", "/zz-"),
        path.replace(signature, "0" * len(signature)),
        f"/m/{token}//evil.example/",
        "/m/abc/",
    ]
    for url in tampered:
        assert Client().get(url).status_code == 404, url
    assert not Receipt.objects.filter(event=ReceiptEvent.READ).exists()
