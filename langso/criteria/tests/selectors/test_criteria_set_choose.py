"""The set a scorecard or a matrix shows by default is one in force for the unit and
year that can be evaluated: the national one when most of it can be decided, otherwise
the set that can be decided the most; a mostly unknown set, asked for or the only one,
is shown with that said and the complete set offered."""

from __future__ import annotations

import pytest

from langso.criteria.catalogue import catalogue_yaml_read
from langso.criteria.selectors.sets import criteria_set_choose
from langso.criteria.services import criteria_sets_save
from langso.places.models import Level
from langso.registry.testing import RegistryTree

pytestmark = pytest.mark.django_db

YEAR = 2026
NATIONAL = "xa_ntm_2026_2030"
SMART = "xa_ntm_thong_minh"

# A later version of the national 2026-2030 set that can mostly be decided: two of its
# three indicators can (the third's threshold is unknown).
DECIDABLE = """\
- code: xa_ntm_2026_2030
  name_vi: "Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2026-2030"
  level: commune
  years: [2026, 2030]
  status: verified
  criteria:
    - code: "1"
      name_vi: "Hạ tầng số"
      indicators:
        - {code: "1.1", name_vi: "Hộ có cáp quang", kind: computed,
           indicator: households-fibre, comparator: gte, threshold: 80, status: verified}
        - {code: "1.2", name_vi: "Có điểm phục vụ bưu chính", kind: assessed,
           status: verified}
        - {code: "1.3", name_vi: "Hộ có điện thoại thông minh", kind: computed,
           indicator: households-smartphone, comparator: gte, threshold: unknown,
           status: verified}
"""


def test_a_mostly_unknown_national_set_gives_way_to_one_that_can_be_decided(
    demo_sets: RegistryTree,
) -> None:
    """2026 in the demo province: none of the 47 indicators of 51/2025/QĐ-TTg can be
    decided from the catalogue, every one of the province's smart-commune set can."""
    choice = criteria_set_choose(province=demo_sets.province, level=Level.COMMUNE, year=YEAR)
    assert [s.code for s in choice.sets] == [NATIONAL, SMART]
    assert choice.chosen is not None
    assert choice.chosen.code == SMART
    assert choice.passed_over is not None
    assert choice.passed_over.code == NATIONAL
    assert (choice.mostly_unknown, choice.readable, choice.total) == (False, 6, 6)
    assert choice.problem == ""


def test_a_mostly_unknown_set_asked_for_is_shown_with_the_complete_one_offered(
    demo_sets: RegistryTree,
) -> None:
    choice = criteria_set_choose(
        province=demo_sets.province, level=Level.COMMUNE, year=YEAR, code=NATIONAL
    )
    assert choice.chosen is not None
    assert choice.chosen.code == NATIONAL
    assert (choice.mostly_unknown, choice.readable, choice.total) == (True, 0, 47)
    assert choice.offered is not None
    assert choice.offered.code == SMART
    assert choice.passed_over is None


def test_the_only_set_is_shown_even_when_mostly_unknown(catalogue: None) -> None:
    """Nationwide (no province's sets) in 2026 there is nothing better to offer."""
    choice = criteria_set_choose(province=None, level=Level.COMMUNE, year=YEAR)
    assert choice.chosen is not None
    assert choice.chosen.code == NATIONAL
    assert (choice.mostly_unknown, choice.offered, choice.passed_over) == (True, None, None)


def test_a_national_set_that_can_be_decided_stays_the_default(demo_sets: RegistryTree) -> None:
    """Two of three indicators decidable is enough: the national set in force is shown,
    ahead of the province's own even though that one is complete."""
    raw_sets, sources = catalogue_yaml_read(DECIDABLE)
    criteria_sets_save(actor=None, raw_sets=raw_sets, sources=sources)
    choice = criteria_set_choose(province=demo_sets.province, level=Level.COMMUNE, year=YEAR)
    assert choice.chosen is not None
    assert (choice.chosen.code, choice.chosen.version) == (NATIONAL, 2)
    assert (choice.mostly_unknown, choice.readable, choice.total) == (False, 2, 3)
    assert (choice.passed_over, choice.offered) == (None, None)


def test_composites_count_as_decided_only_when_their_target_can_be(demo_sets: RegistryTree) -> None:
    """2025: the national NTM set (4 of 57), nâng cao (3 of 75) and kiểu mẫu (its KM1
    counts communes meeting nâng cao) give way to the province's digital commune set,
    whose composite counts indicator 8.4 of the national set, an officer's finding."""
    choice = criteria_set_choose(province=demo_sets.province, level=Level.COMMUNE, year=2025)
    assert choice.chosen is not None
    assert choice.chosen.code == "xa_chuyen_doi_so_2025"
    assert choice.passed_over is not None
    assert choice.passed_over.code == "xa_ntm_2021_2025"
    national = criteria_set_choose(
        province=demo_sets.province, level=Level.COMMUNE, year=2025, code="xa_ntm_2021_2025"
    )
    assert (national.readable, national.total) == (4, 57)
    model = criteria_set_choose(
        province=demo_sets.province,
        level=Level.COMMUNE,
        year=2025,
        code="xa_ntm_kieu_mau_2021_2025",
    )
    assert (model.readable, model.total) == (3, 4)


def test_no_set_for_the_level_and_year_is_said(demo_sets: RegistryTree) -> None:
    choice = criteria_set_choose(province=demo_sets.province, level=Level.COMMUNE, year=2019)
    assert (choice.chosen, choice.sets) == (None, [])
    assert "Không có bộ tiêu chí nào áp dụng" in choice.problem
    unknown = criteria_set_choose(
        province=demo_sets.province, level=Level.COMMUNE, year=YEAR, code="thon_thong_minh"
    )
    assert unknown.chosen is None
    assert "không áp dụng cho đơn vị này" in unknown.problem
