"""The dossier's PDF reports, read back as a reader's viewer reads them: printed from
the snapshot's frozen content and the round's rows alone, in Vietnamese with its
diacritics, with the QR of the verification page on every page."""

from __future__ import annotations

import time

import pytest

from langso.core.testing import pdf_images_per_page, pdf_pages, pdf_text
from langso.recognition.documents import (
    appraisal_report_pdf,
    self_assessment_report_pdf,
    verification_url,
)
from langso.recognition.models import Snapshot

from .snapshot_example import SET_NAME, GiaSinh, make_appraisal_round, make_gia_sinh

pytestmark = pytest.mark.django_db


@pytest.fixture
def gia_sinh() -> GiaSinh:
    return make_gia_sinh()


@pytest.fixture
def snapshot(gia_sinh: GiaSinh) -> Snapshot:
    return gia_sinh.snapshot


def _folded(text: str) -> str:
    """The text with runs of spaces (layout columns, wrapped lines) folded to one."""
    return " ".join(text.split())


def _row(text: str, code: str) -> str:
    """The first line of a table row, by the code in its first column, columns folded."""
    lines = [line.split() for line in text.splitlines()]
    return " ".join(next(words for words in lines if words and words[0] == code))


def test_the_self_assessment_report_prints_the_frozen_scorecard(snapshot: Snapshot) -> None:
    """The commune's name with its diacritics, the set, the summary "Đạt 7/10 tiêu chí",
    each indicator's value against its threshold with the comparator, statuses in
    words, the assessed indicator's verdict, note and evidence, the satisfaction result,
    the freezing date dd/mm/yyyy and the hash; timed for the 47 rows of the 2026-2030
    set (printed, not asserted)."""
    started = time.perf_counter()
    content = self_assessment_report_pdf(snapshot, verify_url=verification_url(snapshot.sha256))
    print(f"self-assessment report, 10 criteria, 47 rows: {time.perf_counter() - started:.2f} s")

    layout = pdf_text(content)
    text = _folded(layout)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "ỦY BAN NHÂN DÂN XÃ GIA SINH" in text
    assert "BÁO CÁO KẾT QUẢ TỰ ĐÁNH GIÁ" in text
    assert "Xã Gia Sinh, Tỉnh Ninh Bình" in text
    assert SET_NAME in text
    assert "Quyết định 51/2025/QĐ-TTg" in text
    assert "Đạt 7/10 tiêu chí" in text
    assert "Xã nhóm 1" in text
    # 2.5 fails: 250 of 400 is 62.5 % against ≥ 80 %; 2.1 passes with 91.25 %.
    assert _row(layout, "3").endswith("Chưa đạt")
    assert _row(layout, "3.5").endswith("62,5 % (250/400) ≥ 80 % Chưa đạt")
    assert _row(layout, "2.1").endswith("91,3 % (365/400) ≥ 80 % Đạt")
    # Assessed: the officer's verdict as its value, no threshold but the officer's.
    assert _row(layout, "1.1").endswith("Đạt cán bộ Đạt")
    assert "Cán bộ đánh giá: Đạt (Nguyễn Thị Hằng). Quy hoạch được phê duyệt" in text
    assert "Minh chứng: bien-ban-quy-hoach.pdf" in text
    assert "Tỷ lệ người dân hài lòng: 85,0 % (yêu cầu ≥ 70 %) — Đạt." in text
    assert "04/05/2026" in text
    assert "Khoa học, công nghệ và chuyển đổi số" in text
    assert snapshot.sha256 in text.replace(" ", "")
    assert "gte" not in text
    assert "pass" not in text


def test_every_page_of_the_report_carries_the_qr(snapshot: Snapshot) -> None:
    url = verification_url(snapshot.sha256)

    content = self_assessment_report_pdf(snapshot, verify_url=url)

    pages = pdf_pages(content)
    assert pages >= 2
    assert pdf_images_per_page(content) == dict.fromkeys(range(1, pages + 1), 1)
    assert pdf_text(content).count("Xác minh:") == pages
    assert url == f"http://localhost:8000/cong-nhan/xac-minh/{snapshot.sha256}/"


def test_the_report_reads_the_snapshot_not_live_data(snapshot: Snapshot) -> None:
    """The commune renamed after the freeze: the report still names it as frozen."""
    unit = snapshot.dossier.unit
    unit.name = "Xã Gia Sinh Mới"
    unit.save(update_fields=["name"])

    text = pdf_text(self_assessment_report_pdf(snapshot, verify_url="http://x.test/"))

    assert "Gia Sinh Mới" not in text
    assert "Xã Gia Sinh" in text


def test_the_appraisal_report_sets_findings_against_the_communes_results(
    gia_sinh: GiaSinh,
) -> None:
    """Per criterion the commune's result and the appraisers' finding with its note, the
    field visit, the supplements asked and the conclusion, the QR on every page."""
    snapshot = gia_sinh.snapshot
    round_ = make_appraisal_round(gia_sinh)

    content = appraisal_report_pdf(round_, verify_url=verification_url(snapshot.sha256))

    layout = pdf_text(content)
    text = _folded(layout)
    assert "BÁO CÁO THẨM ĐỊNH" in text
    assert "ỦY BAN NHÂN DÂN TỈNH NINH BÌNH" in text
    assert "Xã Gia Sinh, Tỉnh Ninh Bình" in text
    assert _row(layout, "1") == "1 Quy hoạch Đạt Nhất trí"
    assert _row(layout, "2").startswith("2 Giao thông Đạt Không nhất trí Đường trục thôn")
    assert "Đường trục thôn Đông chưa được cứng hóa" in text
    assert _row(layout, "3").endswith("Chưa đạt Chưa ghi nhận")
    assert "Nhất trí 1/10 tiêu chí" in text
    assert _row(layout, "08/06/2026").startswith("08/06/2026 Sở Nông nghiệp")
    assert "đường thôn Đông còn 400 m" in text
    assert "Bổ sung biên bản nghiệm thu đường trục thôn Đông" in text
    assert "Trả lại, yêu cầu bổ sung" in text
    assert "Kết luận ngày 12/06/2026, Trần Văn Thẩm." in text
    pages = pdf_pages(content)
    assert pdf_images_per_page(content) == dict.fromkeys(range(1, pages + 1), 1)
