"""Recompute every household aggregate from the households: after a synthetic load
(which writes without domain events), or to check the incremental state."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from langso.indicators.services.aggregates import household_aggregates_rebuild


class Command(BaseCommand):
    help = "Tính lại toàn bộ số liệu tổng hợp theo hộ gia đình từ sổ hộ."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        rows = household_aggregates_rebuild()
        self.stdout.write(
            f"Đã tính lại {rows:,} dòng tổng hợp trong {time.perf_counter() - started:.1f} s."
        )
