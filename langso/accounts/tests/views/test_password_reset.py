"""Password reset by e-mail, through a real SMTP server on the loopback interface."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from langso.accounts.models import User
from langso.accounts.roles import Role
from langso.accounts.services import user_create
from langso.core.testing import Inbox

from ..conftest import Holders, Units


def test_reset_link_arrives_by_smtp_and_sets_a_new_password(
    client: Client, holders: Holders, smtp_inbox: Inbox
) -> None:
    """Asking for a reset sends a Vietnamese e-mail with a one-time link; following it
    lets the officer choose a new password and sign in with it, and the link is then
    spent."""
    officer = holders.commune_officer
    response = client.post(reverse("accounts:password_reset"), {"email": officer.email})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")

    assert len(smtp_inbox.messages) == 1
    recipients, message = smtp_inbox.messages[0]
    assert recipients == [officer.email]
    assert "Đặt lại mật khẩu" in str(message["Subject"])
    body = message.get_content()
    assert officer.username in body
    match = re.search(r"http://testserver(/tai-khoan/dat-lai-mat-khau/\S+/)", body)
    assert match is not None, body
    link = match.group(1)

    # Django swaps the token for a session marker and redirects to the form.
    response = client.get(link)
    assert response.status_code == 302
    form_url = response["Location"]
    response = client.get(form_url)
    assert response.status_code == 200
    assert response.context["validlink"]
    response = client.post(
        form_url,
        {"new_password1": "Thon-Moi-Mat-Khau-2026", "new_password2": "Thon-Moi-Mat-Khau-2026"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_complete")

    assert User.objects.get(pk=officer.pk).check_password("Thon-Moi-Mat-Khau-2026")
    assert client.login(username=officer.username, password="Thon-Moi-Mat-Khau-2026")
    client.logout()
    spent = client.get(link, follow=True)
    assert not spent.context["validlink"]


def test_unknown_address_sends_nothing_and_says_the_same(
    client: Client, holders: Holders, smtp_inbox: Inbox
) -> None:
    """An address of no account gets the same answer and no e-mail, so that the form
    does not reveal which addresses have accounts."""
    response = client.post(reverse("accounts:password_reset"), {"email": "ai.do@langso.test"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert smtp_inbox.messages == []


def test_account_created_without_password_sets_its_first_one_by_reset(
    client: Client, units: Units, holders: Holders, smtp_inbox: Inbox
) -> None:
    """An officer creates an account with no password; its owner asks for a reset, gets
    the link, and chooses their first password."""
    newcomer = user_create(
        actor=holders.commune_officer,
        username="tocongnghe.moi",
        full_name="Lê Thị Hoa",
        email="Hoa@LangSo.test",
        role=Role.DIGITAL_TEAM_MEMBER,
        unit=units.a1,
    )
    assert not newcomer.has_usable_password()
    client.post(reverse("accounts:password_reset"), {"email": "hoa@langso.test"})
    assert len(smtp_inbox.messages) == 1
    match = re.search(r"http://testserver(/\S+/)", smtp_inbox.messages[0][1].get_content())
    assert match is not None
    form_url = client.get(match.group(1))["Location"]
    client.post(form_url, {"new_password1": "Hoa-Thon-1-2026", "new_password2": "Hoa-Thon-1-2026"})
    assert User.objects.get(pk=newcomer.pk).check_password("Hoa-Thon-1-2026")


def test_locked_account_gets_no_reset_email(
    client: Client, holders: Holders, smtp_inbox: Inbox
) -> None:
    """A deactivated account cannot be reopened by password reset."""
    officer = holders.commune_officer
    officer.is_active = False
    officer.save()
    client.post(reverse("accounts:password_reset"), {"email": officer.email})
    assert smtp_inbox.messages == []


def test_reset_requests_for_one_address_are_limited(
    client: Client, holders: Holders, smtp_inbox: Inbox
) -> None:
    """Five requests for one address send five e-mails; the sixth is refused on the form
    with the time to retry, and sends nothing."""
    officer = holders.commune_officer
    for _request in range(5):
        response = client.post(reverse("accounts:password_reset"), {"email": officer.email})
        assert response.status_code == 302
    refused = client.post(reverse("accounts:password_reset"), {"email": officer.email.upper()})
    assert refused.status_code == 200
    assert "Thử lại sau 60 phút" in refused.content.decode()
    assert len(smtp_inbox.messages) == 5


def test_reset_requests_from_one_address_are_limited(client: Client, db: None) -> None:
    """Twenty requests from one client, for any addresses, lock that client out of the
    form; another client may still ask."""
    url = reverse("accounts:password_reset")
    for n in range(20):
        client.post(url, {"email": f"ai.{n}@langso.test"})
    refused = client.post(url, {"email": "ai.moi@langso.test"})
    assert "Thử lại sau 60 phút" in refused.content.decode()
    other = Client(REMOTE_ADDR="198.51.100.2").post(url, {"email": "ai.moi@langso.test"})
    assert other.status_code == 302
