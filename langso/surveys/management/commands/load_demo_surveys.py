"""The demo's surveys: the shipped forms published nationwide, and a community digital
team for the demo commune (the demo team member, every village of the commune assigned),
so that the demo team member can fill the household survey on the web or in ODK Collect
and see the team's progress. Run after load_demo and synth; rerunning changes nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from langso.accounts.roles import Permission, Role
from langso.accounts.selectors import scope_unit, user_get_by_username
from langso.core.errors import DomainError
from langso.places.models import AdminUnit, Level
from langso.surveys.models import DigitalTeam
from langso.surveys.services.forms import shipped_forms_publish
from langso.surveys.services.teams import digital_team_create


class Command(BaseCommand):
    help = (
        "Đăng các biểu mẫu khảo sát có sẵn và tạo tổ công nghệ số demo cho xã demo "
        "(chạy sau load_demo và synth)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        admin = user_get_by_username(username="demo.trunguong")
        officer = user_get_by_username(username="demo.xa")
        member = user_get_by_username(username="demo.tocongnghe")
        if admin is None or officer is None or member is None:
            raise CommandError("Chưa có tài khoản demo: chạy manage.py load_demo trước.")
        try:
            for version in shipped_forms_publish(actor=admin):
                self.stdout.write(f"Đã đăng {version.form.xml_form_id} {version.version}")
            commune = scope_unit(user=member, permission=Permission.COLLECT_SURVEYS)
            if commune is None or commune.level != Level.COMMUNE:
                raise CommandError(f"{member} không giữ vai trò {Role.DIGITAL_TEAM_MEMBER} ở xã.")
            villages = list(
                AdminUnit.objects.current()
                .filter(level=Level.VILLAGE, commune=commune)
                .order_by("code")
            )
            if villages and not DigitalTeam.objects.filter(village=villages[0]).exists():
                team = digital_team_create(
                    actor=officer,
                    village=villages[0],
                    name=f"Tổ công nghệ số cộng đồng {villages[0].name} (demo)",
                    members=[member],
                    villages=villages,
                )
                self.stdout.write(f"Đã tạo {team.name}, giao {len(villages)} thôn.")
        except DomainError as exc:
            raise CommandError(exc.message) from exc
