"""The procedure as written: the shipped file reads and validates, says what the texts
say (and `unknown` where they say nothing), and every kind of bad entry is refused with
its line, column and reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from langso.core.errors import ImportRejected, RowError
from langso.criteria.catalogue import catalogue_yaml_read
from langso.criteria.models import FactStatus
from langso.recognition.procedure import (
    DESCRIBED_STEPS,
    procedure_yaml_read,
    procedures_validate,
)
from langso.recognition.services.procedures import SHIPPED

CATALOGUE = Path(__file__).resolve().parents[2] / "criteria" / "catalogue.yaml"
INDICATORS = {"resident-satisfaction-ntm"}
SETS = {
    "xa_ntm_2026_2030": "commune",
    "thon_thong_minh": "village",
    "huyen_ntm_2021_2025": "district",
}

VALID = """\
sources:
  s1: "https://example.org/18-2022"
procedures:
  - code: thu
    name_vi: "Quy trình thử"
    level: commune
    sets: [xa_ntm_2026_2030]
    status: verified
    source: [s1]
    steps:
      self_assessment: {actor: commune_officer, status: verified, source: [s1],
        documents: [{code: bao_cao, name_vi: "Báo cáo", generated: true}]}
      consultation: {actor: commune_officer, public_days: 15, status: verified}
      submission: {actor: commune_leader, prepared_by: commune_officer,
        deadline_working_days: 10, documents: [{code: to_trinh, name_vi: "Tờ trình"}]}
      appraisal: {actor: province_appraiser, deadline_working_days: 15}
      supplement: {actor: commune_leader, prepared_by: commune_officer}
      decision: {actor: province_leader}
      revocation: {actor: province_leader}
    satisfaction:
      xa_ntm_2026_2030: {indicator: resident-satisfaction-ntm, threshold: unknown, status: unknown}
"""


def _validate(text: str) -> None:
    raw, sources = procedure_yaml_read(text)
    procedures_validate(raw, sources=sources, set_levels=SETS, indicators=INDICATORS)


def _refusals(text: str) -> list[RowError]:
    with pytest.raises(ImportRejected) as caught:
        _validate(text)
    return caught.value.errors


def test_the_test_file_is_valid_and_reads_as_written() -> None:
    raw, sources = procedure_yaml_read(VALID)
    [spec] = procedures_validate(raw, sources=sources, set_levels=SETS, indicators=INDICATORS)
    assert list(spec.steps) == list(DESCRIBED_STEPS)
    assert spec.step("submission").preparer == "commune_officer"
    assert spec.step("appraisal").deadline_working_days == 15
    assert spec.step("consultation").public_days == 15
    assert spec.step("decision").deadline_working_days is None
    assert spec.satisfaction["xa_ntm_2026_2030"].threshold is None
    assert spec.step("self_assessment").documents[0].generated


def test_the_shipped_file_validates_against_the_shipped_catalogue() -> None:
    """Every procedure of `procedure.yaml` passes the checks against the shipped
    criteria sets, and says what the texts say: 15 days posted (verified), the
    province appraising, and no satisfaction share for any commune set (unknown)."""
    sets, _sources = catalogue_yaml_read(CATALOGUE.read_bytes())
    levels = {str(s["code"]): str(s["level"]) for s in sets}
    raw, sources = procedure_yaml_read(SHIPPED.read_bytes())
    specs = {
        s.code: s
        for s in procedures_validate(raw, sources=sources, set_levels=levels, indicators=INDICATORS)
    }
    commune = specs["cong_nhan_xa_18_2022"]
    assert set(commune.set_codes) == {
        "xa_ntm_2021_2025",
        "xa_ntm_nang_cao_2021_2025",
        "xa_ntm_kieu_mau_2021_2025",
    }
    consultation = commune.step("consultation")
    assert (consultation.public_days, consultation.public_days_status) == (15, FactStatus.VERIFIED)
    assert commune.step("appraisal").actor == "province_appraiser"
    assert commune.step("decision").actor == "province_leader"
    assert commune.step("submission").actor == "commune_leader"
    assert [d.code for d in commune.step("submission").documents] == [
        "to_trinh",
        "bien_ban_hop_de_nghi",
    ]
    assert commune.step("self_assessment").documents[0].generated
    for set_code in commune.set_codes:
        satisfaction = commune.satisfaction[set_code]
        assert satisfaction.indicator == "resident-satisfaction-ntm"
        assert (satisfaction.threshold, satisfaction.status) == (None, FactStatus.UNKNOWN)
    later = specs["cong_nhan_xa_2026_2030"]
    assert later.set_codes == ("xa_ntm_2026_2030",)
    assert later.status == FactStatus.INFERRED
    assert "suy luận" in later.note
    assert later.satisfaction["xa_ntm_2026_2030"].threshold is None
    village = specs["cong_nhan_thon_thong_minh"]
    assert (village.level, village.set_codes) == ("village", ("thon_thong_minh",))
    assert village.step("consultation").public_days is None


@pytest.mark.parametrize(
    ("old", "new", "line", "column", "reason"),
    [
        pytest.param(
            "{actor: province_leader}\n    satisfaction",
            "{actor: province_leader, colour: red}\n    satisfaction",
            19,
            "colour",
            "không hiểu khoá “colour”",
            id="unknown key",
        ),
        pytest.param(
            "province_appraiser",
            "province_boss",
            16,
            "actor",
            "vai trò “province_boss” không có",
            id="unknown role",
        ),
        pytest.param(
            "appraisal: {actor: province_appraiser",
            "appraisal: {actor: commune_officer",
            16,
            "actor",
            "không làm được bước “appraisal”",
            id="role held at the wrong level",
        ),
        pytest.param(
            "deadline_working_days: 15",
            "deadline_working_days: mười lăm",
            16,
            "deadline_working_days",
            "không phải số ngày",
            id="bad number",
        ),
        pytest.param(
            "deadline_working_days: 15",
            "deadline_working_days: -1",
            16,
            "deadline_working_days",
            "không phải số ngày",
            id="negative number",
        ),
        pytest.param(
            "public_days: 15",
            "public_days: 1.5",
            13,
            "public_days",
            "không phải số ngày",
            id="fraction of a day",
        ),
        pytest.param(
            "appraisal: {actor: province_appraiser,",
            "appraisal: {actor: province_appraiser, public_days: 5,",
            16,
            "public_days",
            "chỉ bước lấy ý kiến công khai",
            id="days posted on another step",
        ),
        pytest.param(
            "      revocation: {actor: province_leader}\n",
            "      revocation: {actor: province_leader}\n"
            "      approval: {actor: province_leader}\n",
            20,
            "steps",
            "bước “approval” không có",
            id="unknown step",
        ),
        pytest.param(
            "      revocation: {actor: province_leader}\n",
            "",
            11,
            "steps",
            "thiếu bước “revocation”",
            id="missing step",
        ),
        pytest.param(
            "sets: [xa_ntm_2026_2030]",
            "sets: [xa_ntm_2026_2030, xa_ntm_2099]",
            4,
            "sets",
            "bộ tiêu chí “xa_ntm_2099” không có",
            id="unknown set",
        ),
        pytest.param(
            "sets: [xa_ntm_2026_2030]",
            "sets: [xa_ntm_2026_2030, huyen_ntm_2021_2025]",
            4,
            "sets",
            "áp dụng cho cấp “district”",
            id="set of another level",
        ),
        pytest.param(
            "public_days: 15, status: verified",
            "public_days: 15, status: sure",
            13,
            "status",
            "mức tin cậy “sure” không có",
            id="unknown status",
        ),
        pytest.param(
            "status: verified, source: [s1]",
            "status: verified, source: [s9]",
            11,
            "source",
            "nguồn “s9” không có trong “sources”",
            id="unknown source id",
        ),
        pytest.param(
            "{code: to_trinh,",
            "{code: bao_cao,",
            15,
            "code",
            "giấy tờ “bao_cao” trùng với giấy tờ ở dòng 12",
            id="document code twice",
        ),
        pytest.param(
            "threshold: unknown",
            "threshold: 120",
            21,
            "threshold",
            "từ 0 đến 100",
            id="threshold past 100",
        ),
        pytest.param(
            "      xa_ntm_2026_2030: {indicator: resident-satisfaction-ntm",
            "      thon_thong_minh: {indicator: resident-satisfaction-ntm",
            21,
            "satisfaction",
            "không nằm trong “sets”",
            id="satisfaction for a set not covered",
        ),
        pytest.param(
            "indicator: resident-satisfaction-ntm",
            "indicator: resident-happiness",
            21,
            "indicator",
            "chỉ số “resident-happiness” không có",
            id="unknown indicator",
        ),
        pytest.param(
            "  - code: thu\n",
            "  - code: [thu\n",
            5,
            "yaml",
            "",
            id="unreadable YAML",
        ),
    ],
)
def test_a_bad_entry_is_refused_naming_its_line(
    old: str, new: str, line: int, column: str, reason: str
) -> None:
    assert old in VALID
    errors = _refusals(VALID.replace(old, new, 1))
    assert any(e.row == line and e.column == column and reason in e.reason for e in errors), errors
    assert all(str(e).startswith("Dòng ") for e in errors)


def test_every_bad_entry_of_a_file_is_listed_at_once() -> None:
    text = VALID.replace("province_appraiser", "province_boss").replace(
        "public_days: 15", "public_days: nhiều"
    )
    assert {(e.row, e.column) for e in _refusals(text)} == {(16, "actor"), (13, "public_days")}


def test_a_file_without_procedures_is_refused() -> None:
    errors = _refusals("sources: {}\nprocedures: []\n")
    assert errors[0].column == "procedures"
