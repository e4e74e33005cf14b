"""One commune walked through the whole recognition procedure in Chromium (issue 16,
"Done when"), at a phone's width, with the procedure shipped for the 2026-2030 set: the
commune officer opens the dossier from the board, freezes and publishes it; a resident,
signed in nowhere, comments on the public page; the officer answers, closes the
consultation once its days have run and uploads the documents; the commune leader
submits; the province appraiser returns it with a supplement; the officer uploads it,
the leader resubmits; the appraiser agrees on every criterion and recommends; the
province leader enters the signed decision. The unit is then recognised on its
scorecard and in /api/v1/recognitions. The report downloaded on the way is read with
pdftotext. Screenshots in var/screenshots/recognition-*.png."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, FilePayload, Page
from pytest_django.live_server_helper import LiveServer

from langso.accounts.models import User
from langso.accounts.roles import Role
from langso.accounts.tests.factories import make_role_holder
from langso.core.testing import pdf_text
from langso.criteria.services import criteria_catalogue_load
from langso.criteria.testing import NATIONAL_2026, criteria_assess_met
from langso.indicators.services.definitions import indicator_definitions_load
from langso.places.models import AdminUnit
from langso.places.testing import make_unit_tree
from langso.recognition.models import Comment, Dossier, Step
from langso.recognition.selectors.procedures import procedure_in_force
from langso.recognition.services.procedures import procedure_threshold_set, procedures_load
from langso.recognition.testing import satisfaction_reported

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
YEAR = 2026
SIDEWAYS = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str) -> FilePayload:
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF}


def act(page: Page, action: str) -> None:
    """Send the dossier page's form of `action` and wait for the page it comes back to,
    which says it was done."""
    page.locator(f"#thao-tac-{action} button[type=submit]").click()
    page.wait_for_load_state()
    errors = page.locator(f"#thao-tac-{action} .errorlist")
    assert errors.count() == 0, errors.first.inner_text()
    # Done: redirected back to the dossier page (a refusal stays on the action's URL).
    assert "/thao-tac/" not in page.url


def as_user(page: Page, live_server: LiveServer, user: User, url: str) -> None:
    page.context.clear_cookies()
    sign_in(page, live_server, user)
    page.goto(live_server.url + url)


def test_one_commune_through_every_step_with_three_roles(
    live_server: LiveServer, page: Page, browser: Browser
) -> None:
    indicator_definitions_load()
    criteria_catalogue_load()
    procedures_load()
    tree = make_unit_tree(province_code="37", province_name="Tỉnh Ninh Bình")
    province = tree.province
    commune = tree.communes[0]
    AdminUnit.objects.filter(pk=commune.pk).update(name="Xã Gia Sinh", short_name="Gia Sinh")
    commune.refresh_from_db()
    officer = make_role_holder(Role.COMMUNE_OFFICER, commune, "canbo.giasinh")
    leader = make_role_holder(Role.COMMUNE_LEADER, commune, "lanhdao.giasinh")
    appraiser = make_role_holder(Role.PROVINCE_APPRAISER, province, "thamdinh.ninhbinh")
    province_leader = make_role_holder(Role.PROVINCE_LEADER, province, "lanhdao.ninhbinh")
    province_officer = make_role_holder(Role.PROVINCE_OFFICER, province, "canbo.ninhbinh")
    criteria_assess_met(actor=officer, unit=commune, met=10, year=YEAR)
    # The shipped procedure leaves the satisfaction threshold unknown: the province
    # enters its own, and the commune's ballots are reported.
    procedure_threshold_set(
        actor=province_officer,
        province=province,
        procedure=procedure_in_force(set_code=NATIONAL_2026, unit=commune),
        set_code=NATIONAL_2026,
        threshold=Decimal(70),
        note="Quyết định của UBND tỉnh",
    )
    satisfaction_reported(actor=officer, unit=commune, year=YEAR, satisfied=85)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    # The commune officer opens the dossier from the board, freezes and publishes it.
    as_user(page, live_server, officer, reverse("recognition:board"))
    page.get_by_role("link", name="Mở hồ sơ mới").click()
    page.locator("input[name=unit]").fill(commune.code)
    page.locator("select[name=set_code]").select_option(NATIONAL_2026)
    page.locator("input[name=year]").fill(str(YEAR))
    page.get_by_role("button", name="Mở hồ sơ").click()
    page.wait_for_url("**/cong-nhan/ho-so/*/")
    dossier = Dossier.objects.get(unit=commune)
    dossier_url = reverse("recognition:dossier", args=[dossier.pk])
    act(page, "freeze")
    act(page, "publish")
    assert Dossier.objects.get(pk=dossier.pk).step == Step.CONSULTATION

    # The report of the frozen self-assessment: the commune's name with its diacritics
    # and its criteria count, as pdftotext reads them.
    report = page.request.get(
        live_server.url + reverse("recognition:self-assessment-report", args=[dossier.pk])
    )
    assert report.ok
    text = " ".join(pdf_text(report.body()).split())
    assert "XÃ GIA SINH" in text.upper()
    assert "Đạt 10/10 tiêu chí" in text

    # A resident, signed in nowhere, comments on the public page.
    resident = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    public = resident.new_page()
    public.goto(live_server.url + reverse("recognition:consultation", args=[dossier.pk]))
    public.locator("select[name=author_kind]").select_option(index=0)
    public.locator("input[name=author_name]").fill("Nguyễn Văn An")
    public.locator("textarea[name=text]").fill("Đường thôn 2 còn ngập khi mưa lớn.")
    public.get_by_role("button", name="Gửi góp ý").click()
    public.wait_for_load_state()
    assert public.evaluate(SIDEWAYS), "the public page scrolls sideways"
    public.screenshot(path=str(SCREENSHOTS / "recognition-public.png"), full_page=True)
    resident.close()
    assert Comment.objects.get(dossier=dossier).author_name == "Nguyễn Văn An"

    # The officer answers it, and closes the consultation once its days have run.
    page.goto(live_server.url + reverse("recognition:dossier-comments", args=[dossier.pk]))
    page.locator("textarea[name=answer]").first.fill("Xã sẽ nạo vét rãnh thoát nước.")
    page.get_by_role("button", name="Lưu trả lời").first.click()
    page.wait_for_load_state()
    assert Comment.objects.get(dossier=dossier).answer == "Xã sẽ nạo vét rãnh thoát nước."
    Dossier.objects.filter(pk=dossier.pk).update(
        step_due_on=timezone.localdate() - dt.timedelta(days=1)
    )
    page.goto(live_server.url + dossier_url)
    act(page, "close")
    for kind in ("tong_hop_y_kien", "to_trinh", "bien_ban_hop_de_nghi"):
        page.locator("select[name=upload-kind]").select_option(kind)
        page.locator("input[name=upload-file]").set_input_files(pdf(f"{kind}.pdf"))
        act(page, "upload")

    # The commune leader signs the submission off.
    as_user(page, live_server, leader, dossier_url)
    page.locator("input[name=submit-confirm]").check()
    act(page, "submit")
    assert Dossier.objects.get(pk=dossier.pk).step == Step.APPRAISAL

    # The appraiser returns it with a supplement; the officer supplies it; the leader
    # resubmits.
    as_user(page, live_server, appraiser, dossier_url)
    page.locator("textarea[name=return-supplements]").fill("Ảnh hiện trạng đường thôn 2")
    act(page, "return")
    as_user(page, live_server, officer, dossier_url)
    page.locator("select[name=upload-kind]").select_option("khac")
    page.locator("input[name=upload-file]").set_input_files(pdf("anh-duong-thon-2.pdf"))
    act(page, "upload")
    as_user(page, live_server, leader, dossier_url)
    act(page, "resubmit")
    assert Dossier.objects.get(pk=dossier.pk).step == Step.APPRAISAL

    # The appraiser agrees on every criterion and recommends recognition.
    as_user(page, live_server, appraiser, dossier_url)
    assert page.evaluate(SIDEWAYS), "the appraisal's forms scroll sideways"
    agree = page.locator("#thao-tac-findings input[type=radio][value=dong_y]")
    assert agree.count() == 10
    for n in range(agree.count()):
        agree.nth(n).check()
    act(page, "findings")
    page.locator("#thao-tac-conclude input[value='1']").check()
    page.locator("textarea[name=conclude-conclusion]").fill("Xã đủ điều kiện công nhận.")
    act(page, "conclude")
    assert Dossier.objects.get(pk=dossier.pk).step == Step.DECISION

    # The province leader enters the signed decision.
    as_user(page, live_server, province_leader, dossier_url)
    page.locator("input[name=decide-number]").fill("125/QĐ-UBND")
    page.locator("input[name=decide-signed_on]").fill(f"{timezone.localdate():%d/%m/%Y}")
    page.locator("input[name=decide-signer]").fill("Chủ tịch UBND tỉnh")
    page.locator("input[name=decide-file]").set_input_files(pdf("quyet-dinh.pdf"))
    act(page, "decide")
    assert Dossier.objects.get(pk=dossier.pk).step == Step.RECOGNISED
    assert page.evaluate(SIDEWAYS), "the dossier page scrolls sideways"
    page.screenshot(path=str(SCREENSHOTS / "recognition-dossier.png"), full_page=True)

    # The unit is recognised on its scorecard and in the API.
    page.goto(
        live_server.url
        + reverse("criteria:scorecard", args=[commune.code])
        + f"?set={NATIONAL_2026}&year={YEAR}"
    )
    assert "Đã được công nhận đạt chuẩn" in page.locator(".recognitions").inner_text()
    answer = page.request.get(f"{live_server.url}/api/v1/recognitions?unit={commune.code}")
    assert answer.ok
    results = answer.json()["results"]
    assert [(r["unit"], r["set_code"], r["year"], r["decision_number"]) for r in results] == [
        (commune.code, NATIONAL_2026, YEAR, "125/QĐ-UBND")
    ]
