"""How the surveys pages show what a service refuses of a request: on the page the user
sees next, as a message or on the form they posted."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django import forms
from django.contrib import messages
from django.http import HttpRequest

from langso.core.errors import AccessDenied, DomainError, NotFound


@contextmanager
def refusal_shown(request: HttpRequest, *, form: forms.Form | None = None) -> Iterator[None]:
    """Run a service; a `DomainError` it raises ends the block and is shown: on `form`
    when given (field by field when the error names its fields in `errors`), otherwise
    as an error message. What follows a successful call (its success message, its
    redirect) goes inside the block.

    `NotFound` and `AccessDenied` are not about what was posted: they rise to
    `core.middleware.DomainErrorPages`, the 404 and the 403 pages."""
    try:
        yield
    except (NotFound, AccessDenied):
        raise
    except DomainError as exc:
        if form is None:
            messages.error(request, exc.message)
            return
        errors: dict[str, str] = getattr(exc, "errors", {"__all__": exc.message})
        for field, reason in errors.items():
            form.add_error(field if field in form.fields else None, reason)
