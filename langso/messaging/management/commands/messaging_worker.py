"""`manage.py messaging_worker`: sends the outbox, paced per channel (MESSAGING_RATES),
until SIGTERM or Ctrl+C, which stop it after the message being sent. `--once` makes one
round (tests, cron). Each round first runs the periodic jobs other apps registered
(`worker_tick_register`: announcements' sweep of scheduled ones that are due)."""

from __future__ import annotations

import signal
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from langso.messaging.channels.base import PermanentFailure
from langso.messaging.worker import Worker


class Command(BaseCommand):
    help = "Gửi các tin nhắn trong hàng đợi theo từng kênh, đến khi được yêu cầu dừng."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Chỉ gửi một lượt rồi dừng.")
        parser.add_argument(
            "--channel", action="append", default=[], help="Chỉ gửi kênh này (lặp lại được)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            worker = Worker(channels=options["channel"])
        except PermanentFailure as exc:
            raise CommandError(str(exc)) from exc

        def stop(signum: int, frame: FrameType | None) -> None:
            worker.stop()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        totals = worker.run(once=options["once"])
        self.stdout.write(
            f"sent={totals.sent} retried={totals.retried} dead={totals.dead} "
            f"released={totals.released}"
        )
