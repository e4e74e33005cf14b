"""Officers' assessments of what no figure shows, with evidence, and the province's
classification of its communes: who may, what is refused, and the audit trail."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from langso.core.errors import AccessDenied, DomainError
from langso.core.models import AuditEntry
from langso.criteria.models import Assessment, CommuneClassification, Verdict
from langso.criteria.selectors.sets import criteria_set_in_force
from langso.criteria.services import assessment_record, commune_classification_set
from langso.registry.testing import RegistryTree, RegistryUsers

pytestmark = pytest.mark.django_db


def _pdf(name: str = "bien-ban.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 minh chung", content_type="application/pdf")


def test_an_assessment_with_evidence_replaces_the_previous_one(
    catalogue: None, tree: RegistryTree, users: RegistryUsers
) -> None:
    national = criteria_set_in_force(code="xa_ntm_2021_2025", province=None)
    first = assessment_record(
        actor=users.officer_a,
        criteria_set=national,
        indicator_code="8.4",
        unit=tree.a,
        year=2025,
        verdict=Verdict.FAIL,
        note="Chưa có phần mềm quản lý văn bản",
    )
    second = assessment_record(
        actor=users.officer_a,
        criteria_set=national,
        indicator_code="8.4",
        unit=tree.a,
        year=2025,
        verdict=Verdict.PASS,
        evidence=[_pdf()],
    )
    assert first.pk == second.pk
    stored = Assessment.objects.get()
    assert (stored.verdict, stored.province) == (Verdict.PASS, tree.province)
    assert str(stored.evidence.get().file.name).endswith(".pdf")
    entries = AuditEntry.objects.filter(object_id=str(stored.pk)).order_by("pk")
    changes = [e.changes for e in entries]
    assert changes[-1]["verdict"] == [Verdict.FAIL, Verdict.PASS]


@pytest.mark.parametrize(
    ("actor", "unit", "indicator", "year", "verdict", "files", "error"),
    [
        ("officer_b", "a", "8.4", 2025, "pass", ["x.pdf"], AccessDenied),
        ("officer_a", "a", "8.1", 2025, "pass", ["x.pdf"], DomainError),  # computed
        ("officer_a", "a1", "8.4", 2025, "pass", ["x.pdf"], DomainError),  # a village
        ("officer_a", "a", "8.4", 2026, "pass", ["x.pdf"], DomainError),  # set ended
        ("officer_a", "a", "8.4", 2025, "maybe", ["x.pdf"], DomainError),
        ("officer_a", "a", "8.4", 2025, "pass", ["x.exe"], DomainError),
        ("officer_a", "a", "8.4", 2025, "pass", [], DomainError),  # no evidence
    ],
)
def test_what_an_assessment_refuses(
    catalogue: None,
    tree: RegistryTree,
    users: RegistryUsers,
    actor: str,
    unit: str,
    indicator: str,
    year: int,
    verdict: str,
    files: list[str],
    error: type[Exception],
) -> None:
    national = criteria_set_in_force(code="xa_ntm_2021_2025", province=None)
    with pytest.raises(error):
        assessment_record(
            actor=users.of(actor),
            criteria_set=national,
            indicator_code=indicator,
            unit=getattr(tree, unit),
            year=year,
            verdict=verdict,
            evidence=[_pdf(name) for name in files],
        )
    assert not Assessment.objects.exists()


def test_the_province_classifies_its_communes(tree: RegistryTree, users: RegistryUsers) -> None:
    with pytest.raises(AccessDenied):
        commune_classification_set(actor=users.officer_a, unit=tree.a, year=2025, region="DBSH")
    with pytest.raises(DomainError):
        commune_classification_set(
            actor=users.province_officer, unit=tree.a1, year=2025, region="DBSH"
        )
    with pytest.raises(DomainError):
        commune_classification_set(
            actor=users.province_officer, unit=tree.a, year=2025, region="MIEN_TAY"
        )
    commune_classification_set(
        actor=users.province_officer, unit=tree.a, year=2025, region="DBSH", safe_zone=True
    )
    commune_classification_set(
        actor=users.province_officer, unit=tree.a, year=2025, region="DBSH", safe_zone=True
    )
    stored = CommuneClassification.objects.get()
    assert (stored.region, stored.safe_zone, stored.extremely_disadvantaged) == (
        "DBSH",
        True,
        False,
    )
    # The second, identical, write changed nothing and audited nothing more.
    assert AuditEntry.objects.filter(object_id=str(stored.pk)).count() == 1
