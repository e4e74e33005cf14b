"""`manage.py load_demo_plans`: the Cao Bằng and TP.HCM plans on the demo province's
data, each target bound as the seed files say or listed with why not; idempotent."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from langso.accounts.selectors import user_get_by_username
from langso.plans.models import Plan, Target
from langso.plans.selectors.progress import TrackStatus, plan_progress
from langso.registry.testing import RegistryTree, create_household

pytestmark = pytest.mark.django_db


def test_without_demo_accounts_it_says_to_load_them(tree: RegistryTree) -> None:
    with pytest.raises(CommandError, match="load_demo"):
        call_command("load_demo_plans", stdout=StringIO())


def _load() -> None:
    call_command("load_demo", force=True, stdout=StringIO())
    call_command("load_demo_criteria", stdout=StringIO())
    call_command("load_demo_plans", stdout=StringIO())


def test_the_seed_plans_load_on_the_demo_province_and_bind(
    tree: RegistryTree, definitions: None
) -> None:
    _load()
    cao_bang = Plan.objects.get(code="cao-bang-cds-ntm-2021-2025")
    hcmc = Plan.objects.get(code="hcmc-cds-ntm-2025")
    # Neither province has data here: both read the demo province's, and say so.
    assert cao_bang.unit == hcmc.unit == tree.province
    assert cao_bang.note == (
        "Kế hoạch mẫu của tỉnh Cao Bằng, áp dụng cho dữ liệu tỉnh Ninh Bình để minh họa."
    )
    assert cao_bang.targets.count() == 17
    assert hcmc.targets.count() == 8
    assert cao_bang.targets.exclude(kind="").count() == 11
    by_binding = {
        (t.indicator, t.set_code, t.criterion): t.kind for t in cao_bang.targets.exclude(kind="")
    }
    assert by_binding[("adults-epayment", "", "")] == "indicator_value"
    assert by_binding[("", "xa_ntm_2021_2025", "8.4")] == "units_meeting"
    assert by_binding[("work-records-online-commune", "", "")] == "indicator_value"
    assert by_binding[("smartphone-subscriptions", "", "")] == "indicator_value"
    assert by_binding[("managers-trained-dx", "", "")] == "activity"
    # The district and linkage targets are listed with why.
    unbound = cao_bang.targets.filter(kind="")
    assert unbound.count() == 6
    assert all(t.unbound_reason for t in unbound)
    assert unbound.filter(unbound_reason__contains="Cấp huyện không còn").count() == 5
    assert unbound.filter(unbound_reason__contains="issue 23").count() == 2
    # Rerunning changes nothing.
    call_command("load_demo_plans", stdout=StringIO())
    assert Target.objects.count() == 25


def test_the_cao_bang_targets_the_platform_computes_show_progress(
    tree: RegistryTree, definitions: None
) -> None:
    _load()
    officer = user_get_by_username(username="demo.tinh")
    assert officer is not None
    create_household(
        actor=officer,
        village=tree.a1,
        members=3,
        adults=2,
        adults_epayment=2,
    )
    plan = Plan.objects.get(code="cao-bang-cds-ntm-2021-2025")
    progress = plan_progress(plan=plan, day=dt.date(2026, 12, 7))
    by_text = {p.target.text_vi: p for p in progress.targets}
    epayment = by_text["≥ 65% người từ 15 tuổi trở lên có tài khoản thanh toán điện tử"]
    assert epayment.value == 100
    assert epayment.status == TrackStatus.ON_TRACK
    c84 = by_text["≥ 97% số xã đạt chỉ tiêu 8.4 của tiêu chí 8 (Bộ tiêu chí xã nông thôn mới)"]
    assert c84.counted_units == 2
    assert c84.status == TrackStatus.OFF_TRACK
    assert [p.status for p in progress.targets].count(TrackStatus.UNBOUND) == 6
