"""Definitions as versioned data: loading the shipped file twice adds nothing, an edit
adds a version and the aggregates of its new measure at once, exactly; only central
admins define."""

from __future__ import annotations

import pytest
from django.db import transaction

from langso.core.errors import AccessDenied, DomainError
from langso.indicators.definitions import DefinitionError
from langso.indicators.models import HouseholdAggregate, IndicatorDefinition
from langso.indicators.selectors import indicator_get, indicator_list
from langso.indicators.services.aggregates import household_aggregates_rebuild
from langso.indicators.services.definitions import (
    indicator_definition_save,
    indicator_definitions_load,
)
from langso.registry.services.households import household_create, household_update
from langso.registry.testing import RegistryTree, RegistryUsers

pytestmark = pytest.mark.django_db

TV_ONLY = {
    "code": "households-audio-visual",
    "name_vi": "Tỷ lệ hộ có ti vi",
    "name_en": "Households with a television",
    "unit": "percent",
    "source": "registry",
    "numerator": {"registry": "households", "where": {"has_tv": True, "adults": {"gte": 2}}},
    "denominator": {"registry": "households", "where": {"has_tv": "known"}},
}


def _aggregates() -> dict[tuple[int, str], int]:
    return {
        (unit, measure): value
        for unit, measure, value in HouseholdAggregate.objects.values_list(
            "unit_id", "measure", "value"
        )
        if value
    }


def test_loading_the_shipped_definitions_twice_adds_nothing_the_second_time(db: None) -> None:
    first = indicator_definitions_load()
    again = indicator_definitions_load()
    assert len(first.created) == IndicatorDefinition.objects.count() >= 15
    assert (again.created, again.unchanged) == ([], len(first.created))
    assert {d.version for d in indicator_list()} == {1}


def test_an_edit_is_a_new_version_with_its_measure_filled_exactly(
    tree: RegistryTree, users: RegistryUsers, definitions: None
) -> None:
    actor = users.province_officer
    for adults, tv in ((1, True), (2, True), (3, False), (2, None)):
        household_create(
            actor=actor, village=tree.a1, values={"members": 3, "adults": adults, "has_tv": tv}
        )
    edited = indicator_definition_save(actor=users.central_admin, raw=TV_ONLY)
    assert edited is not None
    assert edited.version == 2
    assert edited.numerator == "households|adults>=2|has_tv"
    assert _aggregates()[(tree.a1.pk, edited.numerator)] == 1
    # The new measure follows writes from now on, and equals a rebuild.
    household = household_create(
        actor=actor, village=tree.a2, values={"members": 2, "adults": 2, "has_tv": False}
    )
    household_update(actor=actor, household=household, values={"has_tv": True})
    incremental = _aggregates()
    with transaction.atomic():
        household_aggregates_rebuild()
        assert _aggregates() == incremental
        transaction.set_rollback(True)
    assert incremental[(tree.a2.pk, edited.numerator)] == 1
    # The first version is kept as it was; the current one is the edit.
    assert indicator_get(code="households-audio-visual").version == 2
    assert IndicatorDefinition.objects.get(code="households-audio-visual", version=1).numerator == (
        "households|any:has_tv,has_radio"
    )
    # Saving the same text again adds no version.
    assert indicator_definition_save(actor=users.central_admin, raw=TV_ONLY) is None


def test_only_a_central_admin_defines_indicators(users: RegistryUsers, definitions: None) -> None:
    with pytest.raises(AccessDenied):
        indicator_definition_save(actor=users.province_officer, raw=TV_ONLY)
    assert indicator_get(code="households-audio-visual").version == 1


def test_a_bad_edit_is_refused_and_nothing_changes(users: RegistryUsers, definitions: None) -> None:
    before = IndicatorDefinition.objects.count()
    with pytest.raises(DefinitionError) as caught:
        indicator_definition_save(
            actor=users.central_admin,
            raw=TV_ONLY | {"numerator": {"registry": "households", "where": {"has_wifi": True}}},
        )
    assert "has_wifi" in caught.value.message
    assert IndicatorDefinition.objects.count() == before


def test_a_shipped_file_with_a_bad_entry_is_refused_whole(tmp_path, db: None) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "definitions.yaml"
    path.write_text(
        "indicators:\n"
        "  - {code: ok, name_vi: A, name_en: A, unit: count, source: registry,"
        " numerator: {registry: households}}\n"
        "  - {code: bad, name_vi: B, name_en: B, unit: count, source: registry,"
        " numerator: {registry: households, sum: adultz}}\n",
        encoding="utf-8",
    )
    with pytest.raises(DomainError) as caught:
        indicator_definitions_load(path=path)
    assert "Mục 2" in caught.value.message
    assert "adultz" in caught.value.message
    assert not IndicatorDefinition.objects.exists()
