"""Fixtures shared across the suite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import translation

from langso.core.testing import smtp_inbox
from langso.messaging.testing import kannel, kannel_gateway
from langso.places.models import AdminUnit, UnitLineage, UnitSource
from langso.places.services.units import UnitLoadReport, units_load
from langso.places.unit_sources import read_vietnamadminunits

# Fixtures of core's test helpers that any app's tests may ask for.
__all__ = ["kannel", "kannel_gateway", "smtp_inbox"]


@pytest.fixture(scope="module")
def national_units(
    django_db_setup: None, django_db_blocker: pytest.FixtureRequest
) -> Iterator[UnitLoadReport]:
    """The real national lists (34 + 3,321 current, 63 + 696 + 10,035 legacy, lineage),
    loaded once per module and removed afterwards, so that other modules start empty."""
    with django_db_blocker.unblock():  # type: ignore[attr-defined]  # pytest-django's blocker
        report = units_load(source=read_vietnamadminunits())
        yield report
        # One statement per table: the self-referencing PROTECT keys forbid row-by-row
        # deletion, and every row goes at once anyway.
        with connection.cursor() as cursor:
            for model in (UnitLineage, AdminUnit, UnitSource):
                cursor.execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608  # table names from models


@pytest.fixture(autouse=True)
def _cache_cleared() -> None:
    """Each test starts with an empty cache: sign-in throttling counts failures there."""
    cache.clear()


@pytest.fixture(autouse=True)
def _vietnamese_first() -> None:
    """Each test starts in Vietnamese: a page asked for in English leaves English active
    in the thread (the locale middleware activates, nothing deactivates), and the next
    test's selectors would speak it."""
    translation.activate(settings.LANGUAGE_CODE)
