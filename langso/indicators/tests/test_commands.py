"""`manage.py rebuild_household_aggregates` after a load that published no events."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from langso.indicators.models import HouseholdAggregate
from langso.registry.testing import RegistryTree, make_household

pytestmark = pytest.mark.django_db


def test_rebuild_catches_up_with_rows_written_without_events(tree: RegistryTree) -> None:
    make_household(village=tree.a1, members=4, adults=3)
    make_household(village=tree.a1, members=2, adults=2)
    assert not HouseholdAggregate.objects.exists()
    out = StringIO()
    call_command("rebuild_household_aggregates", stdout=out)
    assert "Đã tính lại" in out.getvalue()
    figures = dict(HouseholdAggregate.objects.filter(unit=tree.a1).values_list("measure", "value"))
    assert (figures["households"], figures["sum:members"], figures["sum:adults"]) == (2, 6, 5)
