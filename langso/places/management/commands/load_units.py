import time
from typing import Any

from django.core.management.base import BaseCommand

from langso.places.services.units import units_load
from langso.places.unit_sources import read_vietnamadminunits


class Command(BaseCommand):
    help = (
        "Nạp các đơn vị hành chính hiện hành (34 tỉnh, 3.321 xã) và trước 01/07/2025 "
        "(63 tỉnh, huyện, xã) cùng quan hệ sáp nhập, từ gói vietnamadminunits. Chạy lại "
        "không thay đổi gì."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        source = read_vietnamadminunits()
        report = units_load(source=source, progress=self.stdout.write)
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.source} {report.version}: {report.created} tạo mới, "
                f"{report.updated} cập nhật, {report.unchanged} không đổi; quan hệ sáp nhập: "
                f"{report.lineage_created} tạo mới, {report.lineage_updated} cập nhật, "
                f"{report.lineage_unchanged} không đổi ({time.perf_counter() - started:.1f} s)"
            )
        )
