"""The quarterly report's files: the PDF holds the Cao Bằng seed plan's targets with
their Vietnamese diacritics, the quarter and the province; the XLSX has one sheet per
section, numbers as numbers and dates as dates; generating stores both on one row,
with the job's progress reaching its end, and a failure stores nothing."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from openpyxl import load_workbook

from langso.core.testing import pdf_text
from langso.criteria.services import criteria_catalogue_load
from langso.criteria.testing import criteria_assess_met
from langso.dashboards.models import QuarterlyReport
from langso.dashboards.services import report as service
from langso.dashboards.services.report import (
    STEPS,
    quarterly_report_content,
    quarterly_report_generate,
    quarterly_report_pdf,
    quarterly_report_xlsx,
)
from langso.indicators.models import Period, PeriodKind
from langso.plans.services.plans import seed_plans_load
from langso.registry.services.households import household_create
from langso.registry.testing import RegistryTree, RegistryUsers

pytestmark = pytest.mark.django_db
Q3 = Period(
    code="2026-Q3", kind=PeriodKind.QUARTER, start=dt.date(2026, 7, 1), end=dt.date(2026, 9, 30)
)
# Targets of the Cao Bằng seed plan (langso/plans/seed/cao-bang.yaml), diacritics and all.
CAO_BANG_TARGETS = (
    "100% cán bộ quản lý Chương trình NTM các cấp được tập huấn về chuyển đổi số",
    "Ít nhất 2 huyện đạt chuẩn nông thôn mới",
)


@pytest.fixture
def seeded(tree: RegistryTree, users: RegistryUsers, definitions: None) -> RegistryTree:
    """The national sets, the seed plans on the test province, one household in commune
    A, and A one criterion short of the 2026-2030 set."""
    criteria_catalogue_load()
    seed_plans_load(province=tree.province)
    household_create(
        actor=users.province_officer,
        village=tree.a1,
        values={"members": 4, "adults": 4, "adults_epayment": 3},
    )
    criteria_assess_met(actor=users.province_officer, unit=tree.a, met=9, year=2026)
    return tree


@pytest.fixture
def content(seeded: RegistryTree, users: RegistryUsers) -> service.ReportContent:
    return quarterly_report_content(actor=users.province_officer, unit=seeded.province, quarter=Q3)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def test_the_pdf_holds_the_plan_s_targets_the_quarter_and_the_province(
    content: service.ReportContent, seeded: RegistryTree
) -> None:
    pdf = quarterly_report_pdf(content)
    assert pdf.startswith(b"%PDF")
    text = _one_line(pdf_text(pdf, layout=False))
    for target in CAO_BANG_TARGETS:
        assert _one_line(target) in text
    assert "BÁO CÁO QUÝ" in text
    assert "Quý 3/2026" in text
    assert "Tỉnh Ninh Bình" in text
    assert "30/09/2026" in text
    assert "Chậm tiến độ" in text or "Chưa có số liệu" in text
    assert "Chưa gắn chỉ số" in text
    # The maps and their tables, "no data" and the approximate area said in words.
    assert "Bản đồ chỉ số" in text
    assert "Không có dữ liệu" in text
    assert "ranh giới gần đúng" in text
    # The communes one criterion short, by name and criterion.
    assert f"{seeded.a.name} 10. Tiếp cận pháp luật" in text
    assert "Trang 1/" in text
    # No internal code or English enum label reaches the reader.
    for internal in ("off_track", "on_track", "unbound", "no_data", "adults-epayment"):
        assert internal not in text


def test_the_xlsx_has_a_sheet_per_section_with_numbers_and_dates(
    content: service.ReportContent, seeded: RegistryTree
) -> None:
    book = load_workbook(io.BytesIO(quarterly_report_xlsx(content)))
    assert book.sheetnames == [
        "Chỉ tiêu",
        "Bản đồ",
        "Xếp hạng",
        "Phân bố",
        "Diễn biến",
        "Xã thiếu một tiêu chí",
    ]
    targets = book["Chỉ tiêu"]
    assert targets.freeze_panes == "A2"
    assert [c.value for c in targets[1]][:4] == ["STT", "Kế hoạch", "Chỉ tiêu", "Hiện tại"]
    texts = [row[2].value for row in targets.iter_rows(min_row=2)]
    assert set(CAO_BANG_TARGETS) <= set(texts)
    goal = targets.cell(row=2, column=6)
    assert isinstance(goal.value, int | float)
    deadline = targets.cell(row=2, column=8)
    assert isinstance(deadline.value, dt.datetime)
    assert deadline.number_format == "dd/mm/yyyy"
    assert targets.column_dimensions["C"].width == 60
    figures = {row[0].value: row for row in book["Bản đồ"].iter_rows(min_row=2)}
    assert figures[seeded.a.name][2].value == 75
    assert figures[seeded.a.name][2].data_type == "n"
    assert figures[seeded.b.name][2].value is None
    assert figures[seeded.b.name][3].value == "Không có dữ liệu"
    assert figures[seeded.b.name][-1].value == "gần đúng"
    distribution = list(book["Phân bố"].iter_rows(min_row=2, values_only=True))
    assert ("Không có dữ liệu", 1) in distribution
    short = list(book["Xã thiếu một tiêu chí"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[2], r[4], r[5], r[6]) for r in short] == [
        (seeded.a.name, "10", "Thiếu dữ liệu", 9, 10)
    ]


def test_generating_stores_both_files_and_reports_each_step(
    seeded: RegistryTree, users: RegistryUsers
) -> None:
    steps: list[tuple[int, int, str]] = []
    report = quarterly_report_generate(
        actor=users.province_officer,
        unit=seeded.province,
        quarter=Q3,
        progress=lambda done, total, message: steps.append((done, total, message)),
    )
    assert [done for done, _total, _message in steps] == list(range(1, STEPS + 1))
    assert {total for _done, total, _message in steps} == {STEPS}
    assert all(message for _done, _total, message in steps)
    stored = QuarterlyReport.objects.get()
    assert stored == report
    assert (stored.unit, stored.quarter, stored.generated_by) == (
        seeded.province,
        "2026-Q3",
        users.province_officer,
    )
    assert stored.quarter_label == "Quý 3/2026"
    assert stored.pdf.read().startswith(b"%PDF")
    assert stored.xlsx.read().startswith(b"PK")


def test_a_failure_while_storing_leaves_no_report_and_no_file(
    seeded: RegistryTree, users: RegistryUsers, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second file fails to save: the first one is deleted, no row is written."""
    saved: list[str] = []
    real_save = default_storage.save

    def save_then_fail(name: str, content: Any, max_length: int | None = None) -> str:
        if saved:
            raise OSError("disk full")
        stored = real_save(name, content, max_length=max_length)
        saved.append(stored)
        return stored

    monkeypatch.setattr(default_storage, "save", save_then_fail)
    with pytest.raises(OSError, match="disk full"):
        quarterly_report_generate(actor=users.province_officer, unit=seeded.province, quarter=Q3)
    assert QuarterlyReport.objects.count() == 0
    assert saved
    assert not any(Path(default_storage.path(name)).exists() for name in saved)
