"""A unit's indicators page and the reported-value form: values with their provenance
and trend, no data shown as such, the reader's scope, a figure entered with evidence,
and a refusal shown on the form."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from langso.accounts.testing import client_for
from langso.core.testing import page_less_request
from langso.indicators.models import ReportedValue
from langso.indicators.services.periods import period_close
from langso.registry.services.households import household_create
from langso.registry.testing import RegistryTree, RegistryUsers

pytestmark = pytest.mark.django_db
LAST_YEAR = str(timezone.localdate().year - 1)


def _page(tree: RegistryTree) -> str:
    return f"/chi-so/don-vi/{tree.a.code}/"


def test_the_page_shows_values_trend_and_no_data(
    tree: RegistryTree, users: RegistryUsers, definitions: None
) -> None:
    household_create(
        actor=users.officer_a,
        village=tree.a1,
        values={"members": 4, "adults": 4, "adults_epayment": 3},
    )
    period_close(actor=users.central_admin, code=LAST_YEAR)
    response = client_for(users.officer_a).get(_page(tree))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tỷ lệ người từ 15 tuổi trở lên có tài khoản thanh toán điện tử" in html
    assert "75,0 %" in html
    assert "không có dữ liệu" in html
    assert "<polyline" in html
    # Commune B is outside officer A's scope.
    assert client_for(users.officer_a).get(f"/chi-so/don-vi/{tree.b.code}/").status_code == 404


def test_the_page_costs_the_same_queries_with_more_households(
    tree: RegistryTree, users: RegistryUsers, definitions: None
) -> None:
    client = client_for(users.officer_a)
    with CaptureQueriesContext(connection) as one:
        client.get(_page(tree))
    budget = len(one.captured_queries)
    for village in (tree.a1, tree.a2, tree.a1):
        household_create(actor=users.officer_a, village=village, values={"members": 2, "adults": 2})
    with CaptureQueriesContext(connection) as many:
        client.get(_page(tree))
    assert len(many.captured_queries) == budget


def test_an_officer_enters_a_reported_value_with_evidence(
    tree: RegistryTree, users: RegistryUsers, definitions: None, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    client = client_for(users.officer_a)
    url = f"/chi-so/don-vi/{tree.a.code}/nhap/work-records-online-commune/?period=2026"
    assert "Nhập số liệu" in client.get(_page(tree) + "?period=2026").content.decode()
    refused = client.post(url, {"numerator": "50", "denominator": "40"})
    assert "lớn hơn mẫu số" in refused.content.decode()
    assert not ReportedValue.objects.exists()
    response = client.post(
        url,
        {
            "numerator": "30",
            "denominator": "40",
            "note": "Báo cáo quý",
            "evidence": [
                SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4"),
                SimpleUploadedFile("anh.jpg", b"\xff\xd8\xff\xe0"),
            ],
        },
    )
    assert response.status_code == 302
    stored = ReportedValue.objects.get()
    assert stored.numerator == 30
    assert stored.denominator == 40
    assert stored.evidence.count() == 2
    assert "75,0 %" in client.get(_page(tree) + "?period=2026").content.decode()


def test_what_names_nothing_in_the_readers_scope_is_the_404_page(
    tree: RegistryTree, users: RegistryUsers, definitions: None
) -> None:
    """A unit outside the reader's scope is answered as a unit that does not exist; a
    period code that is not one (2026-13) and an unknown indicator are 404s too, on the
    page and on the form alike."""
    client = client_for(users.officer_a)
    outside = client.get(f"/chi-so/don-vi/{tree.b.code}/")
    unknown = client.get("/chi-so/don-vi/99999/")
    assert outside.status_code == unknown.status_code == 404
    assert page_less_request(outside.content, f"/chi-so/don-vi/{tree.b.code}/") == (
        page_less_request(unknown.content, "/chi-so/don-vi/99999/")
    )
    form = f"{_page(tree)}nhap/work-records-online-commune/"
    for url in (
        _page(tree) + "?period=2026-13",
        form + "?period=2026-13",
        f"{_page(tree)}nhap/no-such-indicator/?period=2026",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get(form + "?period=2026").status_code == 200
