"""The demo's plans: the two seed plans (Cao Bằng, TP.HCM) on the demo province's data,
where their own provinces have none. Run after load_demo_criteria (and the recognition
demo); rerunning changes nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from langso.accounts.roles import Permission
from langso.accounts.selectors import scope_unit, user_get_by_username
from langso.places.models import Level
from langso.plans.services.plans import seed_plans_load


class Command(BaseCommand):
    help = "Nạp hai kế hoạch mẫu (Cao Bằng, TP.HCM) cho tỉnh demo (chạy sau load_demo_criteria)."

    def handle(self, *args: Any, **options: Any) -> None:
        officer = user_get_by_username(username="demo.tinh")
        if officer is None:
            raise CommandError("Chưa có tài khoản demo: chạy manage.py load_demo trước.")
        province = scope_unit(user=officer, permission=Permission.VIEW_SCOPED)
        if province is None or province.level != Level.PROVINCE:
            raise CommandError("Tài khoản demo.tinh không giữ vai trò ở một tỉnh.")
        for plan in seed_plans_load(province=province):
            self.stdout.write(f"{plan.code}: {plan.targets.count()} chỉ tiêu, {plan.unit.name}")
