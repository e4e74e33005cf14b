from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from langso.core.errors import DomainError
from langso.registry.synth import DEFAULT_SEED, SIZES, SynthCounts, synth_run, thousands


class Command(BaseCommand):
    help = (
        "Tạo dữ liệu tổng hợp (mô phỏng, có thể tái lập theo --seed) trên các đơn vị hành "
        "chính thật: thôn, hộ gia đình với mức sẵn sàng số, HTX và sản phẩm, tàu cá ở xã "
        "ven biển, cơ sở nuôi trồng thủy sản, điểm du lịch, điểm wifi, camera. Tỉnh đã có "
        "dữ liệu tổng hợp được bỏ qua, trừ khi có --replace."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument(
            "--province",
            action="append",
            metavar="MÃ",
            help="Mã tỉnh hiện hành (ví dụ 37); lặp lại để tạo nhiều tỉnh.",
        )
        where.add_argument("--nation", action="store_true", help="Cả 34 tỉnh.")
        how_many = parser.add_mutually_exclusive_group()
        how_many.add_argument(
            "--size",
            choices=SIZES,
            default="demo",
            help=(
                "small: 300 hộ mỗi tỉnh; demo: 5.000 hộ mỗi tỉnh; province: 1,5 triệu hộ "
                "mỗi tỉnh; nation: 18 triệu hộ cả nước, chia theo tỉnh (mặc định: demo)."
            ),
        )
        how_many.add_argument(
            "--households", type=int, metavar="N", help="Tổng số hộ, chia cho các tỉnh đã chọn."
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"Hạt giống ngẫu nhiên: cùng hạt giống, cùng dữ liệu (mặc định {DEFAULT_SEED}).",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Xóa dữ liệu tổng hợp đã có của tỉnh rồi tạo lại (dữ liệu thật được giữ).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Cho phép chạy khi DEBUG tắt (chỉ trên máy demo hoặc máy đo hiệu năng).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DEBUG đang tắt: đây có thể là máy thật. Dữ liệu tổng hợp chỉ dùng để thử; "
                "chỉ chạy với --force trên máy demo."
            )
        try:
            report = synth_run(
                province_codes=None if options["nation"] else options["province"],
                size=None if options["households"] is not None else options["size"],
                households=options["households"],
                seed=options["seed"],
                replace=options["replace"],
                progress=self.stdout.write,
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if not report.provinces:
            self.stdout.write("Không tạo gì mới.")
            return
        counts = report.counts
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã tạo dữ liệu tổng hợp cho {len(report.provinces)} tỉnh: {_summary(counts)}."
            )
        )
        self.stdout.write(
            f"{report.seconds:.1f} s: {thousands(report.households_per_second)} hộ/giây, "
            f"{thousands(report.rows_per_second)} dòng/giây."
        )


def _summary(counts: SynthCounts) -> str:
    parts = [
        (counts.villages, "thôn"),
        (counts.households, "hộ"),
        (counts.cooperatives, "HTX"),
        (counts.products, "sản phẩm"),
        (counts.vessels, "tàu cá"),
        (counts.farms, "cơ sở nuôi trồng thủy sản"),
        (counts.sites, "điểm du lịch"),
        (counts.wifi_points, "điểm wifi"),
        (counts.cameras, "camera"),
    ]
    return ", ".join(f"{thousands(n)} {label}" for n, label in parts)
