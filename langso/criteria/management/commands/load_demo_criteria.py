"""The demo's criteria: the shipped national sets, the demo province's own sets
(`criteria/demo/ninh-binh.yaml`: smart village, smart commune by commune group, digital
commune 2025 by region), the province's classification of its communes, and the
village presences the smart-village rules read (free wifi at the cultural house, a
digital team at work, a social platform) entered for the demo commune's villages. The
household figures come from the registry and the surveys. Run after load_demo and
synth; rerunning changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from langso.accounts.roles import Permission
from langso.accounts.selectors import scope_unit, user_get_by_username
from langso.criteria.services import (
    commune_classification_set,
    criteria_catalogue_load,
)
from langso.indicators.services.reported import reported_value_set
from langso.places.models import AdminUnit, CommuneGroup, Kind, Level, Region

DEMO = Path(__file__).resolve().parents[2] / "demo" / "ninh-binh.yaml"
YEAR = 2026


class Command(BaseCommand):
    help = "Nạp bộ tiêu chí quốc gia và bộ tiêu chí demo của tỉnh demo (chạy sau load_demo, synth)."

    def handle(self, *args: Any, **options: Any) -> None:
        province_officer = user_get_by_username(username="demo.tinh")
        commune_officer = user_get_by_username(username="demo.xa")
        if province_officer is None or commune_officer is None:
            raise CommandError("Chưa có tài khoản demo: chạy manage.py load_demo trước.")
        province = scope_unit(user=province_officer, permission=Permission.VIEW_SCOPED)
        commune = scope_unit(user=commune_officer, permission=Permission.VIEW_SCOPED)
        if province is None or commune is None or commune.level != Level.COMMUNE:
            raise CommandError("Tài khoản demo không giữ vai trò ở tỉnh và xã demo.")
        national = criteria_catalogue_load()
        own = criteria_catalogue_load(path=DEMO, province=province)
        for added in national.added + own.added:
            self.stdout.write(f"{added.code}: v{added.version}")
        communes = list(
            AdminUnit.objects.current()
            .filter(province=province, level=Level.COMMUNE)
            .order_by("code")
        )
        # The province's demo classification: wards (phường) are group 1, the other
        # communes alternate between groups 2 and 3; every commune in the Red River
        # Delta in 2025, one in ten flagged extremely disadvantaged.
        for index, unit in enumerate(communes):
            group = (
                CommuneGroup.NHOM_1
                if unit.kind == Kind.PHUONG
                else (CommuneGroup.NHOM_2 if index % 2 else CommuneGroup.NHOM_3)
            )
            commune_classification_set(
                actor=province_officer, unit=unit, year=YEAR, commune_group=group
            )
            commune_classification_set(
                actor=province_officer,
                unit=unit,
                year=2025,
                region=Region.DBSH,
                extremely_disadvantaged=index % 10 == 9,
            )
        villages = list(
            AdminUnit.objects.current()
            .filter(commune=commune, level=Level.VILLAGE)
            .order_by("code")
        )
        for index, village in enumerate(villages):
            for code, present in (
                ("village-free-wifi", index % 3 != 2),
                ("village-digital-team-working", True),
                ("village-social-platform", index % 2 == 0),
            ):
                reported_value_set(
                    actor=commune_officer,
                    code=code,
                    unit=village,
                    period=str(YEAR),
                    numerator=int(present),
                    note="Dữ liệu minh họa",
                )
        reported_value_set(
            actor=commune_officer,
            code="essential-service-online-satisfaction",
            unit=commune,
            period=str(YEAR),
            numerator=1,
            note="Dữ liệu minh họa",
        )
        self.stdout.write(
            f"{len(communes)} xã của {province.name} đã được phân loại; "
            f"{len(villages)} thôn của {commune.name} có số liệu thôn thông minh."
        )
