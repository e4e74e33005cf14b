"""How many units reported, next to a reported roll-up: on a unit's page ("1 / 12 xã đã
báo cáo", and "chưa đủ báo cáo: 1/12 xã" beside a value too few reported) and in
/api/v1/indicator-values, JSON and CSV alike (`reporting_units`, `expected_units`,
`coverage`, `low_coverage`); the queries do not grow with the communes."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from langso.accounts.testing import client_for
from langso.core.testing import csv_table
from langso.indicators.testing import WORK_RECORDS, work_records_report
from langso.places.testing import make_commune
from langso.registry.testing import RegistryTree, RegistryUsers

pytestmark = pytest.mark.django_db
YEAR = "2026"
VALUES = "/api/v1/indicator-values"


def _more_communes(tree: RegistryTree, count: int) -> None:
    for n in range(count):
        make_commune(province=tree.province, code=f"37{900 + n}", name=f"Xã Thêm {n}")


def _province_page(tree: RegistryTree, users: RegistryUsers) -> str:
    response = client_for(users.province_officer).get(
        f"/chi-so/don-vi/{tree.province.code}/", {"period": YEAR}
    )
    assert response.status_code == 200
    return response.content.decode()


def test_a_province_where_one_commune_reported_is_marked_beside_its_value(
    tree: RegistryTree, users: RegistryUsers, definitions: None
) -> None:
    _more_communes(tree, 10)
    work_records_report(actor=users.central_admin, commune=tree.a, online=4)
    html = _province_page(tree, users)
    assert "1 / 12 xã đã báo cáo" in html
    # The label sits in the value's own cell, in words, never the plain 100 % alone.
    assert re.search(
        r'100,0 %\s*<br><strong class="tag">chưa đủ báo cáo: 1/12 xã</strong></td>', html
    )


def test_a_province_where_every_commune_reported_is_not_marked(
    tree: RegistryTree, users: RegistryUsers, definitions: None
) -> None:
    for commune in (tree.a, tree.b):
        work_records_report(actor=users.central_admin, commune=commune, online=4)
    html = _province_page(tree, users)
    assert "2 / 2 xã đã báo cáo" in html
    assert "chưa đủ báo cáo: " not in html


def test_the_province_page_costs_the_same_queries_with_more_communes(
    tree: RegistryTree, users: RegistryUsers, definitions: None
) -> None:
    work_records_report(actor=users.central_admin, commune=tree.a, online=4)
    client = client_for(users.province_officer)
    page = f"/chi-so/don-vi/{tree.province.code}/"
    with CaptureQueriesContext(connection) as two:
        client.get(page, {"period": YEAR})
    _more_communes(tree, 10)
    with CaptureQueriesContext(connection) as twelve:
        client.get(page, {"period": YEAR})
    assert len(twelve.captured_queries) == len(two.captured_queries)


def test_the_api_says_the_coverage_in_json_and_csv_under_the_same_keys(
    tree: RegistryTree, users: RegistryUsers, definitions: None
) -> None:
    _more_communes(tree, 10)
    work_records_report(actor=users.central_admin, commune=tree.a, online=4)
    client = client_for(users.province_officer)
    params = {"indicator": WORK_RECORDS, "unit": tree.province.code, "period": YEAR}
    [value] = client.get(VALUES, params).json()["values"]
    assert value["value"] == 100
    assert (value["reporting_units"], value["expected_units"]) == (1, 12)
    assert value["coverage"] == pytest.approx(8.33)
    assert value["low_coverage"] is True
    header, line = csv_table(client.get(VALUES, params | {"format": "csv"}).content)
    row = dict(zip(header, line, strict=True))
    keys = ["reporting_units", "expected_units", "coverage", "low_coverage"]
    assert [row[key] for key in keys] == ["1", "12", "8.33", "true"]
    # The value's keys, in the JSON's order.
    assert [key for key in header if key in value] == [key for key in value if key in header]

    # At the entry level itself there is no roll-up: nothing to cover, nothing marked.
    [own] = client.get(VALUES, params | {"unit": tree.a.code}).json()["values"]
    assert (own["expected_units"], own["coverage"], own["low_coverage"]) == (None, None, False)


def test_the_api_does_not_mark_a_roll_up_every_commune_reported(
    tree: RegistryTree, users: RegistryUsers, definitions: None
) -> None:
    for commune in (tree.a, tree.b):
        work_records_report(actor=users.central_admin, commune=commune, online=4)
    params = {"indicator": WORK_RECORDS, "unit": tree.province.code, "period": YEAR}
    [value] = client_for(users.province_officer).get(VALUES, params).json()["values"]
    assert (value["reporting_units"], value["expected_units"], value["coverage"]) == (2, 2, 100)
    assert value["low_coverage"] is False
