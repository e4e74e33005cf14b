"""Request bodies sent with `Transfer-Encoding: chunked` (ODK Collect's and other
clients' uploads through some proxies). gunicorn de-chunks them for WSGI, passes no
Content-Length and marks the input `wsgi.input_terminated` (readable to its end,
as the mod_wsgi convention has it); Django reads a body without a Content-Length as
empty, so a chunked submission would lose its every part. Such a body is read here,
up to a limit, into a file that knows its length, and handed to Django with one."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from typing import Any

# Above every body the platform takes (OpenRosa POSTs of 10 MB, media of 20 MB).
MAX_TERMINATED_BODY = 64 * 1024 * 1024
_CHUNK = 64 * 1024

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class BodyTooLarge(Exception):
    pass


def terminated_input_environ(
    environ: dict[str, Any], *, limit: int = MAX_TERMINATED_BODY
) -> dict[str, Any]:
    """`environ` with a terminated input of unknown length read into a spooled file and
    given its CONTENT_LENGTH; any other request as it came. BodyTooLarge past `limit`."""
    if environ.get("CONTENT_LENGTH") or not environ.get("wsgi.input_terminated"):
        return environ
    if "chunked" not in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
        return environ
    body = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)  # noqa: SIM115  # handed on
    size = 0
    source = environ["wsgi.input"]
    while chunk := source.read(_CHUNK):
        size += len(chunk)
        if size > limit:
            body.close()
            raise BodyTooLarge
        body.write(chunk)
    body.seek(0)
    return {**environ, "wsgi.input": body, "CONTENT_LENGTH": str(size)}


class TerminatedInput:
    """WSGI middleware applying `terminated_input_environ` to every request."""

    def __init__(self, application: WSGIApp) -> None:
        self.application = application

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        try:
            environ = terminated_input_environ(environ)
        except BodyTooLarge:
            start_response("413 Content Too Large", [("Content-Type", "text/plain")])
            return [b"Request body too large.\n"]
        return self.application(environ, start_response)
