"""household_list_for_user and household_get_for_user: scope for every role, filters."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from langso.core.errors import NotFound
from langso.registry.models import Household, HouseholdStatus
from langso.registry.selectors.households import (
    HouseholdFilterInvalid,
    HouseholdFilters,
    household_get_for_user,
    household_list_for_user,
    likely_duplicates_for_household,
)
from langso.registry.services.households import household_set_status
from langso.registry.testing import (
    SEES_A1_A2_B1,
    Points,
    RegistryTree,
    RegistryUsers,
    create_household,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def households(tree: RegistryTree, users: RegistryUsers, points: Points) -> dict[str, Household]:
    officer = users.central_admin
    return {
        "a1": create_household(
            actor=officer,
            village=tree.a1,
            head_name="Nguyễn Văn Hoà",
            members=4,
            adults=3,
            adults_smartphone=0,
            adults_epayment=3,
            adults_vneid=3,
            adults_public_service=3,
            broadband="fibre",
            mobile_coverage="4g",
        ),
        "a2": create_household(
            actor=officer,
            village=tree.a2,
            street="Đường Lê Lợi",
            members=2,
            adults=2,
            adults_smartphone=2,
            adults_epayment=1,
            adults_vneid=2,
            adults_public_service=2,
            broadband="none",
            mobile_coverage="5g",
        ),
        "b1": create_household(actor=officer, village=tree.b1, house_number="15A"),
    }


def _keys(households: dict[str, Household], user: object, **filters: object) -> set[str]:
    page = household_list_for_user(user=user, filters=HouseholdFilters(**filters))  # type: ignore[arg-type]  # the filters' own fields
    by_pk = {h.pk: k for k, h in households.items()}
    return {by_pk[h.pk] for h in page.rows}


@pytest.mark.parametrize(("user", "visible"), SEES_A1_A2_B1)
def test_every_role_reads_its_subtree(
    users: RegistryUsers, households: dict[str, Household], user: str, visible: set[str]
) -> None:
    """Inside the subtree every household is listed and found by code; outside, the list
    leaves it out and the detail is NotFound, as for a code that does not exist."""
    assert _keys(households, users.of(user)) == visible
    for key, household in households.items():
        if key in visible:
            found = household_get_for_user(user=users.of(user), address_code=household.address_code)
            assert found.pk == household.pk
        else:
            with pytest.raises(NotFound) as outside:
                household_get_for_user(user=users.of(user), address_code=household.address_code)
            with pytest.raises(NotFound) as missing:
                household_get_for_user(user=users.of(user), address_code="KHONG-CO")
            assert outside.value.message == missing.value.message


def test_anonymous_reads_nothing(households: dict[str, Household]) -> None:
    assert _keys(households, AnonymousUser()) == set()


def test_code_is_matched_as_typed_on_a_plate(
    users: RegistryUsers, households: dict[str, Household]
) -> None:
    code = households["a1"].address_code
    typed = f" {code.lower()[:6]} {code.lower()[6:]} "
    assert (
        household_get_for_user(user=users.officer_a, address_code=typed).pk == households["a1"].pk
    )


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"unit": "37001"}, {"a1", "a2"}),
        ({"unit": "37001-02"}, {"a2"}),
        ({"unit": "37"}, {"a1", "a2", "b1"}),
        ({"gap": "smartphone"}, {"a1"}),
        ({"gap": "no_smartphone"}, {"a1"}),
        ({"gap": "epayment"}, {"a2"}),
        ({"gap": "vneid"}, set()),
        ({"broadband": "none"}, {"a2"}),
        ({"mobile_coverage": "5g"}, {"a2"}),
        ({"unknown": True}, {"b1"}),
        ({"status": "active"}, {"a1", "a2", "b1"}),
        ({"q": "nguyễn văn hòa"}, {"a1"}),
        ({"q": "NGUYỄN"}, {"a1"}),
        ({"q": "lê lợi"}, {"a2"}),
        ({"q": "15a"}, {"b1"}),
        ({"q": "37002-"}, {"b1"}),
        ({"unit": "37001", "broadband": "fibre"}, {"a1"}),
    ],
)
def test_filters(
    users: RegistryUsers,
    households: dict[str, Household],
    filters: dict[str, object],
    expected: set[str],
) -> None:
    assert _keys(households, users.province_officer, **filters) == expected


def test_status_filter(users: RegistryUsers, households: dict[str, Household]) -> None:
    household_set_status(
        actor=users.officer_b, household=households["b1"], status=HouseholdStatus.MOVED_AWAY
    )
    assert _keys(households, users.province_officer, status="moved_away") == {"b1"}


def test_duplicates_filter(
    tree: RegistryTree, users: RegistryUsers, households: dict[str, Household]
) -> None:
    """Either side of an open flag is listed; a dismissed flag is not."""
    twin = create_household(actor=users.officer_a, village=tree.a1, head_name="Nguyễn Văn Hòa")
    households = households | {"twin": twin}
    assert _keys(households, users.officer_a, duplicates=True) == {"a1", "twin"}
    (flag,) = likely_duplicates_for_household(user=users.officer_a, household=twin)
    assert flag.other.pk == households["a1"].pk
    assert flag.reason_labels == ["Cùng thôn, cùng tên chủ hộ"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("unit", "37002"), ("unit", "99"), ("status", "gone"), ("gap", "tv"), ("broadband", "x")],
)
def test_bad_filters_name_the_parameter(
    users: RegistryUsers, households: dict[str, Household], field: str, value: str
) -> None:
    """A unit outside scope is refused exactly as one that does not exist."""
    with pytest.raises(HouseholdFilterInvalid) as caught:
        household_list_for_user(user=users.officer_a, filters=HouseholdFilters(**{field: value}))  # type: ignore[arg-type]  # the filters' own fields
    assert caught.value.param == field
    assert value in caught.value.message


def test_keyset_pages_newest_first(users: RegistryUsers, households: dict[str, Household]) -> None:
    first = household_list_for_user(user=users.central_admin, filters=HouseholdFilters(), limit=2)
    second = household_list_for_user(
        user=users.central_admin, filters=HouseholdFilters(), after=first.next_after, limit=2
    )
    assert [h.pk for h in first.rows + second.rows] == [
        households[k].pk for k in ("b1", "a2", "a1")
    ]
    assert second.next_after is None


def test_a_scoped_list_is_ordered_by_its_scope_column_first(
    users: RegistryUsers, households: dict[str, Household], tree: RegistryTree
) -> None:
    """The province officer's pages read newest first, as anyone's, and the query orders
    by province first so that PostgreSQL reads the (province, -id) index in order rather
    than walking every newer household of other provinces (seconds at ten million)."""
    with CaptureQueriesContext(connection) as queries:
        first = household_list_for_user(
            user=users.province_officer, filters=HouseholdFilters(), limit=2
        )
    second = household_list_for_user(
        user=users.province_officer, filters=HouseholdFilters(), after=first.next_after, limit=2
    )
    assert [h.pk for h in first.rows + second.rows] == [
        households[k].pk for k in ("b1", "a2", "a1")
    ]
    listing = queries.captured_queries[-1]["sql"]
    assert re.search(r'ORDER BY .*"province_id" ASC, .*"id" DESC', listing), listing

    with CaptureQueriesContext(connection) as queries:
        one_village = household_list_for_user(
            user=users.province_officer, filters=HouseholdFilters(unit=tree.a1.code)
        )
    assert [h.pk for h in one_village.rows] == [households["a1"].pk]
    assert re.search(r'ORDER BY .*"village_id" ASC', queries.captured_queries[-1]["sql"])
