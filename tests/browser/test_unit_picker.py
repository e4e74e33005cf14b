"""The unit picker in a real browser: a province officer with more units than the list
holds at once types part of a name in the household list's filter, and htmx replaces
the suggestions with the units whose name holds it; picking one filters the list."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from langso.accounts.roles import Role
from langso.accounts.selectors import UNIT_PICK_LIMIT, unit_label
from langso.accounts.tests.factories import make_role, make_user
from langso.places.testing import make_unit_tree
from langso.registry.testing import make_household

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_officer_finds_a_village_by_typing_part_of_its_name(
    page: Page, live_server: LiveServer
) -> None:
    tree = make_unit_tree(communes=2, villages_per_commune=UNIT_PICK_LIMIT // 2 + 5)
    officer = make_user(username="canbo.tinh")
    make_role(user=officer, role=Role.PROVINCE_OFFICER, unit=tree.province)
    wanted = tree.villages_of(tree.communes[1])[16]  # "Thôn 17 Ninh Bình 2"
    make_household(village=wanted, address_code="HO-THON-17", head_name="Lê Văn Tám")
    make_household(village=tree.villages_of(tree.communes[0])[0], address_code="HO-KHAC")
    sign_in(page, live_server, officer)
    page.goto(live_server.url + reverse("registry:household-list"))

    options = page.locator("#id_unit-choices option")
    expect(options).to_have_count(UNIT_PICK_LIMIT)
    # On a phone the filters are folded under "Bộ lọc" until opened.
    page.locator("details.list-filters > summary").click()
    with page.expect_response(lambda r: reverse("accounts:unit-options") in r.url):
        page.locator("#id_unit").press_sequentially("thon 17", delay=20)
    expect(options).to_have_count(2)
    expect(options.first).to_have_attribute(
        "value", unit_label(tree.villages_of(tree.communes[0])[16])
    )
    expect(options.last).to_have_attribute("value", unit_label(wanted))

    page.locator("#id_unit").fill(unit_label(wanted))
    page.locator("#id_unit").press("Enter")
    expect(page.locator("main table tbody tr")).to_have_count(1)
    expect(page.locator("main table tbody")).to_contain_text("HO-THON-17")
    expect(page.locator("#id_unit")).to_have_value(unit_label(wanted))
