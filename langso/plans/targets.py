"""Plans and targets as written — a YAML file, a spreadsheet of targets, the edit form —
checked in one place. Every refusal names the line (the row of a spreadsheet) and the
reason; a file with any bad entry is refused whole. Knows nothing of HTTP; what exists
(indicators, sets, units) is handed in as `Known`.

A plan file (`docs/plans.md` has the same, with examples):

    plans:
      - code: cao-bang-cds-ntm-2021-2025     # letters, digits, "-" and "_"
        title_vi: "Kế hoạch …"
        title_en: "…"                        # optional
        unit: "04"                           # the issuing unit's code (may be abolished)
        legal_reference: "45/KH-UBND"        # optional
        issued: 2023-03-23                   # optional
        period: [2021-01-01, 2025-12-31]
        note: "…"                            # optional, shown first on the plan's page
        targets:
          - text_vi: "≥ 65% người từ 15 tuổi có tài khoản thanh toán điện tử"
            kind: indicator_value            # indicator_value, units_meeting, activity
            indicator: adults-epayment       # indicator_value, activity; units_meeting
            unit: "37001"                    # indicator_value: another unit than the plan's
            comparator: gte                  # gte, gt, lte, lt
            value: 65
            measure: percent                 # percent or count (an indicator's by default)
            deadline: 2025-12-31
            baseline: {value: 40, date: 2022-12-31}      # optional
            milestones: [{date: 2024-12-31, value: 55}]  # optional, between the two
          - text_vi: "≥ 97% số xã đạt chỉ tiêu 8.4"
            kind: units_meeting
            level: commune                   # the sub-units counted
            set: xa_ntm_2021_2025            # a set, with a criterion or an indicator
            criterion: "8.4"                 # of it ("8" or "8.4"), or none: the set
            # or instead of set/criterion: an indicator each sub-unit must meet
            # indicator: households-fibre, unit_comparator: gt, unit_threshold: 80
            comparator: gte
            value: 97
            measure: percent                 # percent of the sub-units, or a count
            deadline: 2025-12-31
          - text_vi: "≥ 2 huyện đạt chuẩn NTM"
            unbound: "chưa gắn chỉ số: cấp huyện không còn từ 01/07/2025"
            comparator: gte
            value: 2
            measure: count
            deadline: 2025-12-31
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from langso.core.errors import ImportRejected
from langso.criteria.catalogue import (
    Errors,
    Lined,
    first_of_each_code,
    lined_entries_read,
    number_of,
    text_of,
    unknown_keys,
)
from langso.places.models import AdminUnit, Level

from .models import TargetComparator, TargetKind, TargetMeasure

PLAN_KEYS = (
    "code",
    "title_vi",
    "title_en",
    "unit",
    "legal_reference",
    "issued",
    "period",
    "note",
    "targets",
)
TARGET_KEYS = (
    "text_vi",
    "kind",
    "indicator",
    "unit",
    "level",
    "set",
    "criterion",
    "unit_comparator",
    "unit_threshold",
    "comparator",
    "value",
    "measure",
    "deadline",
    "baseline",
    "milestones",
    "unbound",
)
# Sub-units a target may count: the levels of today's tree below a province.
SUBUNIT_LEVELS = (Level.COMMUNE, Level.VILLAGE)
# Indicators a kind may read, by source: activity targets read what the platform counts
# or what units report; an indicator's value reads any.
ACTIVITY_SOURCES = ("activity", "reported")


@dataclass(frozen=True)
class KnownIndicator:
    unit: str  # percent, ratio or count
    source: str  # registry, reported, activity


@dataclass(frozen=True)
class KnownSet:
    level: str
    # Codes of its criteria and of their indicators ("8", "8.4").
    parts: frozenset[str]


@dataclass(frozen=True)
class Known:
    """What a target may name: indicators, criteria sets and units."""

    indicators: Mapping[str, KnownIndicator]
    sets: Mapping[str, KnownSet]
    unit_of: Callable[[str], AdminUnit | None]


@dataclass(frozen=True)
class TargetSpec:
    text_vi: str
    kind: str
    comparator: str
    value: Decimal
    measure: str
    deadline: dt.date
    unit: AdminUnit | None = None
    level: str = ""
    indicator: str = ""
    set_code: str = ""
    criterion: str = ""
    unit_comparator: str = ""
    unit_threshold: Decimal | None = None
    baseline_value: Decimal | None = None
    baseline_on: dt.date | None = None
    milestones: list[dict[str, str]] = field(default_factory=list)
    unbound_reason: str = ""


@dataclass(frozen=True)
class PlanSpec:
    code: str
    title_vi: str
    unit: AdminUnit
    period_from: dt.date
    period_to: dt.date
    title_en: str = ""
    legal_reference: str = ""
    issued_on: dt.date | None = None
    note: str = ""
    targets: list[TargetSpec] = field(default_factory=list)


def plans_yaml_read(text: str | bytes) -> list[Lined]:
    """The plans of a YAML file (a list of plans, one, or `plans:`)."""
    refusal = _("tệp cần một kế hoạch, một danh sách kế hoạch, hoặc “plans:”")
    return lined_entries_read(text, "plans", refusal)[0]


def plans_validate(raw_plans: Sequence[Lined], *, known: Known) -> list[PlanSpec]:
    """Every plan of a file and every target of each; `ImportRejected` lists every bad
    entry by line."""
    errors = Errors()
    specs = []
    repeated = _("mã kế hoạch “%(code)s” trùng với kế hoạch ở dòng %(line)s")
    for raw in first_of_each_code(raw_plans, errors, repeated):
        spec = _plan(raw, known, errors)
        if spec is not None:
            specs.append(spec)
    if errors.items:
        raise ImportRejected(errors.items)
    return specs


def targets_validate(raw_targets: Sequence[Lined], *, known: Known) -> list[TargetSpec]:
    """Targets alone (a spreadsheet's rows, the edit form), checked as in a plan file."""
    errors = Errors()
    specs = [_target(raw, known, errors) for raw in raw_targets]
    if errors.items:
        raise ImportRejected(errors.items)
    return [spec for spec in specs if spec is not None]


def date_of(value: Any) -> dt.date | None:
    """A date as a file writes it: a YAML or spreadsheet date, "2025-12-31" or
    "31/12/2025"."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = text_of(value)
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()  # noqa: DTZ007  # a day, no time
        except ValueError:
            continue
    return None


def _number_of(value: Any) -> Decimal | None:
    """A number as a file writes it, or as a form gives it (a Decimal)."""
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    return number_of(value)


def _date(raw: Lined, key: str, errors: Errors, *, required: bool = True) -> dt.date | None:
    value = raw.get(key)
    if value in (None, "") and not required:
        return None
    found = date_of(value)
    if found is None:
        errors.add(raw, key, _("cần một ngày (31/12/2025 hoặc 2025-12-31)"))
    return found


def _text(raw: Lined, key: str, errors: Errors, *, required: bool, limit: int) -> str:
    text = text_of(raw.get(key))
    if required and not text:
        errors.add(raw, key, _("không được để trống"))
    elif len(text) > limit:
        errors.add(raw, key, _("dài quá %(limit)s ký tự") % {"limit": limit})
    return text


def _plan(raw: Lined, known: Known, errors: Errors) -> PlanSpec | None:
    before = len(errors.items)
    unknown_keys(raw, PLAN_KEYS, errors)
    code = text_of(raw.get("code"))
    if not code or len(code) > 64 or not code.replace("-", "").replace("_", "").isalnum():
        errors.add(raw, "code", _("mã kế hoạch chỉ gồm chữ, số, “-” và “_”"))
    title_vi = _text(raw, "title_vi", errors, required=True, limit=500)
    unit = _unit(raw, "unit", known, errors, required=True)
    period = raw.get("period")
    start = end = None
    if not isinstance(period, list) or len(period) != 2:
        errors.add(raw, "period", _("cần [từ ngày, đến ngày]"))
    else:
        start, end = date_of(period[0]), date_of(period[1])
        if start is None or end is None:
            errors.add(raw, "period", _("cần một ngày (31/12/2025 hoặc 2025-12-31)"))
        elif end < start:
            errors.add(raw, "period", _("ngày kết thúc trước ngày bắt đầu"))
    issued = _date(raw, "issued", errors, required=False)
    raw_targets = raw.get("targets") or []
    if not isinstance(raw_targets, list) or not all(isinstance(t, Lined) for t in raw_targets):
        errors.add(raw, "targets", _("cần một danh sách chỉ tiêu"))
        raw_targets = []
    targets = [_target(t, known, errors) for t in raw_targets]
    if len(errors.items) > before or unit is None or start is None or end is None:
        return None
    return PlanSpec(
        code=code,
        title_vi=title_vi,
        title_en=_text(raw, "title_en", errors, required=False, limit=500),
        unit=unit,
        legal_reference=_text(raw, "legal_reference", errors, required=False, limit=200),
        issued_on=issued,
        period_from=start,
        period_to=end,
        note=text_of(raw.get("note")),
        targets=[t for t in targets if t is not None],
    )


def _unit(
    raw: Lined, key: str, known: Known, errors: Errors, *, required: bool
) -> AdminUnit | None:
    code = text_of(raw.get(key))
    if not code:
        if required:
            errors.add(raw, key, _("không được để trống"))
        return None
    unit = known.unit_of(code)
    if unit is None:
        errors.add(raw, key, _("không có đơn vị hành chính mã “%(code)s”") % {"code": code})
    return unit


def _choice(raw: Lined, key: str, choices: Sequence[str], errors: Errors, default: str) -> str:
    value = text_of(raw.get(key)) or default
    if value not in choices:
        errors.add(
            raw,
            key,
            _("“%(value)s” không hợp lệ (một trong: %(values)s)")
            % {"value": value, "values": ", ".join(choices)},
        )
        return default
    return value


def _in_range(
    raw: Lined, key: str, number: Decimal | None, measure: str, errors: Errors
) -> Decimal | None:
    if number is None:
        return None
    if measure == TargetMeasure.PERCENT and not 0 <= number <= 100:
        errors.add(
            raw,
            key,
            _("%(value)s nằm ngoài khoảng 0–100 của một tỷ lệ phần trăm") % {"value": number},
        )
        return None
    if number < 0:
        errors.add(raw, key, _("%(value)s là số âm; số lượng từ 0 trở lên") % {"value": number})
        return None
    return number


def _indicator_measure(known: Known, code: str) -> str:
    unit = known.indicators[code].unit
    return TargetMeasure.COUNT if unit == "count" else TargetMeasure.PERCENT


def _binding(
    raw: Lined, kind: str, known: Known, errors: Errors
) -> tuple[dict[str, Any], str] | None:
    """The fields that bind a target of `kind`, and the measure its figure comes in
    (empty where the target chooses: units meeting something)."""
    indicator = text_of(raw.get("indicator"))
    if indicator and indicator not in known.indicators:
        errors.add(raw, "indicator", _("không có chỉ số “%(code)s”") % {"code": indicator})
        return None
    if kind in (TargetKind.INDICATOR_VALUE, TargetKind.ACTIVITY):
        if not indicator:
            errors.add(raw, "indicator", _("cần mã chỉ số"))
            return None
        if kind == TargetKind.ACTIVITY and known.indicators[indicator].source not in (
            ACTIVITY_SOURCES
        ):
            errors.add(
                raw,
                "indicator",
                _("chỉ số “%(code)s” không lấy từ hoạt động hay số liệu báo cáo")
                % {"code": indicator},
            )
            return None
        fields: dict[str, Any] = {"indicator": indicator}
        if kind == TargetKind.INDICATOR_VALUE:
            fields["unit"] = _unit(raw, "unit", known, errors, required=False)
        return fields, _indicator_measure(known, indicator)
    level = text_of(raw.get("level"))
    if level not in SUBUNIT_LEVELS:
        errors.add(raw, "level", _("cấp đơn vị đếm phải là xã hoặc thôn"))
        return None
    set_code = text_of(raw.get("set"))
    criterion = text_of(raw.get("criterion"))
    if set_code:
        found = known.sets.get(set_code)
        if found is None:
            errors.add(raw, "set", _("không có bộ tiêu chí “%(code)s”") % {"code": set_code})
            return None
        if found.level != level:
            errors.add(
                raw,
                "set",
                _("bộ tiêu chí “%(code)s” không áp dụng cho cấp này") % {"code": set_code},
            )
            return None
        if criterion and criterion not in found.parts:
            errors.add(
                raw,
                "criterion",
                _("bộ “%(set)s” không có tiêu chí hay chỉ tiêu “%(code)s”")
                % {"set": set_code, "code": criterion},
            )
            return None
        return {"level": level, "set_code": set_code, "criterion": criterion}, ""
    if not indicator:
        errors.add(raw, "set", _("cần một bộ tiêu chí hoặc một chỉ số mà đơn vị phải đạt"))
        return None
    unit_measure = _indicator_measure(known, indicator)
    comparator = _choice(raw, "unit_comparator", TargetComparator.values, errors, "gte")
    threshold = _in_range(
        raw, "unit_threshold", _required_number(raw, "unit_threshold", errors), unit_measure, errors
    )
    if threshold is None:
        return None
    return {
        "level": level,
        "indicator": indicator,
        "unit_comparator": comparator,
        "unit_threshold": threshold,
    }, ""


def _required_number(raw: Lined, key: str, errors: Errors) -> Decimal | None:
    number = _number_of(raw.get(key))
    if number is None:
        errors.add(raw, key, _("cần một số"))
    return number


def _target(raw: Lined, known: Known, errors: Errors) -> TargetSpec | None:
    before = len(errors.items)
    unknown_keys(raw, TARGET_KEYS, errors)
    text = _text(raw, "text_vi", errors, required=True, limit=500)
    unbound = text_of(raw.get("unbound"))
    kind = text_of(raw.get("kind"))
    binding: dict[str, Any] = {}
    measure = ""
    if unbound:
        kind = ""
    elif kind not in TargetKind.values:
        errors.add(
            raw,
            "kind",
            _("loại chỉ tiêu “%(value)s” không có (một trong: %(values)s), hoặc ghi “unbound”")
            % {"value": kind, "values": ", ".join(TargetKind.values)},
        )
    else:
        found = _binding(raw, kind, known, errors)
        if found is not None:
            binding, measure = found
    given_measure = text_of(raw.get("measure"))
    if given_measure and given_measure not in TargetMeasure.values:
        errors.add(
            raw,
            "measure",
            _("đơn vị đo “%(value)s” không có (percent hoặc count)") % {"value": given_measure},
        )
    elif measure and given_measure and given_measure != measure:
        errors.add(raw, "measure", _("chỉ số đo bằng “%(value)s”") % {"value": measure})
    measure = measure or given_measure or TargetMeasure.PERCENT
    comparator = _choice(raw, "comparator", TargetComparator.values, errors, "gte")
    value = _in_range(raw, "value", _required_number(raw, "value", errors), measure, errors)
    deadline = _date(raw, "deadline", errors)
    baseline_value: Decimal | None = None
    baseline_on: dt.date | None = None
    baseline = raw.get("baseline")
    if baseline not in (None, ""):
        if not isinstance(baseline, Mapping):
            errors.add(raw, "baseline", _("cần {value: …, date: …}"))
        else:
            where = Lined(baseline)
            where.line = raw.line
            baseline_value = _in_range(
                where, "baseline", _number_of(baseline.get("value")), measure, errors
            )
            baseline_on = date_of(baseline.get("date"))
            if baseline_value is None and _number_of(baseline.get("value")) is None:
                errors.add(raw, "baseline", _("mức cơ sở cần một số"))
            if baseline_on is None:
                errors.add(raw, "baseline", _("mức cơ sở cần một ngày"))
            elif deadline is not None and deadline <= baseline_on:
                errors.add(
                    raw,
                    "deadline",
                    _("hạn %(deadline)s không sau ngày của mức cơ sở %(baseline)s")
                    % {
                        "deadline": deadline.strftime("%d/%m/%Y"),
                        "baseline": baseline_on.strftime("%d/%m/%Y"),
                    },
                )
    milestones = _milestones(raw, measure, baseline_on, deadline, errors)
    if len(errors.items) > before or value is None or deadline is None:
        return None
    return TargetSpec(
        text_vi=text,
        kind=kind,
        comparator=comparator,
        value=value,
        measure=measure,
        deadline=deadline,
        baseline_value=baseline_value,
        baseline_on=baseline_on,
        milestones=milestones,
        unbound_reason=unbound,
        **binding,
    )


def _milestones(
    raw: Lined,
    measure: str,
    start: dt.date | None,
    deadline: dt.date | None,
    errors: Errors,
) -> list[dict[str, str]]:
    given = raw.get("milestones") or []
    if not isinstance(given, list) or not all(isinstance(m, Mapping) for m in given):
        errors.add(raw, "milestones", _("cần một danh sách {date: …, value: …}"))
        return []
    found = []
    for item in given:
        on = date_of(item.get("date"))
        where = Lined(item)
        where.line = raw.line
        value = _in_range(where, "milestones", _number_of(item.get("value")), measure, errors)
        if on is None or value is None:
            errors.add(raw, "milestones", _("mốc cần một ngày và một số"))
            continue
        if (start is not None and on <= start) or (deadline is not None and on >= deadline):
            errors.add(
                raw,
                "milestones",
                _("mốc %(date)s không nằm giữa mức cơ sở và hạn")
                % {"date": on.strftime("%d/%m/%Y")},
            )
            continue
        found.append({"date": on.isoformat(), "value": str(value)})
    return sorted(found, key=lambda m: m["date"])
