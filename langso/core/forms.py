"""How a page shows what a service refused, in one way for every app: a `FieldsInvalid`'s
reasons next to their fields, any other domain error above the form (or on a field the
view names), or as a message when the page has no form. `NotFound` and `AccessDenied`
are not about what was posted: they rise to `core.middleware.DomainErrorPages`."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType, TracebackType
from typing import TYPE_CHECKING, ClassVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest

from .errors import AccessDenied, DomainError, FieldsInvalid, ImportRejected, NotFound, RowError

_NO_ALIASES: Mapping[str, str] = MappingProxyType({})
# A service's `location` (a point) is entered on a form as lat and lon: its reason goes
# next to lat, where the form puts its own lat/lon errors.
POINT_AS_LAT_LON: Mapping[str, str] = MappingProxyType({"location": "lat"})


def show_service_errors(
    form: forms.BaseForm,
    error: DomainError,
    *,
    field: str | None = None,
    aliases: Mapping[str, str] = _NO_ALIASES,
) -> None:
    """Put each reason of a `FieldsInvalid` next to its field (a service's field named
    differently on the form goes through `aliases`), above the form when the form has
    no such field; any other error's message on `field`, else above the form."""
    if isinstance(error, FieldsInvalid):
        for name, reason in error.errors.items():
            target = aliases.get(name, name)
            form.add_error(target if target in form.fields else None, reason)
        return
    form.add_error(field if field in form.fields else None, error.message)


if TYPE_CHECKING:
    _FormBase = forms.BaseForm
else:
    _FormBase = object


class ServiceErrorsMixin(_FormBase):
    """A form that shows a service's refusal (see `show_service_errors`). A form whose
    fields differ from the service's names says so in `service_field_aliases`."""

    service_field_aliases: ClassVar[Mapping[str, str]] = _NO_ALIASES

    def add_service_errors(self, error: DomainError, *, field: str | None = None) -> None:
        show_service_errors(self, error, field=field, aliases=self.service_field_aliases)


class RefusalShown:
    """A service called by a page, as a `with` block: a `DomainError` it raises ends the
    block, `failed` tells the view, and the error is shown on `form` (as
    `show_service_errors` does; `field` takes a plain error) or, without a form, as an
    error message on the page the user sees next. What follows a successful call (its
    success message, its redirect) goes after the block, under `if not refusal.failed`,
    or inside it.

    A file or entry refused row by row (`ImportRejected`) keeps its rows in `rows` for
    the page to list; given `rejected` (a message with %(count)s), the form also says
    how many. `NotFound` and `AccessDenied` rise to the 404 and 403 pages."""

    def __init__(
        self,
        request: HttpRequest | None = None,
        *,
        form: forms.BaseForm | None = None,
        field: str | None = None,
        rejected: str = "",
    ) -> None:
        if request is None and form is None:
            raise TypeError("RefusalShown needs a form or the request for its message")
        self.request = request
        self.form = form
        self.field = field
        self.rejected = rejected
        self.rows: list[RowError] = []
        self.failed = False

    def __enter__(self) -> RefusalShown:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        trace: TracebackType | None,
    ) -> bool:
        if not isinstance(exc, DomainError) or isinstance(exc, NotFound | AccessDenied):
            return False
        self.failed = True
        if isinstance(exc, ImportRejected):
            self.rows = exc.errors
        form = self.form
        if form is None:
            if self.request is not None:  # one of the two, checked in __init__
                messages.error(self.request, exc.message)
        elif isinstance(exc, ImportRejected):
            if self.rejected:
                form.add_error(None, self.rejected % {"count": len(exc.errors)})
        elif isinstance(form, ServiceErrorsMixin):
            form.add_service_errors(exc, field=self.field)
        else:
            show_service_errors(form, exc, field=self.field)
        return True
