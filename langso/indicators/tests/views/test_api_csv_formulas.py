"""/api/v1/indicator-values as CSV never hands a spreadsheet a formula: a unit named
with = + - @ (or a tab or carriage return) first comes out with an apostrophe, while a
negative figure stays a plain number."""

from __future__ import annotations

import pytest
from django.test import Client

from langso.core.testing import FORMULAS, csv_table
from langso.indicators.services.reported import reported_value_set
from langso.indicators.testing import HOUSEHOLD_CHANGE, household_change_define
from langso.places.testing import make_village
from langso.registry.testing import RegistryTree, RegistryUsers

pytestmark = pytest.mark.django_db


def test_unit_names_are_neutralised_and_negative_figures_stay_numbers(
    tree: RegistryTree, users: RegistryUsers
) -> None:
    household_change_define(actor=users.central_admin)
    villages = [
        make_village(commune=tree.a, code=f"{tree.a.code}-F{n}", name=text)
        for n, text in enumerate(FORMULAS)
    ]
    for village in villages:
        reported_value_set(
            actor=users.officer_a, code=HOUSEHOLD_CHANGE, unit=village, period="2026", numerator=-5
        )
    client = Client()
    client.force_login(users.officer_a)
    response = client.get(
        "/api/v1/indicator-values",
        {
            "indicator": HOUSEHOLD_CHANGE,
            "unit": tree.a.code,
            "level": "village",
            "period": "2026",
            "format": "csv",
        },
    )
    header, *lines = csv_table(response.content)
    rows = {line[header.index("unit")]: dict(zip(header, line, strict=True)) for line in lines}
    for village, text in zip(villages, FORMULAS, strict=True):
        assert rows[village.code]["name"] == "'" + text
        assert rows[village.code]["value"] == "-5"
        assert rows[village.code]["numerator"] == "-5"
