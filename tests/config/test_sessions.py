"""Sessions end after eight hours without a request, and a request starts the eight
hours again: an officer signed in at a shared commune computer is signed out by the next
morning, while one at work all day is never interrupted. The session is written again
at most once a minute, not for every tile of a map."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from langso.accounts.tests.factories import make_user
from langso.core.middleware import SESSION_TOUCHED

pytestmark = pytest.mark.django_db

EIGHT_HOURS = 8 * 3600


def _signed_in(client: Client) -> str:
    client.force_login(make_user(username="canbo.xa"))
    key = client.session.session_key
    assert key
    return key


def _ends_in(key: str, minutes: int) -> None:
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() + dt.timedelta(minutes=minutes)
    )


def _last_request_long_ago(client: Client) -> None:
    session = client.session
    session[SESSION_TOUCHED] -= 61
    session.save()


def test_a_request_starts_the_eight_idle_hours_again(client: Client) -> None:
    """A session a minute from its end gets eight more hours on the next page, in the
    database and in the browser's cookie."""
    key = _signed_in(client)
    _last_request_long_ago(client)
    _ends_in(key, 1)

    response = client.get(reverse("registry:household-list"))

    assert response.status_code == 200
    left = Session.objects.get(session_key=key).expire_date - timezone.now()
    assert dt.timedelta(hours=7, minutes=59) < left <= dt.timedelta(hours=8)
    assert response.cookies["sessionid"]["max-age"] == EIGHT_HOURS


def test_within_a_minute_of_the_last_the_session_is_not_written_again(client: Client) -> None:
    """Signing in starts the idle time, and the many requests of one page (a map's
    tiles) within the minute after write nothing."""
    key = _signed_in(client)
    _ends_in(key, 5)

    for _ in range(3):
        response = client.get(reverse("registry:household-list"))

    left = Session.objects.get(session_key=key).expire_date - timezone.now()
    assert left <= dt.timedelta(minutes=5)
    assert "sessionid" not in response.cookies


def test_after_eight_idle_hours_the_officer_signs_in_again(client: Client) -> None:
    """A session whose eight hours have passed no longer signs anyone in."""
    key = _signed_in(client)
    _ends_in(key, -1)

    response = client.get(reverse("registry:household-list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
