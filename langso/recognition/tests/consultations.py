"""Fixtures of the consultation, API and recognised-list tests: the registry's test tree
(Ninh Bình 37: commune A with villages A1, A2; commune B with B1, B2) and its users, the
procedure's roles on it, the shipped indicator definitions and national sets, and a
dossier of commune A at its public consultation, built with the ORM."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from langso.accounts.models import User
from langso.accounts.roles import Role
from langso.accounts.tests.factories import make_role_holder
from langso.criteria.models import Recognition
from langso.criteria.services import criteria_catalogue_load
from langso.criteria.testing import recognition_make as criteria_recognition_make
from langso.indicators.testing import definitions
from langso.places.models import AdminUnit
from langso.recognition.models import Dossier, Procedure, Snapshot, Step, Transition
from langso.recognition.selectors.dossiers import content_sha256
from langso.recognition.testing import make_procedure
from langso.registry.testing import RegistryTree, RegistryUsers, tree, users

__all__ = ["definitions", "tree", "users"]

SET_CODE = "xa_ntm_2026_2030"


def snapshot_content(dossier: Dossier, *, number: int = 1) -> dict[str, Any]:
    """A snapshot's content in the shared format: two criteria, the first met (both
    indicators), the second not (one of two)."""
    unit = dossier.unit

    def indicator(code: str, status: str) -> dict[str, Any]:
        return {
            "code": code,
            "name_vi": f"Chỉ tiêu {code}",
            "kind": "assessed",
            "status": status,
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
            "assessment": None,
        }

    return {
        "format": 1,
        "dossier": dossier.pk,
        "number": number,
        "unit": {
            "id": unit.pk,
            "code": unit.code,
            "name": unit.name,
            "label": f"{unit.name}, Tỉnh Ninh Bình",
            "level": unit.level,
        },
        "set": {
            "code": SET_CODE,
            "version": 1,
            "name_vi": "Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2026-2030",
            "legal_basis": "51/2025/QĐ-TTg",
            "province": None,
        },
        "year": dossier.year,
        "period": str(dossier.year),
        "threshold_key": "*",
        "threshold_reason": "",
        "status": "fail",
        "passed": 1,
        "total": 2,
        "criteria": [
            {
                "code": "1",
                "name_vi": "Quy hoạch",
                "status": "pass",
                "indicators": [indicator("1.1", "pass"), indicator("1.2", "pass")],
            },
            {
                "code": "2",
                "name_vi": "Giao thông",
                "status": "fail",
                "indicators": [indicator("2.1", "pass"), indicator("2.2", "fail")],
            },
        ],
        "conditions": [],
        "satisfaction": None,
        "taken_at": "2026-05-04T09:00:00+07:00",
        "taken_by": "Cán bộ xã A",
    }


@dataclass
class Roles:
    """The procedure's roles: commune A's leader, Ninh Bình's appraiser and leader."""

    commune_leader: User
    province_appraiser: User
    province_leader: User


@pytest.fixture
def roles(tree: RegistryTree) -> Roles:
    return Roles(
        commune_leader=make_role_holder(Role.COMMUNE_LEADER, tree.a, "lanhdao.xa.a"),
        province_appraiser=make_role_holder(Role.PROVINCE_APPRAISER, tree.province, "thamdinh"),
        province_leader=make_role_holder(Role.PROVINCE_LEADER, tree.province, "lanhdao.tinh"),
    )


@pytest.fixture
def catalogue(definitions: None) -> None:
    criteria_catalogue_load()


def dossier_make(
    *,
    unit: AdminUnit,
    by: User,
    step: str = Step.CONSULTATION,
    due_in_days: int = 10,
    snapshot: bool = True,
    year: int = 2026,
) -> Dossier:
    """A dossier of `unit` at `step`, moved into the consultation five days ago (and
    with a frozen snapshot, unless told otherwise)."""
    today = timezone.localdate()
    assert unit.province is not None
    dossier = Dossier.objects.create(
        unit=unit,
        province=unit.province,
        set_code=SET_CODE,
        year=year,
        procedure=Procedure.objects.first() or make_procedure(),
        step=step,
        step_started_on=today - dt.timedelta(days=5),
        step_due_on=today + dt.timedelta(days=due_in_days),
        opened_by=by,
    )
    if snapshot:
        content = snapshot_content(dossier)
        Snapshot.objects.create(
            dossier=dossier,
            number=1,
            content=content,
            sha256=content_sha256(content),
            taken_by=by,
        )
        Transition.objects.create(
            dossier=dossier,
            action="publish",
            from_step=Step.SELF_ASSESSMENT,
            to_step=Step.CONSULTATION,
            actor=by,
            role=Role.COMMUNE_OFFICER,
            at=timezone.now() - dt.timedelta(days=5),
        )
    return dossier


@pytest.fixture
def consultation(tree: RegistryTree, users: RegistryUsers) -> Dossier:
    """Commune A's dossier at its consultation, open ten more days."""
    return dossier_make(unit=tree.a, by=users.officer_a)


def recognition_make(
    *, unit: AdminUnit, year: int = 2026, revoked: bool = False, number: str = "123/QĐ-UBND"
) -> Recognition:
    """A recognition of `unit` for the 2026-2030 set, decided on 20/12 of `year`, revoked
    on 02/03 of the next year where told."""
    return criteria_recognition_make(
        unit=unit,
        year=year,
        number=number,
        revoked_on=dt.date(year + 1, 3, 2) if revoked else None,
        revocation_number="45/QĐ-UBND" if revoked else "",
    )
