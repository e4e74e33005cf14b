"""Load the shipped national criteria sets: a version for each set whose entry changed."""

from django.core.management.base import BaseCommand

from langso.core.errors import ImportRejected
from langso.criteria.services import criteria_catalogue_load


class Command(BaseCommand):
    help = "Nạp các bộ tiêu chí quốc gia kèm theo phần mềm (mỗi thay đổi là một phiên bản mới)."

    def handle(self, *args: object, **options: object) -> None:
        try:
            report = criteria_catalogue_load()
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise
        for added in report.added:
            self.stdout.write(f"{added.code}: v{added.version}")
        self.stdout.write(
            f"{len(report.added)} bộ có phiên bản mới, {len(report.unchanged)} bộ không đổi."
        )
