"""Freezing a dossier's self-assessment: the unit evaluated against its set for the
year, written as the snapshot's content (the format every part reads, `content` below),
its evidence files copied beside it, and the SHA-256 of the canonical JSON. A snapshot
is written once (`Snapshot.save` refuses an update); `selectors.dossiers.snapshot_verify`
recomputes its hash."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from langso.accounts.models import User
from langso.accounts.selectors import unit_label
from langso.core.actors import Actor
from langso.criteria.evaluation.engine import evaluate
from langso.criteria.evaluation.results import Evaluation, IndicatorResult
from langso.criteria.models import Assessment

from ..models import Dossier, Snapshot, SnapshotFile
from ..selectors.dossiers import content_sha256, satisfaction_read

SNAPSHOT_FORMAT = 1


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _person(user_id: int) -> str:
    user = User.objects.get(pk=user_id)
    return user.full_name or user.username


@dataclass
class _Evidence:
    indicator_code: str
    name: str
    content: bytes
    sha256: str


def _assessment(assessment: Assessment | None, files: list[_Evidence], code: str) -> Any:
    if assessment is None:
        return None
    evidence = []
    for stored in assessment.evidence.order_by("pk"):
        with stored.file.open("rb") as handle:
            content = handle.read()
        name = stored.name or PurePosixPath(stored.file.name or "").name
        frozen = _Evidence(code, name, content, _sha256(content))
        files.append(frozen)
        evidence.append({"name": name, "sha256": frozen.sha256})
    return {
        "verdict": assessment.verdict,
        "note": assessment.note,
        "entered_by": _person(assessment.entered_by_id),
        "entered_at": assessment.entered_at.isoformat(),
        "evidence": evidence,
    }


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _indicator(result: IndicatorResult, files: list[_Evidence]) -> dict[str, Any]:
    row = result.indicator
    return {
        "code": row.code,
        "name_vi": row.name_vi,
        "kind": row.kind,
        "status": result.status,
        "indicator": row.indicator or "",
        "comparator": row.comparator or "",
        "threshold": _text(result.threshold),
        "value": _text(result.value),
        "numerator": _text(result.numerator),
        "denominator": _text(result.denominator),
        "definition_version": result.definition_version,
        "definition_unit": result.definition_unit or "",
        "gap": _text(result.gap),
        "threshold_unknown": result.threshold_unknown,
        "assessment": _assessment(result.assessment, files, row.code),
    }


def snapshot_content(
    dossier: Dossier, evaluation: Evaluation, *, number: int, actor: Actor
) -> tuple[dict[str, Any], list[_Evidence]]:
    """The snapshot's content as the format fixes it, and the evidence files it names."""
    files: list[_Evidence] = []
    unit = dossier.unit
    criteria_set = evaluation.criteria_set
    content = {
        "format": SNAPSHOT_FORMAT,
        "dossier": dossier.pk,
        "number": number,
        "unit": {
            "id": unit.pk,
            "code": unit.code,
            "name": unit.name,
            "label": unit_label(unit),
            "level": unit.level,
        },
        "set": {
            "code": criteria_set.code,
            "version": criteria_set.version,
            "name_vi": criteria_set.name_vi,
            "legal_basis": criteria_set.legal_basis,
            "province": None if criteria_set.province is None else criteria_set.province.name,
        },
        "year": dossier.year,
        "period": evaluation.period,
        "threshold_key": evaluation.threshold_key,
        "threshold_reason": evaluation.threshold_reason,
        "status": evaluation.status,
        "passed": evaluation.passed,
        "total": evaluation.total,
        "criteria": [
            {
                "code": result.criterion.code,
                "name_vi": result.criterion.name_vi,
                "status": result.status,
                "indicators": [_indicator(item, files) for item in result.indicators],
            }
            for result in evaluation.criteria
        ],
        "conditions": [_indicator(item, files) for item in evaluation.conditions],
        "satisfaction": satisfaction_read(dossier),
        "taken_at": timezone.now().isoformat(),
        "taken_by": _person(actor.pk),
    }
    return content, files


def snapshot_take(*, actor: Actor, dossier: Dossier) -> Snapshot:
    """Freeze the dossier's self-assessment now (the caller holds the dossier's lock
    and has checked the step and the role): the next snapshot of the dossier, with its
    evidence files copied, and the dossier's set version set to the one evaluated."""
    evaluation = evaluate(code=dossier.set_code, units=[dossier.unit], year=dossier.year)[0]
    number = (
        dossier.snapshots.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    content, files = snapshot_content(dossier, evaluation, number=number, actor=actor)
    snapshot = Snapshot.objects.create(
        dossier=dossier,
        number=number,
        content=content,
        sha256=content_sha256(content),
        taken_by_id=actor.pk,
    )
    for frozen in files:
        SnapshotFile.objects.create(
            snapshot=snapshot,
            indicator_code=frozen.indicator_code,
            file=ContentFile(frozen.content, name=frozen.name),
            name=frozen.name[:255],
            sha256=frozen.sha256,
        )
    if dossier.criteria_set_id != evaluation.criteria_set.pk:
        dossier.criteria_set = evaluation.criteria_set
        dossier.save(update_fields=["criteria_set"])
    return snapshot
