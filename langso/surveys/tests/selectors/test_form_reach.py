"""Who reaches which survey form: every role, inside and outside its subtree. A form is
seen (VIEW_SCOPED) and filled (COLLECT_SURVEYS) by whoever holds the permission under
the form's unit or at one of its ancestors, and a nationwide form by whoever holds it
anywhere; a form out of reach answers as one that does not exist."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from langso.accounts.models import User
from langso.accounts.roles import Role
from langso.accounts.tests.factories import make_role, make_user
from langso.core.errors import NotFound
from langso.places.models import AdminUnit
from langso.places.testing import UnitTree, make_unit_tree
from langso.surveys.models import SurveyForm
from langso.surveys.selectors import (
    collector_form_version,
    collector_forms,
    collector_may_fill,
    form_get_for_user,
    form_list_for_user,
)

from ..forms_testing import form_row
from ..reach_testing import assert_gets_only

pytestmark = pytest.mark.django_db

FORMS = ("national", "province", "commune A", "commune B", "other province")


@dataclass
class Reach:
    forms: dict[str, SurveyForm]
    holders: dict[str, User]


def _form(name: str, unit: AdminUnit | None) -> SurveyForm:
    return form_row("f_" + name.replace(" ", "_"), unit=unit, title=name)


@pytest.fixture
def reach(tree: UnitTree) -> Reach:
    a, b = tree.communes
    other = make_unit_tree(province_code="38", province_name="Tỉnh Thanh Hoá", communes=1)
    forms = {
        "national": _form("national", None),
        "province": _form("province", tree.province),
        "commune A": _form("commune A", a),
        "commune B": _form("commune B", b),
        "other province": _form("other province", other.communes[0]),
    }

    def holder(role: str, unit: AdminUnit | None) -> User:
        user = make_user(username=role)
        make_role(user=user, role=role, unit=unit)
        return user

    holders = {
        Role.CENTRAL_ADMIN: holder(Role.CENTRAL_ADMIN, None),
        Role.PROVINCE_OFFICER: holder(Role.PROVINCE_OFFICER, tree.province),
        Role.COMMUNE_OFFICER: holder(Role.COMMUNE_OFFICER, a),
        Role.VILLAGE_HEAD: holder(Role.VILLAGE_HEAD, tree.villages_of(a)[0]),
        Role.DIGITAL_TEAM_MEMBER: holder(Role.DIGITAL_TEAM_MEMBER, a),
        Role.COOPERATIVE_MANAGER: holder(Role.COOPERATIVE_MANAGER, a),
        "nobody": make_user(username="nobody"),
    }
    return Reach(forms=forms, holders=holders)


IN_PROVINCE = {"national", "province", "commune A", "commune B"}
# A role in commune A (or one of its villages) reaches the forms used there and above.
IN_COMMUNE_A = {"national", "province", "commune A"}
SEES: dict[str, set[str]] = {
    Role.CENTRAL_ADMIN: set(FORMS),
    Role.PROVINCE_OFFICER: IN_PROVINCE,
    Role.COMMUNE_OFFICER: IN_COMMUNE_A,
    Role.VILLAGE_HEAD: IN_COMMUNE_A,
    Role.DIGITAL_TEAM_MEMBER: IN_COMMUNE_A,
    Role.COOPERATIVE_MANAGER: IN_COMMUNE_A,
    "nobody": set(),
}
# A cooperative manager sees but does not collect; nobody does neither.
FILLS = SEES | {Role.COOPERATIVE_MANAGER: set()}
ROLES = list(SEES)


@pytest.mark.parametrize("role", ROLES)
def test_forms_seen_are_those_of_the_role_subtree_and_above(reach: Reach, role: str) -> None:
    """The form list, and each form's page, hold the forms the role reaches and no other;
    another form is NotFound with the message of a form that does not exist."""
    user = reach.holders[role]
    seen = {f.title for f in form_list_for_user(user=user)}
    assert seen == SEES[role]
    assert_gets_only(lambda pk: form_get_for_user(user=user, pk=pk), reach.forms, SEES[role])


@pytest.mark.parametrize("role", ROLES)
def test_forms_filled_are_those_of_the_roles_collecting_subtree_and_above(
    reach: Reach, role: str
) -> None:
    """What a collector may fill, their form list (ODK Collect's) and each form's
    download agree: the forms under or above where the role collects, and no other."""
    user = reach.holders[role]
    fillable = {name for name, f in reach.forms.items() if collector_may_fill(user=user, form=f)}
    assert fillable == FILLS[role]
    assert {v.form.title for v in collector_forms(user=user)} == FILLS[role]
    for name, form in reach.forms.items():
        if name in FILLS[role]:
            assert collector_form_version(user=user, xml_form_id=form.xml_form_id).form == form
        else:
            with pytest.raises(NotFound):
                collector_form_version(user=user, xml_form_id=form.xml_form_id)


def test_a_closed_form_is_seen_but_not_in_the_collectors_list(reach: Reach) -> None:
    """Closing a form takes it off the collector's list; it stays fillable in principle
    (the page then says it is closed) and seen by its officers."""
    officer = reach.holders[Role.COMMUNE_OFFICER]
    SurveyForm.objects.filter(pk=reach.forms["commune A"].pk).update(is_open=False)
    assert "commune A" not in {v.form.title for v in collector_forms(user=officer)}
    assert collector_may_fill(user=officer, form=reach.forms["commune A"])
    assert "commune A" in {f.title for f in form_list_for_user(user=officer)}
