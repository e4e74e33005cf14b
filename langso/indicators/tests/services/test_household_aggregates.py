"""Household aggregates stay exact through every kind of registry write, and equal a
rebuild from scratch; a hand-counted village gives the figures expected."""

from __future__ import annotations

import random
from typing import Any

import pytest
from django.db import transaction

from langso.accounts.models import User
from langso.indicators.measures import BASE_MEASURES, household_measures
from langso.indicators.models import HouseholdAggregate
from langso.indicators.services.aggregates import household_aggregates_rebuild
from langso.registry.models import Household, HouseholdStatus
from langso.registry.services.households import (
    household_create,
    household_set_status,
    household_update,
)
from langso.registry.services.imports import household_import_rows
from langso.registry.testing import RegistryTree, RegistryUsers, household_leave, row

pytestmark = pytest.mark.django_db


def _state() -> dict[tuple[int, str], int]:
    """Every non-zero aggregate: a delta can leave a row at zero where a rebuild writes
    none."""
    return {
        (unit, measure): value
        for unit, measure, value in HouseholdAggregate.objects.values_list(
            "unit_id", "measure", "value"
        )
        if value
    }


def _rebuilt() -> dict[tuple[int, str], int]:
    """What a rebuild from scratch gives, read in a rolled-back savepoint so that the
    incremental state stays as it was."""
    with transaction.atomic():
        household_aggregates_rebuild()
        state = _state()
        transaction.set_rollback(True)
    return state


def _counts(rng: random.Random) -> dict[str, Any]:
    members = rng.randint(1, 6)
    adults = rng.randint(0, members)
    known = [None, *range(adults + 1)]
    return {
        "members": rng.choice([None, members]),
        "adults": adults,
        "adults_smartphone": rng.choice(known),
        "adults_epayment": rng.choice(known),
        "adults_vneid": rng.choice(known),
        "adults_public_service": rng.choice(known),
        "broadband": rng.choice(["", "fibre", "other", "none"]),
        "mobile_coverage": rng.choice(["", "5g", "4g", "3g", "none"]),
        "has_tv": rng.choice([None, True, False]),
        "has_radio": rng.choice([None, True, False]),
    }


def test_incremental_aggregates_equal_a_rebuild_after_every_write(
    tree: RegistryTree, users: RegistryUsers, definitions: None
) -> None:
    """Random creates, edits, moves between villages and communes, status changes,
    merges and an import (new and changed rows): after each, the aggregates kept by
    deltas equal a rebuild, unit by unit and measure by measure, for the base measures
    and those of the shipped indicators."""
    rng = random.Random(5)
    actor: User = users.province_officer
    villages = [tree.a1, tree.a2, tree.b1]
    households: list[Household] = [
        household_create(actor=actor, village=rng.choice(villages), values=_counts(rng))
        for _ in range(15)
    ]
    # A household of commune B placed on no village is counted on the commune.
    households.append(household_create(actor=actor, commune=tree.b, values=_counts(rng)))
    assert _state() == _rebuilt()
    assert _state()[(tree.b.pk, "households")] == 1

    for step in range(40):
        household = Household.objects.get(pk=rng.choice(households).pk)
        if household.status != HouseholdStatus.ACTIVE:
            continue
        kind = step % 5
        if kind in (0, 1):
            household_update(actor=actor, household=household, values=_counts(rng))
        elif kind == 2:
            household_update(
                actor=actor, household=household, values={"village": rng.choice(villages)}
            )
        else:
            household_leave(actor=actor, household=household, merged=kind == 4)
        assert _state() == _rebuilt(), f"step {step}"

    active = Household.objects.filter(status=HouseholdStatus.ACTIVE).first()
    assert active is not None
    household_import_rows(
        actor=actor,
        rows=[
            row(village=tree.a2.code, members="3", adults="2", adults_smartphone="1"),
            row(village=tree.b1.code, adults_smartphone=""),
            row(address_code=active.address_code, village=tree.b1.code, members="2", adults="2"),
        ],
    )
    assert _state() == _rebuilt()


def test_a_large_import_recounts_its_units_exactly(
    tree: RegistryTree,
    users: RegistryUsers,
    monkeypatch: pytest.MonkeyPatch,
    definitions: None,
) -> None:
    """An import above the threshold recounts the units it touched (before and after)
    instead of summing deltas: the result is the same as a rebuild, and units it did
    not touch keep their figures."""
    from langso.indicators.services import aggregates

    rng = random.Random(8)
    actor = users.province_officer
    moved = household_create(actor=actor, village=tree.a1, values=_counts(rng))
    household_create(actor=actor, village=tree.b1, values=_counts(rng))
    household_create(actor=actor, commune=tree.b, values=_counts(rng))
    monkeypatch.setattr(aggregates, "RECOUNT_ABOVE", 2)
    household_import_rows(
        actor=actor,
        rows=[
            row(village=tree.a2.code, members="3", adults="2", adults_smartphone="1"),
            row(village=tree.a2.code, members="1", adults="1", broadband="fibre"),
            row(address_code=moved.address_code, village=tree.a2.code, members="2", adults="2"),
        ],
    )
    assert _state() == _rebuilt()
    assert (tree.a1.pk, "households") not in _state()
    assert _state()[(tree.a2.pk, "households")] == 3


def test_a_hand_counted_village(tree: RegistryTree, users: RegistryUsers) -> None:
    """Three households of village A1, one moved away: unknown counts stay out of sums
    and of the `known:` counts that are their denominators."""
    actor = users.province_officer
    values: list[dict[str, Any]] = [
        {
            "members": 5,
            "adults": 4,
            "adults_smartphone": 3,
            "adults_epayment": 1,
            "broadband": "fibre",
            "has_tv": True,
        },
        {
            "members": 2,
            "adults": 2,
            "adults_smartphone": None,
            "adults_epayment": 2,
            "broadband": "none",
            "has_tv": False,
        },
        {"members": 3, "adults": 3, "adults_smartphone": 0, "broadband": "fibre"},
    ]
    created = [household_create(actor=actor, village=tree.a1, values=v) for v in values]
    household_set_status(actor=actor, household=created[2], status=HouseholdStatus.MOVED_AWAY)
    figures = {m: v for (unit, m), v in _state().items() if unit == tree.a1.pk}
    assert figures["households"] == 2
    assert figures["sum:members"] == 7
    assert figures["sum:adults"] == 6
    assert figures["sum:adults_smartphone"] == 3
    assert figures["known:adults_smartphone"] == 1
    assert figures["sum:adults|known:adults_smartphone"] == 4
    assert figures["sum:adults_epayment"] == 3
    assert figures["sum:adults|known:adults_epayment"] == 6
    assert figures["households|adults_smartphone>=1"] == 1
    assert "known:adults_vneid" not in figures
    assert (figures["households|broadband=fibre"], figures["known:broadband"]) == (1, 2)
    assert (figures["households|has_tv"], figures["known:has_tv"]) == (1, 2)
    assert "known:mobile_coverage" not in figures


def test_measures_have_unique_codes_that_fit_the_column(definitions: None) -> None:
    codes = [m.code for m in household_measures()]
    assert len(codes) > len(BASE_MEASURES)
    assert len(codes) == len(set(codes))
    field = HouseholdAggregate._meta.get_field("measure")
    assert all(len(code) <= field.max_length for code in codes)  # type: ignore[operator]


def test_a_rolled_back_write_leaves_no_delta(tree: RegistryTree, users: RegistryUsers) -> None:
    """The delta is applied in the writer's transaction: a write that fails after it is
    undone with it."""
    household = household_create(actor=users.province_officer, village=tree.a1, values={})
    before = _state()

    def write_then_fail() -> None:
        with transaction.atomic():
            household_update(
                actor=users.province_officer, household=household, values={"members": 4}
            )
            raise RuntimeError("the caller fails after the write")

    with pytest.raises(RuntimeError):
        write_then_fail()
    assert _state() == before
