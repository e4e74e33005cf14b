"""Two-factor sign-in: central and province administrators enrol an authenticator app
from a QR code, and from then on give its code after the password, on the login page
and the admin login alike."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django import Settings

from langso.accounts.models import User
from langso.core.models import AuditEntry

from ..conftest import Holders
from ..factories import PASSWORD

TWO_FACTOR = reverse("accounts:two-factor")
LOGIN = reverse("accounts:login")
CODE = reverse("accounts:login-code")


def code_for(user: User, *, steps_ahead: int = 0) -> str:
    """The code the user's app shows now (or that many 30-second steps later: a code is
    accepted once, so a second sign-in in the same step needs the next one)."""
    device = TOTPDevice.objects.get(user=user)
    value = totp(device.bin_key, step=device.step, t0=device.t0 - steps_ahead * device.step)
    return f"{value:06d}"


def enrol(user: User) -> None:
    client = Client()
    client.force_login(user)
    client.get(TWO_FACTOR)
    response = client.post(TWO_FACTOR, {"code": code_for(user)})
    assert response.status_code == 302, response.context["form"].errors


def sign_in(client: Client, username: str, **extra: Any) -> Any:
    return client.post(LOGIN, {"username": username, "password": PASSWORD, **extra})


@pytest.mark.parametrize("holder", ["province_officer", "central_admin"])
def test_an_administrator_enrols_from_a_qr_code(
    client: Client, holders: Holders, holder: str
) -> None:
    """The page shows a QR code and the secret for the app; a code from the app turns
    two-factor sign-in on, and the audit trail records it."""
    user = holders.of(holder)
    client.force_login(user)
    page = client.get(TWO_FACTOR)
    body = page.content.decode()
    assert page.status_code == 200
    assert "data:image/png;base64," in body
    assert page["Cache-Control"].startswith("max-age=0")
    secret = re.search(r"<code>([A-Z2-7 ]+)</code>", body)
    assert secret is not None
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    assert client.get(TWO_FACTOR).status_code == 200
    assert TOTPDevice.objects.filter(user=user).count() == 1  # the same device is shown

    response = client.post(TWO_FACTOR, {"code": code_for(user)}, follow=True)
    assert "Đã bật xác thực hai bước" in response.content.decode()
    assert TOTPDevice.objects.get(user=user).confirmed
    assert AuditEntry.objects.filter(object_id=str(device.pk)).exists()


def test_a_wrong_code_does_not_enrol(client: Client, holders: Holders) -> None:
    """A code that is not the app's is refused on the form, and nothing is turned on."""
    user = holders.province_officer
    client.force_login(user)
    client.get(TWO_FACTOR)
    wrong = f"{(int(code_for(user)) + 1) % 1_000_000:06d}"
    response = client.post(TWO_FACTOR, {"code": wrong})
    assert response.status_code == 200
    assert "không đúng" in response.context["form"].errors["code"][0]
    assert not TOTPDevice.objects.get(user=user).confirmed


def test_the_role_page_links_to_two_factor_for_those_offered_it(
    client: Client, holders: Holders
) -> None:
    """A province officer finds the page from "Phân quyền"; a commune officer does not."""
    client.force_login(holders.province_officer)
    assert TWO_FACTOR in client.get(reverse("accounts:role-list")).content.decode()
    client.force_login(holders.commune_officer)
    assert TWO_FACTOR not in client.get(reverse("accounts:role-list")).content.decode()


@pytest.mark.parametrize("holder", ["commune_officer", "village_head", "nobody"])
def test_other_roles_are_not_offered_two_factor(
    client: Client, holders: Holders, holder: str
) -> None:
    """Below the province the page is refused (403) and no device is made."""
    client.force_login(holders.of(holder))
    assert client.get(TWO_FACTOR).status_code == 403
    assert not TOTPDevice.objects.exists()


def test_enrolled_sign_in_needs_the_code_after_the_password(
    client: Client, holders: Holders
) -> None:
    """The right password leads to the code page without signing in; the app's code
    signs in and goes where the officer was going."""
    user = holders.province_officer
    enrol(user)
    target = reverse("accounts:role-list")
    response = client.post(LOGIN, {"username": "canbo.tinh", "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert response["Location"] == CODE
    assert client.get(target).status_code == 302  # not signed in yet
    assert "Mã xác thực" in client.get(CODE).content.decode()

    signed_in = client.post(CODE, {"code": code_for(user, steps_ahead=1)})
    assert signed_in.status_code == 302
    assert signed_in["Location"] == target
    assert client.get(target).context["user"] == user


def test_a_wrong_code_does_not_sign_in(client: Client, holders: Holders) -> None:
    """A wrong code is refused on the code page and the officer stays signed out."""
    user = holders.province_officer
    enrol(user)
    sign_in(client, "canbo.tinh")
    wrong = f"{(int(code_for(user, steps_ahead=1)) + 1) % 1_000_000:06d}"
    response = client.post(CODE, {"code": wrong})
    assert response.status_code == 200
    assert "không đúng" in response.context["form"].errors["code"][0]
    assert not response.wsgi_request.user.is_authenticated


def test_wrong_codes_lock_the_account_like_wrong_passwords(
    client: Client, holders: Holders, settings: Settings
) -> None:
    """Five wrong codes lock the account with the time to retry; the right password
    again does not wipe the count of wrong codes."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp's own delay is tested apart
    user = holders.province_officer
    enrol(user)
    wrong = f"{(int(code_for(user, steps_ahead=1)) + 1) % 1_000_000:06d}"
    sign_in(client, "canbo.tinh")
    for _attempt in range(3):
        client.post(CODE, {"code": wrong})
    assert sign_in(client, "canbo.tinh")["Location"] == CODE
    for _attempt in range(2):
        client.post(CODE, {"code": wrong})
    refused = client.post(CODE, {"code": code_for(user, steps_ahead=1)})
    assert "Thử lại sau 15 phút" in refused.content.decode()
    assert not refused.wsgi_request.user.is_authenticated


def test_the_code_page_without_a_password_goes_back_to_the_login(client: Client, db: None) -> None:
    """Nobody reaches the code step without the password step."""
    response = client.get(CODE)
    assert response.status_code == 302
    assert response["Location"] == LOGIN


def test_accounts_without_two_factor_sign_in_as_before(client: Client, holders: Holders) -> None:
    """A province officer who has not enrolled signs in with the password alone."""
    response = sign_in(client, "canbo.tinh")
    assert response.status_code == 302
    assert response["Location"] != CODE


def test_the_admin_login_asks_enrolled_accounts_for_the_code(holders: Holders) -> None:
    """At the admin login an enrolled staff account is refused without its code and
    signed in with it."""
    user = holders.central_admin
    user.is_staff = user.is_superuser = True
    user.save()
    enrol(user)
    client = Client()
    assert 'name="code"' in client.get("/admin/login/").content.decode()
    without = client.post("/admin/login/", {"username": "trunguong", "password": PASSWORD})
    assert without.status_code == 200
    assert "nhập mã" in without.content.decode()
    assert not without.wsgi_request.user.is_authenticated
    with_code = client.post(
        "/admin/login/",
        {
            "username": "trunguong",
            "password": PASSWORD,
            "code": code_for(user, steps_ahead=1),
            "next": "/admin/",
        },
    )
    assert with_code.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_turning_two_factor_off_needs_a_code(
    client: Client, holders: Holders, settings: Settings
) -> None:
    """An enrolled officer turns it off with a current code; without one, nothing
    changes."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp's own delay is tested apart
    user = holders.province_officer
    enrol(user)
    client.force_login(user)
    assert "đang bật" in client.get(TWO_FACTOR).content.decode()
    refused = client.post(TWO_FACTOR, {"code": "000000" if code_for(user) != "000000" else "1"})
    assert refused.status_code == 200
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    client.post(TWO_FACTOR, {"code": code_for(user, steps_ahead=1)})
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, db: None) -> None:
    answer = client.get(reverse("accounts:two-factor"))
    assert answer.status_code == 302
    assert answer["Location"].startswith(reverse("accounts:login"))
