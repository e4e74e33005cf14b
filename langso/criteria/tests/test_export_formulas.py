"""The criteria exports never hand a spreadsheet a formula: a set whose criterion and
indicator names start with = + - @ (or a tab or carriage return), on a commune named
the same way, comes out with an apostrophe before each in the scorecard, the province
matrix (CSV and XLSX) and the evaluations API's CSV, while a negative figure or
threshold stays a number; the XLSX template holds no formula either."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from django.test import Client

from langso.accounts.models import User
from langso.core.testing import FORMULAS, csv_table, xlsx_cells, xlsx_formulas
from langso.criteria.services import criteria_catalogue_load
from langso.indicators.services.reported import reported_value_set
from langso.indicators.testing import HOUSEHOLD_CHANGE, household_change_define
from langso.places.models import AdminUnit
from langso.registry.testing import RegistryTree, RegistryUsers

pytestmark = pytest.mark.django_db

YEAR = 2026
SET = "cong_thuc"
# Each village of commune A reports a fall of 5 households: the commune's figure is -10.
VALUE, THRESHOLD = -10, -20
# The names as the catalogue stores them, trimmed: "\t=1+1" is kept as "=1+1".
NAMES = [text.strip() for text in FORMULAS]


@pytest.fixture
def formulas(
    catalogue: None, tree: RegistryTree, users: RegistryUsers, tmp_path: Path
) -> AdminUnit:
    """Commune A, renamed as a formula, and a province set of one criterion named as a
    formula with one indicator per dangerous first character, each a count that fell."""
    household_change_define(actor=users.central_admin)
    for village in (tree.a1, tree.a2):
        reported_value_set(
            actor=users.officer_a,
            code=HOUSEHOLD_CHANGE,
            unit=village,
            period=str(YEAR),
            numerator=-5,
        )
    catalogue_file = tmp_path / "cong-thuc.yaml"
    catalogue_file.write_text(
        yaml.safe_dump(
            {
                "sets": [
                    {
                        "code": SET,
                        "name_vi": "Bộ thử công thức",
                        "name_en": "Formulas",
                        "level": "commune",
                        "years": [YEAR],
                        "status": "provincial",
                        "criteria": [
                            {
                                "code": "1",
                                "name_vi": FORMULAS[0],
                                "status": "provincial",
                                "indicators": [
                                    {
                                        "code": f"1.{n}",
                                        "name_vi": text,
                                        "kind": "computed",
                                        "indicator": HOUSEHOLD_CHANGE,
                                        "comparator": "gte",
                                        "threshold": THRESHOLD,
                                        "status": "provincial",
                                    }
                                    for n, text in enumerate(FORMULAS, start=1)
                                ],
                            }
                        ],
                    }
                ]
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    criteria_catalogue_load(path=catalogue_file, province=tree.province)
    AdminUnit.objects.filter(pk=tree.a.pk).update(name=FORMULAS[1])
    return AdminUnit.objects.get(pk=tree.a.pk)


def _get(user: User, url: str, **params: Any) -> Any:
    client = Client()
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return response


def _scorecard(unit: AdminUnit, user: User, kind: str) -> bytes:
    url = f"/tieu-chi/don-vi/{unit.code}/"
    return bytes(_get(user, url, set=SET, year=YEAR, format=kind).content)


def test_the_scorecard_csv_neutralises_names_and_keeps_figures_numbers(
    formulas: AdminUnit, users: RegistryUsers
) -> None:
    header, *lines = csv_table(_scorecard(formulas, users.officer_a, "csv"))
    rows = [dict(zip(header, line, strict=True)) for line in lines]
    assert {r["Tên đơn vị"] for r in rows} == {"'" + FORMULAS[1]}
    assert [r["Tên chỉ tiêu"] for r in rows] == ["'" + name for name in NAMES]
    assert {(r["Giá trị"], r["Ngưỡng"], r["Kết quả"]) for r in rows} == {
        (str(VALUE), str(THRESHOLD), "Đạt")
    }


def test_the_scorecard_xlsx_writes_names_as_strings_and_figures_as_numbers(
    formulas: AdminUnit, users: RegistryUsers
) -> None:
    content = _scorecard(formulas, users.officer_a, "xlsx")
    assert xlsx_formulas(content) == []
    header, *cells = xlsx_cells(content)
    labels = [c.value for c in header]
    names = [row[labels.index("Tên chỉ tiêu")] for row in cells]
    assert [c.value for c in names] == ["'" + name for name in NAMES]
    assert {c.data_type for c in names} == {"s"}
    figures = {
        (row[labels.index("Giá trị")].value, row[labels.index("Ngưỡng")].value) for row in cells
    }
    assert figures == {(VALUE, THRESHOLD)}
    assert {row[labels.index("Giá trị")].data_type for row in cells} == {"n"}


def _matrix(tree: RegistryTree, users: RegistryUsers, kind: str) -> bytes:
    url = f"/tieu-chi/tinh/{tree.province.code}/"
    return bytes(_get(users.province_officer, url, set=SET, year=YEAR, format=kind).content)


def test_the_matrix_csv_neutralises_commune_names_and_keeps_counts_numbers(
    formulas: AdminUnit, tree: RegistryTree, users: RegistryUsers
) -> None:
    _header, *lines = csv_table(_matrix(tree, users, "csv"))
    row = next(line for line in lines if line[0] == formulas.code)
    assert row[1] == "'" + FORMULAS[1]
    assert row[-3:-1] == ["1", "1"]


def test_the_matrix_xlsx_writes_commune_names_as_strings_and_counts_as_numbers(
    formulas: AdminUnit, tree: RegistryTree, users: RegistryUsers
) -> None:
    content = _matrix(tree, users, "xlsx")
    assert xlsx_formulas(content) == []
    _header, *cells = xlsx_cells(content)
    row = next(r for r in cells if r[0].value == formulas.code)
    assert (row[1].value, row[1].data_type) == ("'" + FORMULAS[1], "s")
    assert [(c.value, c.data_type) for c in row[-3:-1]] == [(1, "n"), (1, "n")]


def test_the_evaluations_csv_neutralises_names_and_keeps_figures_numbers(
    formulas: AdminUnit, users: RegistryUsers
) -> None:
    response = _get(
        users.province_officer,
        "/api/v1/evaluations",
        set=SET,
        unit=formulas.code,
        year=YEAR,
        format="csv",
    )
    header, *lines = csv_table(response.content)
    rows = [dict(zip(header, line, strict=True)) for line in lines]
    assert sorted(r[h] for r in rows for h in header if r[h].startswith("'")) == sorted(
        ["'" + FORMULAS[1]] * len(FORMULAS) + ["'" + name for name in NAMES]
    )
    assert {(r["value"], r["threshold"]) for r in rows} == {(str(VALUE), str(THRESHOLD))}


def test_the_catalogue_template_is_written_as_every_export(users: RegistryUsers) -> None:
    """No formula; the indicator sheet's header is bold, its example threshold a number."""
    response = _get(users.central_admin, "/tieu-chi/nhap-tep/", template=1)
    assert xlsx_formulas(response.content) == []
    header, example = xlsx_cells(response.content, sheet=1)
    assert all(c.font.bold for c in header)
    threshold = example[[c.value for c in header].index("nguong")]
    assert (threshold.value, threshold.data_type) == (80, "n")
