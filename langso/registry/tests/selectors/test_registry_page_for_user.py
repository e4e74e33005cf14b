"""registry_page_for_user, registry_get_for_user: every role sees its subtree, nothing
outside, and a refusal looks like absence."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from langso.core.errors import NotFound
from langso.registry.selectors.placed import (
    BadFilter,
    RegistryFilters,
    registry_get_for_user,
    registry_page_for_user,
)
from langso.registry.specs import CAMERA, COOPERATIVE, PRODUCT, VESSEL, RegistrySpec
from langso.registry.testing import (
    RegistryTree,
    RegistryUsers,
    each_spec,
    make_household,
    make_row,
)

pytestmark = pytest.mark.django_db

# Which of the rows in A1, A2, B1 and commune A itself each role sees.
VISIBLE = {
    "central_admin": {"a1", "a2", "b1", "a"},
    "province_officer": {"a1", "a2", "b1", "a"},
    "officer_a": {"a1", "a2", "a"},
    "officer_b": {"b1"},
    "village_head_a1": {"a1"},
    "digital_team_a": {"a1", "a2", "a"},
    "nobody": set(),
}


@pytest.mark.parametrize("role", list(VISIBLE))
@each_spec
def test_each_role_sees_its_subtree(
    spec: RegistrySpec[Any], role: str, tree: RegistryTree, users: RegistryUsers
) -> None:
    rows = {name: make_row(spec, unit=getattr(tree, name)) for name in ("a1", "a2", "b1", "a")}
    user = users.of(role)
    page = registry_page_for_user(spec=spec, user=user)
    assert {r.pk for r in page.rows} == {rows[name].pk for name in VISIBLE[role]}
    for name, row in rows.items():
        key = getattr(row, spec.key)
        if name in VISIBLE[role]:
            assert registry_get_for_user(spec=spec, user=user, key=key.lower()) == row
        else:
            with pytest.raises(NotFound) as missing:
                registry_get_for_user(spec=spec, user=user, key=key)
            with pytest.raises(NotFound) as absent:
                registry_get_for_user(spec=spec, user=user, key=key + "X")
            # The same words for a row outside the scope as for no row at all.
            assert missing.value.message.replace(key, "") == absent.value.message.replace(
                key + "X", ""
            )


def test_anonymous_users_see_nothing(tree: RegistryTree) -> None:
    make_row(COOPERATIVE, unit=tree.a1)
    assert registry_page_for_user(spec=COOPERATIVE, user=AnonymousUser()).rows == []


def test_filters_search_and_unit(tree: RegistryTree, users: RegistryUsers) -> None:
    """The registry's filters, diacritic-insensitive search on the name or part of the
    key, and the unit's subtree."""
    ocop = make_row(
        PRODUCT,
        unit=tree.a1,
        name="Gạo tám Hải Hậu",
        search_name="gao tam hai hau",
        ocop_stars=4,
        ocop_year=2023,
    )
    plain = make_row(PRODUCT, unit=tree.b1)
    made_by_cooperative = make_row(
        PRODUCT, unit=tree.a2, cooperative=make_row(COOPERATIVE, unit=tree.a2)
    )
    admin = users.central_admin

    def keys(**filters: Any) -> set[int]:
        page = registry_page_for_user(spec=PRODUCT, user=admin, filters=RegistryFilters(**filters))
        return {row.pk for row in page.rows}

    assert keys(choices={"ocop": "4"}) == {ocop.pk}
    assert keys(choices={"ocop": "none"}) == {plain.pk, made_by_cooperative.pk}
    assert keys(choices={"maker": "cooperative"}) == {made_by_cooperative.pk}
    assert keys(q="HAI HAU") == {ocop.pk}
    assert keys(q="gạo tám") == {ocop.pk}
    assert keys(q=plain.code.lower()[:8]) >= {plain.pk}
    assert keys(unit=tree.b) == {plain.pk}
    assert keys(unit=tree.a, choices={"maker": "household"}) == {ocop.pk}


def test_unknown_filters_and_values_name_the_parameter(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    for choices, param in (({"licence": "forever"}, "licence"), ({"colour": "red"}, "colour")):
        with pytest.raises(BadFilter) as refused:
            registry_page_for_user(
                spec=VESSEL, user=users.central_admin, filters=RegistryFilters(choices=choices)
            )
        assert refused.value.param == param


def test_licence_and_yes_no_filters(tree: RegistryTree, users: RegistryUsers) -> None:
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    expired = make_row(VESSEL, unit=tree.a, licence_expires_on=today - dt.timedelta(days=1))
    soon = make_row(VESSEL, unit=tree.a, licence_expires_on=today + dt.timedelta(days=10))
    valid = make_row(VESSEL, unit=tree.a, licence_expires_on=today + dt.timedelta(days=365))
    unknown = make_row(VESSEL, unit=tree.a)
    for value, row in (
        ("expired", expired),
        ("expiring", soon),
        ("valid", valid),
        ("unknown", unknown),
    ):
        page = registry_page_for_user(
            spec=VESSEL, user=users.officer_a, filters=RegistryFilters(choices={"licence": value})
        )
        assert [r.pk for r in page.rows] == [row.pk]
    broken = make_row(CAMERA, unit=tree.a1, is_working=False)
    make_row(CAMERA, unit=tree.a1)
    cameras = registry_page_for_user(
        spec=CAMERA, user=users.officer_a, filters=RegistryFilters(choices={"is_working": "no"})
    )
    assert [r.pk for r in cameras.rows] == [broken.pk]


def test_a_product_outside_scope_made_by_a_household_inside(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    """Scope follows the product's own place, not its maker's."""
    household = make_household(village=tree.a1)
    product = make_row(PRODUCT, unit=tree.b1, household=household)
    assert registry_page_for_user(spec=PRODUCT, user=users.officer_a).rows == []
    assert registry_page_for_user(spec=PRODUCT, user=users.officer_b).rows == [product]
