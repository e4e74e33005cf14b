"""The homes of the recognition procedure's roles (issue 16): the commune leader, the
province's appraiser and leader each see the dossiers waiting for them, overdue first,
each one click from its page (where the step's action is: two clicks from the home);
the commune officer's home lists the commune's open dossiers; the navigation leads to
the board for the roles that have dossiers to see."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from langso.accounts.testing import client_for
from langso.recognition.models import Step
from langso.recognition.tests.dossier_pages import World, make_dossier, make_world

pytestmark = pytest.mark.django_db

HOME = reverse("home:home")


@pytest.fixture
def world() -> World:
    return make_world()


def _links(html: str) -> set[str]:
    return {href.replace("&amp;", "&") for href in re.findall(r'href="([^"]+)"', html)}


def test_each_role_finds_the_dossier_waiting_for_it_on_its_home(world: World) -> None:
    submission = make_dossier(world, unit=world.a, step=Step.SUBMISSION)
    appraisal = make_dossier(world, unit=world.b, step=Step.APPRAISAL, due_on=dt.date(2026, 2, 12))
    decision = make_dossier(world, unit=world.a, step=Step.DECISION, year=2027)
    board = reverse("recognition:board")
    for user, waiting, step, others in (
        (world.leader_a, submission, Step.SUBMISSION, [appraisal, decision]),
        (world.appraiser, appraisal, Step.APPRAISAL, [submission, decision]),
        (world.leader_province, decision, Step.DECISION, [submission, appraisal]),
    ):
        response = client_for(user).get(HOME)
        assert response.status_code == 200
        html = response.content.decode()
        links = _links(html)
        assert reverse("recognition:dossier", args=[waiting.pk]) in links
        assert f"{board}?buoc={step}" in links
        for other in others:
            assert reverse("recognition:dossier", args=[other.pk]) not in links
        assert board in links  # the navigation's "Hồ sơ công nhận"
    assert "quá hạn" in client_for(world.appraiser).get(HOME).content.decode()


def test_the_commune_officers_home_lists_the_communes_open_dossiers(world: World) -> None:
    mine = make_dossier(world, unit=world.a, step=Step.CONSULTATION)
    make_dossier(world, unit=world.a, step=Step.RECOGNISED, year=2025)
    theirs = make_dossier(world, unit=world.b, step=Step.CONSULTATION)
    html = client_for(world.officer_a).get(HOME).content.decode()
    assert "Hồ sơ công nhận" in html
    assert "Lấy ý kiến công khai" in html
    links = _links(html)
    assert reverse("recognition:dossier", args=[mine.pk]) in links
    assert reverse("recognition:dossier", args=[theirs.pk]) not in links
    # Opening the commune's next dossier is one click from the home: its form, two.
    assert f"{reverse('recognition:dossier-open')}?don-vi={world.a.code}" in links
    assert "Mở hồ sơ mới" not in client_for(world.leader_a).get(HOME).content.decode()


def test_a_role_with_nothing_waiting_is_told_so(world: World) -> None:
    html = client_for(world.leader_province).get(HOME).content.decode()
    assert "Không có hồ sơ nào đang chờ bạn xử lý." in html
