"""The name of what each indicator of a set is read from, for pages that must not show
codes: a computed indicator's definition, a composite's set (the national one's name
even where a province has its own), in a fixed number of queries."""

from __future__ import annotations

import pytest
from django.utils import translation
from pytest_django import DjangoAssertNumQueries

from langso.criteria.models import CriteriaSet, CriterionIndicator, IndicatorMethod
from langso.criteria.selectors.sets import criteria_set_rows, indicator_source_names
from langso.indicators.models import IndicatorDefinition
from langso.places.models import AdminUnit
from langso.registry.testing import RegistryTree

pytestmark = pytest.mark.django_db


def _rows(code: str, province: AdminUnit | None = None) -> list[CriterionIndicator]:
    criteria_set = CriteriaSet.objects.filter(code=code, province=province).latest("version")
    return criteria_set_rows(criteria_set)[1]


def test_computed_and_composite_indicators_get_the_names_they_are_read_from(
    demo_sets: RegistryTree, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    indicators = _rows("xa_ntm_thong_minh", demo_sets.province)
    with django_assert_num_queries(2):
        names = indicator_source_names(indicators)
    computed = [i for i in indicators if i.kind == IndicatorMethod.COMPUTED]
    composite = [i for i in indicators if i.kind == IndicatorMethod.COMPOSITE]
    assert computed
    assert composite
    for indicator in computed:
        definition = IndicatorDefinition.objects.filter(code=indicator.indicator).latest("version")
        assert names[indicator.code] == definition.name_vi
    for indicator in composite:
        national = CriteriaSet.objects.filter(code=indicator.target_set, province=None).latest(
            "version"
        )
        assert names[indicator.code] == national.name_vi
    assert not any(i.code in names for i in indicators if i.kind == IndicatorMethod.ASSESSED)


def test_names_follow_the_readers_language(catalogue: None) -> None:
    """In English the English name is shown; Vietnamese is the default."""
    (indicator, *_rest) = [
        i for i in _rows("xa_ntm_2021_2025") if i.kind == IndicatorMethod.COMPUTED
    ]
    definition = IndicatorDefinition.objects.filter(code=indicator.indicator).latest("version")
    with translation.override("en"):
        assert indicator_source_names([indicator])[indicator.code] == definition.name_en
    with translation.override("vi"):
        assert indicator_source_names([indicator])[indicator.code] == definition.name_vi


def test_an_indicator_read_from_nothing_stored_has_no_name(catalogue: None) -> None:
    (indicator, *_rest) = [
        i for i in _rows("xa_ntm_2021_2025") if i.kind == IndicatorMethod.COMPUTED
    ]
    indicator.indicator = "khong-co-chi-so-nay"
    assert indicator_source_names([indicator]) == {}
