"""/api/v1/dossiers and /api/v1/recognitions: JSON and CSV with the same fields in the
same order, the caller's scope, the filters, and bad parameters answered as every
endpoint answers them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from langso.core.testing import csv_table
from langso.criteria.testing import criteria_assess_met
from langso.recognition.models import Dossier, Step
from langso.registry.testing import SEES_A1_A2_B1, RegistryTree, RegistryUsers

from .conftest import dossier_make, recognition_make

# The at-risk flag evaluates this year's figures.
YEAR = timezone.localdate().year


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]  # a User
    return client


def test_dossiers_in_json_and_csv(
    consultation: Dossier, tree: RegistryTree, users: RegistryUsers
) -> None:
    """Each dossier with its unit, set, year, step (and its label), due day, overdue
    days and snapshot hash; the CSV's header is the JSON's keys, in order."""
    client = _client(users.officer_a)
    body = client.get("/api/v1/dossiers").json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["id"] == consultation.pk
    assert (row["unit"], row["unit_name"]) == (tree.a.code, tree.a.name)
    assert (row["set_code"], row["year"], row["step"]) == ("xa_ntm_2026_2030", 2026, "consultation")
    assert row["step_label"] == "Lấy ý kiến công khai"
    assert row["overdue_days"] == 0
    assert row["snapshot_sha256"] == consultation.snapshots.get().sha256
    answer = client.get("/api/v1/dossiers?format=csv")
    assert answer["Content-Type"].startswith("text/csv")
    table = csv_table(answer.content)
    assert table[0] == list(row)
    assert table[1][0] == str(consultation.pk)
    assert table[1][table[0].index("snapshot_sha256")] == row["snapshot_sha256"]


def test_an_overdue_step_counts_working_days(tree: RegistryTree, users: RegistryUsers) -> None:
    dossier_make(unit=tree.a, by=users.officer_a, step=Step.APPRAISAL, due_in_days=-30)
    row = _client(users.officer_a).get("/api/v1/dossiers").json()["results"][0]
    assert 15 <= row["overdue_days"] <= 30


@pytest.mark.parametrize(("who", "sees"), SEES_A1_A2_B1)
def test_both_lists_within_scope(
    tree: RegistryTree, users: RegistryUsers, who: str, sees: set[str]
) -> None:
    units = {"a1": tree.a1, "a2": tree.a2, "b1": tree.b1}
    for unit in units.values():
        dossier_make(unit=unit, by=users.officer_a, step=Step.APPRAISAL)
        recognition_make(unit=unit)
    names = {unit.code: key for key, unit in units.items()}
    client = _client(users.of(who))
    dossiers = client.get("/api/v1/dossiers").json()["results"]
    recognitions = client.get("/api/v1/recognitions").json()["results"]
    assert {names[d["unit"]] for d in dossiers} == sees
    assert {names[r["unit"]] for r in recognitions} == sees


def test_anonymous_is_refused(tree: RegistryTree) -> None:
    assert Client().get("/api/v1/dossiers").status_code == 401
    assert Client().get("/api/v1/recognitions").status_code == 401


def test_filters(tree: RegistryTree, users: RegistryUsers) -> None:
    a = dossier_make(unit=tree.a, by=users.officer_a)
    b = dossier_make(unit=tree.b, by=users.officer_b, step=Step.APPRAISAL, year=2027)
    recognition_make(unit=tree.a, year=2025)
    recognition_make(unit=tree.b, year=2026)
    client = _client(users.province_officer)

    def ids(query: str) -> list[int]:
        return [d["id"] for d in client.get(f"/api/v1/dossiers?{query}").json()["results"]]

    assert ids(f"unit={tree.a.code}") == [a.pk]
    assert ids(f"unit={tree.province.code}&year=2027") == [b.pk]
    assert ids("step=consultation") == [a.pk]
    assert ids("set=xa_ntm_2026_2030&step=appraisal") == [b.pk]
    assert ids("set=khac") == []
    found = client.get(f"/api/v1/recognitions?unit={tree.b.code}&set=xa_ntm_2026_2030&year=2026")
    assert [r["unit"] for r in found.json()["results"]] == [tree.b.code]
    assert client.get("/api/v1/recognitions?year=2024").json()["results"] == []


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("year=abc", "year"),
        ("year=1800", "year"),
        ("step=flying", "step"),
        ("format=pdf", "format"),
    ],
)
def test_bad_parameters_are_named(
    tree: RegistryTree, users: RegistryUsers, query: str, param: str
) -> None:
    for route in ("dossiers", "recognitions"):
        if route == "recognitions" and param == "step":
            continue
        answer = _client(users.officer_a).get(f"/api/v1/{route}?{query}")
        assert answer.status_code == 400
        assert [e["param"] for e in answer.json()["errors"]] == [param]


@pytest.mark.parametrize("unit", ["99999", "commune_b"])
def test_a_unit_unknown_or_out_of_scope_is_missing(
    tree: RegistryTree, users: RegistryUsers, unit: str
) -> None:
    """An unknown unit and one outside the scope answer alike: 404 with a detail."""
    code = tree.b.code if unit == "commune_b" else unit
    for route in ("dossiers", "recognitions"):
        answer = _client(users.officer_a).get(f"/api/v1/{route}?unit={code}")
        assert answer.status_code == 404
        assert answer.json()["detail"]


def test_recognitions_in_json_and_csv_with_the_flag(
    catalogue: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    """Decision, signer, revocation and the at-risk flag (null once revoked); the CSV's
    header is the JSON's keys."""
    criteria_assess_met(actor=users.province_officer, unit=tree.a, met=10, year=YEAR)
    criteria_assess_met(actor=users.province_officer, unit=tree.b, met=5, year=YEAR)
    recognition_make(unit=tree.a, year=YEAR)
    recognition_make(unit=tree.b, year=YEAR)
    recognition_make(unit=tree.b, year=2025, revoked=True)
    client = _client(users.province_officer)
    rows = client.get("/api/v1/recognitions").json()["results"]
    by_key = {(r["unit"], r["year"]): r for r in rows}
    assert by_key[tree.a.code, YEAR]["at_risk"] is False
    assert by_key[tree.b.code, YEAR]["at_risk"] is True
    revoked = by_key[tree.b.code, 2025]
    assert revoked["at_risk"] is None
    assert (revoked["revoked_on"], revoked["revocation_number"]) == ("2026-03-02", "45/QĐ-UBND")
    assert by_key[tree.a.code, YEAR]["decision_date"] == "2026-12-20"
    assert by_key[tree.a.code, YEAR]["signer"] == "Chủ tịch UBND tỉnh"
    table = csv_table(client.get("/api/v1/recognitions?format=csv").content)
    assert table[0] == list(rows[0])
    assert len(table) == 1 + len(rows)
    assert {row[table[0].index("at_risk")] for row in table[1:]} == {"true", "false", ""}
