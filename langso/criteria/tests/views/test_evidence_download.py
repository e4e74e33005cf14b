"""Evidence files of criteria assessments are served only through their route, to
whoever may read the unit's scorecard: anonymous readers are sent to sign in, an officer
of another commune is answered as if the file did not exist, and the name the file is
stored under says nothing of the unit, the set or the year."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pytest_django import Settings

from langso.accounts.testing import client_for
from langso.core.testing import assert_refused_as_missing
from langso.criteria.models import AssessmentEvidence
from langso.criteria.selectors.sets import criteria_set_in_force
from langso.criteria.services import assessment_record
from langso.registry.testing import RegistryTree, RegistryUsers

pytestmark = pytest.mark.django_db


@pytest.fixture
def evidence(
    catalogue: None, tree: RegistryTree, users: RegistryUsers, settings: Settings, tmp_path: Path
) -> list[AssessmentEvidence]:
    settings.MEDIA_ROOT = tmp_path
    assessment = assessment_record(
        actor=users.officer_a,
        criteria_set=criteria_set_in_force(code="xa_ntm_2021_2025", province=None),
        indicator_code="8.2",
        unit=tree.a,
        year=2025,
        verdict="pass",
        evidence=[
            SimpleUploadedFile("Ảnh trạm BTS.png", b"\x89PNG\r\n\x1a\n one"),
            SimpleUploadedFile("Ảnh trạm BTS.png", b"\x89PNG\r\n\x1a\n two"),
        ],
    )
    return list(assessment.evidence.order_by("pk"))


def test_an_evidence_file_is_served_to_readers_of_its_unit(
    evidence: list[AssessmentEvidence], users: RegistryUsers
) -> None:
    """The commune's and the province's officers get the bytes, shown inline as a PNG
    under the file's own name."""
    url = reverse("criteria:evidence", args=[evidence[1].pk])
    for user in (users.officer_a, users.province_officer):
        response = client_for(user).get(url)
        assert response.status_code == 200
        body = response.getvalue()
        assert body == b"\x89PNG\r\n\x1a\n two"
        assert response["Content-Type"] == "image/png"
        assert response["Content-Disposition"].startswith("inline;")
        assert "%E1%BA%A2nh%20tr%E1%BA%A1m%20BTS.png" in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"


def test_an_evidence_file_is_refused_outside_its_scope(
    evidence: list[AssessmentEvidence], users: RegistryUsers
) -> None:
    """Anonymous: to the sign-in page. Another commune's officer: the 404 of a file that
    does not exist."""
    assert_refused_as_missing(
        route="criteria:evidence", pk=evidence[0].pk, outsider=users.officer_b
    )


def test_with_nginx_in_front_only_the_internal_path_is_sent(
    evidence: list[AssessmentEvidence], users: RegistryUsers, settings: Settings
) -> None:
    """With FILES_ACCEL_REDIRECT_PREFIX, the answer names the stored file under the
    internal location and carries no bytes."""
    settings.FILES_ACCEL_REDIRECT_PREFIX = "/_files/"
    response = client_for(users.officer_a).get(reverse("criteria:evidence", args=[evidence[0].pk]))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/_files/{evidence[0].file.name}"
    assert response.content == b""


def test_evidence_is_stored_under_names_no_one_can_guess(
    evidence: list[AssessmentEvidence],
) -> None:
    """Two files of one name get two random names in the kind's folder; the name the
    officer gave is kept for display."""
    first, second = (str(e.file.name) for e in evidence)
    assert first != second
    for stored in (first, second):
        assert re.fullmatch(r"evidence/criteria/[A-Za-z0-9_-]{22}\.png", stored)
    assert [e.name for e in evidence] == ["Ảnh trạm BTS.png", "Ảnh trạm BTS.png"]


def test_a_file_stored_before_random_names_is_still_served(
    evidence: list[AssessmentEvidence], users: RegistryUsers, tmp_path: Path
) -> None:
    """A file kept under the old path (year/set/unit/name), with no name recorded, is
    served by the same route under the name it was stored with."""
    old = evidence[0]
    path = f"criteria/2025/xa_ntm_2021_2025/{old.assessment.unit_id}/Biên bản.pdf"
    (tmp_path / path).parent.mkdir(parents=True)
    (tmp_path / path).write_bytes(b"%PDF-1.4 old")
    AssessmentEvidence.objects.filter(pk=old.pk).update(file=path, name="")
    response = client_for(users.officer_a).get(reverse("criteria:evidence", args=[old.pk]))
    assert response.getvalue() == b"%PDF-1.4 old"
    assert "Bi%C3%AAn%20b%E1%BA%A3n.pdf" in response["Content-Disposition"]
