"""Fixtures of the recognition tests: Ninh Bình (37) with communes A and B, Hà Nội (01)
with commune C; the shipped indicator definitions and criteria catalogue; the test
procedure; one user for each role the procedure names, on A or on Ninh Bình, and the
same roles elsewhere (commune B's leader, Hà Nội's appraiser) for scope refusals."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from langso.accounts.models import User
from langso.accounts.roles import Role
from langso.accounts.tests.factories import make_role_holder
from langso.criteria.models import CriteriaSet
from langso.criteria.services import assessment_record, criteria_catalogue_load
from langso.criteria.testing import NATIONAL_2026, criteria_assess_met
from langso.indicators.testing import definitions
from langso.places.models import AdminUnit
from langso.places.testing import UnitTree, make_unit_tree
from langso.recognition.models import Dossier, Procedure
from langso.recognition.services.appraisal import (
    appraisal_conclude,
    decision_record,
    finding_record,
)
from langso.recognition.services.dossiers import (
    consultation_close,
    document_upload,
    dossier_open,
    dossier_publish,
    dossier_submit,
)
from langso.recognition.services.procedures import procedures_load
from langso.recognition.testing import make_procedure, satisfaction_reported

from .consultations import (
    SET_CODE,
    Roles,
    catalogue,
    consultation,
    dossier_make,
    recognition_make,
    roles,
    tree,
    users,
)

__all__ = [
    "SET_CODE",
    "Roles",
    "catalogue",
    "consultation",
    "definitions",
    "dossier_make",
    "procedures",
    "recognition_make",
    "roles",
    "tree",
    "users",
]

YEAR = 2026


def pdf(name: str = "to-trinh.pdf", body: bytes = b"signed") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n" + body + b"\n%%EOF\n", "application/pdf")


@dataclass
class World:
    ninh_binh: UnitTree
    ha_noi: UnitTree
    procedure: Procedure
    officer: User
    leader: User
    appraiser: User
    province_leader: User
    leader_b: User
    appraiser_ha_noi: User

    @property
    def a(self) -> AdminUnit:
        return self.ninh_binh.communes[0]

    @property
    def b(self) -> AdminUnit:
        return self.ninh_binh.communes[1]


def satisfaction_report(world: World, *, satisfied: int, unit: AdminUnit | None = None) -> None:
    """The residents' satisfaction of `unit` (commune A) for the year: `satisfied` of 100."""
    satisfaction_reported(actor=world.officer, unit=unit or world.a, year=YEAR, satisfied=satisfied)


@pytest.fixture
def world(definitions: None) -> World:
    criteria_catalogue_load()
    ninh_binh = make_unit_tree(province_code="37", province_name="Tỉnh Ninh Bình")
    ha_noi = make_unit_tree(
        province_code="01", province_name="Thành phố Hà Nội", communes=1, villages_per_commune=1
    )
    a, b = ninh_binh.communes
    officer = make_role_holder(Role.COMMUNE_OFFICER, a, "canbo.xa.a")
    built = World(
        ninh_binh=ninh_binh,
        ha_noi=ha_noi,
        procedure=make_procedure(),
        officer=officer,
        leader=make_role_holder(Role.COMMUNE_LEADER, a, "lanhdao.xa.a"),
        appraiser=make_role_holder(Role.PROVINCE_APPRAISER, ninh_binh.province, "thamdinh"),
        province_leader=make_role_holder(Role.PROVINCE_LEADER, ninh_binh.province, "lanhdao.tinh"),
        leader_b=make_role_holder(Role.COMMUNE_LEADER, b, "lanhdao.xa.b"),
        appraiser_ha_noi=make_role_holder(Role.PROVINCE_APPRAISER, ha_noi.province, "thamdinh.hn"),
    )
    criteria_assess_met(actor=officer, unit=a, met=10, year=YEAR)
    # Criterion 1's minutes as a file, so that the snapshot has evidence to freeze.
    assessment_record(
        actor=officer,
        criteria_set=CriteriaSet.objects.get(code=NATIONAL_2026, province=None),
        indicator_code="1",
        unit=a,
        year=YEAR,
        verdict="pass",
        note="Biên bản kiểm tra",
        evidence=[pdf("bien-ban.pdf", b"minutes")],
    )
    satisfaction_report(built, satisfied=85)
    return built


# --- Walking a dossier of commune A to a step -------------------------------------

SET = NATIONAL_2026


def opened(world: World) -> Dossier:
    return dossier_open(actor=world.officer, unit=world.a, set_code=SET, year=YEAR)


def in_consultation(world: World) -> Dossier:
    return dossier_publish(actor=world.officer, dossier=opened(world))


def public_days_run(dossier: Dossier) -> None:
    """The consultation's days have run (its due day is today)."""
    Dossier.objects.filter(pk=dossier.pk).update(step_due_on=timezone.localdate())


def in_submission(world: World) -> Dossier:
    dossier = in_consultation(world)
    public_days_run(dossier)
    return consultation_close(actor=world.officer, dossier=dossier)


def in_appraisal(world: World) -> Dossier:
    dossier = in_submission(world)
    document_upload(actor=world.officer, dossier=dossier, kind="to_trinh", file=pdf())
    return dossier_submit(actor=world.leader, dossier=dossier)


def all_agreed(world: World, dossier: Dossier) -> None:
    for code in range(1, 11):
        finding_record(
            actor=world.appraiser, dossier=dossier, criterion_code=str(code), agrees=True, note=""
        )


def in_decision(world: World) -> Dossier:
    dossier = in_appraisal(world)
    all_agreed(world, dossier)
    return appraisal_conclude(
        actor=world.appraiser, dossier=dossier, recommend=True, conclusion="Đủ điều kiện."
    )


def recognised(world: World) -> Dossier:
    dossier = in_decision(world)
    decision_record(
        actor=world.province_leader,
        dossier=dossier,
        number="125/QĐ-UBND",
        signed_on=timezone.localdate(),
        signer="Chủ tịch UBND tỉnh",
        file=pdf("quyet-dinh.pdf"),
    )
    dossier.refresh_from_db()
    return dossier


@pytest.fixture
def procedures(catalogue: None) -> None:
    """The shipped procedures, loaded as `serve.sh` loads them."""
    procedures_load()
