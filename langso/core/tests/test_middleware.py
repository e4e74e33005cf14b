"""`DomainErrorPages`: a service's NotFound / AccessDenied in a page view → 404 / 403."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import path

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
