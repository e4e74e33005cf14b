"""The unit picker's suggestions, asked by htmx as the user types: signed-in users only,
and only their own units; the widget lists every unit of a short scope without asking
(no JavaScript needed) and asks the server past UNIT_PICK_LIMIT."""

from __future__ import annotations

from django import forms
from django.test import Client
from django.urls import reverse

from langso.accounts.roles import Permission
from langso.accounts.selectors import UNIT_PICK_LIMIT, unit_label
from langso.accounts.testing import client_for
from langso.accounts.unit_picker import UnitPickerField, UnitPickerFormMixin
from langso.places.models import Level
from langso.places.testing import make_village

from ..conftest import Holders, Units

URL = reverse("accounts:unit-options")


def _options(client: Client, **query: str | list[str]) -> str:
    response = client.get(URL, query, headers={"HX-Request": "true"})
    assert response.status_code == 200
    return response.content.decode()


def test_anonymous_is_sent_to_sign_in(client: Client, units: Units) -> None:
    response = client.get(URL, {"q": "ninh"})
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_suggestions_hold_the_users_units_matching_the_text(units: Units, holders: Holders) -> None:
    """The text comes under the input's own name (`field`); levels narrow it."""
    client = client_for(holders.province_officer)
    html = _options(client, field="unit", unit="thon 1", level=[Level.VILLAGE])
    assert f'<option value="{unit_label(units.a1)}">' in html
    assert f'<option value="{unit_label(units.b1)}">' in html
    assert unit_label(units.a2) not in html
    assert units.a1.code not in html


def test_out_of_scope_user_gets_nothing_of_another_unit(units: Units, holders: Holders) -> None:
    """Commune A's officer searching for commune B, or Hà Nội, gets no suggestion; a
    permission they do not hold gives nothing either."""
    client = client_for(holders.commune_officer)
    assert "<option" not in _options(client, q=units.b.name)
    assert "<option" not in _options(client, q="Hà Nội")
    assert "<option" in _options(client, q=units.a.name)
    member = client_for(holders.digital_team_member)
    assert "<option" not in _options(member, q="ninh", permission=Permission.MANAGE_REGISTRIES)
    assert "<option" in _options(member, q="ninh", permission="not-a-permission")


class _Form(UnitPickerFormMixin, forms.Form):
    unit = UnitPickerField(label="Đơn vị", levels=(Level.COMMUNE, Level.VILLAGE), required=False)


def test_a_short_scope_is_listed_whole_without_javascript(units: Units, holders: Holders) -> None:
    """Commune A's officer gets all three of their units in the datalist, and no search
    request: the browser filters them as the user types. A code from a link is shown by
    its label."""
    html = str(_Form({"unit": units.a1.code}, user=holders.commune_officer)["unit"])
    assert 'list="id_unit-choices"' in html
    assert "hx-get" not in html
    for unit in (units.a, units.a1, units.a2):
        assert f'<option value="{unit_label(unit)}">' in html
    assert f'value="{unit_label(units.a1)}"' in html.split("<datalist")[0]


def test_a_long_scope_is_searched_as_the_user_types(units: Units, holders: Holders) -> None:
    """Past UNIT_PICK_LIMIT units, the first are listed and htmx asks for the rest."""
    for n in range(UNIT_PICK_LIMIT):
        make_village(commune=units.b, code=f"{units.b.code}-{n + 10}", name=f"Bản {n}")
    html = str(_Form(user=holders.province_officer)["unit"])
    assert html.count("<option") == UNIT_PICK_LIMIT
    assert (
        f'hx-get="{URL}?level=commune&amp;level=village&amp;permission=view_scoped&amp;field=unit"'
        in html
    )
    assert 'hx-target="#id_unit-choices"' in html


def test_the_form_cleans_to_the_unit_and_says_why_not(units: Units, holders: Holders) -> None:
    """A label picked gives the unit; one outside the scope is the field's error; the
    same unit as the initial one is no change."""
    officer = holders.commune_officer
    form = _Form({"unit": unit_label(units.a2)}, user=officer)
    assert form.is_valid()
    assert form.cleaned_data["unit"] == units.a2
    refused = _Form({"unit": unit_label(units.b1)}, user=officer)
    assert not refused.is_valid()
    assert "trong phạm vi của bạn" in refused.errors["unit"][0]
    same = _Form({"unit": unit_label(units.a2)}, initial={"unit": units.a2.code}, user=officer)
    assert not same.has_changed()
    other = _Form({"unit": unit_label(units.a1)}, initial={"unit": units.a2.code}, user=officer)
    assert other.changed_data == ["unit"]
