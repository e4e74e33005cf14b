"""E-mail through a real SMTP server: one connection for a dispatch's e-mails, the
idempotency key as Message-ID, an unsubscribe footer and List-Unsubscribe that
withdraw the contact's consent without signing in; a refused recipient is a dead
letter at once, a server that cannot be reached a retry."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.test import Client
from pytest_django import Settings

from langso.core.testing import Inbox, free_port
from langso.messaging.channels.email import message_id
from langso.messaging.models import (
    Channel,
    Consent,
    Message,
    MessageStatus,
    Priority,
    Purpose,
    WithdrawnVia,
)
from langso.messaging.services.outbox import (
    STALE_SENDING,
    VIETNAM,
    message_enqueue,
    outbox_dispatch,
)
from langso.messaging.testing import make_contact, outgoing_to
from langso.places.models import AdminUnit

MORNING = dt.datetime(2026, 3, 2, 10, 0, tzinfo=VIETNAM)


def _mail(village: AdminUnit, key: str, address: str = "lan@langso.test", **fields: str) -> Message:
    contact = make_contact(unit=village, channel=Channel.EMAIL, address=address)
    return message_enqueue(
        outgoing=outgoing_to(contact, key, subject="Họp thôn", **fields), now=MORNING
    )


def test_a_dispatchs_emails_share_one_connection(village: AdminUnit, smtp_inbox: Inbox) -> None:
    for n in range(3):
        _mail(village, f"tb:1:ho:{n}:email", address=f"ho{n}@langso.test")
    assert outbox_dispatch(now=MORNING).sent == 3
    assert smtp_inbox.connections == 1
    assert sorted(r for recipients, _m in smtp_inbox.messages for r in recipients) == [
        "ho0@langso.test",
        "ho1@langso.test",
        "ho2@langso.test",
    ]
    assert set(Message.objects.values_list("status", flat=True)) == {MessageStatus.ACCEPTED}


def test_the_email_names_itself_by_the_key_and_offers_to_unsubscribe(
    village: AdminUnit, smtp_inbox: Inbox
) -> None:
    """The Message-ID is made of the idempotency key (the same on a retry); the body
    ends with the unsubscribe link, also in List-Unsubscribe with one-click POST."""
    message = _mail(village, "announcement:12:household:345:email")
    outbox_dispatch(now=MORNING)
    (_recipients, email), *_ = smtp_inbox.messages
    assert email["Message-ID"] == message_id(message)
    assert email["Message-ID"].startswith("<announcement%3A12%3Ahousehold%3A345%3Aemail@")
    assert Message.objects.get().provider_ref == email["Message-ID"]
    assert str(email["Subject"]) == "Họp thôn"
    body = email.get_content()
    assert body.startswith("Họp thôn lúc 19:00")
    assert "đã đồng ý nhận “Thông báo của xã, thôn”" in body
    link = str(email["List-Unsubscribe"]).strip().strip("<>")
    assert link in body
    assert link.startswith(f"{settings.SITE_URL}/tin-nhan/huy-nhan/")
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_link_withdraws_that_purpose_on_that_contact(
    village: AdminUnit, smtp_inbox: Inbox
) -> None:
    """Opened, the link asks to confirm (a mail scanner's GET withdraws nothing); the
    mail client's one-click POST, without signing in or a CSRF token, withdraws the
    consent for announcements by e-mail link; the next announcement is opted out."""
    message = _mail(village, "tb:1")
    outbox_dispatch(now=MORNING)
    link = str(smtp_inbox.messages[0][1]["List-Unsubscribe"]).strip().strip("<>")
    path = link.removeprefix(str(settings.SITE_URL))
    client = Client(enforce_csrf_checks=True)
    page = client.get(path)
    assert page.status_code == 200
    assert "l…@langso.test" in page.content.decode()
    assert Consent.objects.filter(withdrawn_at__isnull=True).count() == 1
    done = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    consent = Consent.objects.get(contact__messages=message)
    assert (consent.purpose, consent.withdrawn_via) == (
        Purpose.ANNOUNCEMENTS,
        WithdrawnVia.EMAIL_LINK,
    )
    assert consent.withdrawn_at is not None
    contact = consent.contact
    next_one = message_enqueue(outgoing=outgoing_to(contact, "tb:2"), now=MORNING)
    assert next_one.status == MessageStatus.OPTED_OUT


def test_a_forged_unsubscribe_link_is_not_found(village: AdminUnit) -> None:
    assert (
        Client().get("/tin-nhan/huy-nhan/eyJjIjoxLCJwIjoiYW5ub3VuY2VtZW50cyJ9:abc/").status_code
        == 404
    )


def test_a_warning_carries_no_unsubscribe(village: AdminUnit, smtp_inbox: Inbox) -> None:
    _mail(village, "canh-bao:1", purpose=Purpose.WARNINGS, priority=Priority.WARNING)
    outbox_dispatch(now=MORNING)
    email = smtp_inbox.messages[0][1]
    assert email["List-Unsubscribe"] is None
    assert "/tin-nhan/huy-nhan/" not in email.get_content()


def test_a_refused_recipient_is_dead_the_others_sent(village: AdminUnit, smtp_inbox: Inbox) -> None:
    """The server has no mailbox for one address (550): that message is a dead letter
    with the server's reply, at the first attempt; the next e-mail goes on the same
    connection."""
    smtp_inbox.refused.add("khong-co@langso.test")
    refused = _mail(village, "tb:1", address="khong-co@langso.test")
    _mail(village, "tb:2", address="lan@langso.test")
    done = outbox_dispatch(now=MORNING)
    assert (done.dead, done.sent) == (1, 1)
    refused.refresh_from_db()
    assert refused.status == MessageStatus.DEAD
    assert refused.last_error.startswith("Máy chủ thư từ chối người nhận (550")
    assert smtp_inbox.connections == 1


def test_a_server_that_cannot_be_reached_is_a_retry(village: AdminUnit, settings: Settings) -> None:
    """Nothing listens on the port: each e-mail of the dispatch waits for a retry (the
    server is tried once for them all)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    _mail(village, "tb:1")
    _mail(village, "tb:2", address="lan2@langso.test")
    done = outbox_dispatch(now=MORNING)
    assert done.retried == 2
    message = Message.objects.get(idempotency_key="tb:1")
    assert message.status == MessageStatus.QUEUED
    assert message.last_error.startswith("Không kết nối được máy chủ thư")
    assert Consent.objects.filter(withdrawn_at__isnull=True).count() == 2


def test_sent_again_after_a_crash_it_is_the_same_email(
    village: AdminUnit, smtp_inbox: Inbox
) -> None:
    """The server took the e-mail, then the worker died before recording it: claimed
    again, the e-mail goes out with the same Message-ID, which tells the reader's
    server (and anyone reading the logs) that it is the same one."""
    message = _mail(village, "tb:1")
    outbox_dispatch(now=MORNING)
    Message.objects.filter(pk=message.pk).update(
        status=MessageStatus.SENDING, next_attempt_at=MORNING
    )
    assert outbox_dispatch(now=MORNING + STALE_SENDING).sent == 1
    first, second = (email["Message-ID"] for _recipients, email in smtp_inbox.messages)
    assert first == second == message_id(message)
