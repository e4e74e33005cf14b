"""Indicator definitions as written, in the shipped YAML or the edit form, read into
what the platform computes. Everything a definition may say is checked here, and a
refusal names the indicator, the part and the reason.

A registry indicator is a numerator over a denominator, each a count or a sum over
households with a filter on their fields:

    numerator: {registry: households, sum: adults_epayment}
    denominator: {registry: households, sum: adults, where: {adults_epayment: known}}

`where` maps a field to `known`, a value, a list of values (any of them), or
`{gte: n}`; `any: [has_tv, has_radio]` holds where either is yes. A reported indicator
says at which level it is entered and what is entered:

    source: reported
    level: commune
    entry: fraction      # numerator of denominator; or count (with min/max), or presence
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import yaml
from django.utils.translation import gettext as _

from langso.core.errors import DomainError
from langso.core.events import ACTIVITY_KINDS, ACTIVITY_SHARES
from langso.places.models import Level

from .measures import Condition, HouseholdMeasure, MeasureError, measure_build
from .models import IndicatorUnit, Source

REGISTRIES = ("households",)


class Entry:
    FRACTION = "fraction"
    COUNT = "count"
    PRESENCE = "presence"
    ALL = (FRACTION, COUNT, PRESENCE)


ENTRY_LEVELS = (Level.PROVINCE, Level.COMMUNE, Level.VILLAGE)


class DefinitionError(DomainError):
    """Every reason a definition is refused, each naming where."""

    def __init__(self, code: str, reasons: list[str]) -> None:
        self.code = code
        self.reasons = reasons
        super().__init__(
            _("Chỉ số “%(code)s” không hợp lệ: %(reasons)s")
            % {"code": code, "reasons": "; ".join(reasons)}
        )


@dataclass(frozen=True)
class Definition:
    """A validated definition, ready to store as one `IndicatorDefinition` version."""

    code: str
    name_vi: str
    name_en: str
    unit: str
    source: str
    spec: dict[str, Any]
    numerator: HouseholdMeasure | None = None
    denominator: HouseholdMeasure | None = None
    measures: tuple[HouseholdMeasure, ...] = field(default=())


# What a definition may say, in the order the shipped file and the edit form write it.
SPEC_KEYS = (
    "code",
    "name_vi",
    "name_en",
    "unit",
    "source",
    "numerator",
    "denominator",
    "level",
    "entry",
    "min",
    "max",
    "event",
    "note",
)


def definition_read(raw: Mapping[str, Any]) -> Definition:
    """Read one definition; `DefinitionError` lists everything wrong with it."""
    code = str(raw.get("code") or "").strip()
    reasons: list[str] = []
    if not code or not code.replace("-", "").replace("_", "").isalnum() or len(code) > 64:
        reasons.append(_("mã phải gồm chữ, số, “-” hoặc “_”, tối đa 64 ký tự"))
    unknown = sorted(set(raw) - set(SPEC_KEYS))
    if unknown:
        reasons.append(_("không hiểu các khoá: %(keys)s") % {"keys": ", ".join(unknown)})
    reasons.extend(
        _("thiếu %(key)s") % {"key": key}
        for key in ("name_vi", "name_en")
        if not str(raw.get(key) or "").strip()
    )
    unit = raw.get("unit")
    if unit not in IndicatorUnit.values:
        reasons.append(
            _("đơn vị “%(unit)s” không có (một trong: %(units)s)")
            % {"unit": unit, "units": ", ".join(IndicatorUnit.values)}
        )
    source = raw.get("source")
    spec = {key: raw[key] for key in sorted(raw) if key in SPEC_KEYS}
    base: dict[str, Any] = {
        "code": code,
        "name_vi": str(raw.get("name_vi") or "").strip(),
        "name_en": str(raw.get("name_en") or "").strip(),
        "unit": str(unit),
        "source": str(source),
        "spec": spec,
    }
    definition: Definition | None = None
    if source == Source.REGISTRY:
        definition = _registry(base, raw, reasons)
    elif source == Source.REPORTED:
        definition = _reported(base, raw, reasons)
    elif source == Source.ACTIVITY:
        _activity(raw.get("event"), unit, reasons)
        definition = Definition(**base)
    else:
        reasons.append(
            _("nguồn “%(source)s” không có (một trong: %(sources)s)")
            % {"source": source, "sources": ", ".join(Source.values)}
        )
    if reasons or definition is None:
        raise DefinitionError(code or "?", reasons)
    return definition


def _registry(base: dict[str, Any], raw: Mapping[str, Any], reasons: list[str]) -> Definition:
    parts: dict[str, HouseholdMeasure | None] = {}
    for part, label in (("numerator", _("tử số")), ("denominator", _("mẫu số"))):
        given = raw.get(part)
        if given is None and part == "denominator":
            parts[part] = None
            continue
        try:
            parts[part] = _measure(given)
        except MeasureError as exc:
            reasons.append(f"{label}: {exc}")
    if base["unit"] != IndicatorUnit.COUNT and raw.get("denominator") is None:
        reasons.append(_("một tỷ lệ cần mẫu số"))
    if base["unit"] == IndicatorUnit.COUNT and raw.get("denominator") is not None:
        reasons.append(_("một số lượng không có mẫu số"))
    numerator, denominator = parts.get("numerator"), parts.get("denominator")
    return Definition(
        **base,
        numerator=numerator,
        denominator=denominator,
        measures=tuple(m for m in (numerator, denominator) if m is not None),
    )


def _measure(given: Any) -> HouseholdMeasure:
    if not isinstance(given, Mapping):
        raise MeasureError(_("cần dạng {registry: households, sum: …, where: {…}}"))
    unknown = sorted(set(given) - {"registry", "sum", "where"})
    if unknown:
        raise MeasureError(_("không hiểu các khoá: %(keys)s") % {"keys": ", ".join(unknown)})
    registry = given.get("registry")
    if registry not in REGISTRIES:
        raise MeasureError(
            _("sổ “%(registry)s” không có số liệu tổng hợp (chỉ có: %(registries)s)")
            % {"registry": registry, "registries": ", ".join(REGISTRIES)}
        )
    where = given.get("where") or {}
    if not isinstance(where, Mapping):
        raise MeasureError(_("“where” cần dạng {trường: giá trị}"))
    return measure_build(
        field=given.get("sum"), where=tuple(_condition(k, v) for k, v in where.items())
    )


def _condition(name: str, value: Any) -> Condition:
    if name == "any":
        return Condition("", "any", tuple(value) if isinstance(value, list) else (value,))
    if value == "known":
        return Condition(name, "known")
    if isinstance(value, list):
        return Condition(name, "in", tuple(value))
    if isinstance(value, Mapping):
        if set(value) != {"gte"}:
            raise MeasureError(_("“%(field)s”: chỉ hiểu {gte: n}") % {"field": name})
        return Condition(name, "gte", value["gte"])
    return Condition(name, "eq", value)


def _activity(event: Any, unit: Any, reasons: list[str]) -> None:
    """An activity indicator counts the events of a kind the installed modules publish
    (surveys: visits; plans: residents trained), or is a share of people a module
    computes from its records (plans: officers trained)."""
    if unit == IndicatorUnit.PERCENT:
        if event not in ACTIVITY_SHARES:
            reasons.append(
                _("chưa có mô-đun nào tính tỷ lệ hoạt động “%(event)s” (có: %(kinds)s)")
                % {"event": event, "kinds": ", ".join(sorted(ACTIVITY_SHARES))}
            )
        return
    if event not in ACTIVITY_KINDS:
        reasons.append(
            _("chưa có mô-đun nào phát sự kiện “%(event)s” để đếm (có: %(kinds)s)")
            % {"event": event, "kinds": ", ".join(sorted(ACTIVITY_KINDS))}
        )
    if unit != IndicatorUnit.COUNT:
        reasons.append(_("chỉ số hoạt động là một số lượng (unit: count)"))


def _reported(base: dict[str, Any], raw: Mapping[str, Any], reasons: list[str]) -> Definition:
    level, entry = raw.get("level"), raw.get("entry")
    if level not in ENTRY_LEVELS:
        reasons.append(
            _("cấp nhập “%(level)s” không có (một trong: %(levels)s)")
            % {"level": level, "levels": ", ".join(ENTRY_LEVELS)}
        )
    if entry not in Entry.ALL:
        reasons.append(
            _("loại số liệu “%(entry)s” không có (một trong: %(entries)s)")
            % {"entry": entry, "entries": ", ".join(Entry.ALL)}
        )
    expected_unit = IndicatorUnit.COUNT if entry == Entry.COUNT else IndicatorUnit.PERCENT
    if entry in Entry.ALL and base["unit"] != expected_unit:
        reasons.append(
            _("số liệu loại “%(entry)s” có đơn vị “%(unit)s”")
            % {"entry": entry, "unit": expected_unit}
        )
    bounds: dict[str, Decimal | None] = {}
    for key in ("min", "max"):
        value = raw.get(key)
        if value is None:
            bounds[key] = None
            continue
        if entry != Entry.COUNT:
            reasons.append(_("chỉ số liệu loại count có min/max"))
            continue
        try:
            bounds[key] = Decimal(str(value))
        except ArithmeticError:
            reasons.append(_("%(key)s không phải là số") % {"key": key})
    if entry == Entry.COUNT and bounds.get("min") is None:
        # A count of something is never negative unless a definition says so.
        bounds["min"] = Decimal(0)
    low, high = bounds.get("min"), bounds.get("max")
    if low is not None and high is not None and low > high:
        reasons.append(_("min lớn hơn max"))
    return Definition(**base)


def definition_yaml(spec: Mapping[str, Any]) -> str:
    """A stored definition written back as the YAML it was read from, keys in the
    shipped file's order, for the edit form."""
    ordered = {key: spec[key] for key in SPEC_KEYS if key in spec}
    return yaml.safe_dump(ordered, allow_unicode=True, sort_keys=False, width=100)
