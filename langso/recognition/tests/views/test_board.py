"""The board page: the reader's dossiers with their filters, in Vietnamese with no
internal words; a nationwide reader picks a province; paging keeps the filters."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from langso.accounts.testing import client_for
from langso.places.testing import make_commune
from langso.recognition.models import Step
from langso.recognition.tests.dossier_pages import SET_NAME, World, make_dossier, make_world
from tests.flows.test_user_words import Words, visible_blocks

pytestmark = pytest.mark.django_db

BOARD = reverse("recognition:board")


@pytest.fixture
def world() -> World:
    return make_world()


def test_the_board_shows_the_scope_in_vietnamese(world: World) -> None:
    make_dossier(world, unit=world.a, step=Step.APPRAISAL, due_on=dt.date(2026, 2, 12))
    make_dossier(world, unit=world.b, step=Step.SUBMISSION)
    make_dossier(world, unit=world.ha_noi.communes[0])
    response = client_for(world.appraiser).get(BOARD)
    assert response.status_code == 200
    html = response.content.decode()
    for shown in (
        "Xã Ninh Bình 1, Tỉnh Ninh Bình",
        SET_NAME,
        "Thẩm định",
        "Hoàn thiện và trình hồ sơ",
        "Bùi Thẩm Định",
        "12/02/2026",
        "quá hạn",
    ):
        assert shown in html, shown
    assert "Thành phố Hà Nội" not in html
    assert html.index("Xã Ninh Bình 1,") < html.index("Xã Ninh Bình 2,")
    words = Words.of_platform()
    assert [f for text in visible_blocks(html) for f in words.findings(text)] == []


def test_filters_and_paging(world: World) -> None:
    for n in range(3, 56):
        commune = make_commune(province=world.province, code=f"37{n:03d}", name=f"Xã Thử {n}")
        make_dossier(world, unit=commune, step=Step.APPRAISAL)
    make_dossier(world, unit=world.a, step=Step.DECISION, year=2027)
    client = client_for(world.province_officer)
    html = client.get(BOARD, {"buoc": Step.DECISION}).content.decode()
    assert "Xã Ninh Bình 1," in html
    assert "Xã Thử 3," not in html
    html = client.get(BOARD, {"nam": "2026", "buoc": Step.APPRAISAL}).content.decode()
    assert "trang=2" in html
    assert "Xã Ninh Bình 1," not in html
    second = client.get(BOARD, {"nam": "2026", "buoc": Step.APPRAISAL, "trang": "2"})
    assert "Trang trước" in second.content.decode()
    bad = client.get(BOARD, {"nam": "năm ngoái"})
    assert bad.status_code == 200


def test_a_central_admin_picks_a_province_and_commune_roles_get_the_open_link(world: World) -> None:
    make_dossier(world, unit=world.a)
    html = client_for(world.central_admin).get(BOARD).content.decode()
    assert "Chọn một tỉnh" in html
    html = client_for(world.central_admin).get(BOARD, {"tinh": "37"}).content.decode()
    assert "Xã Ninh Bình 1," in html
    assert "Mở hồ sơ mới" in client_for(world.officer_a).get(BOARD).content.decode()
    assert "Mở hồ sơ mới" not in client_for(world.appraiser).get(BOARD).content.decode()


def test_anonymous_readers_are_sent_to_sign_in(world: World) -> None:
    response = Client().get(BOARD)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
