"""PDF documents: Vietnamese read back with its diacritics, page numbers, the
verification QR on every page, and a fetcher that reads nothing but `data:` URLs and
the embedded fonts."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from langso.core.pdf import (
    FONT_PACKAGE,
    PdfFetchRefused,
    PdfUrlFetcher,
    font_files,
    pdf_from_html,
    pdf_response,
    verification_mark,
)
from langso.core.testing import pdf_images_per_page, pdf_pages, pdf_text

URL = "http://localhost:8000/cong-nhan/xac-minh/" + "0a" * 32 + "/"


def _document(body: str, *, mark: str = "") -> str:
    head = '<!doctype html><html lang="vi"><head><meta charset="utf-8"></head>'
    return f"{head}<body>{mark}{body}</body></html>"


def _three_pages() -> str:
    pages = "".join(
        f'<h1 style="break-before: page">Trang nội dung {n}</h1><p>Xã Gia Sinh</p>'
        for n in (1, 2, 3)
    )
    return _document(pages, mark=verification_mark(URL))


def test_vietnamese_reads_back_with_its_diacritics() -> None:
    """Stacked diacritics (ệ, ữ, ặ) and đ survive into the text a reader extracts."""
    text = pdf_text(pdf_from_html(_document("<p>Xã Gia Sinh: Nghiệm thu đường, Đặc khu Cữ</p>")))

    assert "Xã Gia Sinh: Nghiệm thu đường, Đặc khu Cữ" in text


def test_every_page_has_its_number_and_the_verification_qr() -> None:
    """A three-page document shows "Trang x/3" and one QR image (with the address it
    leads to) on each page."""
    content = pdf_from_html(_three_pages())

    assert pdf_pages(content) == 3
    assert pdf_images_per_page(content) == {1: 1, 2: 1, 3: 1}
    text = pdf_text(content)
    for n in (1, 2, 3):
        assert f"Trang {n}/3" in text
    assert text.count("Xác minh:") == 3


def test_the_fetcher_serves_data_urls_and_the_fonts_only() -> None:
    """No network and no other file of the server: http(s), another file, a path that
    climbs out of the fonts' folder, a query glued to a font URL are all refused."""
    fonts = font_files()
    fetcher = PdfUrlFetcher(fonts)
    regular = fonts["normal"].as_uri()

    assert fetcher.fetch(regular).read(4) == b"\x00\x01\x00\x00"
    assert fetcher.fetch("data:text/plain;base64,eGluIGNow6Bv").read() == "xin chào".encode()
    for url in (
        "http://127.0.0.1:8000/admin/",
        "https://example.com/logo.png",
        "file:///etc/passwd",
        regular.replace("DejaVuSans.ttf", "../../../../../etc/passwd"),
        regular + "?x=1",
        "ftp://example.com/a.png",
    ):
        with pytest.raises(PdfFetchRefused):
            fetcher.fetch(url)


def test_a_document_naming_other_resources_prints_without_them() -> None:
    """An image on another server or a file of this one is not drawn: only the QR is."""
    body = '<img src="http://example.com/a.png"><img src="file:///etc/hostname"><p>Thôn Đông</p>'

    content = pdf_from_html(_document(body, mark=verification_mark(URL)))

    assert pdf_images_per_page(content) == {1: 1}
    assert "Thôn Đông" in pdf_text(content)


def test_missing_fonts_name_the_debian_package(tmp_path: Path) -> None:
    with pytest.raises(ImproperlyConfigured, match=FONT_PACKAGE):
        font_files((tmp_path,))


def test_the_mark_carries_the_qr_of_the_url() -> None:
    mark = verification_mark(URL)

    assert f"Xác minh: {URL}" in mark
    assert "data:image/png;base64,iVBORw0KGgo" in mark


def test_a_pdf_is_shown_inline_under_its_vietnamese_name() -> None:
    response = pdf_response(b"%PDF-1.7", name="Báo cáo tự đánh giá - Xã Gia Sinh.pdf")

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert "filename*=utf-8''B%C3%A1o%20c%C3%A1o" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
