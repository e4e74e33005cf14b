"""Load the indicator definitions shipped with the platform (or another file): each that
changed becomes its indicator's next version. Run after every upgrade."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from langso.core.errors import DomainError
from langso.indicators.services.definitions import SHIPPED, indicator_definitions_load


class Command(BaseCommand):
    help = "Nạp định nghĩa chỉ số kèm theo phần mềm; mỗi chỉ số thay đổi thành một phiên bản mới."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--file", type=Path, default=SHIPPED, help="Tệp YAML (mặc định: tệp kèm theo)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = indicator_definitions_load(path=options["file"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"Định nghĩa chỉ số: {len(report.created)} phiên bản mới, {report.unchanged} không đổi."
        )
