"""Demo accounts with known passwords, one per kind of user. Rerunning changes nothing
except putting the demo passwords back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from langso.accounts.models import RoleAssignment, User
from langso.accounts.roles import Role
from langso.accounts.services import (
    central_admin_create,
    role_assign,
    user_create,
    user_password_set,
)
from langso.core.errors import DomainError
from langso.places.models import AdminUnit, Kind, Level

# Tỉnh Ninh Bình after the 2025 merger (with Hà Nam and Nam Định).
DEMO_PROVINCE_CODE = "37"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    full_name: str
    role: str
    unit: AdminUnit | None


class Command(BaseCommand):
    help = (
        "Tạo các tài khoản demo (mật khẩu cố định, chỉ dùng để thử): quản trị trung ương, "
        "cán bộ, cán bộ thẩm định và lãnh đạo UBND tỉnh Ninh Bình, cán bộ, lãnh đạo UBND "
        "một xã và thành viên tổ công nghệ số của xã đó. "
        "Cần nạp đơn vị hành chính trước (manage.py load_units). Chạy lại không tạo trùng."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Cho phép chạy khi DEBUG tắt (chỉ trên máy demo, không bao giờ trên máy thật).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DEBUG đang tắt: đây có thể là máy thật. Tài khoản demo có mật khẩu công khai; "
                "chỉ chạy với --force trên máy demo."
            )
        province, commune = _demo_units()
        accounts = [
            DemoAccount("demo.trunguong", "LangSo-demo-TW-2026", "Quản trị Trung ương (demo)",
                        Role.CENTRAL_ADMIN, None),
            DemoAccount("demo.tinh", "LangSo-demo-Tinh-2026", f"Cán bộ {province.name} (demo)",
                        Role.PROVINCE_OFFICER, province),
            DemoAccount("demo.xa", "LangSo-demo-Xa-2026", f"Cán bộ {commune.name} (demo)",
                        Role.COMMUNE_OFFICER, commune),
            DemoAccount("demo.tocongnghe", "LangSo-demo-To-2026",
                        f"Tổ công nghệ số {commune.name} (demo)",
                        Role.DIGITAL_TEAM_MEMBER, commune),
            # The recognition procedure's roles (issue 16): who signs the commune's
            # submission, who appraises it, who decides.
            DemoAccount("demo.lanhdaoxa", "LangSo-demo-LanhDaoXa-2026",
                        f"Lãnh đạo UBND {commune.name} (demo)",
                        Role.COMMUNE_LEADER, commune),
            DemoAccount("demo.thamdinh", "LangSo-demo-ThamDinh-2026",
                        f"Cán bộ thẩm định {province.name} (demo)",
                        Role.PROVINCE_APPRAISER, province),
            DemoAccount("demo.lanhdaotinh", "LangSo-demo-LanhDaoTinh-2026",
                        f"Lãnh đạo UBND {province.name} (demo)",
                        Role.PROVINCE_LEADER, province),
        ]  # fmt: skip
        try:
            with transaction.atomic():
                created = _ensure_accounts(accounts)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(f"Đã tạo {created} tài khoản demo mới."))
        self.stdout.write(_table(accounts))
        self.stdout.write(
            self.style.WARNING(
                "Mật khẩu trên chỉ dùng cho demo; đừng bao giờ chạy lệnh này trên máy thật."
            )
        )


def _demo_units() -> tuple[AdminUnit, AdminUnit]:
    current = AdminUnit.objects.current()
    if not current.exists():
        raise CommandError(
            "Chưa có đơn vị hành chính nào. Hãy chạy `python manage.py load_units` trước."
        )
    provinces = current.filter(level=Level.PROVINCE)
    province = (
        provinces.filter(code=DEMO_PROVINCE_CODE).first() or provinces.order_by("code").first()
    )
    if province is None:
        raise CommandError(
            "Chưa có tỉnh nào đang có hiệu lực. Hãy chạy `python manage.py load_units` trước."
        )
    communes = current.filter(level=Level.COMMUNE, province=province).order_by("code")
    # NTM is about rural communes (xã), not urban wards (phường).
    commune = communes.filter(kind=Kind.XA).first() or communes.first()
    if commune is None:
        raise CommandError(
            f"{province.name} chưa có xã nào đang có hiệu lực. "
            "Hãy chạy `python manage.py load_units` trước."
        )
    return province, commune


def _ensure_accounts(accounts: list[DemoAccount]) -> int:
    """Create what is missing; put the demo passwords back on what exists."""
    created = 0
    admin_spec, *others = accounts
    admin = User.objects.filter(username=admin_spec.username).first()
    if admin is None:
        admin = central_admin_create(
            username=admin_spec.username,
            full_name=admin_spec.full_name,
            email="",
            password=admin_spec.password,
        )
        created += 1
    else:
        _ensure_password(admin, admin_spec.password)
        if not RoleAssignment.objects.filter(user=admin, role=Role.CENTRAL_ADMIN).exists():
            raise CommandError(
                f"Tài khoản {admin_spec.username} đã có nhưng không phải quản trị trung ương; "
                "hãy đổi tên hoặc xoá tài khoản đó."
            )
    for spec in others:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user_create(
                actor=admin,
                username=spec.username,
                full_name=spec.full_name,
                email="",
                password=spec.password,
                role=spec.role,
                unit=spec.unit,
            )
            created += 1
            continue
        _ensure_password(user, spec.password)
        if not RoleAssignment.objects.filter(user=user, role=spec.role, unit=spec.unit).exists():
            role_assign(actor=admin, user=user, role=spec.role, unit=spec.unit)
    return created


def _ensure_password(user: User, password: str) -> None:
    if not user.check_password(password):
        user_password_set(user=user, password=password)


def _table(accounts: list[DemoAccount]) -> str:
    header = ("Tên đăng nhập", "Mật khẩu", "Vai trò", "Đơn vị")
    rows = [
        (
            a.username,
            a.password,
            str(Role(a.role).label),
            f"{a.unit.name} ({a.unit.code})" if a.unit else "Toàn quốc",
        )
        for a in accounts
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: tuple[str, ...]) -> str:
        cells_padded = (cell.ljust(width) for cell, width in zip(cells, widths, strict=True))
        return " | ".join(cells_padded).rstrip()

    rule = "-+-".join("-" * width for width in widths)
    return "\n".join([line(header), rule, *(line(row) for row in rows)])
