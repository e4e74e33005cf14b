"""Fixtures of the registry tests; the helpers and the shared `tree` and `users`
fixtures live in `langso.registry.testing` (see its docstring for the tree)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.gis.geos import Point
from pytest_django import Settings

from langso.core import events
from langso.registry.events import HouseholdsChanged

# The shared fixtures, found by pytest through this module.
from langso.registry.testing import Points, tree, users

__all__ = ["household_events", "media_root", "points", "tree", "users"]


@pytest.fixture
def points() -> Points:
    return Points(
        inside_a=Point(105.95, 20.25, srid=4326),
        outside_a=Point(105.80, 20.25, srid=4326),
        in_b=Point(106.05, 20.25, srid=4326),
        outside_vietnam=Point(2.35, 48.85, srid=4326),
    )


@pytest.fixture
def household_events(monkeypatch: pytest.MonkeyPatch) -> list[HouseholdsChanged]:
    """Every HouseholdsChanged published during the test, in order. The subscription is
    undone afterwards (core.events has no unsubscribe: apps subscribe once, at start)."""
    seen: list[HouseholdsChanged] = []
    handlers = events._in_transaction  # test-only: a temporary subscriber
    monkeypatch.setitem(handlers, HouseholdsChanged, [*handlers[HouseholdsChanged], seen.append])
    return seen


@pytest.fixture
def media_root(settings: Settings, tmp_path: Path) -> Path:
    """Stored files (photos) go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path
