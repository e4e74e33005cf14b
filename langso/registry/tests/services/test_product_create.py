"""product_create / product_update: one maker in scope, OCOP stars and year, price, and
the place taken from the maker."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from langso.registry.models import Cooperative, Household
from langso.registry.services.economy import cooperative_create, product_create, product_update
from langso.registry.services.placed import RegistryInvalid
from langso.registry.testing import Points, RegistryTree, RegistryUsers, make_household

pytestmark = pytest.mark.django_db


@pytest.fixture
def cooperative(tree: RegistryTree, users: RegistryUsers, points: Points) -> Cooperative:
    return cooperative_create(
        actor=users.officer_a,
        values={"name": "HTX Đông Hà", "unit": tree.a1, "location": points.inside_a},
    )


@pytest.fixture
def household(tree: RegistryTree, points: Points) -> Household:
    return make_household(village=tree.a2, location=points.inside_a)


def _refused(users: RegistryUsers, **values: Any) -> dict[str, str]:
    with pytest.raises(RegistryInvalid) as refused:
        product_create(actor=users.officer_a, values={"name": "Mắm", "category": "food"} | values)
    return refused.value.errors


def test_a_product_takes_its_makers_place(
    cooperative: Cooperative, household: Household, users: RegistryUsers, tree: RegistryTree
) -> None:
    """Without a unit, a product is placed in its maker's village, at its maker's point."""
    of_cooperative = product_create(
        actor=users.officer_a,
        values={"name": "Gạo", "category": "food", "cooperative": cooperative.code.lower()},
    )
    assert of_cooperative.village_id == tree.a1.pk
    assert of_cooperative.location == cooperative.location
    assert of_cooperative.cooperative == cooperative
    assert of_cooperative.code == f"{tree.a.code}-SP0001"
    of_household = product_create(
        actor=users.officer_a,
        values={"name": "Mắm", "category": "food", "household": household.address_code},
    )
    assert of_household.village_id == tree.a2.pk
    assert of_household.household == household


def test_a_given_unit_wins_over_the_makers(
    cooperative: Cooperative, users: RegistryUsers, tree: RegistryTree
) -> None:
    product = product_create(
        actor=users.officer_a,
        values={"name": "Gạo", "category": "food", "cooperative": cooperative.code, "unit": tree.a},
    )
    assert (product.commune_id, product.village_id, product.location) == (tree.a.pk, None, None)


def test_exactly_one_maker(
    cooperative: Cooperative, household: Household, users: RegistryUsers, tree: RegistryTree
) -> None:
    """No maker, or both a cooperative and a household, is refused."""
    assert "cooperative" in _refused(users, unit=tree.a1)
    both = _refused(users, cooperative=cooperative.code, household=household.address_code)
    assert "cooperative" in both


def test_a_maker_outside_the_scope_reads_as_unknown(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    """The officer of A cannot name a household of commune B: it is "not found in your
    scope", as if it did not exist."""
    other = make_household(village=tree.b1)
    errors = _refused(users, household=other.address_code)
    assert other.address_code in errors["household"]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"ocop_stars": 2, "ocop_year": 2022}, "ocop_stars"),
        ({"ocop_stars": 6, "ocop_year": 2022}, "ocop_stars"),
        ({"ocop_stars": 4}, "ocop_year"),
        ({"ocop_year": 2022}, "ocop_year"),
        ({"ocop_stars": 3, "ocop_year": 2012}, "ocop_year"),
        ({"ocop_stars": 3, "ocop_year": timezone.localdate().year + 1}, "ocop_year"),
        ({"price": -1, "price_unit": "kg"}, "price"),
        ({"price": 120000}, "price_unit"),
        ({"category": "weapons"}, "category"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_values_are_named(
    values: dict[str, Any], field: str, household: Household, users: RegistryUsers
) -> None:
    """OCOP stars 3–5 with a certification year from 2013 to this year; a price not
    below zero with its unit; a known category; a name."""
    errors = _refused(users, household=household.address_code, **values)
    assert field in errors


def test_a_good_ocop_product(household: Household, users: RegistryUsers) -> None:
    product = product_create(
        actor=users.officer_a,
        values={
            "name": "Nước mắm Vạn Phần",
            "category": "food",
            "household": household.address_code,
            "ocop_stars": 4,
            "ocop_year": timezone.localdate().year,
            "price": 85000,
            "price_unit": "chai",
        },
    )
    assert product.ocop_stars == 4
    assert product.price == Decimal(85000)


def test_changing_the_maker(
    cooperative: Cooperative, household: Household, users: RegistryUsers
) -> None:
    """Moving a product from a household to a cooperative clears the household; the
    audit entry names both by their codes."""
    product = product_create(
        actor=users.officer_a,
        values={"name": "Mắm", "category": "food", "household": household.address_code},
    )
    product_update(
        actor=users.officer_a,
        product=product,
        changes={"household": None, "cooperative": cooperative.code},
    )
    product.refresh_from_db()
    assert (product.cooperative_id, product.household_id) == (cooperative.pk, None)
    assert product.village_id == household.village_id  # the place stays unless asked


def test_unit_none_moves_a_product_back_to_its_maker(
    cooperative: Cooperative, users: RegistryUsers, tree: RegistryTree
) -> None:
    product = product_create(
        actor=users.officer_a,
        values={
            "name": "Gạo",
            "category": "food",
            "cooperative": cooperative.code,
            "unit": tree.a2,
        },
    )
    product_update(actor=users.officer_a, product=product, changes={"unit": None})
    product.refresh_from_db()
    assert product.village_id == tree.a1.pk
    assert product.location == cooperative.location
