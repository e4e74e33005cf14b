"""Signing in and out."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ..conftest import Holders
from ..factories import PASSWORD


def test_login_page_is_in_vietnamese(client: Client, db: None) -> None:
    """The page asks for a username and a password, and links to password reset."""
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Đăng nhập" in body
    assert "Tên đăng nhập" in body
    assert reverse("accounts:password_reset") in body


def test_login_with_the_right_password_signs_in(client: Client, holders: Holders) -> None:
    """The officer lands on the page they asked for, signed in."""
    target = reverse("accounts:role-list")
    response = client.post(
        reverse("accounts:login"),
        {"username": "canbo.xa.a", "password": PASSWORD, "next": target},
    )
    assert response.status_code == 302
    assert response["Location"] == target
    assert client.get(target).context["user"] == holders.commune_officer


def test_login_with_a_wrong_password_says_so(client: Client, holders: Holders) -> None:
    """No session; the form says the username or password is wrong."""
    response = client.post(
        reverse("accounts:login"), {"username": "canbo.xa.a", "password": "sai-mat-khau"}
    )
    assert response.status_code == 200
    assert "không đúng" in response.content.decode()
    assert not response.context["user"].is_authenticated


def test_logout_is_a_post(client: Client, holders: Holders) -> None:
    """A GET (a link, an image) cannot sign anyone out; a POST does."""
    client.force_login(holders.commune_officer)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    after = client.get(reverse("accounts:role-list"))
    assert after.status_code == 302
    assert after["Location"].startswith(reverse("accounts:login"))


def _sign_in(client: Client, username: str, password: str) -> Any:
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_five_wrong_passwords_lock_the_account_with_the_time_to_retry(
    client: Client, holders: Holders
) -> None:
    """After five wrong passwords even the right one is refused, and the page says in
    Vietnamese when to try again; another account from the same address still signs in."""
    for _attempt in range(5):
        assert _sign_in(client, "canbo.xa.a", "sai-mat-khau").status_code == 200
    refused = _sign_in(client, "canbo.xa.a", PASSWORD)
    assert refused.status_code == 200
    assert "Thử lại sau 15 phút" in refused.content.decode()
    assert not refused.context["user"].is_authenticated
    assert _sign_in(Client(), "canbo.tinh", PASSWORD).status_code == 302


def test_an_unknown_username_is_locked_like_an_existing_one(client: Client, db: None) -> None:
    """The lock does not tell whether the account exists."""
    for _attempt in range(5):
        _sign_in(client, "khong.co.ai", "sai-mat-khau")
    assert "Thử lại sau 15 phút" in _sign_in(client, "khong.co.ai", "x").content.decode()


def test_a_right_password_forgets_the_accounts_failures(client: Client, holders: Holders) -> None:
    """Four wrong, one right, four wrong again: not locked."""
    for _attempt in range(4):
        _sign_in(client, "canbo.xa.a", "sai-mat-khau")
    assert _sign_in(client, "canbo.xa.a", PASSWORD).status_code == 302
    client.logout()
    for _attempt in range(4):
        _sign_in(client, "canbo.xa.a", "sai-mat-khau")
    assert _sign_in(client, "canbo.xa.a", PASSWORD).status_code == 302


def test_many_failures_from_one_address_lock_the_address(holders: Holders) -> None:
    """Thirty wrong passwords over many usernames from one address lock that address,
    for any account; another address is not affected."""
    client = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(30):
        _sign_in(client, f"doan.{n}", "sai-mat-khau")
    refused = _sign_in(client, "canbo.tinh", PASSWORD)
    assert "Thử lại sau 15 phút" in refused.content.decode()
    assert _sign_in(Client(REMOTE_ADDR="203.0.113.8"), "canbo.tinh", PASSWORD).status_code == 302


def test_the_lock_ends_after_fifteen_minutes(
    client: Client, holders: Holders, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once the time said has passed, the right password signs in again."""
    for _attempt in range(5):
        _sign_in(client, "canbo.xa.a", "sai-mat-khau")
    later = time.time() + 15 * 60 + 1
    monkeypatch.setattr(time, "time", lambda: later)
    assert _sign_in(client, "canbo.xa.a", PASSWORD).status_code == 302


def test_admin_login_is_throttled_with_the_same_counts(client: Client, holders: Holders) -> None:
    """Wrong passwords at the admin login count with the login page's: the admin login
    refuses with the time to retry, and so does the login page."""
    user = holders.central_admin
    user.is_staff = user.is_superuser = True
    user.save()
    for _attempt in range(5):
        client.post("/admin/login/", {"username": "trunguong", "password": "sai-mat-khau"})
    refused = client.post("/admin/login/", {"username": "trunguong", "password": PASSWORD})
    assert "Thử lại sau 15 phút" in refused.content.decode()
    assert not refused.wsgi_request.user.is_authenticated
    assert "Thử lại sau 15 phút" in _sign_in(client, "trunguong", PASSWORD).content.decode()
