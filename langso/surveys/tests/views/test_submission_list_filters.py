"""The submission list's unit filter: picked by name or carried as a code by a link,
only among the reader's units; a unit out of scope is a Vietnamese error, not a list;
the next page keeps the filters; visitors sign in first."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from langso.accounts.selectors import unit_label
from langso.accounts.testing import client_for
from langso.places.testing import UnitTree
from langso.registry.testing import make_household
from langso.surveys.models import FormVersion, Submission
from langso.surveys.services.forms import shipped_forms_publish
from langso.surveys.testing import FormUsers, make_submission

pytestmark = pytest.mark.django_db

LIST = reverse("surveys:submission-list")


@pytest.fixture
def version(users: FormUsers) -> FormVersion:
    shipped_forms_publish(actor=users.central_admin)
    found = FormVersion.objects.order_by("pk").first()
    assert found is not None
    return found


def _listed(html: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'href="/khao-sat/bai/(\d+)/"', html)}


def test_the_list_narrowed_to_a_commune_by_code_or_by_name(
    version: FormVersion, tree: UnitTree, users: FormUsers
) -> None:
    a, b = tree.communes
    in_a = make_household(village=tree.villages_of(a)[0], members=2, adults=2)
    in_b = make_household(village=tree.villages_of(b)[0], members=2, adults=2)
    first = make_submission(version=version, key="a1", household=in_a)
    issue = make_submission(
        version=version, key="a2", household=in_a, state=Submission.State.HAS_ISSUES
    )
    other = make_submission(version=version, key="b1", household=in_b)
    client = client_for(users.province_officer)
    assert _listed(client.get(LIST).content.decode()) == {first.pk, issue.pk, other.pk}
    by_code = client.get(LIST, {"unit": a.code}).content.decode()
    assert _listed(by_code) == {first.pk, issue.pk}
    assert f'value="{unit_label(a)}"' in by_code
    by_name = client.get(LIST, {"unit": unit_label(a), "state": "received"}).content.decode()
    assert _listed(by_name) == {first.pk}


def test_the_next_page_keeps_the_unit_and_state(
    version: FormVersion, tree: UnitTree, users: FormUsers
) -> None:
    a = tree.communes[0]
    household = make_household(village=tree.villages_of(a)[0], members=2, adults=2)
    for n in range(51):
        make_submission(version=version, key=f"p{n}", household=household)
    page = client_for(users.officer_a).get(LIST, {"unit": a.code, "state": "received"})
    html = page.content.decode()
    assert len(_listed(html)) == 50
    found = re.search(r'href="(\?[^"]*after=\d+[^"]*)"', html)
    assert found
    following = found.group(1).replace("&amp;", "&")
    assert f"unit={a.code}" in following
    assert "state=received" in following
    assert len(_listed(client_for(users.officer_a).get(LIST + following).content.decode())) == 1


def test_a_unit_out_of_scope_is_an_error_and_lists_nothing(
    version: FormVersion, tree: UnitTree, users: FormUsers
) -> None:
    """Commune A's officer asking for commune B gets the same answer as for a unit that
    does not exist: a Vietnamese error, and no rows of B."""
    b = tree.communes[1]
    in_b = make_household(village=tree.villages_of(b)[0], members=2, adults=2)
    make_submission(version=version, key="b1", household=in_b)
    client = client_for(users.officer_a)
    for asked in (b.code, "Xã Không Có"):
        response = client.get(LIST, {"unit": asked})
        assert response.status_code == 200
        html = response.content.decode()
        assert f"Không có đơn vị “{asked}” trong phạm vi của bạn" in html
        assert _listed(html) == set()


def test_visitors_are_sent_to_sign_in(tree: UnitTree) -> None:
    response = Client().get(LIST, {"unit": tree.communes[0].code})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
