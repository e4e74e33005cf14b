"""`manage.py load_demo`: demo accounts, printed, idempotent."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from langso.accounts.models import RoleAssignment, User
from langso.accounts.roles import Role
from langso.places.testing import make_unit_tree

from ..conftest import Units


def run(**options: object) -> str:
    out = StringIO()
    call_command("load_demo", force=True, stdout=out, **options)
    return out.getvalue()


def test_without_units_it_says_to_load_them(db: None) -> None:
    """With no units loaded the command stops and names `load_units`."""
    with pytest.raises(CommandError, match="load_units"):
        run()


def test_refuses_without_debug_unless_forced(units: Units) -> None:
    """Known passwords never land on a real server by accident."""
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo", stdout=StringIO())
    assert not User.objects.filter(username__startswith="demo.").exists()


def test_creates_one_account_per_kind_and_prints_logins(units: Units) -> None:
    """A central admin, an officer, an appraiser and a leader of Ninh Bình (37), an
    officer, a leader and a team member of its first commune; the table lists username,
    password, role and unit."""
    output = run()
    roles = {
        a.user.username: (a.role, a.unit)
        for a in RoleAssignment.objects.filter(user__username__startswith="demo.")
    }
    assert roles == {
        "demo.trunguong": (Role.CENTRAL_ADMIN, None),
        "demo.tinh": (Role.PROVINCE_OFFICER, units.province),
        "demo.xa": (Role.COMMUNE_OFFICER, units.a),
        "demo.tocongnghe": (Role.DIGITAL_TEAM_MEMBER, units.a),
        "demo.lanhdaoxa": (Role.COMMUNE_LEADER, units.a),
        "demo.thamdinh": (Role.PROVINCE_APPRAISER, units.province),
        "demo.lanhdaotinh": (Role.PROVINCE_LEADER, units.province),
    }
    for line in ("demo.tinh", "LangSo-demo-Tinh-2026", "Cán bộ tỉnh", "Tỉnh Ninh Bình (37)"):
        assert line in output
    assert "demo" in output.splitlines()[-1]
    assert User.objects.get(username="demo.xa").check_password("LangSo-demo-Xa-2026")
    assert User.objects.get(username="demo.thamdinh").check_password("LangSo-demo-ThamDinh-2026")


def test_second_run_changes_nothing_but_passwords(units: Units) -> None:
    """Running twice creates nothing new; a changed demo password is put back."""
    run()
    xa = User.objects.get(username="demo.xa")
    xa.set_password("Doi-Mat-Khau-2026")
    xa.save()
    output = run()
    assert "Đã tạo 0 tài khoản" in output
    assert User.objects.filter(username__startswith="demo.").count() == 7
    assert RoleAssignment.objects.filter(user__username__startswith="demo.").count() == 7
    assert User.objects.get(username="demo.xa").check_password("LangSo-demo-Xa-2026")


def test_falls_back_to_the_first_province_without_ninh_binh(db: None) -> None:
    """Without province 37 the first current province by code is used."""
    tree = make_unit_tree(province_code="01", province_name="Thành phố Hà Nội", communes=1)
    run()
    officer = RoleAssignment.objects.get(user__username="demo.tinh")
    assert officer.unit == tree.province
