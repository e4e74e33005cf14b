"""Migration 0009 fills each household's last visit from the visits logged before the
field existed: the newest day per household, none for a household never visited, and
the same again when it runs twice."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps

from langso.places.testing import UnitTree
from langso.registry.models import Household
from langso.registry.testing import make_household
from langso.surveys.models import Visit

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "langso.surveys.migrations.0009_household_last_visited_on_backfill"
)


def test_the_newest_visit_of_each_household_is_filled_in(tree: UnitTree) -> None:
    village = tree.villages_of(tree.communes[0])[0]
    twice, once, never = (make_household(village=village) for _ in range(3))
    for household, day in (
        (twice, dt.date(2026, 3, 1)),
        (twice, dt.date(2026, 9, 14)),
        (once, dt.date(2026, 5, 30)),
    ):
        Visit.objects.create(
            household=household, village=village, visited_on=day, outcome=Visit.Outcome.SURVEYED
        )
    migration.backfill(apps, None)
    migration.backfill(apps, None)
    days = dict(Household.objects.values_list("pk", "last_visited_on"))
    assert days == {
        twice.pk: dt.date(2026, 9, 14),
        once.pk: dt.date(2026, 5, 30),
        never.pk: None,
    }
