"""Upload pages refuse a request larger than their file limit from its declared length,
before Django reads the body: a form's own size check runs only once the whole file has
been received and spooled to disk, so without this a 10 GB upload would fill the disk
first and be refused after."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

# Room for the multipart boundaries, headers and the form's other fields.
_FORM_MARGIN_BYTES = 256 * 1024

View = Callable[..., HttpResponse]


def upload_size_limit(max_bytes: int, *, json: bool = False) -> Callable[[View], View]:
    """Answer 413, naming the limit, to a POST whose Content-Length passes `max_bytes`
    (the page's file limit) and the form's margin; the body is never read. `json`
    answers as the API does (`{"detail": …}`), for an API operation wrapped with
    ninja's `decorate_view`."""

    def decorator(view: View) -> View:
        @wraps(view)
        def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if request.method == "POST" and length > max_bytes + _FORM_MARGIN_BYTES:
                message = _(
                    "Tệp tải lên lớn hơn %(limit)s MB, giới hạn của trang này; tệp không được nhận."
                ) % {"limit": f"{max_bytes / (1024 * 1024):g}"}
                if json:
                    return JsonResponse({"detail": message}, status=413)
                return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
            return view(request, *args, **kwargs)

        return limited

    return decorator
