"""Writes of criteria: sets (shipped, a central admin's, a province's) stored as new
versions, a province's thresholds, officers' assessments with evidence, and the
classification that picks a commune's thresholds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from langso.accounts.roles import Permission
from langso.accounts.selectors import is_nationwide, user_has_unit_permission
from langso.core.actors import Actor
from langso.core.errors import AccessDenied, DomainError, ImportRejected, RowError
from langso.core.evidence import evidence_files_check
from langso.core.models import AuditEntry
from langso.core.services import audit_record, model_snapshot
from langso.indicators.selectors import indicator_list
from langso.places.models import AdminUnit, CommuneGroup, Level, Region

from .catalogue import (
    ALL_UNITS,
    KnownSet,
    Lined,
    SetSpec,
    catalogue_validate,
    catalogue_xlsx_read,
    catalogue_yaml_read,
    relined,
)
from .models import (
    Assessment,
    AssessmentEvidence,
    CommuneClassification,
    Comparator,
    CriteriaSet,
    Criterion,
    CriterionIndicator,
    IndicatorMethod,
    Origin,
    Recognition,
    Verdict,
)
from .selectors.catalogue import criteria_set_sources

SHIPPED = Path(__file__).resolve().parent / "catalogue.yaml"


@dataclass(frozen=True)
class CatalogueReport:
    """What a load or import did: the versions added, and the sets already current."""

    added: list[CriteriaSet]
    unchanged: list[str]


# --- Sets ---------------------------------------------------------------------------


def _indicator_units() -> dict[str, str]:
    """Each indicator's code and what a presence check needs: "presence" for a presence
    entered by units, otherwise its unit."""
    return {
        d.code: "presence" if d.spec.get("entry") == "presence" else d.unit
        for d in indicator_list()
    }


def _latest(code: str, province: AdminUnit | None) -> CriteriaSet | None:
    return CriteriaSet.objects.filter(code=code, province=province).order_by("-version").first()


def _known_sets(province: AdminUnit | None) -> dict[str, KnownSet]:
    """The sets composites may count: the latest national ones, and the province's own
    over them."""
    known: dict[str, KnownSet] = {}
    owners = [None] if province is None else [None, province]
    for owner in owners:
        codes = CriteriaSet.objects.filter(province=owner).values_list("code", flat=True).distinct()
        for code in codes:
            latest = _latest(code, owner)
            if latest is None:
                continue
            known[code] = KnownSet(
                level=latest.level,
                criteria=frozenset(latest.criteria.values_list("code", flat=True))
                | frozenset(latest.indicators.values_list("code", flat=True)),
                dependencies=frozenset(
                    latest.indicators.filter(kind=IndicatorMethod.COMPOSITE).values_list(
                        "target_set", flat=True
                    )
                ),
            )
    return known


def define_criteria_check(actor: Actor | None, province: AdminUnit | None) -> None:
    """Refuse `actor` unless it may issue sets for `province` (None: the national sets);
    no actor is the platform loading what it ships. The recognition procedure, a
    province's rules as well, is issued under the same permission."""
    if actor is None:
        return  # the shipped catalogue, loaded by the platform itself
    if province is None:
        if not is_nationwide(user=actor, permission=Permission.DEFINE_CRITERIA):
            raise AccessDenied(_("Chỉ quản trị trung ương sửa được bộ tiêu chí quốc gia."))
    elif province.level != Level.PROVINCE or province.valid_to is not None:
        raise DomainError(_("Bộ tiêu chí riêng thuộc về một tỉnh hiện hành."))
    elif not user_has_unit_permission(
        user=actor, permission=Permission.DEFINE_CRITERIA, unit=province
    ):
        raise AccessDenied(
            _("Bạn không có quyền ban hành tiêu chí của %(province)s.") % {"province": province}
        )


def _stricter_or_equal(comparator: str, national: Decimal, province: Decimal) -> bool:
    if comparator in (Comparator.GTE, Comparator.GT):
        return province >= national
    if comparator in (Comparator.LTE, Comparator.LT):
        return province <= national
    return province == national


def _variant_errors(national: CriteriaSet, spec: SetSpec) -> list[RowError]:
    """A province's variant of a national set keeps its structure, and changes only the
    thresholds the text leaves to provinces (or does not give), or makes others
    stricter: where the law allows."""
    errors: list[RowError] = []
    same = {
        "level": (national.level, spec.level),
        "hardship_region": (
            national.spec.get("hardship_region") or "",
            spec.hardship_region,
        ),
        "declared": (national.spec.get("declared") or {}, spec.spec.get("declared") or {}),
        "years": ((national.year_from, national.year_to), (spec.year_from, spec.year_to)),
        "varies_by": (national.varies_by, spec.varies_by),
        "criteria": (
            [c.code for c in national.criteria.all()],
            [c.code for c in spec.criteria],
        ),
    }
    for column, (theirs, ours) in same.items():
        if theirs != ours:
            errors.append(
                RowError(
                    spec.line,
                    column,
                    _("biến thể của bộ quốc gia “%(code)s” phải giữ nguyên “%(column)s”")
                    % {"code": national.code, "column": column},
                )
            )
    ours_by_code = {i.code: i for i in spec.indicators}
    for indicator in national.indicators.all():
        mine = ours_by_code.pop(indicator.code, None)
        if mine is None:
            errors.append(
                RowError(
                    spec.line,
                    "indicators",
                    _("biến thể thiếu chỉ tiêu “%(code)s” của bộ quốc gia")
                    % {"code": indicator.code},
                )
            )
            continue
        shape = (
            indicator.kind,
            indicator.indicator,
            indicator.comparator,
            indicator.target_set,
            indicator.target_criterion,
            indicator.over,
            indicator.measure,
        )
        if shape != (
            mine.kind,
            mine.indicator,
            mine.comparator,
            mine.target_set,
            mine.target_criterion,
            mine.over,
            mine.measure,
        ):
            errors.append(
                RowError(
                    mine.line,
                    "kind",
                    _("chỉ tiêu “%(code)s”: tỉnh không đổi cách đánh giá của bộ quốc gia")
                    % {"code": indicator.code},
                )
            )
            continue
        for key, value in mine.thresholds.items():
            # A national threshold common to every region or group binds each of them.
            given = indicator.thresholds.get(key, indicator.thresholds.get(ALL_UNITS))
            if indicator.provincial or given is None:
                continue
            if not _stricter_or_equal(indicator.comparator, Decimal(given), Decimal(value)):
                errors.append(
                    RowError(
                        mine.line,
                        "threshold",
                        _(
                            "chỉ tiêu “%(code)s”: ngưỡng %(key)s của trung ương là %(national)s;"
                            " tỉnh chỉ được đặt chặt hơn"
                        )
                        % {"code": indicator.code, "key": key, "national": given},
                    )
                )
        errors.extend(
            RowError(
                mine.line,
                "threshold",
                _("chỉ tiêu “%(code)s”: không bỏ được ngưỡng %(key)s của trung ương")
                % {"code": indicator.code, "key": key},
            )
            for key in sorted(indicator.thresholds.keys() - mine.thresholds.keys())
        )
    errors.extend(
        RowError(
            extra.line,
            "code",
            _("biến thể không thêm được chỉ tiêu “%(code)s”") % {"code": extra.code},
        )
        for extra in ours_by_code.values()
    )
    return errors


def _fields(spec: SetSpec) -> dict[str, Any]:
    return {
        "name_vi": spec.name_vi,
        "name_en": spec.name_en,
        "legal_basis": spec.legal_basis,
        "level": spec.level,
        "year_from": spec.year_from,
        "year_to": spec.year_to,
        "varies_by": spec.varies_by,
        "status": spec.status,
        "sources": spec.sources,
        "note": spec.note,
        "spec": spec.spec,
    }


def _save(
    *, spec: SetSpec, province: AdminUnit | None, origin: str, actor: Actor | None
) -> CriteriaSet | None:
    """Store `spec` as the next version of its set, unless it says what the current
    version says (None then)."""
    fields = _fields(spec)
    latest = _latest(spec.code, province)
    if latest is not None and all(getattr(latest, k) == v for k, v in fields.items()):
        return None
    criteria_set = CriteriaSet.objects.create(
        code=spec.code,
        version=(latest.version + 1) if latest else 1,
        province=province,
        origin=origin,
        # The acting user; None for the shipped catalogue, loaded by the platform itself.
        created_by_id=actor.pk if actor is not None else None,
        **fields,
    )
    criteria = Criterion.objects.bulk_create(
        Criterion(
            criteria_set=criteria_set,
            code=c.code,
            name_vi=c.name_vi,
            name_en=c.name_en,
            group=c.group,
            position=position,
            status=c.status,
            sources=c.sources,
            note=c.note,
        )
        for position, c in enumerate(spec.criteria)
    )
    by_code = {c.code: c for c in criteria}
    CriterionIndicator.objects.bulk_create(
        CriterionIndicator(
            criteria_set=criteria_set,
            criterion=by_code[i.criterion] if i.criterion is not None else None,
            code=i.code,
            name_vi=i.name_vi,
            name_en=i.name_en,
            position=position,
            kind=i.kind,
            indicator=i.indicator,
            comparator=i.comparator,
            thresholds=i.thresholds,
            threshold_status=i.threshold_status,
            provincial=i.provincial,
            target_set=i.target_set,
            target_criterion=i.target_criterion,
            over=i.over,
            measure=i.measure,
            status=i.status,
            sources=i.sources,
            pass_conditions=i.pass_conditions,
            note=i.note,
        )
        for position, i in enumerate(spec.indicators)
    )
    return criteria_set


@transaction.atomic
def criteria_sets_save(
    *,
    actor: Actor | None,
    raw_sets: Sequence[Lined],
    sources: Mapping[str, str] | None = None,
    province: AdminUnit | None = None,
    origin: str = Origin.EDITED,
) -> CatalogueReport:
    """Validate every set, then store each changed one as a new version: all or
    nothing. A province's set with a national set's code is its variant of it."""
    define_criteria_check(actor, province)
    specs = catalogue_validate(
        raw_sets,
        sources=sources or {},
        indicators=_indicator_units(),
        stored=_known_sets(province),
    )
    if province is not None:
        errors: list[RowError] = []
        for spec in specs:
            national = _latest(spec.code, None)
            if national is not None and not national.spec.get("provincial_content"):
                errors.extend(_variant_errors(national, spec))
        if errors:
            raise ImportRejected(errors)
    added: list[CriteriaSet] = []
    unchanged: list[str] = []
    for spec in specs:
        saved = _save(spec=spec, province=province, origin=origin, actor=actor)
        if saved is None:
            unchanged.append(spec.code)
        else:
            added.append(saved)
    return CatalogueReport(added=added, unchanged=unchanged)


def criteria_catalogue_import(
    *, actor: Actor, province: AdminUnit | None, filename: str, file: IO[bytes]
) -> CatalogueReport:
    """A YAML or XLSX file of sets, by a central admin (national) or for a province."""
    name = filename.lower()
    if name.endswith((".yaml", ".yml")):
        raw_sets, sources = catalogue_yaml_read(file.read())
    elif name.endswith(".xlsx"):
        raw_sets, sources = [catalogue_xlsx_read(file)], {}
    else:
        raise DomainError(_("Chỉ nhận tệp .yaml, .yml hoặc .xlsx."))
    return criteria_sets_save(
        actor=actor, raw_sets=raw_sets, sources=sources, province=province, origin=Origin.IMPORTED
    )


def criteria_catalogue_load(
    *, path: Path = SHIPPED, province: AdminUnit | None = None
) -> CatalogueReport:
    """A catalogue file shipped with the platform — the national sets, or a demo
    province's own — loaded by the platform itself: each set whose entry changed gets
    a version."""
    raw_sets, sources = catalogue_yaml_read(path.read_bytes())
    return criteria_sets_save(
        actor=None, raw_sets=raw_sets, sources=sources, province=province, origin=Origin.SHIPPED
    )


def province_thresholds_set(
    *,
    actor: Actor,
    province: AdminUnit,
    set_code: str,
    thresholds: Mapping[str, Mapping[str, str | None]],
) -> CriteriaSet | None:
    """The province's thresholds for a set ({indicator code: {region or group or "*":
    value, None for unknown}}), stored as the next version of its variant."""
    base = _latest(set_code, province) or _latest(set_code, None)
    if base is None:
        raise DomainError(_("Không có bộ tiêu chí “%(code)s”.") % {"code": set_code})
    spec = relined(base.spec)
    items = [i for c in spec.get("criteria") or [] for i in (c.get("indicators") or [])]
    items += spec.get("conditions") or []
    by_code: dict[str, Lined] = {str(i.get("code")): i for i in items if isinstance(i, Lined)}
    for code, values in thresholds.items():
        item = by_code.get(code)
        if item is None or item.get("comparator") in (None, Comparator.PRESENT):
            raise DomainError(_("Chỉ tiêu “%(code)s” không có ngưỡng số.") % {"code": code})
        known = {k: v for k, v in values.items() if v not in (None, "")}
        if list(known) == [ALL_UNITS]:
            item["threshold"] = known[ALL_UNITS]
        else:
            item["threshold"] = dict(known) or "unknown"
        item["threshold_status"] = "provincial"
    report = criteria_sets_save(
        actor=actor, raw_sets=[spec], sources=criteria_set_sources(base), province=province
    )
    return report.added[0] if report.added else None


# --- Assessments and classification -------------------------------------------------


@transaction.atomic
def assessment_record(
    *,
    actor: Actor,
    criteria_set: CriteriaSet,
    indicator_code: str,
    unit: AdminUnit,
    year: int,
    verdict: str,
    note: str = "",
    evidence: Sequence[UploadedFile[Any]] = (),
) -> Assessment:
    """An officer's đạt / chưa đạt on an assessed indicator, with evidence files. A new
    finding replaces the previous one for the same year; the audit trail keeps both."""
    if not user_has_unit_permission(user=actor, permission=Permission.ASSESS_CRITERIA, unit=unit):
        raise AccessDenied(_("Bạn không có quyền đánh giá tiêu chí của %(unit)s.") % {"unit": unit})
    indicator = criteria_set.indicators.filter(code=indicator_code).first()
    if indicator is None or indicator.kind != IndicatorMethod.ASSESSED:
        raise DomainError(
            _("“%(code)s” không phải chỉ tiêu do cán bộ đánh giá trong bộ này.")
            % {"code": indicator_code}
        )
    if unit.level != criteria_set.level:
        raise DomainError(
            _("Bộ “%(set)s” áp dụng cho cấp %(level)s.")
            % {"set": criteria_set.name_vi, "level": Level(criteria_set.level).label}
        )
    if not criteria_set.applies_in(year):
        raise DomainError(
            _("Bộ “%(set)s” không áp dụng cho năm %(year)s.")
            % {"set": criteria_set.name_vi, "year": year}
        )
    if verdict not in Verdict.values:
        raise DomainError(_("Kết quả phải là đạt hoặc chưa đạt."))
    evidence_files_check(evidence)
    if verdict == Verdict.PASS and not evidence and not note.strip():
        raise DomainError(_("Ghi “đạt” cần minh chứng: một tệp hoặc một ghi chú."))
    existing = (
        Assessment.objects.select_for_update()
        .filter(set_code=criteria_set.code, unit=unit, year=year, indicator_code=indicator_code)
        .first()
    )
    fields = ["verdict", "note", "entered_by"]
    before = model_snapshot(existing, fields) if existing else {}
    assessment = existing or Assessment(
        set_code=criteria_set.code,
        indicator_code=indicator_code,
        unit=unit,
        province=unit.province,
        year=year,
    )
    assessment.verdict = verdict
    assessment.note = note.strip()
    assessment.entered_by_id = actor.pk
    assessment.save()
    for upload in evidence:
        AssessmentEvidence.objects.create(
            assessment=assessment, file=upload, name=Path(upload.name or "").name[:255]
        )
    audit_record(
        actor=actor,
        instance=assessment,
        action=AuditEntry.Action.UPDATE if existing else AuditEntry.Action.CREATE,
        before=before,
        after=model_snapshot(assessment, fields),
    )
    return assessment


@transaction.atomic
def commune_classification_set(
    *,
    actor: Actor,
    unit: AdminUnit,
    year: int,
    region: str = "",
    commune_group: str = "",
    extremely_disadvantaged: bool = False,
    safe_zone: bool = False,
) -> CommuneClassification:
    """A commune's classification for a year, set by the province."""
    if unit.level != Level.COMMUNE:
        raise DomainError(_("Chỉ phân loại được đơn vị cấp xã."))
    if not user_has_unit_permission(user=actor, permission=Permission.SET_COMMUNE_GROUP, unit=unit):
        raise AccessDenied(_("Bạn không có quyền phân loại %(unit)s.") % {"unit": unit})
    if region and region not in Region.values:
        raise DomainError(_("Vùng “%(region)s” không có.") % {"region": region})
    if commune_group and commune_group not in CommuneGroup.values:
        raise DomainError(_("Nhóm xã “%(group)s” không có.") % {"group": commune_group})
    fields = ["region", "commune_group", "extremely_disadvantaged", "safe_zone"]
    existing = (
        CommuneClassification.objects.select_for_update().filter(unit=unit, year=year).first()
    )
    before = model_snapshot(existing, fields) if existing else {}
    classification = existing or CommuneClassification(unit=unit, year=year)
    classification.region = region
    classification.commune_group = commune_group
    classification.extremely_disadvantaged = extremely_disadvantaged
    classification.safe_zone = safe_zone
    classification.set_by_id = actor.pk
    classification.save()
    audit_record(
        actor=actor,
        instance=classification,
        action=AuditEntry.Action.UPDATE if existing else AuditEntry.Action.CREATE,
        before=before,
        after=model_snapshot(classification, fields),
    )
    return classification


# --- Recognitions -------------------------------------------------------------------

_RECOGNITION_FIELDS = [
    "decision_number",
    "decision_date",
    "signer",
    "revoked_on",
    "revocation_number",
]


@transaction.atomic
def recognition_record(
    *,
    unit: AdminUnit,
    set_code: str,
    year: int,
    decision_number: str,
    decision_date: dt.date,
    signer: str,
    actor: Actor | None = None,
) -> Recognition:
    """The fact that `unit` is recognised as meeting the set `set_code` for `year`, by
    the province's decision. The caller (a dossier's decision, or an officer entering
    one decided outside the platform) has checked who may record it. A unit recognised
    again after a revocation keeps one row: the new decision replaces the revoked one,
    whose trace is in the audit trail."""
    existing = (
        Recognition.objects.select_for_update()
        .filter(unit=unit, set_code=set_code, year=year)
        .first()
    )
    if existing is not None and existing.in_force:
        raise DomainError(
            _("%(unit)s đã được công nhận đạt chuẩn năm %(year)s (quyết định %(number)s).")
            % {"unit": unit.name, "year": year, "number": existing.decision_number}
        )
    before = model_snapshot(existing, _RECOGNITION_FIELDS) if existing else {}
    recognition = existing or Recognition(
        unit=unit, province=unit.province, set_code=set_code, year=year
    )
    recognition.decision_number = decision_number
    recognition.decision_date = decision_date
    recognition.signer = signer
    recognition.revoked_on = None
    recognition.revocation_number = ""
    recognition.save()
    audit_record(
        actor=actor,
        instance=recognition,
        action=AuditEntry.Action.UPDATE if existing else AuditEntry.Action.CREATE,
        before=before,
        after=model_snapshot(recognition, _RECOGNITION_FIELDS),
    )
    return recognition


@transaction.atomic
def recognition_revoke(
    *,
    unit: AdminUnit,
    set_code: str,
    year: int,
    revoked_on: dt.date,
    revocation_number: str,
    actor: Actor | None = None,
) -> Recognition:
    """The unit's recognition for the set and year revoked by the province's decision
    `revocation_number` of `revoked_on`; refused where none is in force."""
    recognition = (
        Recognition.objects.select_for_update()
        .filter(unit=unit, set_code=set_code, year=year, revoked_on__isnull=True)
        .first()
    )
    if recognition is None:
        raise DomainError(
            _("%(unit)s không có công nhận đạt chuẩn năm %(year)s đang hiệu lực để thu hồi.")
            % {"unit": unit.name, "year": year}
        )
    before = model_snapshot(recognition, _RECOGNITION_FIELDS)
    recognition.revoked_on = revoked_on
    recognition.revocation_number = revocation_number
    recognition.save(update_fields=["revoked_on", "revocation_number"])
    audit_record(
        actor=actor,
        instance=recognition,
        action=AuditEntry.Action.UPDATE,
        before=before,
        after=model_snapshot(recognition, _RECOGNITION_FIELDS),
    )
    return recognition
