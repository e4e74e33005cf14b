"""A frozen self-assessment as the freezing service writes it (the snapshot content
format every part of the recognition module reads), built row by row for the tests of
the documents: Xã Gia Sinh, Tỉnh Ninh Bình, against the 2026-2030 set, 7 of its 10
criteria passed, one assessed indicator with its evidence."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from langso.accounts.models import User
from langso.accounts.roles import Role
from langso.accounts.tests.factories import make_role_holder
from langso.places.models import AdminUnit
from langso.places.testing import make_commune, make_unit_tree
from langso.recognition.models import (
    AppraisalRound,
    CriterionFinding,
    Dossier,
    FieldVisit,
    Snapshot,
    Step,
)
from langso.recognition.selectors.dossiers import content_sha256
from langso.recognition.testing import make_procedure

SET_NAME = "Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2026-2030"
FAILED = ("3", "7", "9")
# (code, name) of the set's 10 criteria, with 4-5 indicators each: 47 rows in all.
CRITERIA = [
    ("1", "Quy hoạch"),
    ("2", "Giao thông"),
    ("3", "Thủy lợi và phòng, chống thiên tai"),
    ("4", "Điện"),
    ("5", "Giáo dục, y tế, văn hóa"),
    ("6", "Kinh tế và tổ chức sản xuất"),
    ("7", "Khoa học, công nghệ và chuyển đổi số"),
    ("8", "Môi trường và chất lượng sống"),
    ("9", "Hệ thống chính trị, an ninh, trật tự"),
    ("10", "Thu nhập và nghèo đa chiều"),
]


def _indicator(code: str, *, failed: bool) -> dict[str, Any]:
    value = "62.5" if failed else "91.25"
    return {
        "code": code,
        "name_vi": f"Tỷ lệ hộ gia đình đáp ứng yêu cầu của chỉ tiêu {code}",
        "kind": "computed",
        "status": "fail" if failed else "pass",
        "indicator": "hh-digital-payment",
        "comparator": "gte",
        "threshold": "80",
        "value": value,
        "numerator": "250" if failed else "365",
        "denominator": "400",
        "definition_version": 3,
        "definition_unit": "percent",
        "gap": "17.5" if failed else None,
        "threshold_unknown": False,
        "assessment": None,
    }


def _assessed(code: str) -> dict[str, Any]:
    return {
        "code": code,
        "name_vi": "Có quy hoạch chung xã được phê duyệt và công bố công khai",
        "kind": "assessed",
        "status": "pass",
        "indicator": "",
        "comparator": "",
        "threshold": None,
        "value": None,
        "numerator": None,
        "denominator": None,
        "definition_version": None,
        "definition_unit": "",
        "gap": None,
        "threshold_unknown": False,
        "assessment": {
            "verdict": "pass",
            "note": "Quy hoạch được phê duyệt tại Quyết định 12/QĐ-UBND",
            "entered_by": "Nguyễn Thị Hằng",
            "entered_at": "2026-05-02T09:30:00+07:00",
            "evidence": [{"name": "bien-ban-quy-hoach.pdf", "sha256": "ab" * 32}],
        },
    }


def snapshot_content(*, unit: AdminUnit, dossier: int, number: int = 1) -> dict[str, Any]:
    criteria = []
    for code, name in CRITERIA:
        failed = code in FAILED
        count = 5 if int(code) <= 7 else 4
        indicators = [_assessed(f"{code}.1")] if code == "1" else []
        indicators += [
            _indicator(f"{code}.{i}", failed=failed and i == count)
            for i in range(len(indicators) + 1, count + 1)
        ]
        criteria.append(
            {
                "code": code,
                "name_vi": name,
                "status": "fail" if failed else "pass",
                "indicators": indicators,
            }
        )
    return {
        "format": 1,
        "dossier": dossier,
        "number": number,
        "unit": {
            "id": unit.pk,
            "code": unit.code,
            "name": unit.name,
            "label": f"{unit.name}, Tỉnh Ninh Bình",
            "level": "commune",
        },
        "set": {
            "code": "xa_ntm_2026_2030",
            "version": 1,
            "name_vi": SET_NAME,
            "legal_basis": "Quyết định 51/2025/QĐ-TTg",
            "province": None,
        },
        "year": 2026,
        "period": "2026",
        "threshold_key": "NHOM_1",
        "threshold_reason": "",
        "status": "fail",
        "passed": 7,
        "total": 10,
        "criteria": criteria,
        "conditions": [],
        "satisfaction": {
            "indicator": "resident-satisfaction-ntm",
            "value": "85.0",
            "numerator": "340",
            "denominator": "400",
            "threshold": "70",
            "comparator": "gte",
            "status": "pass",
        },
        "taken_at": "2026-05-04T10:15:00+07:00",
        "taken_by": "Nguyễn Thị Hằng",
    }


@dataclass
class GiaSinh:
    """Xã Gia Sinh in Ninh Bình with its frozen self-assessment; its officer, the
    province's appraiser, and an officer of another commune of the province."""

    unit: AdminUnit
    officer: User
    appraiser: User
    outsider: User
    snapshot: Snapshot


def make_gia_sinh() -> GiaSinh:
    tree = make_unit_tree(province_code="37", province_name="Tỉnh Ninh Bình", communes=1)
    unit = make_commune(province=tree.province, code="37901", name="Xã Gia Sinh")
    officer = make_role_holder(Role.COMMUNE_OFFICER, unit, "canbo.giasinh")
    officer.full_name = "Nguyễn Thị Hằng"
    officer.save(update_fields=["full_name"])
    appraiser = make_role_holder(Role.PROVINCE_APPRAISER, tree.province, "thamdinh.tinh")
    appraiser.full_name = "Trần Văn Thẩm"
    appraiser.save(update_fields=["full_name"])
    return GiaSinh(
        unit=unit,
        officer=officer,
        appraiser=appraiser,
        outsider=make_role_holder(Role.COMMUNE_OFFICER, tree.communes[0], "canbo.xakhac"),
        snapshot=make_snapshot(unit=unit, officer=officer),
    )


def make_snapshot(*, unit: AdminUnit, officer: User, number: int = 1) -> Snapshot:
    """A dossier of `unit` at consultation, and its snapshot `number`, hashed as the
    freezing service hashes it."""
    province = unit.province
    assert province is not None  # a current commune has its province
    dossier = Dossier.objects.filter(unit=unit).first() or Dossier.objects.create(
        unit=unit,
        province=province,
        set_code="xa_ntm_2026_2030",
        year=2026,
        procedure=make_procedure(),
        step=Step.CONSULTATION,
        step_started_on=dt.date(2026, 5, 4),
        opened_by=officer,
    )
    content = snapshot_content(unit=unit, dossier=dossier.pk, number=number)
    return Snapshot.objects.create(
        dossier=dossier,
        number=number,
        content=content,
        sha256=content_sha256(content),
        taken_by=officer,
    )


def make_appraisal_round(case: GiaSinh) -> AppraisalRound:
    """The province's first round on the case's snapshot: returned with a supplement,
    criterion 1 agreed, 2 disputed, the others not yet recorded, one field visit."""
    found = AppraisalRound.objects.create(
        dossier=case.snapshot.dossier,
        number=1,
        snapshot=case.snapshot,
        started_on=dt.date(2026, 6, 1),
        outcome=AppraisalRound.Outcome.RETURNED,
        supplements=["Bổ sung biên bản nghiệm thu đường trục thôn Đông"],
        conclusion="Đề nghị xã hoàn thiện hồ sơ tiêu chí Giao thông.",
        closed_by=case.appraiser,
        closed_at=dt.datetime(2026, 6, 12, 15, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))),
    )
    CriterionFinding.objects.create(
        round=found, criterion_code="1", agrees=True, entered_by=case.appraiser
    )
    CriterionFinding.objects.create(
        round=found,
        criterion_code="2",
        agrees=False,
        note="Đường trục thôn Đông chưa được cứng hóa",
        entered_by=case.appraiser,
    )
    FieldVisit.objects.create(
        round=found,
        visited_on=dt.date(2026, 6, 8),
        members="Sở Nông nghiệp và Môi trường",
        notes="Kiểm tra 3 thôn, đường thôn Đông còn 400 m đất",
        entered_by=case.appraiser,
    )
    return found
