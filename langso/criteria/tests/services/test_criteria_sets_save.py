"""Catalogue files and edits: a bad entry is refused with its line and the reason and
nothing of the file is stored; each change is a new version; a province varies a
national set only where the law allows, and writes its own sets."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import IO

import pytest
import yaml
from openpyxl import Workbook

from langso.core.errors import AccessDenied, DomainError, ImportRejected
from langso.core.testing import xlsx_with_member
from langso.criteria.catalogue import catalogue_yaml_read
from langso.criteria.models import CriteriaSet, CriterionIndicator, IndicatorMethod
from langso.criteria.selectors.catalogue import criteria_set_sources
from langso.criteria.selectors.sets import criteria_set_in_force
from langso.criteria.services import (
    CatalogueReport,
    criteria_catalogue_import,
    criteria_catalogue_load,
    criteria_sets_save,
    province_thresholds_set,
)
from langso.places.models import AdminUnit
from langso.places.testing import make_province
from langso.registry.testing import RegistryTree, RegistryUsers

pytestmark = pytest.mark.django_db

GOOD = """\
sets:
  - code: thon_so
    name_vi: "Thôn số"
    level: village
    years: [2026]
    criteria:
      - code: "1"
        name_vi: "Hạ tầng"
        indicators:
          - {code: "1.1", name_vi: "Cáp quang", kind: computed,
             indicator: households-fibre, comparator: gt, threshold: 80}
"""


def _save(text: str, province: AdminUnit | None = None) -> CatalogueReport:
    raw_sets, sources = catalogue_yaml_read(text)
    return criteria_sets_save(actor=None, raw_sets=raw_sets, sources=sources, province=province)


def _reasons(excinfo: pytest.ExceptionInfo[ImportRejected]) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.reason) for e in excinfo.value.errors]


def test_the_shipped_catalogue_loads_once_and_keeps_each_facts_status(catalogue: None) -> None:
    assert criteria_catalogue_load().added == []
    postal = CriterionIndicator.objects.get(criteria_set__code="xa_ntm_2021_2025", code="8.1")
    assert (postal.kind, postal.status, postal.threshold_status) == (
        IndicatorMethod.COMPUTED,
        "verified",
        "inferred",
    )
    assert postal.sources[0]["url"].startswith("https://lawnet.vn/")
    # Criterion 1's indicators could not be read: an officer assesses it whole.
    planning = CriterionIndicator.objects.get(criteria_set__code="xa_ntm_2021_2025", code="1")
    assert (planning.kind, planning.status) == (IndicatorMethod.ASSESSED, "unknown")
    assert CriteriaSet.objects.get(code="xa_ntm_2026_2030").varies_by == "commune_group"


def test_an_unknown_indicator_is_refused_with_its_line(catalogue: None) -> None:
    text = GOOD.replace("households-fibre", "households-fiber")
    with pytest.raises(ImportRejected) as excinfo:
        _save(text)
    assert _reasons(excinfo) == [
        (10, "indicator", "chỉ số “households-fiber” không có trong danh mục chỉ số")
    ]
    assert not CriteriaSet.objects.filter(code="thon_so").exists()


def test_a_non_numeric_threshold_is_refused_for_a_numeric_comparator(catalogue: None) -> None:
    with pytest.raises(ImportRejected) as excinfo:
        _save(GOOD.replace("threshold: 80", 'threshold: "cao"'))
    [(line, column, reason)] = _reasons(excinfo)
    assert (line, column) == (10, "threshold")
    assert "“cao”" in reason
    assert "không phải là số" in reason


def test_duplicate_codes_are_refused_where_they_repeat(catalogue: None) -> None:
    text = GOOD + (
        '          - {code: "1.1", name_vi: "Lặp", kind: assessed}\n'
        '      - {code: "1", name_vi: "Lặp lại", indicators: unknown}\n'
        "  - code: thon_so\n"
        '    name_vi: "Trùng"\n'
        "    level: village\n"
        "    years: [2026]\n"
        '    criteria: [{code: "1", name_vi: "X"}]\n'
    )
    with pytest.raises(ImportRejected) as excinfo:
        _save(text)
    reasons = _reasons(excinfo)
    assert (12, "code", "chỉ tiêu “1.1” trùng với chỉ tiêu ở dòng 10") in reasons
    assert (13, "code", "tiêu chí “1” trùng với tiêu chí ở dòng 7") in reasons
    assert (14, "code", "mã bộ tiêu chí “thon_so” trùng với bộ ở dòng 2") in reasons


def test_a_cycle_among_composites_is_refused(catalogue: None) -> None:
    text = """\
sets:
  - code: xa_a
    name_vi: "A"
    level: commune
    years: [2026]
    conditions:
      - {code: C1, name_vi: "B đạt", kind: composite, set: xa_b, over: self,
         measure: count, comparator: gte, threshold: 1}
  - code: xa_b
    name_vi: "B"
    level: commune
    years: [2026]
    conditions:
      - {code: C1, name_vi: "A đạt", kind: composite, set: xa_a, over: self,
         measure: count, comparator: gte, threshold: 1}
"""
    with pytest.raises(ImportRejected) as excinfo:
        _save(text)
    reasons = _reasons(excinfo)
    assert (2, "set", "vòng lặp giữa các bộ tiêu chí: xa_a → xa_b → xa_a") in reasons
    assert (9, "set", "vòng lặp giữa các bộ tiêu chí: xa_b → xa_a → xa_b") in reasons
    assert not CriteriaSet.objects.filter(code__in=["xa_a", "xa_b"]).exists()


def test_a_cycle_through_a_stored_set_is_refused(catalogue: None) -> None:
    """The stored model-commune set counts the advanced set; an advanced set that counted
    the model one would close a loop."""
    stored = criteria_set_in_force(code="xa_ntm_nang_cao_2021_2025", province=None)
    text = f"""\
- code: xa_ntm_nang_cao_2021_2025
  name_vi: "{stored.name_vi}"
  level: commune
  years: [2021, 2025]
  conditions:
    - {{code: X, name_vi: "Kiểu mẫu", kind: composite, set: xa_ntm_kieu_mau_2021_2025,
       over: self, measure: count, comparator: gte, threshold: 1}}
"""
    with pytest.raises(ImportRejected) as excinfo:
        _save(text)
    assert _reasons(excinfo) == [
        (
            1,
            "set",
            "vòng lặp giữa các bộ tiêu chí: xa_ntm_nang_cao_2021_2025 → "
            "xa_ntm_kieu_mau_2021_2025 → xa_ntm_nang_cao_2021_2025",
        )
    ]
    assert criteria_set_in_force(code="xa_ntm_nang_cao_2021_2025", province=None).version == 1


def test_a_file_with_one_bad_set_stores_none_of_its_sets(catalogue: None) -> None:
    bad = GOOD.replace("thon_so", "thon_khac").replace("level: village", "level: hamlet")
    text = GOOD + bad.removeprefix("sets:\n")
    with pytest.raises(ImportRejected) as excinfo:
        _save(text)
    assert [(e.row, e.column) for e in excinfo.value.errors] == [(12, "level")]
    assert not CriteriaSet.objects.filter(code__in=["thon_so", "thon_khac"]).exists()


def test_a_yaml_syntax_error_names_its_line(catalogue: None) -> None:
    with pytest.raises(ImportRejected) as excinfo:
        _save(GOOD.replace("level: village", "level: [village"))
    [(line, column, _reason)] = _reasons(excinfo)
    assert (line, column) == (5, "yaml")


def test_every_change_is_a_new_version_and_the_same_text_none(catalogue: None) -> None:
    _save(GOOD)
    assert _save(GOOD).added == []
    _save(GOOD.replace("threshold: 80", "threshold: 85"))
    versions = CriteriaSet.objects.filter(code="thon_so").order_by("version")
    assert [v.version for v in versions] == [1, 2]
    assert [v.indicators.get().thresholds for v in versions] == [{"*": "80"}, {"*": "85"}]


def _xlsx(threshold: object) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "bo_tieu_chi"
    for row in [
        ("code", "thon_xlsx"),
        ("name_vi", "Thôn thông minh (tệp)"),
        ("level", "village"),
        ("years", "2026-2030"),
    ]:
        sheet.append(row)
    rows = book.create_sheet("chi_tieu")
    rows.append(
        ["tieu_chi", "ten_tieu_chi", "ma", "ten", "cach_danh_gia", "chi_so", "so_sanh", "nguong"]
    )
    rows.append([1, "Hạ tầng số", 1.1, "Cáp quang", "computed", "households-fibre", "gt", 80])
    rows.append([1, "Hạ tầng số", 1.2, "Wifi", "computed", "village-free-wifi", "present", None])
    rows.append(
        [2, "Công dân số", 2.1, "Điện thoại", "computed", "adults-smartphone", "gt", threshold]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def test_an_xlsx_set_loads_and_a_bad_row_is_named(
    catalogue: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    with pytest.raises(ImportRejected) as excinfo:
        criteria_catalogue_import(
            actor=users.province_officer,
            province=tree.province,
            filename="thon.xlsx",
            file=_xlsx("bảy mươi"),
        )
    [(row, column, _reason)] = _reasons(excinfo)
    assert (row, column) == (4, "threshold")
    assert not CriteriaSet.objects.filter(code="thon_xlsx").exists()
    report = criteria_catalogue_import(
        actor=users.province_officer, province=tree.province, filename="thon.xlsx", file=_xlsx(70)
    )
    [stored] = report.added
    assert (stored.province, stored.year_from, stored.year_to) == (tree.province, 2026, 2030)
    assert [(i.code, i.thresholds) for i in stored.indicators.all()] == [
        ("1.1", {"*": "80"}),
        ("1.2", {"*": "100"}),
        ("2.1", {"*": "70"}),
    ]


NATIONAL = """\
- code: xa_so
  name_vi: "Xã số"
  level: commune
  years: [2026, 2030]
  varies_by: commune_group
  criteria:
    - code: "1"
      name_vi: "Công dân số"
      indicators:
        - {code: "1.1", name_vi: "Thanh toán điện tử", kind: computed, indicator: adults-epayment,
           comparator: gte, threshold: {NHOM_1: 80, NHOM_2: 70}}
        - {code: "1.2", name_vi: "Điện thoại", kind: computed, indicator: adults-smartphone,
           comparator: gte, threshold: {NHOM_1: 90}, provincial: true}
"""


def test_a_province_sets_what_the_law_leaves_it_and_may_only_tighten_the_rest(
    catalogue: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    _save(NATIONAL)
    officer, province = users.province_officer, tree.province
    # Group 3's threshold is unknown nationally, and 1.2 is the province's to set.
    variant = province_thresholds_set(
        actor=officer,
        province=province,
        set_code="xa_so",
        thresholds={
            "1.1": {"NHOM_1": "85", "NHOM_2": "70", "NHOM_3": "50"},
            "1.2": {"NHOM_1": "60"},
        },
    )
    assert variant is not None
    assert variant.province == province
    thresholds = {i.code: i.thresholds for i in variant.indicators.all()}
    assert thresholds == {
        "1.1": {"NHOM_1": "85", "NHOM_2": "70", "NHOM_3": "50"},
        "1.2": {"NHOM_1": "60"},
    }
    assert criteria_set_in_force(code="xa_so", province=province) == variant
    assert criteria_set_in_force(code="xa_so", province=None).province is None
    # Looser than the centre's 80% for group 1: refused with the reason.
    with pytest.raises(ImportRejected) as excinfo:
        province_thresholds_set(
            actor=officer,
            province=province,
            set_code="xa_so",
            thresholds={"1.1": {"NHOM_1": "75", "NHOM_2": "70"}},
        )
    [(_line, column, reason)] = _reasons(excinfo)
    assert column == "threshold"
    assert "ngưỡng NHOM_1 của trung ương là 80" in reason
    assert CriteriaSet.objects.filter(code="xa_so", province=province).count() == 1
    stored = CriterionIndicator.objects.get(criteria_set=variant, code="1.1")
    assert Decimal(stored.thresholds["NHOM_1"]) == 85


def test_a_province_variant_keeps_the_national_structure(
    catalogue: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    _save(NATIONAL)
    changed = NATIONAL.replace("indicator: adults-smartphone", "indicator: households-smartphone")
    with pytest.raises(ImportRejected) as excinfo:
        _save(changed, province=tree.province)
    [(_line, column, reason)] = _reasons(excinfo)
    assert column == "kind"
    assert "không đổi cách đánh giá" in reason


def test_who_may_write_sets(catalogue: None, tree: RegistryTree, users: RegistryUsers) -> None:
    raw_sets, sources = catalogue_yaml_read(GOOD)
    with pytest.raises(AccessDenied):
        criteria_sets_save(actor=users.province_officer, raw_sets=raw_sets, sources=sources)
    with pytest.raises(AccessDenied):
        criteria_sets_save(
            actor=users.officer_a, raw_sets=raw_sets, sources=sources, province=tree.province
        )
    elsewhere = make_province(code="01", name="Thành phố Hà Nội")
    with pytest.raises(AccessDenied):
        criteria_sets_save(
            actor=users.province_officer, raw_sets=raw_sets, sources=sources, province=elsewhere
        )
    report = criteria_sets_save(actor=users.central_admin, raw_sets=raw_sets, sources=sources)
    assert [s.code for s in report.added] == ["thon_so"]


def test_a_common_national_threshold_binds_each_region_of_a_variant(
    catalogue: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    _save(NATIONAL.replace("threshold: {NHOM_1: 80, NHOM_2: 70}", "threshold: 80"))
    with pytest.raises(ImportRejected) as excinfo:
        province_thresholds_set(
            actor=users.province_officer,
            province=tree.province,
            set_code="xa_so",
            thresholds={"1.1": {"*": "80", "NHOM_3": "50"}},
        )
    [(_line, column, reason)] = _reasons(excinfo)
    assert column == "threshold"
    assert "ngưỡng NHOM_3 của trung ương là 80" in reason


def test_a_variant_may_not_change_what_a_composite_counts(
    catalogue: None, tree: RegistryTree
) -> None:
    stored = criteria_set_in_force(code="xa_ntm_kieu_mau_2021_2025", province=None)
    text = yaml.safe_dump([stored.spec], allow_unicode=True, sort_keys=False)
    raw_sets, _sources = catalogue_yaml_read(text.replace("measure: count", "measure: percent", 1))
    with pytest.raises(ImportRejected) as excinfo:
        criteria_sets_save(
            actor=None,
            raw_sets=raw_sets,
            sources=criteria_set_sources(stored),
            province=tree.province,
        )
    assert [e.column for e in excinfo.value.errors] == ["kind"]


def test_an_xlsx_set_that_unpacks_to_millions_of_rows_is_refused_before_parsing(
    catalogue: None, tree: RegistryTree, users: RegistryUsers, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A set's XLSX whose indicator sheet holds 5 million empty rows in a few tens of KB is
    refused from the inspection of its zip, naming the limit, before openpyxl opens it."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("openpyxl opened a file the inspection should have refused")

    monkeypatch.setattr("openpyxl.load_workbook", refuse)

    def empty_rows(member: IO[bytes]) -> None:
        member.write(
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b"<sheetData>"
        )
        for _chunk in range(50):
            member.write(b'<row spans="1:8"/>' * 100_000)
        member.write(b"</sheetData></worksheet>")

    bomb = xlsx_with_member(_xlsx(70).getvalue(), "xl/worksheets/sheet2.xml", empty_rows)
    with pytest.raises(DomainError, match=r"giới hạn") as refused:
        criteria_catalogue_import(
            actor=users.province_officer,
            province=tree.province,
            filename="thon.xlsx",
            file=io.BytesIO(bomb),
        )
    assert "sheet2.xml" in refused.value.message or "chi_tieu" in refused.value.message
    assert not CriteriaSet.objects.filter(code="thon_xlsx").exists()
