"""Load the shipped recognition procedures: a version for each whose entry changed."""

from django.core.management.base import BaseCommand

from langso.core.errors import ImportRejected
from langso.recognition.services.procedures import procedures_load


class Command(BaseCommand):
    help = "Nạp các quy trình công nhận kèm theo phần mềm (mỗi thay đổi là một phiên bản mới)."

    def handle(self, *args: object, **options: object) -> None:
        try:
            report = procedures_load()
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise
        for added in report.added:
            self.stdout.write(f"{added.code}: v{added.version}")
        self.stdout.write(
            f"{len(report.added)} quy trình có phiên bản mới, "
            f"{len(report.unchanged)} quy trình không đổi."
        )
