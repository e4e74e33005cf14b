"""The dossier page and its files: in Vietnamese with no internal words, for readers
with the dossier in scope only; documents, decisions and field-visit minutes are sent
through scope-checked routes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import Settings

from langso.accounts.testing import client_for
from langso.recognition.models import (
    AppraisalRound,
    CriterionFinding,
    Decision,
    Document,
    Dossier,
    FieldVisit,
    Step,
    Transition,
)
from langso.recognition.tests.dossier_pages import (
    World,
    make_dossier,
    make_snapshot,
    make_world,
    pdf_file,
)
from tests.flows.test_user_words import Words, visible_blocks

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings: Settings, tmp_path: Path) -> World:
    settings.MEDIA_ROOT = tmp_path
    return make_world()


@pytest.fixture
def dossier(world: World) -> Dossier:
    """Commune A's dossier at decision: a snapshot, a document, a returned round and
    a concluded one with a field visit, and the decision recorded."""
    dossier = make_dossier(world, step=Step.DECISION, due_on=dt.date(2026, 2, 12))
    snapshot = make_snapshot(dossier, taken_by=world.officer_a, statuses={"3": "fail"})
    Transition.objects.create(
        dossier=dossier,
        action="publish",
        from_step=Step.SELF_ASSESSMENT,
        to_step=Step.CONSULTATION,
        actor=world.officer_a,
        role="commune_officer",
    )
    Document.objects.create(
        dossier=dossier,
        kind="to_trinh",
        file=pdf_file(),
        name="Tờ trình số 12.pdf",
        sha256="a" * 64,
        uploaded_by=world.officer_a,
    )
    returned = AppraisalRound.objects.create(
        dossier=dossier,
        number=1,
        snapshot=snapshot,
        started_on=dt.date(2026, 3, 10),
        outcome=AppraisalRound.Outcome.RETURNED,
        supplements=["Biên bản họp thôn Đông"],
    )
    CriterionFinding.objects.create(
        round=returned,
        criterion_code="3",
        agrees=False,
        note="Thiếu ảnh",
        entered_by=world.appraiser,
    )
    concluded = AppraisalRound.objects.create(
        dossier=dossier,
        number=2,
        snapshot=snapshot,
        started_on=dt.date(2026, 4, 1),
        outcome=AppraisalRound.Outcome.RECOMMENDED,
        conclusion="Đủ điều kiện",
    )
    FieldVisit.objects.create(
        round=concluded,
        visited_on=dt.date(2026, 4, 3),
        members="Đoàn thẩm định tỉnh",
        notes="Đã kiểm tra tuyến đường",
        file=pdf_file("bien-ban.pdf"),
        name="Biên bản kiểm tra.pdf",
        entered_by=world.appraiser,
    )
    Decision.objects.create(
        dossier=dossier,
        kind=Decision.Kind.RECOGNITION,
        number="123/QĐ-UBND",
        signed_on=dt.date(2026, 4, 20),
        signer="Ngô Chủ Tịch Tỉnh",
        file=pdf_file("qd.pdf"),
        name="Quyết định 123.pdf",
        sha256="b" * 64,
        entered_by=world.leader_province,
    )
    return dossier


def test_the_page_shows_the_dossier_in_vietnamese(world: World, dossier: Dossier) -> None:
    response = client_for(world.officer_a).get(reverse("recognition:dossier", args=[dossier.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for shown in (
        "Xã Ninh Bình 1, Tỉnh Ninh Bình",
        "Xã đạt chuẩn nông thôn mới giai đoạn 2026-2030",
        "Quy trình thử nghiệm (phiên bản 1)",
        "Quyết định công nhận",
        "Ngô Chủ Tịch Tỉnh",
        "Đạt 2/3 tiêu chí",
        "Tờ trình của",
        "Không nhất trí",
        "Biên bản họp thôn Đông",
        "123/QĐ-UBND",
        "20/04/2026",
        "b" * 64,
        "quá hạn",
        f"/cong-nhan/xac-minh/{dossier.snapshots.get().sha256}/",
        f"/cong-nhan/ho-so/{dossier.pk}/bao-cao-tu-danh-gia.pdf",
        f"/cong-nhan/ho-so/{dossier.pk}/y-kien/",
        f"/cong-nhan/lay-y-kien/{dossier.pk}/",
    ):
        assert shown in html, shown
    words = Words.of_platform()
    findings = [f for text in visible_blocks(html) for f in words.findings(text)]
    assert findings == []


def test_access_to_the_page(world: World, dossier: Dossier) -> None:
    """Anonymous: to sign in. Out of scope (B's officer, Hà Nội's appraiser): 404. The
    commune's leader, the province's appraiser and leader: the page."""
    url = reverse("recognition:dossier", args=[dossier.pk])
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("accounts:login"))
    for outsider in (world.officer_b, world.leader_b, world.appraiser_ha_noi):
        assert client_for(outsider).get(url).status_code == 404
    for reader in (world.leader_a, world.appraiser, world.leader_province, world.central_admin):
        assert client_for(reader).get(url).status_code == 200
    missing = reverse("recognition:dossier", args=[10**9])
    assert client_for(world.officer_a).get(missing).status_code == 404


@pytest.mark.parametrize(
    ("route", "model"),
    [
        ("recognition:document", Document),
        ("recognition:decision", Decision),
        ("recognition:field-visit", FieldVisit),
    ],
)
def test_files_are_sent_to_readers_of_the_dossier_only(
    world: World, dossier: Dossier, route: str, model: type[Document | Decision | FieldVisit]
) -> None:
    stored = model.objects.order_by("pk").last()
    assert stored is not None
    url = reverse(route, args=[dossier.pk, stored.pk])
    response = client_for(world.appraiser).get(url)
    assert response.status_code == 200
    assert response.getvalue().startswith(b"%PDF")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert Client().get(url).status_code == 302
    assert client_for(world.officer_b).get(url).status_code == 404
    # Another dossier's path with this file: not found either.
    other = make_dossier(world, unit=world.b)
    assert (
        client_for(world.province_officer)
        .get(reverse(route, args=[other.pk, stored.pk]))
        .status_code
        == 404
    )


def test_the_page_reads_the_same_queries_however_many_rounds_and_files(
    world: World, dossier: Dossier
) -> None:
    """More rounds, findings, visits and documents: no more queries."""
    client = client_for(world.appraiser)
    url = reverse("recognition:dossier", args=[dossier.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    snapshot = dossier.snapshots.get()
    for number in (3, 4):
        extra = AppraisalRound.objects.create(
            dossier=dossier,
            number=number,
            snapshot=snapshot,
            started_on=dt.date(2026, 5, number),
            outcome=AppraisalRound.Outcome.RETURNED,
            supplements=["Ảnh"],
        )
        for code in ("1", "2"):
            CriterionFinding.objects.create(
                round=extra, criterion_code=code, agrees=True, entered_by=world.appraiser
            )
        FieldVisit.objects.create(
            round=extra, visited_on=dt.date(2026, 5, 6), notes="Đạt", entered_by=world.appraiser
        )
        Document.objects.create(
            dossier=dossier,
            kind="khac",
            file=pdf_file(),
            name=f"Phụ lục {number}.pdf",
            sha256="c" * 64,
            uploaded_by=world.leader_a,
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert "Phụ lục 4.pdf" in response.content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)
