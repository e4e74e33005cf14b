"""A set's results are exported on a sheet named from its Vietnamese name: short enough
for Excel, with its period whole, never its code; every shipped and demo set gets a
distinct valid name."""

from __future__ import annotations

import pytest

from langso.core.exports import SHEET_TITLE_MAX, sheet_title
from langso.criteria.models import CriteriaSet
from langso.criteria.selectors.sets import criteria_set_period, criteria_set_sheet_title
from langso.registry.testing import RegistryTree

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "years", "expected"),
    [
        (
            "Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2026-2030",
            (2026, 2030),
            "Xã NTM 2026-2030",
        ),
        (
            "Bộ tiêu chí quốc gia về xã nông thôn mới nâng cao giai đoạn 2021-2025",
            (2021, 2025),
            "Xã NTM nâng cao 2021-2025",
        ),
        (
            "Mô hình thôn thông minh (do UBND cấp tỉnh quy định)",
            (2021, None),
            "Mô hình thôn thông minh từ 2021",
        ),
        ("Thôn thông minh tỉnh Ninh Bình (minh họa)", (2026, None), "Thôn thông minh từ 2026"),
        ("Xã chuyển đổi số năm 2025 tỉnh Ninh Bình", (2025, 2025), "Xã chuyển đổi số năm 2025"),
        (
            "Tiêu chí huyện nông thôn mới đặc thù, không có đơn vị hành chính cấp xã giai đoạn"
            " 2021-2025",
            (2024, 2025),
            "Tiêu chí huyện NTM 2024-2025",
        ),
    ],
)
def test_a_sets_sheet_is_named_from_its_vietnamese_name_and_period(
    name: str, years: tuple[int, int | None], expected: str
) -> None:
    criteria_set = CriteriaSet(code="ma_noi_bo", name_vi=name, year_from=years[0], year_to=years[1])
    title = criteria_set_sheet_title(criteria_set)
    assert title == expected
    assert criteria_set_period(criteria_set) in title
    assert sheet_title(title) == title


def test_every_shipped_and_demo_set_has_a_distinct_valid_sheet_name(
    demo_sets: RegistryTree,
) -> None:
    sets = list(CriteriaSet.objects.order_by("code", "province", "version").distinct())
    latest = {(s.code, s.province_id): s for s in sets}.values()
    titles = {s.code: criteria_set_sheet_title(s) for s in latest}
    assert len(titles) >= 8
    for code, title in titles.items():
        assert len(title) <= SHEET_TITLE_MAX
        assert code not in title
        assert sheet_title(title) == title
    assert len(set(titles.values())) == len(titles), titles
