"""Signing in and out."""

from __future__ import annotations

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
