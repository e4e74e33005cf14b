"""Indicator values against figures counted by hand: at a village, a commune and the
province (roll-up), with a commune-level household, unknown answers left out of the
denominators, and a zero denominator read as no data."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from langso.indicators.selectors import indicator_values, period_parse
from langso.registry.services.households import household_create
from langso.registry.testing import RegistryTree, RegistryUsers

pytestmark = pytest.mark.django_db
TEN_PLACES = Decimal("1e-10")


def _household(users: RegistryUsers, **place: Any) -> Any:
    def make(**values: Any) -> None:
        household_create(actor=users.province_officer, values=values, **place)

    return make


@pytest.fixture
def counted(tree: RegistryTree, users: RegistryUsers, definitions: None) -> None:
    """A1: (4 adults, 3 pay online, 2 smartphones, fibre), (2 adults, 0 pay, 0 phones,
    other broadband); A2: (3 adults, e-payment unknown, 1 smartphone, broadband unknown);
    B (on no village): (5 adults, 5 pay, 5 phones, fibre). B1 has no household."""
    a1 = _household(users, village=tree.a1)
    a1(members=5, adults=4, adults_epayment=3, adults_smartphone=2, broadband="fibre")
    a1(members=2, adults=2, adults_epayment=0, adults_smartphone=0, broadband="other")
    _household(users, village=tree.a2)(members=3, adults=3, adults_smartphone=1)
    _household(users, commune=tree.b)(
        members=6, adults=5, adults_epayment=5, adults_smartphone=5, broadband="fibre"
    )


def _values(code: str, *units: Any) -> list[Decimal | None]:
    result = indicator_values(code=code, units=list(units), period=period_parse("2026"))
    return [value.value for value in result.values]


def test_a_share_at_villages_communes_and_the_province(tree: RegistryTree, counted: None) -> None:
    # E-payment: A1 3 of 6 adults; A2 unknown, so no data, not 0%; A 3 of 6; B 5 of 5;
    # the province 8 of 11 (A2's adults are not in the denominator).
    assert _values("adults-epayment", tree.a1, tree.a2) == [Decimal(50), None]
    assert _values("adults-epayment", tree.a, tree.b) == [Decimal(50), Decimal(100)]
    [province] = _values("adults-epayment", tree.province)
    assert province == (Decimal(800) / Decimal(11)).quantize(TEN_PLACES)


def test_a_count_of_households_and_a_share_of_households(tree: RegistryTree, counted: None) -> None:
    assert _values("households", tree.a1, tree.a2, tree.b1) == [2, 1, 0]
    assert _values("households", tree.a, tree.b) == [3, 1]
    assert _values("households", tree.province) == [4]
    # At least one smartphone: A1 1 of 2, A2 1 of 1, province 3 of 4.
    assert _values("households-smartphone", tree.a1, tree.a2) == [50, 100]
    assert _values("households-smartphone", tree.province) == [75]
    # Fibre of households whose broadband is known: A 1 of 2, province 2 of 3.
    [share] = _values("households-fibre", tree.province)
    assert share == (Decimal(200) / Decimal(3)).quantize(TEN_PLACES)


def test_a_unit_with_no_household_has_no_data_not_zero_percent(
    tree: RegistryTree, counted: None
) -> None:
    result = indicator_values(code="adults-epayment", units=[tree.b1], period=period_parse("2026"))
    [value] = result.values
    assert value.numerator == value.denominator == Decimal(0)
    assert value.value is None


def test_values_say_which_definition_and_period_they_come_from(
    tree: RegistryTree, counted: None
) -> None:
    result = indicator_values(
        code="adults-epayment", units=[tree.a], period=period_parse("2026-Q3")
    )
    assert (result.definition.code, result.definition.version) == ("adults-epayment", 1)
    assert (result.period.code, result.period.kind, result.frozen) == ("2026-Q3", "quarter", False)
    assert str(result.period.start) == "2026-07-01"
    assert str(result.period.end) == "2026-09-30"
