"""Evidence files of reported values are served only through their route, to whoever
may read the unit's values: anonymous readers are sent to sign in, an officer of
another commune is answered as if the file did not exist, and the name the file is
stored under says nothing of the unit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pytest_django import Settings

from langso.accounts.testing import client_for
from langso.core.testing import assert_refused_as_missing
from langso.indicators.models import ReportedEvidence
from langso.indicators.testing import work_records_report
from langso.registry.testing import RegistryTree, RegistryUsers

pytestmark = pytest.mark.django_db


@pytest.fixture
def evidence(
    tree: RegistryTree, users: RegistryUsers, definitions: None, settings: Settings, tmp_path: Path
) -> list[ReportedEvidence]:
    settings.MEDIA_ROOT = tmp_path
    reported = work_records_report(
        actor=users.officer_a,
        commune=tree.a,
        evidence=[
            SimpleUploadedFile("Biên bản.pdf", b"%PDF-1.4 one"),
            SimpleUploadedFile("Biên bản.pdf", b"%PDF-1.4 two"),
        ],
    )
    return list(reported.evidence.order_by("pk"))


def test_an_evidence_file_is_served_to_readers_of_its_unit(
    evidence: list[ReportedEvidence], users: RegistryUsers
) -> None:
    """The commune's and the province's officers get the bytes under the file's name."""
    url = reverse("indicators:evidence", args=[evidence[0].pk])
    for user in (users.officer_a, users.province_officer):
        response = client_for(user).get(url)
        assert response.status_code == 200
        assert response.getvalue() == b"%PDF-1.4 one"
        assert response["Content-Type"] == "application/pdf"
        assert "Bi%C3%AAn%20b%E1%BA%A3n.pdf" in response["Content-Disposition"]


def test_an_evidence_file_is_refused_outside_its_scope(
    evidence: list[ReportedEvidence], users: RegistryUsers
) -> None:
    """Anonymous: to the sign-in page. Another commune's officer: the 404 of a file that
    does not exist."""
    assert_refused_as_missing(
        route="indicators:evidence", pk=evidence[0].pk, outsider=users.officer_b
    )


def test_evidence_is_stored_under_names_no_one_can_guess(
    evidence: list[ReportedEvidence],
) -> None:
    """Two files of one name get two random names, neither holding the unit's id or code."""
    first, second = (str(e.file.name) for e in evidence)
    assert first != second
    for stored in (first, second):
        # A folder per kind and 128 random bits: no folder of the unit, no name of it.
        assert re.fullmatch(r"evidence/indicators/[A-Za-z0-9_-]{22}\.pdf", stored)
    assert [e.name for e in evidence] == ["Biên bản.pdf", "Biên bản.pdf"]
