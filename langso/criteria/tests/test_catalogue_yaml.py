"""The shipped catalogue says only what its sources say: the 2026-2030 commune set of
51/2025/QĐ-TTg keeps its ten criteria, each with the pages it was read from, and none of
its 47 indicators is written where no page could be read; every threshold of every
national set can be traced to a source."""

from __future__ import annotations

import pytest

from langso.criteria.models import CriteriaSet, CriterionIndicator, FactStatus, IndicatorMethod
from langso.criteria.selectors.sets import criteria_set_in_force

pytestmark = pytest.mark.django_db

NATIONAL_2026 = "xa_ntm_2026_2030"
CRITERIA_2026 = [
    "Quy hoạch",
    "Hạ tầng kinh tế - xã hội",
    "Phát triển kinh tế nông thôn",
    "Đào tạo nguồn nhân lực nông thôn",
    "Văn hóa, giáo dục, y tế",
    "Giảm nghèo và an sinh xã hội",
    "Khoa học công nghệ và chuyển đổi số",
    "Môi trường và cảnh quan nông thôn",
    "Xây dựng hệ thống chính trị và hành chính công",
    "Tiếp cận pháp luật và an ninh, quốc phòng",
]


def test_the_2026_2030_set_lists_its_ten_criteria_in_the_decisions_order(catalogue: None) -> None:
    """Numbered as VietnamPlus numbers them, each named by three pages of the decision."""
    national = criteria_set_in_force(code=NATIONAL_2026, province=None)
    assert national.spec["declared"] == {"criteria": 10, "indicators": 47}
    assert national.varies_by == "commune_group"
    criteria = list(national.criteria.all())
    assert [(c.code, c.name_vi) for c in criteria] == [
        (str(n), name) for n, name in enumerate(CRITERIA_2026, start=1)
    ]
    for criterion in criteria:
        assert criterion.status == FactStatus.VERIFIED
        assert {s["id"] for s in criterion.sources} == {"s51-vnp", "s51-tbtc", "s51-quangtri"}
        assert all(s["url"].startswith("https://") for s in criterion.sources)
    # The set names the full text and every press page read.
    assert {s["id"] for s in national.sources} >= {"s51-chinhphu", "s51-baonghean-en"}


def test_no_indicator_of_51_2025_is_written_that_no_page_let_us_read(catalogue: None) -> None:
    """None of the 47 could be read: each criterion is one indicator an officer assesses,
    unknown, without a threshold, with a note saying so; the set's note says how many."""
    indicators = CriterionIndicator.objects.filter(
        criteria_set__code=NATIONAL_2026, criteria_set__province=None
    ).select_related("criterion")
    assert len(indicators) == 10
    for indicator in indicators:
        assert indicator.criterion is not None
        assert indicator.code == indicator.criterion.code
        assert (indicator.kind, indicator.status) == (IndicatorMethod.ASSESSED, FactStatus.UNKNOWN)
        assert (indicator.thresholds, indicator.comparator, indicator.sources) == ({}, "", [])
        assert "cán bộ đánh giá cả tiêu chí" in indicator.note
    note = CriteriaSet.objects.get(code=NATIONAL_2026, province=None).note
    assert "47 chỉ tiêu thì chưa" in note


def test_every_threshold_of_a_national_set_has_a_source(catalogue: None) -> None:
    """A threshold is never invented: the indicator, its criterion or its set names the
    page it was read from, and a threshold read from none stays unknown."""
    with_thresholds = [
        indicator
        for indicator in CriterionIndicator.objects.filter(
            criteria_set__province=None
        ).select_related("criteria_set", "criterion")
        if indicator.thresholds
    ]
    # 8.1 (a presence), the composites of nâng cao, kiểu mẫu and the district sets.
    assert len(with_thresholds) >= 6
    for indicator in with_thresholds:
        sources = (
            indicator.sources
            or (indicator.criterion.sources if indicator.criterion else [])
            or indicator.criteria_set.sources
        )
        assert sources, f"{indicator.criteria_set.code} {indicator.code}"
        assert all(s["url"].startswith(("http://", "https://")) for s in sources)
        assert indicator.threshold_status != FactStatus.UNKNOWN, indicator.code
