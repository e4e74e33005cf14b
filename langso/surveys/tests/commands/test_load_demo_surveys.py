"""`manage.py load_demo_surveys`: the shipped form and a demo team, idempotent."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from langso.accounts.roles import Role
from langso.accounts.tests.factories import make_role, make_user
from langso.places.testing import UnitTree
from langso.surveys.models import DigitalTeam, FormVersion


def test_without_demo_accounts_it_says_to_load_them(tree: UnitTree) -> None:
    with pytest.raises(CommandError, match="load_demo"):
        call_command("load_demo_surveys", stdout=StringIO())


def test_publishes_the_shipped_form_and_a_team_once(tree: UnitTree) -> None:
    """The demo team member's commune gets a team holding all its villages; a second run
    publishes and creates nothing."""
    call_command("load_demo", force=True, stdout=StringIO())
    out = StringIO()
    call_command("load_demo_surveys", stdout=out)
    assert "khao_sat_san_sang_so_ho" in out.getvalue()
    team = DigitalTeam.objects.get()
    assert [m.username for m in team.members.all()] == ["demo.tocongnghe"]
    assert team.villages.count() == len(tree.villages_of(team.commune))
    call_command("load_demo_surveys", stdout=StringIO())
    assert (FormVersion.objects.count(), DigitalTeam.objects.count()) == (1, 1)


def test_publish_shipped_forms_needs_a_central_admin(tree: UnitTree) -> None:
    """Production publishes the shipped form by name of a central admin; an officer of
    one commune is refused with the reason, and nothing is published."""
    officer = make_user(username="canbo.xa")
    make_role(user=officer, role=Role.COMMUNE_OFFICER, unit=tree.communes[0])
    with pytest.raises(CommandError, match="quyền"):
        call_command("publish_shipped_forms", "--as", "canbo.xa", stdout=StringIO())
    assert not FormVersion.objects.exists()
    admin = make_user(username="trunguong")
    make_role(user=admin, role=Role.CENTRAL_ADMIN, unit=None)
    out = StringIO()
    call_command("publish_shipped_forms", "--as", "trunguong", stdout=out)
    assert "khao_sat_san_sang_so_ho" in out.getvalue()
    call_command("publish_shipped_forms", "--as", "trunguong", stdout=StringIO())
    assert FormVersion.objects.count() == 1
