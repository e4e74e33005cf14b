"""Test helpers of `messaging` for every app that sends through it: a channel adapter
that answers as a test scripts it and records what it was given, put in place of a
channel's adapter for one test, and messages to queue.

Test helpers of messaging that other apps' tests may use too: a gateway on a local
HTTP server, which records each request and answers what the test queued; the length
of an audio file as a player reads it; officers.

Test helpers of messaging that other apps' tests use: a real Kannel with its fake SMSC,
started once for the session on free ports, calling back the live server.

On SpatiaLite the test database is in memory, and the live server's thread shares the
test's one connection to it (Django's `connections_override`): Kannel's callbacks
arriving while the test writes would run statements on it at the same time ("database
table is locked"). So the live server answers one request at a time under `db_lock`, and
a test takes the same lock around its own database work while Kannel may call
(`kannel_db()`); a callback Kannel makes meanwhile just waits. On PostGIS each thread has
its own connection and the lock changes nothing."""

from __future__ import annotations

import email.parser
import email.policy
import json
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar

import pytest
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from langso.accounts.models import RoleAssignment, User
from langso.core.testing import free_port
from langso.places.models import AdminUnit

from .channels import base
from .kannel import Kannel, KannelSetup
from .models import Channel, Contact, Message, Purpose
from .services.contacts import contact_upsert
from .services.outbox import Outgoing

A = TypeVar("A", bound=base.ChannelAdapter)

# An answer of the scripted adapter: what `send` returns, or the failure it raises.
Answer = base.Sent | base.TemporaryFailure | base.PermanentFailure


@dataclass
class ScriptedAdapter:
    """Answers each `send` with the next of `answers` (then `Sent()` for ever), and
    keeps the ids of the messages it was given, in order."""

    answers: list[Answer] = field(default_factory=list)
    rate_per_second: float = 1000.0
    sent: list[int] = field(default_factory=list)
    closed: int = 0

    def send(self, message: Message) -> base.Sent:
        self.sent.append(message.pk)
        answer = self.answers.pop(0) if self.answers else base.Sent()
        if isinstance(answer, Exception):
            raise answer
        return answer

    def close(self) -> None:
        self.closed += 1


@contextmanager
def adapter_replaced(channel: str, adapter: A) -> Iterator[A]:
    """`adapter` answers for `channel` inside the block; the one before comes back after."""
    before = base._ADAPTERS.get(channel)
    base.adapter_register(channel, lambda: adapter)
    try:
        yield adapter
    finally:
        if before is None:
            base._ADAPTERS.pop(channel, None)
        else:
            base.adapter_register(channel, before)


@contextmanager
def adapter_missing(channel: str) -> Iterator[None]:
    """No adapter answers for `channel` inside the block (a channel a deployment has
    not configured); the one before comes back after."""
    before = base._ADAPTERS.pop(channel, None)
    try:
        yield
    finally:
        if before is not None:
            base.adapter_register(channel, before)


def make_contact(
    *,
    unit: AdminUnit,
    address: str = "0912345678",
    channel: str = Channel.SMS,
    holder_id: int = 1,
    purposes: tuple[str, ...] = (Purpose.ANNOUNCEMENTS,),
) -> Contact:
    """A household's contact with a consent for each of `purposes`, as a survey records it."""
    return contact_upsert(
        channel=channel,
        address=address,
        holder_kind="household",
        holder_id=holder_id,
        unit=unit,
        purposes=purposes,
        source="survey",
    )


def outgoing_to(contact: Contact, key: str, **fields: str) -> Outgoing:
    """A message to `contact` named `key`, for announcements unless `fields` say else."""
    values: dict[str, str] = {
        "body": "Họp thôn lúc 19:00 tối nay tại nhà văn hóa.",
        "source": "test:1",
        "purpose": Purpose.ANNOUNCEMENTS,
        **fields,
    }
    return Outgoing(
        idempotency_key=key,
        channel=contact.channel,
        address=contact.address,
        unit_id=contact.unit_id,
        contact_id=contact.pk,
        **values,
    )


@dataclass(frozen=True)
class Received:
    """One request the gateway got."""

    method: str
    path: str
    # Names lower-cased: HTTP's are read without case (urllib sends "Access_token").
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, tuple[str, bytes, str]]:
        """A multipart/form-data body's parts by name: (file name, bytes, type)."""
        head = f"Content-Type: {self.headers['content-type']}\r\n\r\n".encode()
        parsed = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + self.body)
        parts: dict[str, tuple[str, bytes, str]] = {}
        for part in parsed.iter_parts():
            name = part.get_param("name", header="content-disposition")
            content = part.get_payload(decode=True)
            parts[str(name)] = (
                part.get_filename() or "",
                content if isinstance(content, bytes) else b"",
                part.get_content_type(),
            )
        return parts


@dataclass
class Gateway:
    """A local HTTP server standing for a gateway: `url` to point settings at,
    `received` the requests in order, `answer()` what to say next (200 `{}` when
    nothing is queued)."""

    url: str
    received: list[Received] = field(default_factory=list)
    answers: list[tuple[int, bytes]] = field(default_factory=list)

    def answer(self, status: int, body: Any) -> None:
        self.answers.append(
            (status, body if isinstance(body, bytes) else json.dumps(body).encode())
        )


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    state = Gateway(url=f"http://127.0.0.1:{server.server_address[1]}")
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with lock:
                state.received.append(
                    Received(
                        "POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body
                    )
                )
                status, reply = state.answers.pop(0) if state.answers else (200, b"{}")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the test reads `received`."""

    server.RequestHandlerClass = Handler
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def make_officer(*, username: str, role: str, unit: AdminUnit | None) -> User:
    """An active user holding `role` on `unit` (none: nationwide)."""
    user = User.objects.create_user(username=username, password="x-" + username)
    RoleAssignment.objects.create(user=user, role=role, unit=unit)
    return user


def audio_seconds(content: bytes, suffix: str, folder: Path) -> float:
    """The seconds sox reads in an audio file (`soxi -D`), as an officer's player would."""
    soxi = shutil.which("soxi")
    if soxi is None:
        raise AssertionError("soxi is missing: scripts/install.sh installs sox")
    path = folder / f"loa.{suffix}"
    path.write_bytes(content)
    done = subprocess.run(  # noqa: S603  # sox's own command, a file the test wrote
        [soxi, "-D", str(path)], capture_output=True, text=True, timeout=30, check=True
    )
    return float(done.stdout)


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
