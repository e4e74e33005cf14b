"""The assessment form: an officer records đạt / chưa đạt on an assessed indicator of the
set in force in the unit's province, against its pass conditions, with evidence files
that are stored and linked to their download; a file of a refused type is refused with
the reason; a unit outside the officer's scope is not found, and a reader without the
permission is refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from langso.accounts.testing import client_for
from langso.criteria.models import Assessment, Verdict
from langso.registry.testing import RegistryTree, RegistryUsers

pytestmark = pytest.mark.django_db


def _url(unit: Any, indicator: str = "8.2", set_code: str = "xa_ntm_2021_2025") -> str:
    return f"/tieu-chi/don-vi/{unit.code}/danh-gia/{set_code}/{indicator}/?year=2025"


def test_an_officer_records_a_finding_with_evidence(
    catalogue: None, tree: RegistryTree, users: RegistryUsers, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    client = client_for(users.officer_a)
    page = client.get(_url(tree.a))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Xã có dịch vụ viễn thông, internet" in html
    assert "thuê bao điện thoại thông minh ≥ 55% số thuê bao" in html
    response = client.post(
        _url(tree.a),
        {
            "verdict": Verdict.PASS,
            "note": "Kiểm tra thực địa tháng 10",
            "evidence": [SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4", "application/pdf")],
        },
    )
    assert response.status_code == 302
    assert response["Location"] == (
        f"/tieu-chi/don-vi/{tree.a.code}/?set=xa_ntm_2021_2025&year=2025"
    )
    stored = Assessment.objects.get()
    assert (stored.set_code, stored.indicator_code, stored.unit, stored.year) == (
        "xa_ntm_2021_2025",
        "8.2",
        tree.a,
        2025,
    )
    assert stored.verdict == Verdict.PASS
    assert stored.entered_by == users.officer_a
    evidence = stored.evidence.get()
    assert evidence.file.read() == b"%PDF-1.4"
    again = client.get(_url(tree.a)).content.decode()
    assert "Kết quả hiện tại: Đạt" in again
    assert "bien-ban.pdf" in again
    assert f"/tieu-chi/minh-chung/{evidence.pk}/" in again
    assert evidence.name == "bien-ban.pdf"


def test_an_executable_evidence_file_is_refused(
    catalogue: None, tree: RegistryTree, users: RegistryUsers, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    response = client_for(users.officer_a).post(
        _url(tree.a),
        {"verdict": Verdict.PASS, "evidence": [SimpleUploadedFile("virus.exe", b"MZ")]},
    )
    assert response.status_code == 200
    assert "Tệp minh chứng “virus.exe”: chỉ nhận .pdf" in response.content.decode()
    assert not Assessment.objects.exists()
    assert not list(tmp_path.rglob("virus*"))


def test_a_pass_without_evidence_is_refused_with_the_reason(
    catalogue: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    response = client_for(users.officer_a).post(_url(tree.a), {"verdict": Verdict.PASS})
    assert response.status_code == 200
    assert "cần minh chứng" in response.content.decode()
    assert not Assessment.objects.exists()


def test_scope_and_permission(catalogue: None, tree: RegistryTree, users: RegistryUsers) -> None:
    """Commune B is not found for A's officer; A's digital team sees A but may not
    assess; a computed indicator, an unknown one or an unknown set is not found."""
    assert client_for(users.officer_b).get(_url(tree.a)).status_code == 404
    assert client_for(users.nobody).get(_url(tree.a)).status_code == 404
    team = client_for(users.digital_team_a)
    assert team.get(_url(tree.a)).status_code == 403
    assert team.post(_url(tree.a), {"verdict": Verdict.FAIL}).status_code == 403
    officer = client_for(users.officer_a)
    assert officer.get(_url(tree.a, indicator="8.1")).status_code == 404
    assert officer.get(_url(tree.a, indicator="99.9")).status_code == 404
    assert officer.get(_url(tree.a, set_code="khong_co")).status_code == 404
    assert (
        officer.get(f"/tieu-chi/don-vi/{tree.a.code}/danh-gia/x/8.2/?year=abc").status_code == 404
    )
    assert client_for(users.province_officer).get(_url(tree.a)).status_code == 200
    assert not Assessment.objects.exists()
