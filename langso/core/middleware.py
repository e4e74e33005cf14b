"""Middleware of the platform as a whole."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from .errors import AccessDenied, NotFound

# When a session's idle time last started again (seconds since the epoch).
SESSION_TOUCHED = "_touched"
# A session's idle time starts again at most once a minute. Saving the session on every
# request (SESSION_SAVE_EVERY_REQUEST) writes it for each of the dozens of tiles a map
# asks for at once: on SQLite they queue behind one writer, and under the threaded test
# server they failed with "database table is locked: django_session".
TOUCH_EVERY_SECONDS = 60


def session_idle_expiry(
    get_response: Callable[[HttpRequest], HttpResponseBase],
) -> Callable[[HttpRequest], HttpResponseBase]:
    """Sessions expire after SESSION_COOKIE_AGE without a request: a request at least a
    minute after the last one that did so marks the session, which makes
    SessionMiddleware save it with a new expiry and send the cookie again. Goes after
    SessionMiddleware."""

    def middleware(request: HttpRequest) -> HttpResponseBase:
        response = get_response(request)
        session = request.session
        if session.session_key is None:
            return response  # no session, or it ended (signed out) during the request
        now = int(time.time())
        if now - int(session.get(SESSION_TOUCHED, 0)) >= TOUCH_EVERY_SECONDS:
            session[SESSION_TOUCHED] = now
        return response

    return middleware


def session_touch_on_sign_in(*, request: HttpRequest | None, **kwargs: Any) -> None:
    """Signing in starts the idle time (the session is saved then anyway), so that the
    requests of the next minute do not write it again."""
    if request is not None:
        request.session[SESSION_TOUCHED] = int(time.time())


class DomainErrorPages:
    """Pages answer a service's `NotFound` with the 404 page and its `AccessDenied` with
    the 403 page, here once, as `config.api` does for the API: views let them rise rather
    than catching each one. A 403 carries no message, so that a refusal says nothing of
    the object it refuses. Other `DomainError`s are the view's to show on its form. (The
    API's views answer their own errors before any middleware sees them.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, NotFound):
            raise Http404(exception.message) from exception
        if isinstance(exception, AccessDenied):
            raise PermissionDenied from exception


class ChosenLanguage(LocaleMiddleware):
    """The page's language is the one the user chose with the language switch (Django's
    `set_language` keeps it in the LANGUAGE_COOKIE_NAME cookie), else Vietnamese
    (LANGUAGE_CODE) — never the browser's Accept-Language: officers' phones and office
    computers are often set to English, and the platform is Vietnamese first (issue 15).
    URL handling (language prefixes, redirects) stays Django's."""

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        try:
            language = translation.get_supported_language_variant(chosen) if chosen else ""
        except LookupError:
            language = ""
        urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
        if is_language_prefix_patterns_used(urlconf)[0]:
            language = translation.get_language_from_path(request.path_info) or language
        translation.activate(language or settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()
