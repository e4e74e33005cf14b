"""A reported indicator rolled up over a unit says how many of the units that should
report did (the current units of its entry level under it), and a roll-up that too few
reported is marked low; the figures at the entry level itself are no roll-up. Counted
in one grouped query, whatever the number of units."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from langso.indicators.selectors import LOW_COVERAGE, indicator_values, period_parse
from langso.indicators.services.reported import reported_value_set
from langso.indicators.testing import WORK_RECORDS, work_records_report
from langso.places.models import AdminUnit
from langso.places.testing import make_commune, make_village
from langso.registry.testing import RegistryTree, RegistryUsers

pytestmark = pytest.mark.django_db
YEAR = "2026"
WIFI = "village-free-wifi"


def _more_communes(tree: RegistryTree, count: int) -> list[AdminUnit]:
    """`count` more communes of the province, one village each."""
    communes = []
    for n in range(count):
        commune = make_commune(province=tree.province, code=f"37{900 + n}", name=f"Xã Thêm {n}")
        make_village(commune=commune, code=f"{commune.code}-01", name=f"Thôn Thêm {n}")
        communes.append(commune)
    return communes


def test_one_commune_of_many_reporting_is_a_low_coverage_roll_up(
    tree: RegistryTree, users: RegistryUsers, definitions: None
) -> None:
    """One commune of twelve reports 100 %: the province shows 100 % of the one that
    reported, with 1 of 12 and marked low, not as the province's plain 100 %."""
    _more_communes(tree, 10)
    work_records_report(actor=users.central_admin, commune=tree.a, online=4)
    [value] = indicator_values(
        code=WORK_RECORDS, units=[tree.province], period=period_parse(YEAR)
    ).values
    assert value.value == 100
    assert (value.reporting_units, value.expected_units) == (1, 12)
    assert value.coverage == Decimal(1) / 12
    assert value.low_coverage


def test_every_commune_reporting_is_not_marked(
    tree: RegistryTree, users: RegistryUsers, definitions: None
) -> None:
    for commune in (tree.a, tree.b):
        work_records_report(actor=users.central_admin, commune=commune, online=4)
    [value] = indicator_values(
        code=WORK_RECORDS, units=[tree.province], period=period_parse(YEAR)
    ).values
    assert (value.reporting_units, value.expected_units, value.coverage) == (2, 2, Decimal(1))
    assert not value.low_coverage


def test_the_threshold_is_a_share_of_the_units_that_should_report(
    tree: RegistryTree, users: RegistryUsers, definitions: None
) -> None:
    """Villages report a presence: 4 of 5 villages of the province is 80 %, enough; 3 of
    5 is not. A commune counts its own villages only; nothing reported is 0 of them."""
    make_village(commune=tree.b, code=f"{tree.b.code}-03", name="Thôn Ba")
    for village in (tree.a1, tree.a2, tree.b1):
        reported_value_set(
            actor=users.central_admin, code=WIFI, unit=village, period=YEAR, numerator=1
        )
    period = period_parse(YEAR)
    [province] = indicator_values(code=WIFI, units=[tree.province], period=period).values
    assert (province.reporting_units, province.expected_units) == (3, 5)
    assert province.low_coverage
    reported_value_set(actor=users.central_admin, code=WIFI, unit=tree.b2, period=YEAR, numerator=0)
    communes = indicator_values(code=WIFI, units=[tree.a, tree.b], period=period).values
    assert [(v.reporting_units, v.expected_units, v.low_coverage) for v in communes] == [
        (2, 2, False),
        (2, 3, True),
    ]
    [province] = indicator_values(code=WIFI, units=[tree.province], period=period).values
    assert (province.reporting_units, province.expected_units) == (4, 5)
    assert province.coverage == LOW_COVERAGE
    assert not province.low_coverage


def test_nothing_reported_is_no_data_of_none_reporting(
    tree: RegistryTree, definitions: None
) -> None:
    [value] = indicator_values(
        code=WORK_RECORDS, units=[tree.province], period=period_parse(YEAR)
    ).values
    assert value.value is None
    assert (value.reporting_units, value.expected_units) == (0, 2)
    assert value.low_coverage


def test_a_value_at_its_entry_level_is_no_roll_up(
    tree: RegistryTree, users: RegistryUsers, definitions: None
) -> None:
    work_records_report(actor=users.central_admin, commune=tree.a, online=4)
    period = period_parse(YEAR)
    [value] = indicator_values(code=WORK_RECORDS, units=[tree.a], period=period).values
    assert (value.value, value.reports) == (Decimal(100), 1)
    assert (value.reporting_units, value.expected_units, value.coverage) == (None, None, None)
    assert not value.low_coverage
    [registry] = indicator_values(
        code="adults-epayment", units=[tree.province], period=period
    ).values
    assert (registry.expected_units, registry.low_coverage) == (None, False)


def test_the_query_count_does_not_grow_with_the_units(
    tree: RegistryTree, users: RegistryUsers, definitions: None
) -> None:
    """Each commune's coverage of its villages: the same queries for 2 communes as
    for 12."""
    reported_value_set(actor=users.central_admin, code=WIFI, unit=tree.a1, period=YEAR, numerator=1)
    period = period_parse(YEAR)
    with CaptureQueriesContext(connection) as two:
        indicator_values(code=WIFI, units=[tree.a, tree.b], period=period)
    communes = [tree.a, tree.b, *_more_communes(tree, 10)]
    with CaptureQueriesContext(connection) as twelve:
        values = indicator_values(code=WIFI, units=communes, period=period).values
    assert len(twelve.captured_queries) <= len(two.captured_queries), "\n".join(
        q["sql"] for q in twelve.captured_queries
    )
    assert [v.expected_units for v in values] == [2, 2, *[1] * 10]
    assert [v.reporting_units for v in values] == [1, *[0] * 11]
