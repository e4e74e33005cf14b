"""The platform's own 404, 403 and 500 pages (issue 15): Vietnamese first, the base
layout (phone-sized), a way back, and nothing of the object refused; the 500 page
renders with nothing but its template."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.test import Client
from django.urls import path
from django.utils import translation
from pytest_django import DjangoAssertNumQueries

import config.urls
from langso.accounts.testing import client_for
from langso.accounts.tests.factories import make_user
from langso.core.errors import AccessDenied, NotFound


def _missing(request: HttpRequest) -> HttpResponse:
    raise NotFound("Không có xã Bí Mật mã “99999”.")


def _refused(request: HttpRequest) -> HttpResponse:
    raise AccessDenied("Bạn không có quyền ở Xã Bí Mật.")


def _forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied("Xã Bí Mật")


def _gone(request: HttpRequest) -> HttpResponse:
    raise Http404("Xã Bí Mật")


def _broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("Xã Bí Mật")


urlpatterns = [
    path("missing/", _missing),
    path("refused/", _refused),
    path("forbidden/", _forbidden),
    path("gone/", _gone),
    path("broken/", _broken),
    *config.urls.urlpatterns,
]
handler404 = config.urls.handler404
handler403 = config.urls.handler403

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

# The browser's language must not change the page's (see `ChosenLanguage`).
ENGLISH_BROWSER = {"Accept-Language": "en"}
HOME = 'href="/"'
SIGN_IN = 'href="/tai-khoan/dang-nhap/'


@pytest.mark.parametrize(
    ("url", "status", "heading"),
    [
        ("/missing/", 404, "Không tìm thấy trang"),
        ("/gone/", 404, "Không tìm thấy trang"),
        ("/khong-co-trang-nay/", 404, "Không tìm thấy trang"),
        ("/refused/", 403, "Không có quyền truy cập"),
        ("/forbidden/", 403, "Không có quyền truy cập"),
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
    assert HOME in html
    assert SIGN_IN not in html
    assert "Bí Mật" not in html
    assert "99999" not in html


def test_an_anonymous_reader_refused_is_offered_to_sign_in_and_come_back() -> None:
    html = Client().get("/forbidden/?x=1").content.decode()
    assert f'{SIGN_IN}?next=/forbidden/%3Fx%3D1"' in html
    assert "Hãy đăng nhập để mở trang này." in html
    assert SIGN_IN in Client().get("/gone/").content.decode()


def test_the_way_back_is_the_page_before_when_it_is_one_of_ours() -> None:
    client = client_for(make_user(username="canbo"))
    before = "http://testserver/don-vi/37/"
    html = client.get("/missing/", headers={"Referer": before}).content.decode()
    assert f'href="{before}"' in html
    assert "Quay lại trang trước" in html
    for foreign in ("https://example.com/", "javascript:alert(1)", "//example.com/x"):
        html = client.get("/refused/", headers={"Referer": foreign}).content.decode()
        assert "Quay lại trang trước" not in html, foreign
        assert "example.com" not in html, foreign


def test_english_pages_for_whoever_chose_english() -> None:
    client = client_for(make_user(username="canbo"))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/missing/").content.decode()
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
