"""`DomainErrorPages`: a service's NotFound / AccessDenied in a page view → 404 / 403,
the platform's own pages (`core.views.page_not_found`, `permission_denied`, and
`500.html`). `ChosenLanguage`: the page's language is the user's choice, else
Vietnamese."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.template.loader import render_to_string
from django.test import Client, override_settings
from django.urls import path, reverse
from django.utils import translation
from pytest_django import DjangoAssertNumQueries

import config.urls
from langso.accounts.testing import client_for
from langso.accounts.tests.factories import make_user
from langso.core.errors import AccessDenied, DomainError, NotFound


def _not_found(request: HttpRequest) -> HttpResponse:
    raise NotFound("Không có xã mã “99999”.")


def _denied(request: HttpRequest) -> HttpResponse:
    raise AccessDenied("Xã Bí Mật thuộc phạm vi khác.")


def _broken_rule(request: HttpRequest) -> HttpResponse:
    raise DomainError("Một quy tắc khác.")


def _broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("Xã Bí Mật")


# The platform's own routes stay (other middleware reverses them), and its error pages.
urlpatterns = [
    path("not-found/", _not_found),
    path("denied/", _denied),
    path("rule/", _broken_rule),
    path("broken/", _broken),
    *config.urls.urlpatterns,
]
handler404 = config.urls.handler404
handler403 = config.urls.handler403

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


# The pages themselves.

HOME = 'href="/"'
SIGN_IN = 'href="/tai-khoan/dang-nhap/'


@pytest.mark.parametrize(
    ("url", "status", "heading"),
    [
        ("/not-found/", 404, "Không tìm thấy trang"),
        ("/khong-co-trang-nay/", 404, "Không tìm thấy trang"),
        ("/denied/", 403, "Không có quyền truy cập"),
    ],
)
def test_the_page_is_ours_in_vietnamese_and_names_nothing(
    url: str, status: int, heading: str
) -> None:
    """A signed-in officer gets the platform's page in the base layout, in Vietnamese
    whatever the browser asks, with the way home, and no word of what was refused."""
    response = client_for(make_user(username="canbo")).get(url, headers=ENGLISH_BROWSER)
    assert response.status_code == status
    html = response.content.decode()
    assert f"<h1>{heading}</h1>" in html
    assert '<html lang="vi">' in html
    assert 'name="viewport"' in html
    assert 'class="site-header"' in html
    assert f"{HOME}>Về trang chủ</a>" in html.replace('class="button" ', "")
    assert SIGN_IN not in html
    assert "Bí Mật" not in html
    assert "99999" not in html


def test_an_anonymous_reader_refused_is_offered_to_sign_in_and_come_back() -> None:
    html = Client().get("/denied/?x=1").content.decode()
    assert f'{SIGN_IN}?next=/denied/%3Fx%3D1"' in html
    assert "Hãy đăng nhập để mở trang này." in html


def test_the_way_back_is_the_page_before_when_it_is_one_of_ours() -> None:
    client = client_for(make_user(username="canbo"))
    before = "http://testserver/don-vi/37/"
    html = client.get("/not-found/", headers={"Referer": before}).content.decode()
    assert f'href="{before}"' in html
    assert "Quay lại trang trước" in html
    for foreign in ("https://example.com/", "javascript:alert(1)", "//example.com/x"):
        html = client.get("/denied/", headers={"Referer": foreign}).content.decode()
        assert "Quay lại trang trước" not in html, foreign
        assert "example.com" not in html, foreign


def test_english_pages_for_whoever_chose_english() -> None:
    client = client_for(make_user(username="canbo"))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/not-found/").content.decode()
    assert '<html lang="en">' in html
    assert "Không tìm thấy trang" not in html


def test_the_500_page_needs_no_request_and_no_database(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    """Django renders it with an empty context: nothing in it may read the database or
    expect a context processor."""
    with django_assert_num_queries(0), translation.override("vi"):
        html = render_to_string("500.html", {})
    assert "Đã có lỗi" in html
    assert 'name="viewport"' in html
    assert HOME in html


def test_a_failing_page_answers_the_500_page_in_vietnamese() -> None:
    client = client_for(make_user(username="canbo"))
    client.raise_request_exception = False
    response = client.get("/broken/", headers=ENGLISH_BROWSER)
    assert response.status_code == 500
    html = response.content.decode()
    assert "Đã có lỗi" in html
    assert "Bí Mật" not in html
