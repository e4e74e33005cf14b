"""Reported values: figures the platform does not hold (work records handled online, a
postal service point), entered per unit and period by an officer with the files that
back them, or imported from a spreadsheet."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import PurePosixPath
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from langso.accounts.roles import Permission
from langso.accounts.selectors import user_has_unit_permission
from langso.core.actors import Actor
from langso.core.errors import AccessDenied, DomainError, ImportRejected, RowError
from langso.core.evidence import evidence_files_check
from langso.core.models import AuditEntry
from langso.core.services import audit_record, model_snapshot
from langso.core.tabular import read_table
from langso.places.models import AdminUnit, Level
from langso.places.selectors import lineage_links

from ..definitions import Entry
from ..models import IndicatorDefinition, Period, ReportedEvidence, ReportedValue, Source
from ..selectors import indicator_get
from .periods import period_ensure, period_open_check

AUDITED = ["numerator", "denominator", "note"]


@dataclass(frozen=True)
class Figure:
    numerator: Decimal
    denominator: Decimal | None


def reported_figure_check(
    definition: IndicatorDefinition, numerator: Any, denominator: Any
) -> Figure:
    """The figure as stored, or `DomainError` saying why it is out of range."""
    entry = definition.spec["entry"]
    number = _decimal(numerator, _("tử số") if entry == Entry.FRACTION else _("giá trị"))
    if entry == Entry.PRESENCE:
        if number not in (0, 1):
            raise DomainError(
                _("Chỉ nhận 1 (có) hoặc 0 (không), không nhận %(v)s.") % {"v": numerator}
            )
        return Figure(number, None)
    if entry == Entry.COUNT:
        low, high = definition.spec.get("min", 0), definition.spec.get("max")
        if number < Decimal(str(low)) or (high is not None and number > Decimal(str(high))):
            raise DomainError(
                _("Giá trị %(v)s ngoài khoảng cho phép %(low)s – %(high)s.")
                % {"v": numerator, "low": low, "high": "∞" if high is None else high}
            )
        return Figure(number, None)
    whole = _decimal(denominator, _("mẫu số"))
    if whole < 0 or number < 0:
        raise DomainError(_("Tử số và mẫu số không được âm."))
    if number > whole:
        raise DomainError(
            _("Tử số %(n)s lớn hơn mẫu số %(d)s: tỷ lệ vượt 100%%.")
            % {"n": numerator, "d": denominator}
        )
    return Figure(number, whole)


def _decimal(value: Any, label: str) -> Decimal:
    if value is None or str(value).strip() == "":
        raise DomainError(_("Thiếu %(label)s.") % {"label": label})
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise DomainError(
            _("%(label)s “%(v)s” không phải là số.") % {"label": label, "v": value}
        ) from None
    if not number.is_finite():
        raise DomainError(_("%(label)s “%(v)s” không phải là số.") % {"label": label, "v": value})
    return number


def _reported_definition(code: str) -> IndicatorDefinition:
    definition = indicator_get(code=code)
    if definition.source != Source.REPORTED:
        raise DomainError(
            _("Chỉ số “%(code)s” được tính từ dữ liệu, không nhập tay.") % {"code": code}
        )
    return definition


def _unit_check(definition: IndicatorDefinition, unit: AdminUnit, period: Period) -> None:
    """The unit must have existed when the period ended: a figure of 2024 is entered
    for the communes of 2024, and is read on today's communes through the lineage."""
    if not unit.is_valid_on(period.end):
        raise DomainError(
            _("%(unit)s không tồn tại vào cuối kỳ %(period)s: nhập cho đơn vị của thời kỳ đó.")
            % {"unit": unit.name, "period": period.code}
        )
    if unit.level != definition.spec["level"]:
        raise DomainError(
            _("Chỉ số này được nhập cho cấp %(level)s, không phải cho %(unit)s.")
            % {"level": Level(definition.spec["level"]).label.lower(), "unit": unit.name}
        )


def _may_report(actor: Actor, unit: AdminUnit) -> bool:
    """On a current unit, by the officer's role; on a unit abolished in 2025 (figures of
    before), by a role on any unit it went into."""
    if unit.valid_to is None:
        return user_has_unit_permission(
            user=actor, permission=Permission.REPORT_INDICATORS, unit=unit
        )
    return any(
        user_has_unit_permission(
            user=actor, permission=Permission.REPORT_INDICATORS, unit=link.successor
        )
        for link in lineage_links(predecessor_ids=[unit.pk])
    )


def _store(
    *,
    actor: Actor,
    definition: IndicatorDefinition,
    unit: AdminUnit,
    period_id: int,
    figure: Figure,
    note: str,
) -> ReportedValue:
    existing = ReportedValue.objects.filter(
        indicator=definition.code, period_id=period_id, unit=unit
    ).first()
    before = model_snapshot(existing, AUDITED) if existing else None
    reported = existing or ReportedValue(
        indicator=definition.code,
        period_id=period_id,
        unit=unit,
        # A province carries itself as its province.
        province_id=unit.province_id or unit.pk,
        commune_id=unit.commune_id,
    )
    reported.definition = definition
    reported.numerator = figure.numerator
    reported.denominator = figure.denominator
    reported.note = note
    reported.entered_by_id = actor.pk
    reported.save()
    audit_record(
        actor=actor,
        instance=reported,
        action=AuditEntry.Action.UPDATE if existing else AuditEntry.Action.CREATE,
        before=before,
        after=model_snapshot(reported, AUDITED),
    )
    return reported


@transaction.atomic
def reported_value_set(
    *,
    actor: Actor,
    code: str,
    unit: AdminUnit,
    period: str,
    numerator: Any,
    denominator: Any = None,
    note: str = "",
    evidence: Sequence[UploadedFile[Any]] = (),
) -> ReportedValue:
    """Enter (or correct) the value of a reported indicator for one unit and period,
    with evidence files. Refused with the reason: another level's unit, a value out of
    its range, a closed period, a unit outside the officer's scope."""
    definition = _reported_definition(code)
    if not _may_report(actor, unit):
        raise AccessDenied(_("Bạn không được nhập số liệu cho %(unit)s.") % {"unit": unit.name})
    stored_period = period_ensure(code=period)
    _unit_check(definition, unit, stored_period)
    period_open_check(stored_period)
    figure = reported_figure_check(definition, numerator, denominator)
    evidence_files_check(evidence)
    reported = _store(
        actor=actor,
        definition=definition,
        unit=unit,
        period_id=stored_period.pk,
        figure=figure,
        note=note.strip(),
    )
    for upload in evidence:
        ReportedEvidence.objects.create(
            reported=reported,
            file=upload,
            name=PurePosixPath(upload.name or "").name[:255],
            uploaded_by_id=actor.pk,
        )
    return reported


IMPORT_COLUMNS = {
    "ma_don_vi": "Mã đơn vị",
    "tu_so": "Tử số",
    "mau_so": "Mẫu số",
    "ghi_chu": "Ghi chú",
}


@transaction.atomic
def reported_values_import(*, actor: Actor, code: str, period: str, file: Any) -> int:
    """Import a reported indicator's values for one period from a CSV or XLSX file
    (columns Mã đơn vị, Tử số — the value itself for a count or a presence —, Mẫu số for
    a fraction, Ghi chú). Any bad row refuses the whole file, every bad row listed by
    its number in the sheet; nothing is written then. Returns the values stored."""
    definition = _reported_definition(code)
    rows = read_table(file, columns=IMPORT_COLUMNS, optional=("mau_so", "ghi_chu"))
    stored_period = period_ensure(code=period)
    period_open_check(stored_period)
    level = definition.spec["level"]
    codes = [str(row.get("ma_don_vi") or "").strip() for row in rows]
    units = {
        unit.code: unit
        for unit in AdminUnit.objects.valid_on(stored_period.end).filter(
            level=level, code__in=[c for c in codes if c]
        )
    }
    errors: list[RowError] = []
    ready: list[tuple[AdminUnit, Figure, str]] = []
    seen: set[str] = set()
    for number, (row, unit_code) in enumerate(zip(rows, codes, strict=True), start=2):
        unit = units.get(unit_code)
        if unit is None:
            errors.append(
                RowError(
                    number,
                    "ma_don_vi",
                    _("không có %(level)s mã “%(code)s” vào cuối kỳ %(period)s")
                    % {
                        "level": Level(level).label.lower(),
                        "code": unit_code,
                        "period": stored_period.code,
                    },
                )
            )
            continue
        if unit_code in seen:
            errors.append(RowError(number, "ma_don_vi", _("mã đơn vị lặp lại ở dòng trước")))
            continue
        seen.add(unit_code)
        if not _may_report(actor, unit):
            errors.append(RowError(number, "ma_don_vi", _("ngoài phạm vi của bạn")))
            continue
        try:
            figure = reported_figure_check(definition, row["tu_so"], row.get("mau_so"))
        except DomainError as exc:
            errors.append(RowError(number, "tu_so", exc.message))
            continue
        ready.append((unit, figure, str(row.get("ghi_chu") or "").strip()))
    if errors:
        raise ImportRejected(errors)
    for unit, figure, note in ready:
        _store(
            actor=actor,
            definition=definition,
            unit=unit,
            period_id=stored_period.pk,
            figure=figure,
            note=note,
        )
    return len(ready)
