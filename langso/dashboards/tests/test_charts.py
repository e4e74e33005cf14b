"""The charts' specs render, page and PDF alike, with Vietnamese names and numbers."""

from __future__ import annotations

import re
from decimal import Decimal

from langso.dashboards.charts import bar_spec, chart_svg, count_spec, line_spec


def test_a_bar_chart_renders_names_with_diacritics_and_vietnamese_numbers() -> None:
    spec = bar_spec(
        [("Xã Hòa An", Decimal("1234.5"), "1.234,5"), ("Xã Đông Khê", Decimal(80), "80")],
        axis_title="Số hộ",
    )
    svg = chart_svg(spec)
    assert "Xã Hòa An" in svg
    assert "Xã Đông Khê" in svg
    # The axis reads thousands with a dot: 1.000, never 1,000.
    assert "1.000" in svg
    assert "1,000" not in svg


def test_a_distribution_takes_the_map_classes_colours_as_they_are() -> None:
    spec = count_spec(
        [("dưới 20 %", 3, "#ffffcc"), ("Không có dữ liệu", 2, "#bdbdbd")], axis_title="Số xã"
    )
    svg = chart_svg(spec)
    assert 'fill="#ffffcc"' in svg
    assert 'fill="#bdbdbd"' in svg


def test_a_period_without_a_figure_breaks_the_line_rather_than_reading_as_zero() -> None:
    spec = line_spec(
        [("Năm 2024", Decimal(10), "10 %"), ("Năm 2025", None, "Không có dữ liệu")],
        axis_title="Tỷ lệ (%)",
        percent=True,
        target=Decimal(65),
        target_label="Chỉ tiêu: 65 %",
    )
    values = spec["data"]["values"]
    assert values[1]["value"] is None
    assert "Năm 2025" in chart_svg(spec)


def test_a_count_axis_ticks_whole_numbers_once_each() -> None:
    """One unit in each class: the axis reads 0 and 1, not 0, 1, 1 (half ticks written
    as whole numbers)."""
    spec = count_spec(
        [("25 %", 1, "#ffffcc"), ("trên 25 % – 50 %", 1, "#41b6c4")], axis_title="Số xã"
    )
    svg = chart_svg(spec)
    ticks = re.findall(r"role-axis-label.*?</g></g>", svg, flags=re.S)
    labels = [re.findall(r">([^<>]+)</text>", axis) for axis in ticks]
    [counts] = [axis for axis in labels if "Số xã" in axis]
    assert [label for label in counts if label.isdigit()] == ["0", "1"]
    # Both class labels are written whole.
    assert "trên 25 % – 50 %" in svg


def test_a_chart_fits_a_phone_s_300_px() -> None:
    """Names, bars and figures: the whole SVG no wider than a phone page's column."""
    spec = bar_spec(
        [("Xã Hòa An", Decimal(100), "100 %"), ("Xã Đông Khê", Decimal(30), "30 %")],
        axis_title="Tỷ lệ (%)",
        percent=True,
    )
    width = int(re.search(r'<svg[^>]* width="(\d+)"', chart_svg(spec))[1])  # type: ignore[index]
    assert width <= 310
