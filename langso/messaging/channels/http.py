"""Calling a gateway over HTTP (Kannel's sendsms, Zalo's APIs, a loudspeaker system's
upload endpoint), with the standard library: a gateway that cannot be reached or answers late is a
temporary failure; what it answers, whatever the status, is the adapter's to read."""

from __future__ import annotations

import http.client
import logging
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from .base import PermanentFailure, TemporaryFailure

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes

    @property
    def busy(self) -> bool:
        """The gateway is down or asks to slow down: trying later may work."""
        return self.status >= 500 or self.status in (408, 429)


def http_post(url: str, *, body: bytes, headers: dict[str, str], timeout: float) -> Answer:
    """POST `body` to `url`; the answer, or `TemporaryFailure` when none came."""
    return _answer(url, body=body, headers=headers, timeout=timeout, method="POST")


def http_get(url: str, *, timeout: float) -> Answer:
    """GET `url` (Kannel's sendsms takes its parameters in the query); the answer, or
    `TemporaryFailure` when none came."""
    return _answer(url, body=None, headers={}, timeout=timeout, method="GET")


def _answer(
    url: str, *, body: bytes | None, headers: dict[str, str], timeout: float, method: str
) -> Answer:
    if urlsplit(url).scheme not in ("http", "https"):
        # A stored address is never read as a file: or ftp: URL.
        raise PermanentFailure(_("Địa chỉ cổng gửi không phải http hay https."))
    request = urllib.request.Request(url, data=body, headers=headers, method=method)  # noqa: S310  # scheme checked above
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310  # scheme checked above
            return Answer(status=response.status, body=response.read())
    except urllib.error.HTTPError as exc:
        return Answer(status=exc.code, body=exc.read())
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        # The system's words stay in the log; the officer reads what it means.
        logger.warning("%s %s: %s", method, urlsplit(url)._replace(query="").geturl(), exc)
        raise TemporaryFailure(
            _("Không kết nối được cổng gửi (không trả lời hoặc quá thời gian chờ).")
        ) from exc


class KeptAlive:
    """GETs to one HTTP server over one kept-alive connection (HTTP/1.1), opened at the
    first request and again after the server closed it; `close()` when done. Measured
    (bench `sms`): a TCP connection per Kannel sendsms cost more of the app's CPU than
    the request itself. Not shared between threads: one per adapter, one adapter per
    dispatch."""

    def __init__(self, *, host: str, port: int, timeout: float) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.connection: http.client.HTTPConnection | None = None

    def get(self, target: str) -> Answer:
        """GET `target` (a path and query); the answer, or `TemporaryFailure` when none
        came. A failed request is not repeated here: whether the server took it is
        unknown, and the outbox's retry decides (a sendsms repeated could send twice)."""
        if self.connection is None:
            self.connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            self.connection.request("GET", target)
            response = self.connection.getresponse()
            answer = Answer(status=response.status, body=response.read())
        except (http.client.HTTPException, OSError) as exc:
            self.close()
            logger.warning(
                "GET http://%s:%s%s: %s", self.host, self.port, target.split("?")[0], exc
            )
            raise TemporaryFailure(
                _("Không kết nối được cổng gửi (không trả lời hoặc quá thời gian chờ).")
            ) from exc
        # A server that closes after answering is reconnected to by the next request.
        return answer

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def multipart_body(
    *, fields: dict[str, str], file_field: str, file_name: str, file_type: str, content: bytes
) -> tuple[bytes, str]:
    """A multipart/form-data body of `fields` and one file, and its Content-Type."""
    boundary = secrets.token_hex(16)
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value.encode()
            + b"\r\n"
        )
    parts.append(
        (
            f"--{boundary}\r\nContent-Disposition: form-data; "
            f'name="{file_field}"; filename="{file_name}"\r\n'
            f"Content-Type: {file_type}\r\n\r\n"
        ).encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
