"""The officers' findings on assessed indicators of a unit, and their evidence files,
for whoever may read the unit."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _

from langso.accounts.roles import Permission
from langso.accounts.selectors import unit_in_scope
from langso.core.actors import Actor
from langso.core.errors import NotFound
from langso.places.models import AdminUnit

from ..models import Assessment, AssessmentEvidence


def assessments_for(*, set_code: str, unit: AdminUnit, year: int) -> Mapping[str, Assessment]:
    return {
        a.indicator_code: a
        for a in Assessment.objects.filter(
            set_code=set_code, unit=unit, year=year
        ).prefetch_related("evidence")
    }


def assessment_evidence_get_for_user(*, user: Actor, pk: int) -> AssessmentEvidence:
    """An evidence file of an assessment of a unit the user may read; one outside their
    scope is not found, as one that does not exist."""
    evidence = AssessmentEvidence.objects.select_related("assessment__unit").filter(pk=pk).first()
    if evidence is None or not unit_in_scope(
        user=user, unit=evidence.assessment.unit, permission=Permission.VIEW_SCOPED
    ):
        raise NotFound(_("Không tìm thấy tệp minh chứng này."))
    return evidence
