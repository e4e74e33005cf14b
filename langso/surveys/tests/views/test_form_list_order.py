"""The form list a collector opens: the forms they can fill in their units first, the
household survey on top; a search; filters by status and scope."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from langso.accounts.roles import Role
from langso.accounts.testing import client_for
from langso.accounts.tests.factories import make_role, make_user
from langso.places.testing import UnitTree
from langso.surveys.services.forms import form_settings_set, shipped_forms_publish
from langso.surveys.testing import FormUsers

from ..forms_testing import form_row

pytestmark = pytest.mark.django_db

LIST = reverse("surveys:form-list")


def _ids(client: Client, **query: str) -> list[str]:
    page = client.get(LIST, query).content.decode()
    return re.findall(r'<td class="hide-narrow"><code>([^<]+)</code></td>', page)


@pytest.fixture
def forms(tree: UnitTree, users: FormUsers) -> None:
    a = tree.communes[0]
    # Published later than the household survey, so newer: newest-first alone would
    # list them above it.
    (household,) = shipped_forms_publish(actor=users.central_admin)
    form_row("thon_xa_a", unit=a, title="Khảo sát thôn của xã A")
    form_row("tinh_37", unit=tree.province, title="Điều tra của tỉnh")
    form_row("toan_quoc", unit=None, title="Điều tra toàn quốc")
    closed = form_row("da_dong", unit=a, title="Đợt cũ đã đóng")
    form_settings_set(
        actor=users.officer_a, form=closed, is_open=False, counts_before_approval=True
    )
    assert household.form.xml_form_id == "khao_sat_san_sang_so_ho"


def test_a_team_member_finds_the_household_survey_first(forms: None, users: FormUsers) -> None:
    """Fillable first (the household survey on top, then their units' forms before the
    nationwide ones, newest first), then what they may only read, such as a closed form."""
    ids = _ids(client_for(users.team_member_a))
    assert ids == ["khao_sat_san_sang_so_ho", "tinh_37", "thon_xa_a", "toan_quoc", "da_dong"]


def test_the_list_is_searched_and_filtered(forms: None, users: FormUsers) -> None:
    client = client_for(users.team_member_a)
    assert _ids(client, q="toàn quốc") == ["toan_quoc"]
    assert _ids(client, q="TINH_37") == ["tinh_37"]
    assert _ids(client, status="closed") == ["da_dong"]
    assert "da_dong" not in _ids(client, status="open")
    assert _ids(client, scope="national") == ["khao_sat_san_sang_so_ho", "toan_quoc"]
    assert _ids(client, scope="local") == ["tinh_37", "thon_xa_a", "da_dong"]
    assert "da_dong" not in _ids(client, scope="fillable")
    page = client.get(LIST, {"q": "không có"}).content.decode()
    assert "Không có biểu mẫu nào khớp với điều kiện lọc." in page


def test_the_fillable_forms_have_a_fill_button_and_the_worklist_is_one_click_away(
    forms: None, tree: UnitTree, users: FormUsers
) -> None:
    """Those who collect fill from the list; those who only read it see no button."""
    page = client_for(users.team_member_a).get(LIST).content.decode()
    assert reverse("surveys:worklist") in page
    assert page.count(">Điền</a>") == 4
    reader = make_user(username="htx")
    make_role(user=reader, role=Role.COOPERATIVE_MANAGER, unit=tree.communes[0])
    page = client_for(reader).get(LIST).content.decode()
    assert "thon_xa_a" in page
    assert page.count(">Điền</a>") == 0
    assert reverse("surveys:worklist") not in page
