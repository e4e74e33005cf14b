"""`core.forms`: the one way a page shows a service's refusal — a `FieldsInvalid`'s
reasons next to their fields, another domain error above the form or on a named field,
a message when the page has no form; NotFound and AccessDenied rise to their pages."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path

import config.urls
from langso.core.errors import (
    AccessDenied,
    DomainError,
    FieldsInvalid,
    ImportRejected,
    NotFound,
    RowError,
)
from langso.core.forms import (
    POINT_AS_LAT_LON,
    RefusalShown,
    ServiceErrorsMixin,
    show_service_errors,
)


class _PlaceForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(required=False)
    lat = forms.FloatField(required=False)
    lon = forms.FloatField(required=False)


class _PinForm(_PlaceForm):
    service_field_aliases = POINT_AS_LAT_LON


class _PlainForm(forms.Form):
    name = forms.CharField(required=False)


def _bound(form_class: type[forms.Form]) -> forms.Form:
    form = form_class({})
    assert form.is_valid()
    return form


def test_each_reason_goes_next_to_its_field_and_an_unknown_field_above_the_form() -> None:
    form = _bound(_PlaceForm)
    assert isinstance(form, _PlaceForm)

    form.add_service_errors(FieldsInvalid({"name": "Thiếu tên.", "code": "Mã đã có."}))

    assert form.errors["name"] == ["Thiếu tên."]
    assert form.non_field_errors() == ["Mã đã có."]
    assert "code" not in form.errors


def test_a_form_names_the_field_a_service_reason_goes_to() -> None:
    """A service's `location` is entered as lat and lon: its reason goes next to lat."""
    pin = _bound(_PinForm)
    assert isinstance(pin, _PinForm)
    pin.add_service_errors(FieldsInvalid({"location": "Ngoài tỉnh."}))
    assert pin.errors["lat"] == ["Ngoài tỉnh."]
    assert pin.non_field_errors() == []

    plain = _bound(_PlaceForm)
    assert isinstance(plain, _PlaceForm)
    plain.add_service_errors(FieldsInvalid({"location": "Ngoài tỉnh."}))
    assert plain.non_field_errors() == ["Ngoài tỉnh."]


def test_another_domain_error_goes_above_the_form_or_on_the_field_named() -> None:
    above = _bound(_PlaceForm)
    assert isinstance(above, _PlaceForm)
    above.add_service_errors(DomainError("Xã chưa thuộc tỉnh nào."))
    assert above.non_field_errors() == ["Xã chưa thuộc tỉnh nào."]

    on_field = _bound(_PlaceForm)
    assert isinstance(on_field, _PlaceForm)
    on_field.add_service_errors(AccessDenied("Thôn ở xã khác."), field="name")
    assert on_field.errors["name"] == ["Thôn ở xã khác."]
    assert on_field.non_field_errors() == []


def test_a_form_without_the_mixin_shows_the_same_way() -> None:
    form = _bound(_PlainForm)
    show_service_errors(form, FieldsInvalid({"name": "Thiếu tên.", "lat": "Sai."}))
    assert form.errors["name"] == ["Thiếu tên."]
    assert form.non_field_errors() == ["Sai."]


def test_a_refusal_ends_the_block_and_is_shown_on_the_form() -> None:
    form = _bound(_PinForm)
    with RefusalShown(form=form) as refusal:
        raise FieldsInvalid({"location": "Ngoài tỉnh.", "name": "Thiếu tên."})

    assert refusal.failed
    assert form.errors["lat"] == ["Ngoài tỉnh."]
    assert form.errors["name"] == ["Thiếu tên."]


def test_a_plain_form_shows_a_domain_error_on_the_field_named() -> None:
    form = _bound(_PlainForm)
    with RefusalShown(form=form, field="name") as refusal:
        raise DomainError("Tên đã có.")
    assert refusal.failed
    assert form.errors["name"] == ["Tên đã có."]


def test_a_block_that_succeeds_is_not_failed_and_shows_nothing() -> None:
    form = _bound(_PlainForm)
    with RefusalShown(form=form) as refusal:
        pass
    assert not refusal.failed
    assert refusal.rows == []
    assert form.errors == {}


@pytest.mark.parametrize(
    "error", [NotFound("Không có."), AccessDenied("Không được."), ValueError("lỗi lập trình")]
)
def test_not_found_access_denied_and_other_exceptions_rise(error: Exception) -> None:
    """NotFound and AccessDenied are the 404 and 403 pages (DomainErrorPages), not the
    form's; what is not a domain error is not the user's to read."""
    form = _bound(_PlainForm)
    refusal = RefusalShown(form=form)
    with pytest.raises(type(error)), refusal:
        raise error
    assert not refusal.failed
    assert form.errors == {}


def test_a_refused_file_keeps_its_rows_and_says_how_many_when_asked() -> None:
    rows = [RowError(row=2, column="mã", reason="trùng"), RowError(row=5, column="tên", reason="")]
    counted = _bound(_PlainForm)
    with RefusalShown(form=counted, rejected="Chưa lưu: %(count)s lỗi.") as refusal:
        raise ImportRejected(rows)
    assert refusal.failed
    assert refusal.rows == rows
    assert counted.non_field_errors() == ["Chưa lưu: 2 lỗi."]

    listed_only = _bound(_PlainForm)
    with RefusalShown(form=listed_only, field="name") as refusal:
        raise ImportRejected(rows)
    assert refusal.rows == rows
    assert listed_only.errors == {}


def test_it_needs_a_form_or_the_request() -> None:
    with pytest.raises(TypeError):
        RefusalShown()


def _refused_without_form(request: HttpRequest) -> HttpResponse:
    with RefusalShown(request):
        raise FieldsInvalid({"name": "Thiếu tên."}, label={"name": "Tên"})
    return HttpResponse("shown")


urlpatterns = [path("refused/", _refused_without_form), *config.urls.urlpatterns]


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_without_a_form_the_refusal_is_an_error_message() -> None:
    response = Client().get("/refused/")

    assert response.content == b"shown"
    shown = [(m.level_tag, m.message) for m in get_messages(response.wsgi_request)]
    assert shown == [("error", "Tên: Thiếu tên.")]
