"""Every answer under /openrosa/ is an OpenRosa answer: ODK Collect reads the
`X-OpenRosa-Version` header and shows the message of an OpenRosaResponse, and an HTML
page (Django's 404, its 400 for a body it refuses, its 405, the 500 after a fault) would
reach the collector as an unreadable error. Answers elsewhere are left alone."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.urls import reverse
from django.utils.translation import gettext as _

from . import openrosa

_XML = "text/xml; charset=utf-8"


@cache
def _prefix() -> str:
    # Wherever config/urls.py mounts the server.
    return reverse("openrosa:submission").rsplit("/", 1)[0] + "/"


def _message(status: int, request: HttpRequest) -> str:
    if status == 400:
        return _("Máy chủ không đọc được yêu cầu này (yêu cầu không hợp lệ).")
    if status == 404:
        return _("Không có địa chỉ này trên máy chủ OpenRosa.")
    if status == 405:
        return _("Địa chỉ này không nhận phương thức %(method)s.") % {"method": request.method}
    if status == 413:
        return _("Yêu cầu quá lớn.")
    if status >= 500:
        return _("Máy chủ đang gặp lỗi: hãy gửi lại sau.")
    return _("Máy chủ không xử lý được yêu cầu (mã %(status)s).") % {"status": status}


def _error(message: str, status: int) -> HttpResponse:
    return HttpResponse(
        openrosa.response_xml(message, success=False), status=status, content_type=_XML
    )


class OpenRosaResponses:
    """Adds the OpenRosa version header to every answer under the server's prefix, and
    turns an error answered in anything but XML into an OpenRosaResponse of the same
    status (headers such as Allow and WWW-Authenticate kept). A fault is left to Django
    to log first: only its answer is rewritten."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not request.path_info.startswith(_prefix()):
            return response
        if (
            response.status_code >= 400
            and not response.streaming
            and not response.get("Content-Type", "").startswith("text/xml")
            and isinstance(response, HttpResponse)
        ):
            response.content = openrosa.response_xml(
                _message(response.status_code, request), success=False
            )
            response["Content-Type"] = _XML
        response["X-OpenRosa-Version"] = openrosa.VERSION
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A view's 404 says what was not found (the form id), in the collector's terms."""
        if isinstance(exception, Http404) and request.path_info.startswith(_prefix()):
            message = str(exception.args[0]) if exception.args else _message(404, request)
            return _error(message, 404)
        return None
