"""Values read for units that all lie under a unit, or the country (`UnitsUnder`: the
rows of the parent's subtree, grouped by the level) are the values read by the units'
ids, for registry, reported (with their coverage) and activity figures; the rows of
units not asked for (the other commune, another province) are read and left out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from langso.core.events import ActivityCounted
from langso.indicators.selectors import UnitsUnder, indicators_values, period_parse
from langso.indicators.services.activity import activity_counted
from langso.indicators.services.reported import reported_value_set
from langso.indicators.testing import WORK_RECORDS, work_records_report
from langso.places.models import AdminUnit, Level
from langso.places.testing import make_unit_tree
from langso.registry.services.households import household_create
from langso.registry.testing import RegistryTree, RegistryUsers

pytestmark = pytest.mark.django_db
CODES = ["adults-epayment", "households", "village-free-wifi", WORK_RECORDS, "household-visits"]


@pytest.fixture
def figures(tree: RegistryTree, users: RegistryUsers, definitions: None) -> AdminUnit:
    """Households, reported entries and visits in both communes of province 37 and in a
    village of province 38, which it returns."""
    admin = users.central_admin
    other = make_unit_tree(province_code="38", province_name="Tỉnh Khác")
    elsewhere = other.villages[other.communes[0].pk][0]
    for village, adults, paying in ((tree.a1, 4, 3), (tree.a2, 2, 0), (tree.b1, 3, 1)):
        household_create(
            actor=admin,
            village=village,
            values={"members": adults, "adults": adults, "adults_epayment": paying},
        )
    household_create(
        actor=admin, village=elsewhere, values={"members": 5, "adults": 5, "adults_epayment": 5}
    )
    for village, wifi in ((tree.a1, 1), (tree.b1, 0), (elsewhere, 1)):
        reported_value_set(
            actor=admin, code="village-free-wifi", unit=village, period="2026", numerator=wifi
        )
    work_records_report(actor=admin, commune=tree.a, online=3)
    work_records_report(actor=admin, commune=tree.b, online=1)
    for village, commune in (
        (tree.a1, tree.a),
        (tree.a2, tree.a),
        (tree.b1, tree.b),
        (elsewhere, other.communes[0]),
    ):
        activity_counted(
            ActivityCounted(
                kind="household_visits",
                province_id=commune.province.pk if commune.province else 0,
                commune_id=commune.pk,
                unit_id=village.pk,
                day=dt.date(2026, 3, 1),
            )
        )
    return other.province


def _read(units: list[AdminUnit], under: UnitsUnder | None) -> list[list[tuple[Any, ...]]]:
    return [
        [
            (
                v.unit.pk,
                v.numerator,
                v.denominator,
                v.value,
                v.reports,
                v.reporting_units,
                v.expected_units,
            )
            for v in found.values
        ]
        for found in indicators_values(
            codes=CODES, units=units, period=period_parse("2026"), under=under
        )
    ]


Case = Callable[[RegistryTree, AdminUnit], tuple[list[AdminUnit], UnitsUnder]]
CASES: dict[str, Case] = {
    "communes of the province": lambda t, _o: ([t.a, t.b], UnitsUnder(t.province)),
    "one commune of the province": lambda t, _o: ([t.a], UnitsUnder(t.province)),
    "villages of a commune": lambda t, _o: ([t.a1, t.a2], UnitsUnder(t.a)),
    "communes of the country": lambda t, _o: ([t.a, t.b], UnitsUnder(None)),
    "provinces of the country": lambda t, o: ([t.province, o], UnitsUnder(None)),
}


@pytest.mark.parametrize("case", list(CASES))
def test_values_under_a_unit_are_the_values_by_ids(
    tree: RegistryTree, figures: AdminUnit, case: str
) -> None:
    units, under = CASES[case](tree, figures)
    by_ids = _read(units, None)
    assert _read(units, under) == by_ids
    # Every source has a figure among the units read (but the commune's own report at
    # villages, below where it is entered): the comparison is not of blanks.
    blank = [
        code
        for code, rows in zip(CODES, by_ids, strict=True)
        if all(row[3] is None for row in rows)
    ]
    assert blank == ([WORK_RECORDS] if units[0].level == Level.VILLAGE else [])


def test_one_commune_read_under_its_province_has_its_own_figures_only(
    tree: RegistryTree, figures: AdminUnit
) -> None:
    """Commune A alone, read by its province's subtree: B's rows are left out."""
    epayment, households, wifi, records, visits = _read([tree.a], UnitsUnder(tree.province))
    assert epayment[0][1:4] == (Decimal(3), Decimal(6), Decimal(50))
    assert households[0][3] == 2
    # A1 reported wifi; A2 did not: one village of two.
    assert (wifi[0][3], wifi[0][5], wifi[0][6]) == (Decimal(100), 1, 2)
    assert records[0][3] == Decimal(75)
    assert visits[0][3] == 2
