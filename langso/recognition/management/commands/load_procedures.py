"""Load the recognition procedures shipped with the platform (or another file): each
whose entry changed becomes its next national version. Run after every upgrade."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from langso.core.errors import DomainError, ImportRejected
from langso.recognition.services.procedures import SHIPPED, procedures_load


class Command(BaseCommand):
    help = "Nạp các quy trình công nhận kèm theo phần mềm (mỗi thay đổi là một phiên bản mới)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--file", type=Path, default=SHIPPED, help="Tệp YAML (mặc định: tệp kèm theo)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = procedures_load(path=options["file"])
        except DomainError as exc:
            rows = exc.errors if isinstance(exc, ImportRejected) else []
            raise CommandError("\n".join([exc.message, *map(str, rows)])) from exc
        added = ", ".join(f"{p.code} v{p.version}" for p in report.added) or "—"
        self.stdout.write(
            f"Quy trình công nhận: {len(report.added)} phiên bản mới ({added}), "
            f"{len(report.unchanged)} không đổi."
        )
