"""Reads about dossiers: how far past its deadline a step is, whether a snapshot still
verifies, and what has changed in the live evaluation since it was frozen."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from langso.core.files import file_sha256
from langso.core.workdays import working_days_between
from langso.criteria.evaluation.engine import evaluate
from langso.criteria.evaluation.results import IndicatorResult
from langso.criteria.evaluation.scoring import threshold_meets
from langso.indicators.selectors import indicator_values, period_parse

from ..models import Dossier, Snapshot
from ..procedure import SatisfactionSpec
from .procedures import procedure_spec


def canonical_json(content: dict[str, Any]) -> bytes:
    """The bytes a snapshot's hash is taken of: keys sorted, no spaces, UTF-8."""
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode(
        "utf-8"
    )


def content_sha256(content: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(content)).hexdigest()


def _evidence_hashes(content: dict[str, Any]) -> Counter[str]:
    hashes: Counter[str] = Counter()
    for entry in snapshot_indicators(content):
        for evidence in (entry.get("assessment") or {}).get("evidence") or ():
            hashes[evidence["sha256"]] += 1
    return hashes


def snapshot_indicators(content: dict[str, Any]) -> list[dict[str, Any]]:
    """Every indicator object of a snapshot's content: the criteria's, then the
    conditions'."""
    return [
        entry for criterion in content.get("criteria") or () for entry in criterion["indicators"]
    ] + list(content.get("conditions") or ())


def snapshot_verify(snapshot: Snapshot) -> bool:
    """Whether the snapshot is as frozen: its stored content hashes to its hash, and the
    evidence files kept with it are the ones its content names, byte for byte."""
    if content_sha256(snapshot.content) != snapshot.sha256:
        return False
    files = list(snapshot.files.all())
    if Counter(f.sha256 for f in files) != _evidence_hashes(snapshot.content):
        return False
    try:
        return all(file_sha256(f.file) == f.sha256 for f in files)
    except FileNotFoundError:
        return False


@dataclass(frozen=True)
class SnapshotChange:
    """One indicator whose value or status differs between the snapshot and the live
    evaluation (None on a side where the indicator is absent or has no value)."""

    code: str
    name_vi: str
    frozen_value: str | None
    frozen_status: str | None
    live_value: str | None
    live_status: str | None


def _shown(value: Any) -> str | None:
    return None if value is None else str(value)


def snapshot_changes(snapshot: Snapshot) -> list[SnapshotChange]:
    """What differs between the snapshot and the unit's live evaluation against the
    same set and year, indicator by indicator, in the snapshot's order (indicators
    only the live set has come last): the dossier page shows it beside the snapshot."""
    dossier = snapshot.dossier
    live: dict[str, IndicatorResult] = {
        result.indicator.code: result
        for result in evaluate(code=dossier.set_code, units=[dossier.unit], year=dossier.year)[
            0
        ].results()
    }
    changes = []
    for entry in snapshot_indicators(snapshot.content):
        now = live.pop(entry["code"], None)
        live_value = None if now is None else _shown(now.value)
        live_status = None if now is None else now.status
        if (entry["value"], entry["status"]) != (live_value, live_status):
            changes.append(
                SnapshotChange(
                    code=entry["code"],
                    name_vi=entry["name_vi"],
                    frozen_value=entry["value"],
                    frozen_status=entry["status"],
                    live_value=live_value,
                    live_status=live_status,
                )
            )
    changes.extend(
        SnapshotChange(
            code=code,
            name_vi=result.indicator.name_vi,
            frozen_value=None,
            frozen_status=None,
            live_value=_shown(result.value),
            live_status=result.status,
        )
        for code, result in live.items()
    )
    return changes


def dossier_overdue(dossier: Dossier, today: dt.date | None = None) -> int:
    """How many working days the dossier's step is past its due day (0 when it is not,
    or has none)."""
    if dossier.step_due_on is None or not dossier.is_open:
        return 0
    return working_days_between(dossier.step_due_on, today or timezone.localdate())


def snapshot_latest(dossier: Dossier) -> Snapshot | None:
    return dossier.snapshots.order_by("-number").first()


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def satisfaction_read(dossier: Dossier) -> dict[str, Any] | None:
    """The residents' satisfaction the dossier's procedure asks of its set, read live
    for the unit and year, against the threshold: None where the procedure asks none."""
    spec: SatisfactionSpec | None = procedure_spec(dossier.procedure).satisfaction.get(
        dossier.set_code
    )
    if spec is None:
        return None
    period = period_parse(str(dossier.year))
    value = indicator_values(code=spec.indicator, units=[dossier.unit], period=period).values[0]
    if value.value is None or spec.threshold is None:
        status = "unknown"
    else:
        status = "pass" if threshold_meets(spec.comparator, value.value, spec.threshold) else "fail"
    return {
        "indicator": spec.indicator,
        "value": _text(value.value),
        "numerator": _text(value.numerator),
        "denominator": _text(value.denominator),
        "threshold": _text(spec.threshold),
        "comparator": spec.comparator,
        "status": status,
    }
