"""The shipped household survey, filled in ODK Web Forms in Chromium by a digital team
member: the household chosen from the team's own list changes, the team's progress
counts the visit, and sending the same submission again answers 202 and changes
nothing. When an officer changed the household meanwhile, the submission is a conflict
the officer settles on the submission's page. The team's worklist leads to the survey
of an unvisited household. Screenshots in var/screenshots/."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from langso.accounts.models import User
from langso.accounts.roles import Role
from langso.accounts.tests.factories import make_role, make_user
from langso.places.testing import make_unit_tree
from langso.registry.models import Household, Source
from langso.registry.services.households import household_update
from langso.registry.testing import make_household
from langso.surveys.models import DigitalTeam, EntityState, FormVersion, Submission, Visit
from langso.surveys.selectors import team_progress
from langso.surveys.services.forms import shipped_forms_publish
from langso.surveys.services.teams import digital_team_create
from langso.surveys.tests.forms_testing import collector_client, submission_post

from .conftest import question, question_input, sign_in, submission_sent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


@dataclass
class Village:
    officer: User
    member: User
    team: DigitalTeam
    version: FormVersion
    household: Household


@pytest.fixture
def village() -> Village:
    tree = make_unit_tree(province_code="37", province_name="Tỉnh Ninh Bình")
    commune = tree.communes[0]
    admin = make_user(username="trunguong")
    make_role(user=admin, role=Role.CENTRAL_ADMIN, unit=None)
    officer = make_user(username="canbo.xa")
    make_role(user=officer, role=Role.COMMUNE_OFFICER, unit=commune)
    member = make_user(username="tocongnghe")
    make_role(user=member, role=Role.DIGITAL_TEAM_MEMBER, unit=commune)
    (version,) = shipped_forms_publish(actor=admin)
    home, neighbour = tree.villages_of(commune)[:2]
    team = digital_team_create(actor=officer, village=home, name="Tổ thôn 1", members=[member])
    household = make_household(
        village=home, address_code="HO-0001", head_name="Nguyễn Văn An", members=3, adults=2
    )
    # The next village's households never reach the team's phone.
    make_household(village=neighbour, address_code="HO-9999", head_name="Trần Thị Bình")
    return Village(officer, member, team, version, household)


def _open_form(page: Page, live_server: LiveServer, village: Village) -> None:
    sign_in(page, live_server, village.member)
    page.goto(live_server.url + reverse("surveys:web-form-fill", args=[village.version.form_id]))
    combobox = question(page, "Chọn hộ").get_by_role("combobox")
    combobox.click()
    options = page.get_by_role("option")
    expect(options).to_have_count(1)  # HO-9999 is not on the team's list
    options.filter(has_text="HO-0001").click()
    # The hint reads the household's current value from the list.
    expect(question(page, "Số nhân khẩu của hộ")).to_contain_text("Đang ghi: 3")


def _choose(page: Page, label: str, option: str) -> None:
    question(page, label).locator("label.value-option", has_text=option).click()


def _type(page: Page, label: str, value: int) -> None:
    field = question_input(page, label)
    # PrimeVue's number input takes keystrokes, and its value when it loses focus.
    field.click()
    field.press_sequentially(str(value))
    field.press("Tab")


def _fill_and_send(page: Page, members: int) -> None:
    _type(page, "Số nhân khẩu của hộ", members)
    _type(page, "Số người từ 15 tuổi trở lên", 3)
    _type(page, "Số người có điện thoại thông minh", 3)
    _type(page, "Số người có tài khoản thanh toán điện tử", 2)
    _type(page, "Số người có tài khoản định danh điện tử VNeID mức 2", 2)
    _type(page, "Số người có tài khoản Cổng dịch vụ công", 1)
    _choose(page, "Internet cố định tại nhà", "Cáp quang")
    _choose(page, "Sóng di động tốt nhất tại nhà", "4G")
    _choose(page, "Có ti vi", "Có")
    _choose(page, "Tổ đã hỗ trợ hộ trong lần này", "Cài đặt, kích hoạt VNeID")
    _choose(page, "Tổ đã hỗ trợ hộ trong lần này", "Tham gia nhóm Zalo của thôn")
    with page.expect_response(submission_sent) as sent:
        page.get_by_role("button", name="Send").click()
    # Stored (and applied to the household, or held as a conflict) before the answer.
    assert sent.value.status == 201


def test_a_web_form_submission_updates_the_household_and_the_teams_progress(
    browser: Browser, live_server: LiveServer, village: Village
) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    page = context.new_page()
    _open_form(page, live_server, village)
    _fill_and_send(page, members=4)
    expect(page.locator("#web-form-status")).to_contain_text("Đã gửi")
    submission = Submission.objects.get()
    assert submission.entity_state == EntityState.APPLIED
    household = Household.objects.get(pk=village.household.pk)
    assert (household.members, household.adults, household.adults_smartphone) == (4, 3, 3)
    assert (household.broadband, household.mobile_coverage, household.has_tv) == (
        "fibre",
        "4g",
        True,
    )
    assert household.readiness_source == Source.SURVEY
    visit = Visit.objects.get()
    assert (visit.team, visit.help_given) == (village.team, ["chat_group", "vneid"])

    page.goto(live_server.url + reverse("surveys:team-detail", args=[village.team.pk]))
    expect(page.locator("#team-progress")).to_contain_text("1 / 1")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "team-progress.png"), full_page=True)

    # ODK tools resend what they did not see acknowledged: the same body is recognised.
    replay = submission_post(collector_client(village.member), submission.xml.encode())
    assert replay.status_code == 202
    assert Household.objects.get(pk=household.pk).updated_at == household.updated_at
    assert (Submission.objects.count(), Visit.objects.count()) == (1, 1)
    (progress,) = team_progress(teams=[village.team])
    assert (progress.visited, progress.households) == (1, 1)
    context.close()


def test_a_conflict_is_shown_to_the_officer_and_settled(
    browser: Browser, live_server: LiveServer, village: Village
) -> None:
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="vi-VN")
    page = context.new_page()
    _open_form(page, live_server, village)
    # The officer corrects the household while the team fills the form on its list.
    household_update(actor=village.officer, household=village.household, values={"members": 6})
    _fill_and_send(page, members=4)
    expect(page.locator("#web-form-status")).to_contain_text("Đã gửi")
    submission = Submission.objects.get()
    assert submission.entity_state == EntityState.CONFLICT
    assert Household.objects.get(pk=village.household.pk).members == 6

    officer_context = browser.new_context(locale="vi-VN")
    officer_page = officer_context.new_page()
    sign_in(officer_page, live_server, village.officer)
    officer_page.goto(live_server.url + reverse("surveys:submission-list"))
    officer_page.get_by_label("Dữ liệu hộ").select_option("conflict")
    officer_page.get_by_role("button", name="Lọc").click()
    officer_page.locator("#submissions a").first.click()
    members = officer_page.locator("#differences tr", has_text="Số nhân khẩu")
    expect(members).to_contain_text("6")
    expect(members).to_contain_text("4")
    # Keep the officer's 6 members; take everything else from the survey.
    members.locator("input[value=household]").check()
    officer_page.screenshot(path=str(SCREENSHOTS / "conflict.png"), full_page=True)
    officer_page.get_by_role("button", name=re.compile("Ghi các giá trị")).click()
    expect(officer_page.locator("#entity-state")).to_contain_text("Đã xử lý xung đột")
    household = Household.objects.get(pk=village.household.pk)
    assert (household.members, household.adults, household.broadband) == (6, 3, "fibre")
    officer_context.close()
    context.close()


def test_the_worklist_drives_a_survey_of_an_unvisited_household(
    browser: Browser, live_server: LiveServer, village: Village
) -> None:
    """On a phone: from the team's page to the worklist, where the household not yet
    surveyed says so; "Khảo sát hộ này" opens the survey naming the household; once
    sent, the worklist shows the day of the visit instead."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    page = context.new_page()
    sign_in(page, live_server, village.member)
    page.goto(live_server.url + reverse("surveys:team-list"))
    page.get_by_role("link", name="Danh sách hộ cần đến").click()
    row = page.locator("#worklist tr", has_text="HO-0001")
    expect(row).to_contain_text("Chưa khảo sát")
    expect(page.locator("#worklist")).not_to_contain_text("HO-9999")
    row.get_by_role("link", name="Khảo sát hộ này").click()
    expect(page.locator("#web-form-household")).to_contain_text("HO-0001")
    question(page, "Chọn hộ").get_by_role("combobox").click()
    page.get_by_role("option").filter(has_text="HO-0001").click()
    _fill_and_send(page, members=4)
    expect(page.locator("#web-form-status")).to_contain_text("Đã gửi")
    assert Household.objects.get(pk=village.household.pk).last_visited_on == timezone.localdate()

    page.get_by_role("link", name="« Danh sách hộ cần đến").click()
    row = page.locator("#worklist tr", has_text="HO-0001")
    expect(row).to_contain_text(f"{timezone.localdate():%d/%m/%Y}")
    expect(row).not_to_contain_text("Chưa khảo sát")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "worklist.png"), full_page=True)
    context.close()
