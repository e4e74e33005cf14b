"""`manage.py synth` on the real unit table: the demo step of `scripts/serve.sh`."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from langso.places.models import AdminUnit
from langso.places.services.units import UnitLoadReport
from langso.registry import synth
from langso.registry.models import FishingVessel, Household
from langso.registry.synth.provinces import province_coastal_communes

pytestmark = pytest.mark.django_db


def _synth(*args: str) -> str:
    out = io.StringIO()
    call_command("synth", *args, "--force", stdout=out)
    return out.getvalue()


def test_demo_step_is_idempotent(national_units: UnitLoadReport) -> None:
    """`synth --province 37` writes a synthetic Ninh Bình (villages in all 129 communes,
    vessels on its coast) and prints the throughput; run again, it writes nothing."""
    output = _synth("--province", "37", "--size", "small")
    assert "Đã tạo dữ liệu tổng hợp cho 1 tỉnh" in output
    assert "hộ/giây" in output
    households = Household.objects.count()
    villages = AdminUnit.objects.filter(source__name=synth.SYNTH_SOURCE).count()
    assert households == 300
    assert villages >= 129 * 8
    province = AdminUnit.objects.current().get(level="province", code="37")
    coastal = province_coastal_communes(province)
    assert 0 < len(coastal) < 129
    assert set(FishingVessel.objects.values_list("commune_id", flat=True)) <= coastal

    again = _synth("--province", "37", "--size", "small")
    assert "đã có dữ liệu tổng hợp: bỏ qua" in again
    assert Household.objects.count() == households
    assert AdminUnit.objects.filter(source__name=synth.SYNTH_SOURCE).count() == villages


def test_refuses_without_debug_or_force(national_units: UnitLoadReport) -> None:
    """With DEBUG off (a real server, perhaps), synthetic data needs --force."""
    with pytest.raises(CommandError, match="DEBUG đang tắt"):
        call_command("synth", "--province", "37", stdout=io.StringIO())
    assert not Household.objects.exists()


def test_unknown_province_fails_the_command(national_units: UnitLoadReport) -> None:
    with pytest.raises(CommandError, match="“98”"):
        _synth("--province", "98")


def test_province_and_nation_exclude_each_other(national_units: UnitLoadReport) -> None:
    with pytest.raises(CommandError):
        _synth("--province", "37", "--nation")
