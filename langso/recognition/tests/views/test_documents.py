"""The documents' pages: the public verification page of a snapshot (its hash
recomputed from what is stored), the public report of a snapshot, and the dossier's
reports for readers within its scope."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from langso.accounts.testing import client_for
from langso.core.testing import assert_refused_as_missing, pdf_text
from langso.recognition.documents import self_assessment_report_pdf
from langso.recognition.models import Decision, Snapshot
from langso.recognition.views import documents

from ..snapshot_example import SET_NAME, GiaSinh, make_appraisal_round, make_gia_sinh, make_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def gia_sinh() -> GiaSinh:
    return make_gia_sinh()


def _verify_url(snapshot: Snapshot) -> str:
    return reverse("recognition:verify", kwargs={"sha256": snapshot.sha256})


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_verification_page_shows_the_snapshot_and_that_it_verifies(
    gia_sinh: GiaSinh,
) -> None:
    """Anyone, signed in or not, reads the unit, the set, the year, the freezing date,
    the criteria passed and failed, the hash and that the stored content has it; the
    dossier's decision with the hash of its signed PDF beside it. No script, nothing
    but what the snapshot holds of people (no e-mail)."""
    snapshot = gia_sinh.snapshot
    Decision.objects.create(
        dossier=snapshot.dossier,
        kind=Decision.Kind.RECOGNITION,
        number="1234/QĐ-UBND",
        signed_on="2026-07-20",
        signer="Phạm Quang Ngọc",
        file="recognition/decisions/x.pdf",
        name="qd-1234.pdf",
        sha256="cd" * 32,
        entered_by=gia_sinh.appraiser,
    )

    response = Client().get(_verify_url(snapshot))

    assert response.status_code == 200
    html = response.content.decode()
    text = _text(html)
    assert "Nội dung khớp mã băm" in text
    assert "KHÔNG khớp" not in text
    assert "Xã Gia Sinh, Tỉnh Ninh Bình" in text
    assert SET_NAME in text
    assert "Năm đánh giá 2026" in text
    assert "Ngày chốt 04/05/2026" in text
    assert "Đạt 7/10 tiêu chí" in text
    assert "7. Khoa học, công nghệ và chuyển đổi số: Chưa đạt" in text
    assert "6. Kinh tế và tổ chức sản xuất: Đạt" in text
    assert snapshot.sha256 in text
    assert (
        "Quyết định công nhận số 1234/QĐ-UBND, ngày 20/07/2026, người ký: Phạm Quang Ngọc" in text
    )
    assert "cd" * 32 in text
    assert "<script" not in html
    assert "@" not in text
    assert reverse("recognition:verify-report", kwargs={"sha256": snapshot.sha256}) in html


def test_tampered_content_no_longer_verifies(gia_sinh: GiaSinh) -> None:
    """The content changed behind the application's back (7 of 10 made 8): the page
    recomputes the hash and says it does not match."""
    snapshot = gia_sinh.snapshot
    Snapshot.objects.filter(pk=snapshot.pk).update(content={**snapshot.content, "passed": 8})

    text = _text(Client().get(_verify_url(snapshot)).content.decode())

    assert "Nội dung KHÔNG khớp mã băm" in text
    assert "Nội dung khớp mã băm" not in text


@pytest.mark.parametrize("sha256", ["ab" * 32, "AB" * 32, "ab" * 31, "xyz"])
def test_an_unknown_hash_is_not_found(gia_sinh: GiaSinh, sha256: str) -> None:
    assert Client().get(f"/cong-nhan/xac-minh/{sha256}/").status_code == 404
    assert Client().get(f"/cong-nhan/xac-minh/{sha256}/bao-cao.pdf").status_code == 404


def test_the_public_report_is_the_snapshots(
    gia_sinh: GiaSinh, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The report published during the consultation, for anyone holding the hash;
    printed once, then served from the cache."""
    snapshot = gia_sinh.snapshot
    url = reverse("recognition:verify-report", kwargs={"sha256": snapshot.sha256})
    cache.clear()
    printed: list[str] = []

    def counted(snapshot: Snapshot, *, verify_url: str) -> bytes:
        printed.append(verify_url)
        return self_assessment_report_pdf(snapshot, verify_url=verify_url)

    monkeypatch.setattr(documents, "self_assessment_report_pdf", counted)

    response = Client().get(url)
    again = Client().get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    text = pdf_text(response.content)
    assert "Xã Gia Sinh" in text
    assert "Đạt 7/10 tiêu chí" in text
    assert again.content == response.content
    assert printed == [f"http://localhost:8000{_verify_url(snapshot)}"]


def test_the_dossiers_report_is_for_readers_within_its_scope(gia_sinh: GiaSinh) -> None:
    """The commune's officer and the province's appraiser read it (latest snapshot, or
    the one asked for); an officer of another commune gets the 404 of a missing
    dossier, and an anonymous visitor is sent to sign in."""
    second = make_snapshot(unit=gia_sinh.unit, officer=gia_sinh.officer, number=2)
    pk = gia_sinh.snapshot.dossier_id
    url = reverse("recognition:self-assessment-report", args=[pk])

    for reader in (gia_sinh.officer, gia_sinh.appraiser):
        response = client_for(reader).get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert (
            "B%C3%A1o%20c%C3%A1o%20t%E1%BB%B1%20%C4%91%C3%A1nh%20gi%C3%A1"
            in (response["Content-Disposition"])
        )
        assert second.sha256 in pdf_text(response.content).replace(" ", "").replace("\n", "")

    first = client_for(gia_sinh.officer).get(url + "?ban=1")
    assert gia_sinh.snapshot.sha256 in pdf_text(first.content).replace("\n", "").replace(" ", "")
    for bad in ("9", "x", "-1"):
        assert client_for(gia_sinh.officer).get(f"{url}?ban={bad}").status_code == 404
    assert_refused_as_missing(
        route="recognition:self-assessment-report", pk=pk, outsider=gia_sinh.outsider
    )


def test_the_appraisal_report_is_for_readers_within_its_scope(gia_sinh: GiaSinh) -> None:
    found = make_appraisal_round(gia_sinh)
    pk = gia_sinh.snapshot.dossier_id
    url = reverse("recognition:appraisal-report", args=[pk, found.number])

    response = client_for(gia_sinh.appraiser).get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "BÁO CÁO THẨM ĐỊNH" in text
    assert "Không nhất trí" in text
    assert client_for(gia_sinh.officer).get(url).status_code == 200
    outsider = client_for(gia_sinh.outsider).get(url)
    missing = client_for(gia_sinh.outsider).get(
        reverse("recognition:appraisal-report", args=[pk, 9])
    )
    assert outsider.status_code == missing.status_code == 404
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("accounts:login"))
