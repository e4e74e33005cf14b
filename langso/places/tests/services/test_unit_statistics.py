"""The planner's statistics of the units' table, refreshed after a bulk change: without
them SQLite read every village of the country for each map tile."""

from __future__ import annotations

import pytest
from django.db import connection

from langso.core.db import statistics_refresh
from langso.places.models import AdminUnit
from langso.places.testing import make_unit_tree

pytestmark = pytest.mark.django_db


def _counted_rows() -> int | None:
    """How many rows the planner believes the units' table holds (None: it has never
    counted them)."""
    table = AdminUnit._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'"
            )
            if cursor.fetchone() is None:
                return None
            # The first number of a table's own line is its row count.
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s AND idx IS NULL", [table])
            found = cursor.fetchone()
            if found is None:
                cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [table])
                found = cursor.fetchone()
            return None if found is None else int(str(found[0]).split()[0])
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        (tuples,) = cursor.fetchone()
        return None if tuples < 0 else int(tuples)


def test_the_units_are_counted_after_a_refresh() -> None:
    make_unit_tree(communes=3, villages_per_commune=4)
    statistics_refresh(AdminUnit)
    assert _counted_rows() == AdminUnit.objects.count() == 1 + 3 + 3 * 4
