"""Every stored file is reached only through a route that signs the reader in and checks
their scope, and is stored under a name no one can guess. The per-kind tests (each
app's `test_evidence_download`, `test_photo_pages`, `surveys/.../test_files`) check
in-scope and out-of-scope readers; this one holds the list of file routes to what the
URL configuration has, so that a new file route joins the access tests, and refuses
anonymous readers on every one of them."""

from __future__ import annotations

import inspect
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from langso.core.files import RandomName

# Each file route, with arguments that need not exist: sign-in comes first.
FILE_ROUTES: dict[str, tuple[object, ...]] = {
    "indicators:evidence": (1,),
    "criteria:evidence": (1,),
    "registry:product-photo": ("37001-SP0001", 1),
    "registry:tourism-site-photo": ("37001-DL0001", 1),
    "surveys:submission-attachment": (1, 1),
    "surveys:version-download": (1, 1, "xlsform"),
    "surveys:attachment-download": (1, 1),
    "surveys:web-form-media": (1, "nha.png"),
    "openrosa:media": ("khao_sat_thu", "nha.png"),
    "recognition:document": (1, 1),
    "recognition:decision": (1, 1),
    "recognition:field-visit": (1, 1),
    "plans:training-certificate": (1,),
    "plans:file": ("ke-hoach",),
    "messaging:loudspeaker-audio": (1, "mp3"),
    "announcements:attachment": (1, 1),
    "dashboards:report-file": (1, "pdf"),
}
# The helpers that send a file's bytes (`core.files`, OpenRosa's media).
SENDERS = ("file_response", "content_response", "media_response")
# ODK Collect signs in with HTTP Basic: it is asked to, not sent to a page.
BASIC_AUTH_ROUTES = {"openrosa:media"}


def _routes(
    patterns: list[URLPattern | URLResolver], namespace: str = ""
) -> Iterator[tuple[str, object]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _routes(entry.url_patterns, inner)
        elif entry.name:
            yield f"{namespace}{entry.name}", entry.callback


def _sends_files(view: object) -> bool:
    try:
        source = inspect.getsource(inspect.unwrap(view))  # type: ignore[arg-type]
    except (TypeError, OSError):
        return False
    return any(f"{helper}(" in source for helper in SENDERS)


def test_every_route_that_sends_a_stored_file_is_in_the_access_tests() -> None:
    """The routes whose views send stored files are exactly those listed here."""
    sending = {name for name, view in _routes(get_resolver().url_patterns) if _sends_files(view)}
    assert sending == set(FILE_ROUTES)


@pytest.mark.django_db
@pytest.mark.parametrize("route", sorted(FILE_ROUTES))
def test_anonymous_readers_get_no_file(route: str) -> None:
    """Pages send anonymous readers to sign in; the OpenRosa server asks for Basic."""
    response = Client().get(reverse(route, args=FILE_ROUTES[route]))
    if route in BASIC_AUTH_ROUTES:
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Basic")
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_every_stored_file_gets_a_name_no_one_can_guess() -> None:
    """Each file field of the project's models stores under a random name."""
    fields = [
        field
        for config in apps.get_app_configs()
        if config.name.startswith("langso.")
        for model in config.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    ]
    # Evidence (2), registry photos (2), survey files (2), recognition dossiers (4),
    # plans' own files (1), training certificates (1), announcements' attachments (1),
    # quarterly reports' PDF and XLSX (2).
    assert len(fields) == 15
    for field in fields:
        assert isinstance(field.upload_to, RandomName), field
