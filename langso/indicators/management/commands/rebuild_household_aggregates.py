"""Recompute every household aggregate from the households: after a synthetic load
(which writes without domain events), or to check the incremental state."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from langso.indicators.services.activity import activity_counts_rebuild
from langso.indicators.services.aggregates import household_aggregates_rebuild


class Command(BaseCommand):
    help = (
        "Tính lại toàn bộ số liệu tổng hợp theo hộ gia đình từ sổ hộ; chỉ ghi những dòng "
        "sai hoặc thiếu. Trong lúc tính, việc ghi hộ gia đình phải chờ."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()

        def progress(done: int, total: int) -> None:
            if done:
                self.stdout.write(
                    f"  Bước {done}/{total} xong sau {time.perf_counter() - started:.1f} s."
                )

        rows = household_aggregates_rebuild(progress=progress)
        self.stdout.write(
            f"Đã tính lại số liệu tổng hợp theo hộ trong {time.perf_counter() - started:.1f} s: "
            f"{rows:,} dòng được ghi lại (các dòng khác đã đúng)."
        )
        activity = activity_counts_rebuild()
        self.stdout.write(f"Đã đếm lại số liệu hoạt động: {activity:,} dòng.")
