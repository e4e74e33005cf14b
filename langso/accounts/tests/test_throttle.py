"""Sign-in throttling: which address a request is counted against, and where counts are kept."""

from __future__ import annotations

from django.core.management import call_command
from django.db import connection
from django.test import Client, RequestFactory
from django.urls import reverse
from pytest_django import Settings

from langso.accounts.throttle import client_address

from .conftest import Holders
from .factories import PASSWORD


def test_without_trusted_proxies_the_connections_address_counts(settings: Settings) -> None:
    """X-Forwarded-For is the client's to write, so it is ignored unless a proxy is
    declared."""
    settings.TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_address(request) == "10.0.0.2"


def test_behind_one_proxy_the_address_it_saw_counts(settings: Settings) -> None:
    """Behind one nginx, the last X-Forwarded-For entry (what nginx saw) counts, not an
    entry the client wrote before it to pass for someone else."""
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.5"
    )
    assert client_address(request) == "203.0.113.5"


def test_ipv6_addresses_count_per_64_block() -> None:
    """Two addresses of one subscriber's /64 are one client."""
    one = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2::10")
    two = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2:abcd::1")
    assert client_address(one) == client_address(two) == "2001:db8:1:2::"


def test_the_database_cache_keeps_the_counts(settings: Settings, holders: Holders) -> None:
    """With the embedded default's cache (a table of the database), five wrong passwords
    lock the account as they do in memory."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "langso_cache_test",
        }
    }
    call_command("createcachetable", verbosity=0)
    client = Client()
    url = reverse("accounts:login")
    for _attempt in range(5):
        client.post(url, {"username": "canbo.xa.a", "password": "sai-mat-khau"})
    refused = client.post(url, {"username": "canbo.xa.a", "password": PASSWORD})
    assert "Thử lại sau 15 phút" in refused.content.decode()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM langso_cache_test")
        assert cursor.fetchone()[0] > 0
