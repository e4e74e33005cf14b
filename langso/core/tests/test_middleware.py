"""`DomainErrorPages`: a service's NotFound / AccessDenied in a page view → 404 / 403.
`ChosenLanguage`: the page's language is the user's choice, else Vietnamese."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.test import Client, override_settings
from django.urls import path, reverse

import config.urls
from langso.core.errors import AccessDenied, DomainError, NotFound


def _not_found(request: HttpRequest) -> HttpResponse:
    raise NotFound("Không có xã mã “99999”.")


def _denied(request: HttpRequest) -> HttpResponse:
    raise AccessDenied("Xã Bí Mật thuộc phạm vi khác.")


def _broken_rule(request: HttpRequest) -> HttpResponse:
    raise DomainError("Một quy tắc khác.")


# The platform's own routes stay (other middleware reverses them).
urlpatterns = [
    path("not-found/", _not_found),
    path("denied/", _denied),
    path("rule/", _broken_rule),
    *config.urls.urlpatterns,
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@override_settings(DEBUG=False)
def test_not_found_is_the_404_page() -> None:
    response = Client().get("/not-found/")
    assert response.status_code == 404


@override_settings(DEBUG=False)
def test_access_denied_is_a_403_that_says_nothing_of_the_object() -> None:
    response = Client().get("/denied/")
    assert response.status_code == 403
    assert "Bí Mật" not in response.content.decode()


def test_another_domain_error_is_not_mapped_it_is_the_views_to_show() -> None:
    with pytest.raises(DomainError):
        Client(raise_request_exception=True).get("/rule/")


# `ChosenLanguage`: the language the user chose, else Vietnamese; never Accept-Language.

ENGLISH_BROWSER = {"Accept-Language": "en-US,en;q=0.9"}


def _language(response: HttpResponseBase) -> str:
    return str(response["Content-Language"])


def test_an_english_browser_gets_vietnamese_until_the_user_chooses_english() -> None:
    """Issue 15: the browser's English Accept-Language does not override Vietnamese."""
    client = Client(headers=ENGLISH_BROWSER)
    page = client.get("/")
    assert _language(page) == "vi"
    assert '<html lang="vi">' in page.content.decode()
    assert "Đơn vị hành chính" in page.content.decode()


def test_the_language_switch_chooses_english_and_back() -> None:
    client = Client(headers={"Accept-Language": "vi"})
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get("/")
    assert _language(page) == "en"
    assert "Administrative units" in page.content.decode()
    client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    assert _language(client.get("/", headers=ENGLISH_BROWSER)) == "vi"


def test_a_cookie_naming_no_language_of_the_platform_is_vietnamese() -> None:
    client = Client(headers=ENGLISH_BROWSER)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert _language(client.get("/")) == "vi"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en-gb"
    assert _language(client.get("/")) == "en"
