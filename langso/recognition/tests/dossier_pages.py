"""Dossiers built directly in the database for the tests of the officers' pages (the
board, the dossier page, the homes): the lifecycle services are tested on their own.

Ninh Bình (37) ─ communes A, B (villages A1, A2; B1, B2); Hà Nội (01) ─ commune C."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from langso.accounts.models import User
from langso.accounts.roles import Role
from langso.accounts.tests.factories import make_role_holder
from langso.criteria.models import CriteriaSet, FactStatus, Origin
from langso.places.models import AdminUnit, Level
from langso.places.testing import UnitTree, make_unit_tree
from langso.recognition.models import Dossier, Procedure, Snapshot, Step
from langso.recognition.testing import make_procedure

SET_CODE = "xa_ntm_2026_2030"
SET_NAME = "Xã đạt chuẩn nông thôn mới giai đoạn 2026-2030"
CRITERIA = [
    ("1", "Quy hoạch"),
    ("2", "Giao thông"),
    ("3", "Thủy lợi và phòng, chống thiên tai"),
]


@dataclass
class World:
    ninh_binh: UnitTree
    ha_noi: UnitTree
    procedure: Procedure
    central_admin: User
    province_officer: User
    officer_a: User
    leader_a: User
    officer_b: User
    leader_b: User
    appraiser: User
    leader_province: User
    appraiser_ha_noi: User

    @property
    def province(self) -> AdminUnit:
        return self.ninh_binh.province

    @property
    def a(self) -> AdminUnit:
        return self.ninh_binh.communes[0]

    @property
    def b(self) -> AdminUnit:
        return self.ninh_binh.communes[1]


def _holder(role: str, unit: AdminUnit | None, username: str, full_name: str) -> User:
    user = make_role_holder(role, unit, username)
    user.full_name = full_name
    user.save(update_fields=["full_name"])
    return user


def make_world() -> World:
    ninh_binh = make_unit_tree(province_code="37", province_name="Tỉnh Ninh Bình")
    ha_noi = make_unit_tree(
        province_code="01", province_name="Thành phố Hà Nội", communes=1, villages_per_commune=1
    )
    CriteriaSet.objects.create(
        code=SET_CODE,
        version=1,
        name_vi=SET_NAME,
        level=Level.COMMUNE,
        year_from=2026,
        year_to=2030,
        status=FactStatus.VERIFIED,
        origin=Origin.SHIPPED,
    )
    a, b = ninh_binh.communes
    return World(
        ninh_binh=ninh_binh,
        ha_noi=ha_noi,
        procedure=make_procedure(),
        central_admin=_holder(Role.CENTRAL_ADMIN, None, "trunguong", "Trần Trung Ương"),
        province_officer=_holder(
            Role.PROVINCE_OFFICER, ninh_binh.province, "canbo.tinh", "Lê Cán Bộ Tỉnh"
        ),
        officer_a=_holder(Role.COMMUNE_OFFICER, a, "canbo.xa.a", "Phạm Cán Bộ Xã"),
        leader_a=_holder(Role.COMMUNE_LEADER, a, "lanhdao.xa.a", "Vũ Chủ Tịch Xã"),
        officer_b=_holder(Role.COMMUNE_OFFICER, b, "canbo.xa.b", "Đỗ Cán Bộ Xã B"),
        leader_b=_holder(Role.COMMUNE_LEADER, b, "lanhdao.xa.b", "Hoàng Chủ Tịch Xã B"),
        appraiser=_holder(
            Role.PROVINCE_APPRAISER, ninh_binh.province, "thamdinh.tinh", "Bùi Thẩm Định"
        ),
        leader_province=_holder(
            Role.PROVINCE_LEADER, ninh_binh.province, "lanhdao.tinh", "Ngô Chủ Tịch Tỉnh"
        ),
        appraiser_ha_noi=_holder(
            Role.PROVINCE_APPRAISER, ha_noi.province, "thamdinh.hanoi", "Đinh Thẩm Định HN"
        ),
    )


def make_dossier(
    world: World,
    *,
    unit: AdminUnit | None = None,
    step: str = Step.SELF_ASSESSMENT,
    year: int = 2026,
    started_on: dt.date = dt.date(2026, 3, 2),
    due_on: dt.date | None = None,
    procedure: Procedure | None = None,
) -> Dossier:
    unit = unit or world.a
    assert unit.province is not None
    closed = step in (Step.RECOGNISED, Step.NOT_RECOGNISED, Step.WITHDRAWN, Step.REVOKED)
    return Dossier.objects.create(
        unit=unit,
        province=unit.province,
        set_code=SET_CODE,
        year=year,
        procedure=procedure or world.procedure,
        step=step,
        step_started_on=started_on,
        step_due_on=due_on,
        opened_by=world.officer_a,
        closed_at=timezone.now() if closed else None,
    )


def snapshot_content(dossier: Dossier, statuses: dict[str, str], number: int = 1) -> dict[str, Any]:
    """A frozen self-assessment in the format every part uses (only what pages read)."""
    criteria = [
        {"code": code, "name_vi": name, "status": statuses.get(code, "pass"), "indicators": []}
        for code, name in CRITERIA
    ]
    passed = sum(1 for c in criteria if c["status"] == "pass")
    return {
        "format": 1,
        "dossier": dossier.pk,
        "number": number,
        "unit": {"id": dossier.unit_id, "name": dossier.unit.name, "level": "commune"},
        "set": {"code": SET_CODE, "version": 1, "name_vi": SET_NAME},
        "year": dossier.year,
        "status": "pass" if passed == len(criteria) else "fail",
        "passed": passed,
        "total": len(criteria),
        "criteria": criteria,
        "conditions": [],
        "satisfaction": None,
        "taken_at": "2026-03-05T09:00:00+07:00",
        "taken_by": "Phạm Cán Bộ Xã",
    }


def make_snapshot(
    dossier: Dossier, *, taken_by: User, statuses: dict[str, str] | None = None, number: int = 1
) -> Snapshot:
    content = snapshot_content(dossier, statuses or {}, number=number)
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return Snapshot.objects.create(
        dossier=dossier,
        number=number,
        content=content,
        sha256=hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
        taken_by=taken_by,
        taken_at=dt.datetime(2026, 3, 5, 9, tzinfo=dt.UTC),
    )


def pdf_file(name: str = "to-trinh.pdf") -> ContentFile[bytes]:
    return ContentFile(b"%PDF-1.4 test\n%%EOF\n", name=name)
