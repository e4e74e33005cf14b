"""Likely duplicates: same village and head name, same house number, or within 50 m."""

from __future__ import annotations

import math

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.test.utils import CaptureQueriesContext

from langso.core.errors import AccessDenied
from langso.core.selectors import audit_history
from langso.registry import duplicates
from langso.registry.duplicates import likely_duplicate_dismiss, likely_duplicates_flag
from langso.registry.models import Household, HouseholdStatus, LikelyDuplicate
from langso.registry.services.households import household_set_status, household_update
from langso.registry.testing import (
    RegistryTree,
    RegistryUsers,
    create_household,
    make_household,
)

pytestmark = pytest.mark.django_db

LAT = 20.25


def east_of(point: Point, metres: float) -> Point:
    """The point `metres` due east (on the sphere; the ellipsoid differs by < 0.5 %)."""
    degrees = metres / (6_371_008.8 * math.radians(1) * math.cos(math.radians(point.y)))
    return Point(point.x + degrees, point.y, srid=4326)


ORIGIN = Point(105.95, LAT, srid=4326)


def _flags() -> list[tuple[int, int, list[str]]]:
    return list(
        LikelyDuplicate.objects.filter(dismissed_at__isnull=True)
        .order_by("household_id", "other_id")
        .values_list("household_id", "other_id", "reasons")
    )


def test_same_village_and_normalised_head_name(tree: RegistryTree, users: RegistryUsers) -> None:
    """ "Nguyễn Văn Hoà" and "nguyễn  văn hòa" in one village are flagged on create."""
    first = create_household(actor=users.officer_a, village=tree.a1, head_name="Nguyễn Văn Hoà")
    second = create_household(actor=users.officer_a, village=tree.a1, head_name="nguyễn  văn hòa")
    assert _flags() == [(first.pk, second.pk, ["head_name"])]


def test_same_name_in_another_village_is_not_flagged(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    create_household(actor=users.officer_a, village=tree.a1, head_name="Lê Văn Tám")
    create_household(actor=users.officer_a, village=tree.a2, head_name="Lê Văn Tám")
    assert _flags() == []


def test_same_house_number_and_both_reasons(tree: RegistryTree, users: RegistryUsers) -> None:
    """Reasons accumulate on one flag per pair."""
    first = create_household(actor=users.officer_a, village=tree.a1, house_number="12")
    second = create_household(actor=users.officer_a, village=tree.a1, house_number="12")
    assert _flags() == [(first.pk, second.pk, ["house_number"])]
    household_update(actor=users.officer_a, household=first, values={"head_name": "Phạm Thị Mai"})
    household_update(actor=users.officer_a, household=second, values={"head_name": "Phạm Thị Mai"})
    assert _flags() == [(first.pk, second.pk, ["head_name", "house_number"])]


def test_empty_names_and_numbers_do_not_match(tree: RegistryTree, users: RegistryUsers) -> None:
    create_household(actor=users.officer_a, village=tree.a1)
    create_household(actor=users.officer_a, village=tree.a1)
    assert _flags() == []


def test_within_50_m_is_flagged_and_60_m_is_not(tree: RegistryTree, users: RegistryUsers) -> None:
    """Distances on the ground, across villages: 40 m flagged, 60 m not (both inside the
    index's search box, so the exact distance decides)."""
    origin = create_household(actor=users.officer_a, village=tree.a1, location=ORIGIN)
    near = create_household(actor=users.officer_a, village=tree.a2, location=east_of(ORIGIN, 40))
    create_household(actor=users.officer_a, village=tree.a1, location=east_of(ORIGIN, -60))
    assert _flags() == [(origin.pk, near.pk, ["nearby"])]


def test_nearby_households_that_evidently_differ_are_not_flagged(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    """Neighbours 20 m apart with different house numbers, or head names that differ even
    without diacritics, are two households; names that differ only in diacritics are not
    evidence."""
    create_household(actor=users.officer_a, village=tree.a1, location=ORIGIN, house_number="1")
    create_household(
        actor=users.officer_a, village=tree.a1, location=east_of(ORIGIN, 20), house_number="3"
    )
    a = create_household(
        actor=users.officer_a, village=tree.a2, location=east_of(ORIGIN, 400), head_name="Đỗ An"
    )
    create_household(
        actor=users.officer_a, village=tree.a2, location=east_of(ORIGIN, 420), head_name="Hà Bình"
    )
    assert _flags() == []
    c = create_household(
        actor=users.officer_a, village=tree.a2, location=east_of(ORIGIN, 390), head_name="do an"
    )
    assert _flags() == [(a.pk, c.pk, ["nearby"])]


def test_a_flag_goes_when_it_no_longer_holds(tree: RegistryTree, users: RegistryUsers) -> None:
    """Correcting a mistyped name removes the open flag."""
    create_household(actor=users.officer_a, village=tree.a1, head_name="Vũ Văn Nam")
    second = create_household(actor=users.officer_a, village=tree.a1, head_name="Vũ Văn Nam")
    household_update(actor=users.officer_a, household=second, values={"head_name": "Vũ Văn Bắc"})
    assert _flags() == []


def test_merging_closes_the_flag(tree: RegistryTree, users: RegistryUsers) -> None:
    """A household merged into the other is nobody's duplicate any more."""
    first = create_household(actor=users.officer_a, village=tree.a1, head_name="Vũ Văn Nam")
    second = create_household(actor=users.officer_a, village=tree.a1, head_name="Vũ Văn Nam")
    household_set_status(
        actor=users.officer_a, household=second, status=HouseholdStatus.MERGED, merged_into=first
    )
    assert _flags() == []


def test_a_dismissed_pair_is_never_flagged_again(tree: RegistryTree, users: RegistryUsers) -> None:
    """The officer's decision stands through later edits; it is audited."""
    first = create_household(actor=users.officer_a, village=tree.a1, head_name="Vũ Văn Nam")
    second = create_household(actor=users.officer_a, village=tree.a1, head_name="Vũ Văn Nam")
    pair = LikelyDuplicate.objects.get()
    likely_duplicate_dismiss(actor=users.village_head_a1, pair=pair)
    household_update(actor=users.officer_a, household=second, values={"house_number": "5"})
    household_update(actor=users.officer_a, household=first, values={"house_number": "5"})
    assert _flags() == []
    pair.refresh_from_db()
    assert pair.dismissed_by == users.village_head_a1
    assert pair.reasons == ["head_name"]
    (entry,) = audit_history(instance=pair)
    assert entry.actor == users.village_head_a1


@pytest.mark.parametrize("user", ["officer_b", "digital_team_a", "nobody"])
def test_only_a_manager_of_the_households_may_dismiss(
    tree: RegistryTree, users: RegistryUsers, user: str
) -> None:
    create_household(actor=users.officer_a, village=tree.a1, head_name="Vũ Văn Nam")
    create_household(actor=users.officer_a, village=tree.a1, head_name="Vũ Văn Nam")
    pair = LikelyDuplicate.objects.get()
    with pytest.raises(AccessDenied):
        likely_duplicate_dismiss(actor=users.of(user), pair=pair)
    pair.refresh_from_db()
    assert pair.dismissed_at is None


def test_bulk_flagging_is_set_based(tree: RegistryTree, monkeypatch: pytest.MonkeyPatch) -> None:
    """After an import, flagging runs a fixed number of statements per batch, however
    many pairs there are; pairs across batches are flagged once."""
    monkeypatch.setattr(duplicates, "_BATCH", 100)

    def load(count: int) -> list[int]:
        Household.objects.all().delete()
        rows = []
        for i in range(count):
            village = tree.a1 if i % 2 else tree.a2
            rows.append(
                make_household(
                    village=village,
                    head_name_key=f"chủ hộ {i // 4}",
                    location=Point(105.91 + 0.001 * i, LAT, srid=4326),
                )
            )
        return [h.pk for h in rows]

    ids = load(100)
    with CaptureQueriesContext(connection) as one_batch:
        likely_duplicates_flag(household_ids=ids)
    # Each group of four names spans two villages: two same-village pairs per group.
    assert LikelyDuplicate.objects.count() == 50
    ids = load(300)
    with CaptureQueriesContext(connection) as three_batches:
        likely_duplicates_flag(household_ids=ids)
    assert LikelyDuplicate.objects.count() == 150
    assert len(three_batches) <= 3 * len(one_batch)
