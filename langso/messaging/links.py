"""Signed links a message carries, which work without signing in:

- a tracked link (`message_link`): `/m/<message>-<signature>/<path on this site>`,
  short enough for an SMS; opening it records the message read and goes on to the path;
- an unsubscribe link (`unsubscribe_link`) in every e-mail to a contact, which
  withdraws that contact's consent for the message's purpose.

Only this site's own pages are ever a link's destination: the destination is part of
what is signed, and a destination elsewhere is refused when the link is made (no open
redirect)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.http import base36_to_int, int_to_base36

from langso.core.errors import NotFound

from .models import Message

_LINK_SALT = "langso.messaging.link"
_UNSUBSCRIBE_SALT = "langso.messaging.unsubscribe"
# 64 bits of HMAC-SHA256: forging one means guessing it online, one request at a time.
_SIGNATURE_LENGTH = 16


def site_url(path: str) -> str:
    """`path` as an absolute address on this site (SITE_URL)."""
    return str(settings.SITE_URL).rstrip("/") + path


def own_path(url: str) -> str:
    """The path (and query) of `url` when it is a page of this site: a path, or an
    absolute URL on SITE_URL's host. Anything else is refused (ValueError)."""
    parts = urlsplit(url)
    site = urlsplit(str(settings.SITE_URL))
    if (parts.scheme or parts.netloc) and (parts.scheme, parts.netloc) != (
        site.scheme,
        site.netloc,
    ):
        raise ValueError(f"not a page of this site: {url}")
    path = parts.path or "/"
    # "//host" and "/\host" are read by browsers as another host.
    if not path.startswith("/") or path.startswith(("//", "/\\")):
        raise ValueError(f"not a page of this site: {url}")
    return path + (f"?{parts.query}" if parts.query else "")


def _signature(message_id: int, path: str) -> str:
    digest = salted_hmac(_LINK_SALT, f"{message_id}:{path}", algorithm="sha256").hexdigest()
    return digest[:_SIGNATURE_LENGTH]


def message_link(message: Message, url: str) -> str:
    """A short tracked address of `url` (a page of this site) for `message`: opening it
    records `message` read and goes on to `url`."""
    path = own_path(url)
    token = f"{int_to_base36(message.pk)}-{_signature(message.pk, path)}"
    target = path.removeprefix("/")
    if not target:
        return site_url(reverse("links:follow-home", args=[token]))
    return site_url(reverse("links:follow", args=[token, target]))


def message_link_read(*, token: str, target: str, query: str = "") -> tuple[int, str]:
    """The message and the destination of a tracked link's `token` and `target` (the
    path after it, with the request's `query`); a link not made here is NotFound."""
    number, _dash, signature = token.partition("-")
    path = "/" + target + (f"?{query}" if query else "")
    try:
        message_id = base36_to_int(number)
        path = own_path(path)
    except ValueError:
        raise NotFound("") from None
    if not constant_time_compare(signature, _signature(message_id, path)):
        raise NotFound("")
    return message_id, path


def unsubscribe_link(*, contact_id: int, purpose: str) -> str:
    """The address that withdraws `contact_id`'s consent for `purpose` (no sign-in)."""
    token = signing.dumps({"c": contact_id, "p": purpose}, salt=_UNSUBSCRIBE_SALT, compress=True)
    return site_url(reverse("messaging:unsubscribe", args=[token]))


def unsubscribe_read(*, token: str) -> tuple[int, str]:
    """The contact and purpose an unsubscribe token names; one not made here is
    NotFound."""
    try:
        value: Any = signing.loads(token, salt=_UNSUBSCRIBE_SALT)
        return int(value["c"]), str(value["p"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise NotFound("") from None
