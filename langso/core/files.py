"""Stored files: where an upload is kept, and how one is sent to a reader.

Nothing under MEDIA_ROOT is served by URL. Each kind of file has a view that finds the
object it belongs to through its app's access selector and then calls `file_response`.
Files are stored under random names in a folder per kind, so that a path read in a log
or a proxy says nothing of the unit, submission or person it belongs to; the name the
uploader gave is kept on the row, for display and download."""

from __future__ import annotations

import hashlib
import mimetypes
import re
import secrets
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.files import File
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.utils.deconstruct import deconstructible
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

# Shown in the browser; anything else is downloaded, so that a file an officer opens can
# never run as a page of this site.
INLINE_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png", "image/gif", "image/webp"})
_SUFFIX = re.compile(r"\.[a-z0-9]{1,8}")


@deconstructible
class RandomName:
    """An `upload_to` that stores under `<folder>/<random>.<suffix>`: 128 random bits,
    nothing of the owner, and the suffix of the uploaded name (lower case) when it is a
    plain one, which the storage and a proxy may use for the type."""

    def __init__(self, folder: str) -> None:
        self.folder = folder.strip("/")

    def __call__(self, instance: Any, filename: str) -> str:
        suffix = PurePosixPath(filename).suffix.lower()
        if not _SUFFIX.fullmatch(suffix):
            suffix = ""
        return f"{self.folder}/{secrets.token_urlsafe(16)}{suffix}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RandomName) and other.folder == self.folder

    def __hash__(self) -> int:
        return hash(self.folder)


def file_response(
    file: FieldFile, *, name: str, content_type: str | None = None
) -> HttpResponseBase:
    """Send `file` to a reader the caller has authorised, under the uploader's `name`
    (the stored file's own name when that is empty: files kept before names were).

    With `FILES_ACCEL_REDIRECT_PREFIX` set, nginx sends the bytes from an `internal`
    location (X-Accel-Redirect); with `FILES_SENDFILE`, the server in front does
    (X-Sendfile: Apache's mod_xsendfile, lighttpd); otherwise Django streams them. A
    stored file that is gone is not found, as the row would be."""
    if not file:
        raise Http404(_("Không tìm thấy tệp này."))
    name = PurePosixPath(name.replace("\\", "/")).name or PurePosixPath(str(file.name)).name
    # The stored name's suffix first: a photo re-encoded as JPEG is one, whatever it was.
    content_type = (
        content_type
        or mimetypes.guess_type(str(file.name))[0]
        or mimetypes.guess_type(name)[0]
        or "application/octet-stream"
    )
    stored = str(file.name)
    prefix = settings.FILES_ACCEL_REDIRECT_PREFIX
    response: HttpResponseBase
    if prefix:
        response = HttpResponse(content_type=content_type)
        # nginx expects the URI escaped (1.5.9+); older stored names may hold any letter.
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(stored)
    elif settings.FILES_SENDFILE and stored.isascii():
        response = HttpResponse(content_type=content_type)
        response["X-Sendfile"] = file.path
    else:
        try:
            handle = file.open("rb")
        except FileNotFoundError as exc:
            raise Http404(_("Không tìm thấy tệp này.")) from exc
        response = FileResponse(handle, content_type=content_type)
    return _private(response, name=name, content_type=content_type)


def content_response(content: bytes, *, name: str, content_type: str) -> HttpResponseBase:
    """Send bytes made for a reader the caller has authorised (a file drawn on request,
    never stored: a notice's loudspeaker audio) as `file_response` sends a stored one."""
    return _private(
        HttpResponse(content, content_type=content_type), name=name, content_type=content_type
    )


def _private(response: HttpResponseBase, *, name: str, content_type: str) -> HttpResponseBase:
    """The headers of every file sent to a signed-in reader."""
    inline = content_type in INLINE_TYPES
    disposition = content_disposition_header(as_attachment=not inline, filename=name)
    if disposition:
        response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    # Behind a sign-in: never kept by a shared cache.
    response["Cache-Control"] = "private, no-cache"
    return response


def file_sha256(file: File[Any] | FieldFile) -> str:
    """The SHA-256 (hex) of a file's bytes, an upload or a stored one, read in chunks and
    from its start, so that the caller may then save or read it whole again."""
    digest = hashlib.sha256()
    file.open("rb")
    file.seek(0)
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()
