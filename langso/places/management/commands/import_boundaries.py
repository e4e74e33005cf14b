from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from langso.core.errors import DomainError, ImportRejected
from langso.places.models import Level
from langso.places.services.boundaries import boundaries_import


class Command(BaseCommand):
    help = (
        "Nhập ranh giới đơn vị hành chính từ tệp GeoJSON, Shapefile (.zip) hoặc GeoPackage, "
        "khớp theo mã đơn vị hiện hành. Tệp có lỗi bị từ chối toàn bộ, không ghi gì."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="Tệp .geojson, .zip (Shapefile) hoặc .gpkg")
        parser.add_argument(
            "--level",
            required=True,
            choices=[level.value for level in Level],
            help="Cấp đơn vị của các đối tượng trong tệp",
        )
        parser.add_argument(
            "--code-field",
            required=True,
            help="Tên trường chứa mã đơn vị (ví dụ ma_xa; với thôn là mã đầy đủ xã-thôn)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = boundaries_import(
                actor=None,
                path=options["path"],
                level=options["level"],
                code_field=options["code_field"],
            )
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(f"Đối tượng {error.row}, {error.column}: {error.reason}")
            raise CommandError(exc.message) from exc
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.features} đối tượng: {report.updated} đơn vị cập nhật ranh giới, "
                f"{report.unchanged} không đổi, {report.centroids_set} đơn vị được tính tâm."
            )
        )
