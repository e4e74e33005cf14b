"""/api/v1/criteria-sets and /api/v1/evaluations: the sets in force for a province with
every threshold key; every commune of a province evaluated in one call, JSON and CSV
alike, each computed indicator with its value, threshold and gap; the caller's scope
bounds the units; an unknown set or a year outside the set is refused with the reason;
the query count does not grow with the units."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from langso.accounts.testing import client_for
from langso.criteria.selectors.sets import criteria_set_in_force
from langso.criteria.services import assessment_record
from langso.places.models import Kind
from langso.places.testing import make_commune
from langso.registry.services.households import household_create
from langso.registry.testing import RegistryTree, RegistryUsers

pytestmark = pytest.mark.django_db
SETS = "/api/v1/criteria-sets"
EVALUATIONS = "/api/v1/evaluations"
REGIONS = {"TDMNPB", "DBSH", "BTB", "DHNTB", "TN", "DNB", "DBSCL"}


@pytest.fixture
def counted(demo_sets: RegistryTree, users: RegistryUsers) -> RegistryTree:
    """Village A1: 6 adults of whom 3 have a smartphone; 1 of 2 households on fibre."""
    actor = users.province_officer
    household_create(
        actor=actor,
        village=demo_sets.a1,
        values={
            "members": 5,
            "adults": 4,
            "adults_smartphone": 2,
            "adults_epayment": 1,
            "broadband": "fibre",
        },
    )
    household_create(
        actor=actor,
        village=demo_sets.a1,
        values={
            "members": 3,
            "adults": 2,
            "adults_smartphone": 1,
            "adults_epayment": 0,
            "broadband": "none",
        },
    )
    return demo_sets


def _by_code(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["code"]: row for row in rows}


def _indicators(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = {i["code"]: i for c in body["criteria"] for i in c["indicators"]}
    return found | _by_code(body["conditions"])


# --- Sets ---------------------------------------------------------------------------


def test_the_sets_in_force_for_the_callers_province(
    demo_sets: RegistryTree, users: RegistryUsers
) -> None:
    """A province officer sees the national sets and the province's own, which stands
    in place of the national set of the same code; thresholds list every region, null
    where unknown."""
    response = client_for(users.province_officer).get(SETS)
    assert response.status_code == 200
    sets = _by_code(response.json())
    national = sets["xa_ntm_2021_2025"]
    assert (national["province"], national["level"], national["varies_by"]) == (
        None,
        "commune",
        "region",
    )
    assert (national["year_from"], national["year_to"]) == (2021, 2025)
    assert national["declared"] == {"criteria": 19, "indicators": 57}
    assert len(national["criteria"]) == 19
    postal = _indicators(national)["8.1"]
    assert (postal["kind"], postal["indicator"], postal["comparator"]) == (
        "computed",
        "postal-service-point",
        "present",
    )
    assert postal["thresholds"] == dict.fromkeys(REGIONS, 100.0)
    assert postal["pass_conditions"]
    assert _indicators(national)["8.2"]["thresholds"] == {}
    assert national["sources"][0]["url"].startswith("https://")

    assert sets["thon_thong_minh"]["province"] == demo_sets.province.code
    smartphone = _indicators(sets["xa_chuyen_doi_so_2025"])["1.1"]
    assert smartphone["thresholds"] == {
        key: {"DBSH": 80.0, "TDMNPB": 60.0}.get(key) for key in REGIONS
    }
    composite = _indicators(sets["xa_ntm_thong_minh"])["4.1"]
    assert (composite["target_set"], composite["over"], composite["measure"]) == (
        "thon_thong_minh",
        "village",
        "percent",
    )
    condition = _by_code(sets["xa_ntm_kieu_mau_2021_2025"]["conditions"])["KM3"]
    assert condition["thresholds"] == {"*": 1.0}


def test_a_nationwide_caller_sees_the_national_sets_unless_naming_a_province(
    demo_sets: RegistryTree, users: RegistryUsers
) -> None:
    client = client_for(users.central_admin)
    national = _by_code(client.get(SETS).json())
    assert national["thon_thong_minh"]["province"] is None
    assert "xa_ntm_thong_minh" not in national
    named = _by_code(client.get(SETS, {"province": demo_sets.province.code}).json())
    assert named["thon_thong_minh"]["province"] == demo_sets.province.code
    assert client.get(SETS, {"province": demo_sets.a.code}).status_code == 404


def test_the_query_count_does_not_grow_with_the_sets(
    demo_sets: RegistryTree, users: RegistryUsers
) -> None:
    client = client_for(users.central_admin)
    with CaptureQueriesContext(connection) as national:
        client.get(SETS)
    with CaptureQueriesContext(connection) as more:
        client.get(SETS, {"province": demo_sets.province.code})
    assert len(more.captured_queries) <= len(national.captured_queries) + 2, "\n".join(
        q["sql"] for q in more.captured_queries
    )


def test_one_set_with_its_versions(demo_sets: RegistryTree, users: RegistryUsers) -> None:
    client = client_for(users.province_officer)
    body = client.get(f"{SETS}/thon_thong_minh").json()
    assert (body["province"], body["version"]) == (demo_sets.province.code, 1)
    assert [(v["province"], v["version"], v["origin"]) for v in body["versions"]] == [
        (None, 1, "shipped"),
        (demo_sets.province.code, 1, "shipped"),
    ]
    assert body["criteria"][0]["indicators"][0]["thresholds"] == {"*": 80.0}
    missing = client.get(f"{SETS}/khong_co")
    assert missing.status_code == 404
    assert "khong_co" in missing.json()["detail"]
    assert client.get(f"{SETS}/thon_thong_minh", {"version": 7}).status_code == 404


# --- Evaluations --------------------------------------------------------------------


def test_every_commune_of_a_province_in_one_call(
    demo_sets: RegistryTree, users: RegistryUsers, settings: Any, tmp_path: Any
) -> None:
    """Each commune with its status as a code and a Vietnamese label, its criteria and
    indicators, and an officer's assessment with who entered it and its evidence."""
    settings.MEDIA_ROOT = tmp_path
    assessment_record(
        actor=users.officer_a,
        criteria_set=criteria_set_in_force(code="xa_ntm_2021_2025", province=None),
        indicator_code="8.2",
        unit=demo_sets.a,
        year=2025,
        verdict="pass",
        note="Mọi thôn có sóng 4G",
        evidence=[SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4")],
    )
    response = client_for(users.province_officer).get(
        EVALUATIONS,
        {
            "set": "xa_ntm_2021_2025",
            "unit": demo_sets.province.code,
            "level": "commune",
            "year": "2025",
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["set"], body["year"]) == ("xa_ntm_2021_2025", 2025)
    by_unit = {row["unit"]: row for row in body["evaluations"]}
    assert set(by_unit) == {demo_sets.a.code, demo_sets.b.code}
    a = by_unit[demo_sets.a.code]
    assert (a["set"], a["version"], a["province"], a["level"]) == (
        "xa_ntm_2021_2025",
        1,
        None,
        "commune",
    )
    assert (a["status"], a["status_label"]) == ("missing", "Thiếu dữ liệu")
    assert (a["passed"], a["total"], a["period"], a["frozen"]) == (0, 19, "2025", False)
    # The tree's province has no region: the province must classify its communes.
    assert (a["threshold_key"], a["threshold_reason"]) == ("", "chưa xếp vùng")
    results = _indicators(a)
    assert (results["8.1"]["status"], results["8.1"]["value"]) == ("missing", None)
    assessed = results["8.2"]
    assert (assessed["status"], assessed["status_label"]) == ("pass", "Đạt")
    assessment = assessed["assessment"]
    assert (assessment["verdict"], assessment["entered_by"], assessment["note"]) == (
        "pass",
        users.officer_a.username,
        "Mọi thôn có sóng 4G",
    )
    [evidence] = assessment["evidence"]
    assert evidence.startswith("http://testserver/tieu-chi/minh-chung/")
    download = client_for(users.province_officer).get(evidence)
    assert download.getvalue() == b"%PDF-1.4"
    assert results["8.3"]["assessment"] is None
    assert _indicators(by_unit[demo_sets.b.code])["8.2"]["status"] == "missing"


def test_a_computed_indicator_with_its_value_threshold_and_gap(
    counted: RegistryTree, users: RegistryUsers
) -> None:
    """Village A1 against the province's smart-village set: 3 of 6 adults have a
    smartphone (50%, more than 70% needed: 2 more people), 1 of 2 households is on
    fibre (50%, more than 80% needed: 1 more household)."""
    response = client_for(users.officer_a).get(
        EVALUATIONS, {"set": "thon_thong_minh", "unit": counted.a1.code, "year": "2026"}
    )
    assert response.status_code == 200
    [village] = response.json()["evaluations"]
    assert (village["unit"], village["province"], village["threshold_key"]) == (
        counted.a1.code,
        counted.province.code,
        "*",
    )
    results = _indicators(village)
    smartphone = results["2.1"]
    assert (smartphone["status"], smartphone["status_label"]) == ("fail", "Chưa đạt")
    assert (smartphone["value"], smartphone["threshold"], smartphone["gap"]) == (50.0, 70.0, 20.0)
    assert (smartphone["gap_units"], smartphone["gap_noun"], smartphone["comparator"]) == (
        2,
        "người",
        "gt",
    )
    assert (smartphone["numerator"], smartphone["denominator"]) == ("3", "6")
    assert (smartphone["indicator"], smartphone["definition_version"]) == (
        "adults-smartphone",
        1,
    )
    fibre = results["1.1"]
    assert (fibre["value"], fibre["threshold"], fibre["gap"]) == (50.0, 80.0, 30.0)
    assert (fibre["gap_units"], fibre["gap_noun"]) == (1, "hộ")
    # The province left the e-payment threshold unknown.
    assert (results["2.2"]["status"], results["2.2"]["threshold"]) == ("no_threshold", None)
    assert results["2.2"]["status_label"] == "Chưa có ngưỡng — tỉnh cần nhập"
    assert village["status"] == "fail"


def test_the_same_evaluation_as_csv(counted: RegistryTree, users: RegistryUsers) -> None:
    """One row per unit and indicator, UTF-8 with a BOM; no data is an empty cell."""
    response = client_for(users.province_officer).get(
        EVALUATIONS,
        {
            "set": "thon_thong_minh",
            "unit": counted.a.code,
            "level": "village",
            "year": "2026",
            "format": "csv",
        },
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 2 * 7
    by_key = {(row["unit"], row["code"]): row for row in rows}
    smartphone = by_key[(counted.a1.code, "2.1")]
    assert (
        smartphone["criterion_code"],
        smartphone["indicator_status"],
        smartphone["indicator_status_label"],
    ) == ("2", "fail", "Chưa đạt")
    assert (smartphone["value"], smartphone["threshold"], smartphone["gap"]) == ("50", "70", "20")
    assert (smartphone["numerator"], smartphone["denominator"], smartphone["gap_units"]) == (
        "3",
        "6",
        "2",
    )
    assert smartphone["province"] == counted.province.code
    empty = by_key[(counted.a2.code, "2.1")]
    assert (empty["indicator_status"], empty["value"], empty["denominator"]) == ("missing", "", "0")


def test_the_csv_columns_are_the_json_fields(counted: RegistryTree, users: RegistryUsers) -> None:
    """The CSV header is the JSON's field names in the JSON's order: the unit's flat
    fields, the criterion's code, then the result's fields — those the unit also has
    (and the assessment's verdict) named by their path."""
    query = {"set": "thon_thong_minh", "unit": counted.a1.code, "year": "2026"}
    client = client_for(users.province_officer)
    evaluation = client.get(EVALUATIONS, query).json()["evaluations"][0]
    result = evaluation["criteria"][0]["indicators"][0]
    unit_fields = [key for key, value in evaluation.items() if not isinstance(value, list)]
    result_fields = [
        "assessment_verdict"
        if key == "assessment"
        else f"indicator_{key}"
        if key in unit_fields
        else key
        for key in result
    ]
    response = client.get(EVALUATIONS, query | {"format": "csv"})
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header == [*unit_fields, "criterion_code", *result_fields]


def test_a_commune_officer_reads_only_within_the_commune(
    demo_sets: RegistryTree, users: RegistryUsers
) -> None:
    client = client_for(users.officer_b)
    refused = client.get(
        EVALUATIONS, {"set": "xa_ntm_2021_2025", "unit": demo_sets.a.code, "year": "2025"}
    )
    assert refused.status_code == 404
    own = client.get(EVALUATIONS, {"set": "xa_ntm_2021_2025", "year": "2025"}).json()
    assert [row["unit"] for row in own["evaluations"]] == [demo_sets.b.code]
    assert Client().get(EVALUATIONS, {"set": "xa_ntm_2021_2025"}).status_code == 401


@pytest.mark.parametrize(
    ("params", "status", "reason"),
    [
        ({"set": "khong_co", "year": "2025"}, 404, "khong_co"),
        ({"set": "xa_ntm_2021_2025", "year": "2026"}, 400, "không cho năm 2026"),
        ({"set": "thon_thong_minh", "year": "2026"}, 400, "áp dụng cho cấp"),
        ({"set": "xa_ntm_2021_2025", "level": "district"}, 400, "level"),
        ({"year": "2025"}, 400, "set"),
    ],
)
def test_bad_parameters_are_refused_with_the_reason(
    demo_sets: RegistryTree,
    users: RegistryUsers,
    params: dict[str, str],
    status: int,
    reason: str,
) -> None:
    response = client_for(users.province_officer).get(
        EVALUATIONS, {"unit": demo_sets.a.code} | params
    )
    assert response.status_code == status
    assert reason in response.json()["detail"]


def test_an_unknown_set_is_refused_where_there_is_nothing_to_evaluate(
    demo_sets: RegistryTree, users: RegistryUsers
) -> None:
    """A commune with no village still names the unknown set."""
    bare = make_commune(province=demo_sets.province, code="37003", name="Xã Không Thôn")
    client = client_for(users.province_officer)
    params = {"unit": bare.code, "level": "village", "year": "2026"}
    response = client.get(EVALUATIONS, params | {"set": "khong_co"})
    assert response.status_code == 404
    assert "khong_co" in response.json()["detail"]
    empty = client.get(EVALUATIONS, params | {"set": "thon_thong_minh"})
    assert empty.json()["evaluations"] == []


def test_the_query_count_does_not_grow_with_the_units(
    counted: RegistryTree, users: RegistryUsers, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    client = client_for(users.province_officer)
    params = {"set": "thon_thong_minh", "level": "village", "year": "2026"}
    with CaptureQueriesContext(connection) as one:
        client.get(EVALUATIONS, params | {"unit": counted.a.code})
    budget = len(one.captured_queries)
    with CaptureQueriesContext(connection) as many:
        client.get(EVALUATIONS, params | {"unit": counted.province.code})
    assert len(many.captured_queries) <= budget, "\n".join(q["sql"] for q in many.captured_queries)


def _assess(users: RegistryUsers, tree: RegistryTree, unit_name: str, code: str) -> None:
    assessment_record(
        actor=users.province_officer,
        criteria_set=criteria_set_in_force(code="xa_ntm_2021_2025", province=None),
        indicator_code=code,
        unit=getattr(tree, unit_name),
        year=2025,
        verdict="pass",
        evidence=[SimpleUploadedFile(f"{unit_name}-{code}.pdf", b"%PDF-1.4")],
    )


def test_the_query_count_does_not_grow_with_the_assessments(
    demo_sets: RegistryTree, users: RegistryUsers, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    client = client_for(users.province_officer)
    params = {
        "set": "xa_ntm_2021_2025",
        "unit": demo_sets.province.code,
        "level": "commune",
        "year": "2025",
    }
    _assess(users, demo_sets, "a", "8.2")
    with CaptureQueriesContext(connection) as one:
        client.get(EVALUATIONS, params)
    for unit_name in ("a", "b"):
        for code in ("1", "2", "8.3", "8.4"):
            _assess(users, demo_sets, unit_name, code)
    with CaptureQueriesContext(connection) as many:
        body = client.get(EVALUATIONS, params).json()
    assert (
        sum(1 for e in body["evaluations"] for r in _indicators(e).values() if r["assessment"]) == 9
    )
    assert len(many.captured_queries) <= len(one.captured_queries), "\n".join(
        q["sql"] for q in many.captured_queries
    )


def test_wards_are_left_out_and_counted(demo_sets: RegistryTree, users: RegistryUsers) -> None:
    """Asked for every commune of a province, the answer evaluates the xã alone and
    says how many units (the phường) it left out, and why; a ward asked for by itself
    is left out too. The CSV, one row per result, has no ward's row."""
    province = demo_sets.province
    for code in ("37901", "37902"):
        make_commune(province=province, code=code, name=f"Phường {code}", kind=Kind.PHUONG)
    client = client_for(users.province_officer)
    query = {"set": "xa_ntm_2026_2030", "unit": province.code, "level": "commune"}
    body = client.get(EVALUATIONS, query | {"year": "2026"}).json()
    assert {row["unit"] for row in body["evaluations"]} == {demo_sets.a.code, demo_sets.b.code}
    assert body["left_out"] == 2
    assert body["left_out_reason"] == (
        "2 phường không thuộc diện xét nông thôn mới, không được tính."
    )
    alone = client.get(EVALUATIONS, {"set": "xa_ntm_2026_2030", "unit": "37901", "year": "2026"})
    assert (alone.json()["evaluations"], alone.json()["left_out"]) == ([], 1)
    rows = csv.DictReader(
        io.StringIO(
            client.get(EVALUATIONS, query | {"year": "2026", "format": "csv"}).content.decode(
                "utf-8-sig"
            )
        )
    )
    assert {row["unit"] for row in rows} == {demo_sets.a.code, demo_sets.b.code}
    none_left = client.get(EVALUATIONS, {**query, "unit": demo_sets.a.code, "year": "2026"})
    assert (none_left.json()["left_out"], none_left.json()["left_out_reason"]) == (0, "")
