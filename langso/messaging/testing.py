"""Test helpers of messaging that other apps' tests use: a real Kannel with its fake SMSC,
started once for the session on free ports, calling back the live server.

On SpatiaLite the test database is in memory, and the live server's thread shares the
test's one connection to it (Django's `connections_override`): Kannel's callbacks
arriving while the test writes would run statements on it at the same time ("database
table is locked"). So the live server answers one request at a time under `db_lock`, and
a test takes the same lock around its own database work while Kannel may call
(`kannel_db()`); a callback Kannel makes meanwhile just waits. On PostGIS each thread has
its own connection and the lock changes nothing."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from typing import Any

import pytest
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from langso.core.testing import free_port

from .kannel import Kannel, KannelSetup

# Held by the live server around each request, and by a test around its database work.
db_lock = threading.RLock()


def kannel_db() -> AbstractContextManager[bool]:
    """The test's turn at the database while Kannel may call the live server back."""
    return db_lock


def _one_at_a_time(app: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
    def locked(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        with db_lock:
            # The body is read, and the response closed (request_finished), inside the
            # lock: Django may build the body lazily.
            response = app(environ, start_response)
            try:
                return list(response)
            finally:
                close = getattr(response, "close", None)
                if close is not None:
                    close()

    return locked


@pytest.fixture(scope="session")
def kannel_gateway(
    live_server: LiveServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Kannel]:
    """bearerbox, smsbox and fakesmsc for the session, with their configuration, logs
    and store in a temporary folder; stopped at the end."""
    setup = KannelSetup(
        folder=tmp_path_factory.mktemp("kannel"),
        host="127.0.0.1",
        admin_port=free_port(),
        smsbox_port=free_port(),
        sendsms_port=free_port(),
        fakesmsc_port=free_port(),
        fakesmsc_mo_port=free_port(),
        user="langso-test",
        password="test-only-sendsms",  # noqa: S106  # the tests' own Kannel
        admin_password="test-only-admin",  # noqa: S106
        mo_secret="test-only-mo",  # noqa: S106
        callback_url=live_server.url,
    )
    httpd = live_server.thread.httpd
    app = httpd.get_app()
    assert app is not None, "the live server is serving"  # noqa: S101  # a started server has its app
    httpd.set_app(_one_at_a_time(app))
    kannel = Kannel(setup)
    kannel.start()
    try:
        yield kannel
    finally:
        kannel.stop()


@pytest.fixture
def kannel(kannel_gateway: Kannel, settings: Settings) -> Kannel:
    """The session's Kannel (started if it is not), and the settings that send SMS to it
    and have it call back the live server."""
    setup = kannel_gateway.setup
    if kannel_gateway.smsbox is None or kannel_gateway.smsbox.poll() is not None:
        kannel_gateway.start()
    settings.KANNEL_HOST = setup.host
    settings.KANNEL_SENDSMS_PORT = setup.sendsms_port
    settings.KANNEL_USER = setup.user
    settings.KANNEL_PASSWORD = setup.password
    settings.KANNEL_MO_SECRET = setup.mo_secret
    settings.KANNEL_CALLBACK_URL = setup.callback_url
    return kannel_gateway
