"""Generating a unit's quarterly report (báo cáo quý) and storing it: the content read
section by section (`selectors.report`), printed as a PDF (`core.pdf`) and written as
an XLSX with one sheet per section (`core.exports`), both stored on one
`QuarterlyReport` row.

Nothing is stored until both files are made, and the row and its files are written
together: a run that fails at any step leaves no report listed and no file behind."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from langso.core.actors import Actor
from langso.core.exports import Sheet, Value, xlsx_bytes
from langso.core.pdf import pdf_from_html
from langso.indicators.models import Period
from langso.places.models import AdminUnit, Level
from langso.plans.models import Plan, TargetMeasure

from ..models import QuarterlyReport
from ..selectors.choropleth import MapUnit, MapValue, number_label
from ..selectors.map_page import period_label
from ..selectors.overview import OverviewTarget
from ..selectors.report import (
    IndicatorCharts,
    MissingOneSection,
    ReportMap,
    report_charts,
    report_indicator_map,
    report_missing_one,
    report_set_map,
    report_targets,
)

# The report's steps, for the job's progress bar: targets, the two maps, the charts,
# the communes one criterion short, the PDF, the XLSX, storing both.
STEPS = 8
# (done, total, what is being done): the job's progress.
Progress = Callable[[int, int, str], None]
# The report is a document of Vietnamese administration, sent upward: in Vietnamese
# whatever language the officer reads the pages in (as recognition's reports).
REPORT_LANGUAGE = "vi"
REPORT_CSS = """
.cover { text-align: center; padding-top: 40mm; break-after: page; }
.cover h1 { font-size: 20pt; margin-bottom: 8mm; }
.cover .unit { font-size: 16pt; font-weight: bold; }
.cover .quarter { font-size: 14pt; margin: 4mm 0 20mm; }
.cover table.facts { width: 70%; margin: 0 auto; }
table.targets { table-layout: fixed; }
table.targets .no { width: 6%; }
table.targets .figure { width: 12%; }
table.targets .deadline { width: 11%; }
table.targets .status { width: 11%; }
table.targets .done { width: 13%; }
ol.plans li { margin-bottom: 1mm; }
.bar { display: inline-block; width: 14mm; height: 2.2mm; border: 0.4pt solid #555;
       vertical-align: middle; }
.bar .fill { height: 100%; background: #2c7fb8; }
.figure-block { break-inside: avoid; margin: 2mm 0 4mm; }
.figure-block svg { max-width: 100%; height: auto; }
.status-off_track { color: #b23a00; font-weight: bold; }
.status-at_risk { color: #7a5b00; font-weight: bold; }
h3 { font-size: 10.5pt; margin: 4mm 0 1mm; break-after: avoid; }
table.values td, table.values th { font-size: 8.5pt; padding: 0.6mm 1.2mm; }
"""
# Excel number formats: figures with one decimal, counts, dates as the pages write them.
DECIMAL_FORMAT = "#,##0.0"
COUNT_FORMAT = "#,##0"
DATE_FORMAT = "dd/mm/yyyy"


@dataclass(frozen=True)
class MapRow:
    """A unit on the report's two maps: the indicator's value (its label for the PDF,
    its number for the XLSX) and class, the set's status, an approximate area or not."""

    unit: MapUnit
    value: MapValue | None
    class_label: str
    status: str
    approximate: bool


@dataclass(frozen=True)
class MapTable:
    """The two maps' numbers in one table (what each map's title names, "" for a map
    that could not be drawn), one row per unit."""

    indicator: str
    status: str
    rows: list[MapRow]


@dataclass(frozen=True)
class ReportContent:
    """Everything the PDF and the XLSX show, read once."""

    unit: AdminUnit
    quarter: Period
    generated_at: dt.datetime
    generated_by: str
    targets: list[OverviewTarget]
    maps: list[ReportMap]
    charts: IndicatorCharts | None
    missing_one: MissingOneSection

    @property
    def quarter_label(self) -> str:
        return period_label(self.quarter)

    @property
    def map_table(self) -> MapTable:
        indicator, status = (m.choropleth for m in self.maps)
        by_unit = {v.unit.pk: v for v in status.values} if status else {}
        labels = {c.index: c.label for c in indicator.classes} if indicator else {}
        units = indicator.values if indicator else status.values if status else []
        rows = []
        for value in units:
            found = by_unit.get(value.unit.pk)
            rows.append(
                MapRow(
                    unit=value.unit,
                    value=value if indicator else None,
                    class_label=""
                    if indicator is None
                    else indicator.no_data_label
                    if value.index is None
                    else labels[value.index],
                    status="" if status is None else found.label if found else status.no_data_label,
                    approximate=value.approximate,
                )
            )
        return MapTable(
            indicator=indicator.title if indicator else "",
            status=status.title if status else "",
            rows=rows,
        )


class _Steps:
    """Called once per step done: the job's bar moves by one, saying what comes next."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.done = 0

    def __call__(self, message: str) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, STEPS, message)


def quarterly_report_content(
    *, actor: Actor, unit: AdminUnit, quarter: Period, progress: Progress | None = None
) -> ReportContent:
    """Read the report's sections for `actor` (each within their scope), reporting each
    section done to `progress`."""
    return _content(actor=actor, unit=unit, quarter=quarter, step=_Steps(progress))


def _content(
    *, actor: Actor, unit: AdminUnit, quarter: Period, step: Callable[[str], None]
) -> ReportContent:
    targets = report_targets(user=actor, unit=unit, quarter=quarter)
    step(_("Đã đọc các chỉ tiêu; đang vẽ bản đồ chỉ số…"))
    indicator_map = report_indicator_map(user=actor, unit=unit, quarter=quarter)
    step(_("Đã vẽ bản đồ chỉ số; đang vẽ bản đồ xã đạt chuẩn…"))
    set_map = report_set_map(user=actor, unit=unit, quarter=quarter)
    step(_("Đã vẽ bản đồ xã đạt chuẩn; đang vẽ biểu đồ…"))
    charts = (
        report_charts(
            unit=unit, quarter=quarter, choropleth=indicator_map.choropleth, targets=targets
        )
        if indicator_map.choropleth is not None
        else None
    )
    step(_("Đã vẽ biểu đồ; đang tìm các xã thiếu một tiêu chí…"))
    missing_one = report_missing_one(unit=unit, quarter=quarter)
    step(_("Đang in tệp PDF…"))
    return ReportContent(
        unit=unit,
        quarter=quarter,
        generated_at=timezone.now(),
        generated_by=str(actor),
        targets=targets,
        maps=[indicator_map, set_map],
        charts=charts,
        missing_one=missing_one,
    )


def quarterly_report_generate(
    *, actor: Actor, unit: AdminUnit, quarter: Period, progress: Progress | None = None
) -> QuarterlyReport:
    """Read, print and store the report of `unit` for `quarter`, for `actor` (who must
    read the unit: the caller checked it with `report_unit_for_user`)."""
    step = _Steps(progress)
    content = _content(actor=actor, unit=unit, quarter=quarter, step=step)
    pdf = quarterly_report_pdf(content)
    step(_("Đang viết tệp XLSX…"))
    xlsx = quarterly_report_xlsx(content)
    step(_("Đang lưu báo cáo…"))
    report = QuarterlyReport(
        unit=unit,
        quarter=quarter.code,
        generated_by_id=actor.pk,
        generated_at=content.generated_at,
    )
    try:
        with transaction.atomic():
            report.pdf.save("bao-cao-quy.pdf", ContentFile(pdf), save=False)
            report.xlsx.save("bao-cao-quy.xlsx", ContentFile(xlsx), save=False)
            report.save()
    except BaseException:
        # The files are written before the row: a row that failed leaves none behind.
        for stored in (report.pdf, report.xlsx):
            if stored:
                stored.delete(save=False)
        raise
    step(_("Đã lưu báo cáo."))
    return report


def quarterly_report_file_name(report: QuarterlyReport, *, suffix: str) -> str:
    """ "Báo cáo Quý 3-2026 - Tỉnh Cao Bằng.pdf": the name a download is saved under."""
    quarter = report.quarter_label.replace("/", "-")
    return f"{_('Báo cáo')} {quarter} - {report.unit.name}.{suffix}"


# --- The PDF ---------------------------------------------------------------------------


def _amount(value: Decimal | None, *, measure: str) -> str:
    if value is None:
        return _("Không có dữ liệu")
    return number_label(Decimal(value), percent=measure == TargetMeasure.PERCENT)


@dataclass(frozen=True)
class TargetLine:
    """A target as the PDF prints it."""

    number: int
    plan: int
    text: str
    value: str
    target: str
    deadline: dt.date
    status: str
    status_label: str
    share: int | None
    note: str


def _plans(targets: list[OverviewTarget]) -> dict[int, Plan]:
    """The plans of the targets, numbered in the order their first target comes."""
    found: dict[int, Plan] = {}
    for item in targets:
        found.setdefault(item.plan.pk, item.plan)
    return found


def _target_lines(targets: list[OverviewTarget]) -> list[TargetLine]:
    numbers = {pk: number for number, pk in enumerate(_plans(targets), start=1)}
    lines = []
    for number, item in enumerate(targets, start=1):
        progress, target = item.progress, item.progress.target
        counted = (
            _(" (%(met)s/%(counted)s đơn vị)")
            % {"met": progress.met_units, "counted": progress.counted_units}
            if progress.counted_units
            else ""
        )
        lines.append(
            TargetLine(
                number=number,
                plan=numbers[item.plan.pk],
                text=target.text_vi,
                value=_amount(progress.value, measure=target.measure) + counted
                if progress.status != "unbound"
                else "",
                target=f"{target.get_comparator_display()} "
                f"{_amount(target.value, measure=target.measure)}",
                deadline=target.deadline,
                status=progress.status,
                status_label=progress.status_label,
                share=None if progress.share_done is None else round(progress.share_done),
                note=target.unbound_reason or progress.note,
            )
        )
    return lines


def quarterly_report_pdf(content: ReportContent) -> bytes:
    """The report as an A4 PDF: the cover, the targets with their bars, the maps and
    charts as SVG with their tables, the communes one criterion short."""
    with translation.override(REPORT_LANGUAGE):
        maps = [
            {
                "map": m,
                "svg": mark_safe(m.chart.svg) if m.chart is not None else "",  # noqa: S308  # vl-convert's SVG of our own spec, its texts escaped by Vega
            }
            for m in content.maps
        ]
        charts = [
            {"chart": chart, "svg": mark_safe(chart.svg)}  # noqa: S308  # as above
            for chart in (content.charts.charts if content.charts else [])
        ]
        html = render_to_string(
            "dashboards/pdf/quarterly_report.html",
            {
                "content": content,
                "plans": list(_plans(content.targets).values()),
                "targets": _target_lines(content.targets),
                "maps": maps,
                "map_table": content.map_table,
                "charts": charts,
            },
        )
    return pdf_from_html(html, stylesheet=REPORT_CSS)


# --- The XLSX --------------------------------------------------------------------------


def _decimal(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _targets_sheet(content: ReportContent) -> Sheet:
    rows: list[list[Value]] = []
    for number, item in enumerate(content.targets, start=1):
        progress, target = item.progress, item.progress.target
        rows.append(
            [
                number,
                item.plan.title_vi,
                target.text_vi,
                _decimal(progress.value),
                str(target.get_comparator_display()),
                _decimal(target.value),
                str(target.get_measure_display()),
                target.deadline,
                progress.status_label,
                _decimal(progress.share_done),
                target.unbound_reason or progress.note,
            ]
        )
    return Sheet(
        title=_("Chỉ tiêu"),
        header=[
            _("STT"),
            _("Kế hoạch"),
            _("Chỉ tiêu"),
            _("Hiện tại"),
            _("So sánh"),
            _("Mục tiêu"),
            _("Đơn vị đo"),
            _("Hạn"),
            _("Tình trạng"),
            _("Đã đạt (%)"),
            _("Ghi chú"),
        ],
        rows=rows,
        widths={1: 40, 2: 60, 8: 18, 10: 50},
        wrap_columns=(1, 2, 10),
        formats={0: COUNT_FORMAT, 3: DECIMAL_FORMAT, 5: DECIMAL_FORMAT, 7: DATE_FORMAT, 9: "0"},
    )


def _map_sheet(content: ReportContent) -> Sheet:
    """Both maps' values, one row per unit: the indicator's figure and class, the set's
    status, and whether the unit's area is approximate."""
    table = content.map_table
    header = [_("Đơn vị"), _("Mã đơn vị")]
    if table.indicator:
        header += [table.indicator, _("Lớp màu trên bản đồ")]
    if table.status:
        header.append(table.status)
    header.append(_("Ranh giới"))
    rows: list[list[Value]] = []
    for found in table.rows:
        row: list[Value] = [found.unit.name, found.unit.code]
        if table.indicator:
            row += [found.value.value if found.value else None, found.class_label]
        if table.status:
            row.append(found.status)
        row.append(_("gần đúng") if found.approximate else _("đã nhập"))
        rows.append(row)
    return Sheet(
        title=_("Bản đồ"),
        header=header,
        rows=rows,
        widths={0: 30, 2: 30},
        text_columns=(1,),
        formats={2: DECIMAL_FORMAT} if table.indicator else {},
    )


def _ranking_sheet(charts: IndicatorCharts | None) -> Sheet:
    rows: list[list[Value]] = []
    if charts is not None:
        for group, values in (
            (_("Cao nhất"), charts.ranking.top),
            (_("Thấp nhất"), charts.ranking.bottom),
        ):
            rows += [[group, rank, v.unit.name, v.value] for rank, v in enumerate(values, start=1)]
    level = str(Level(charts.choropleth.level).label) if charts else _("Đơn vị")
    return Sheet(
        title=_("Xếp hạng"),
        header=[_("Nhóm"), _("Thứ tự"), level, charts.choropleth.title if charts else _("Giá trị")],
        rows=rows,
        widths={2: 30, 3: 30},
        formats={1: COUNT_FORMAT, 3: DECIMAL_FORMAT},
    )


def _distribution_sheet(charts: IndicatorCharts | None) -> Sheet:
    rows: list[list[Value]] = []
    if charts is not None:
        choropleth = charts.choropleth
        rows = [[c.label, c.count] for c in choropleth.classes]
        if choropleth.no_data_count:
            rows.append([choropleth.no_data_label, choropleth.no_data_count])
    return Sheet(
        title=_("Phân bố"),
        header=[_("Lớp màu trên bản đồ"), _("Số đơn vị")],
        rows=rows,
        widths={0: 30},
        formats={1: COUNT_FORMAT},
    )


def _series_sheet(charts: IndicatorCharts | None) -> Sheet:
    rows: list[list[Value]] = [
        [
            period_label(point.period),
            point.value,
            _("đang cập nhật") if point.live else _("đã chốt số liệu"),
        ]
        for point in (charts.series if charts else [])
    ]
    return Sheet(
        title=_("Diễn biến"),
        header=[_("Kỳ"), charts.choropleth.title if charts else _("Giá trị"), _("Số liệu")],
        rows=rows,
        widths={1: 30},
        formats={1: DECIMAL_FORMAT},
    )


def _missing_one_sheet(section: MissingOneSection) -> Sheet:
    rows: list[list[Value]] = [
        [
            m.commune.name,
            m.commune.code,
            m.criterion,
            m.criterion_name,
            m.status_label,
            m.passed,
            m.total,
        ]
        for m in section.communes
    ]
    return Sheet(
        title=_("Xã thiếu một tiêu chí"),
        header=[
            _("Xã"),
            _("Mã xã"),
            _("Tiêu chí"),
            _("Tên tiêu chí"),
            _("Tình trạng"),
            _("Số tiêu chí đạt"),
            _("Tổng số tiêu chí"),
        ],
        rows=rows,
        widths={0: 30, 3: 50},
        text_columns=(1, 2),
        formats={5: COUNT_FORMAT, 6: COUNT_FORMAT},
    )


def quarterly_report_xlsx(content: ReportContent) -> bytes:
    """The report's numbers as a workbook, one sheet per section."""
    with translation.override(REPORT_LANGUAGE):
        return xlsx_bytes(
            _targets_sheet(content),
            _map_sheet(content),
            _ranking_sheet(content.charts),
            _distribution_sheet(content.charts),
            _series_sheet(content.charts),
            _missing_one_sheet(content.missing_one),
        )
