"""Criteria sets as written — the shipped YAML, a province's YAML or XLSX file, the edit
form — read into what the platform stores and evaluates. Everything a set may say is
checked here, and every refusal names the line (the row of a spreadsheet) and the
reason; a file with any bad entry is refused whole.

A set:

    code: thon_thong_minh
    name_vi: "Thôn thông minh"
    level: village                # village, commune, district or province
    years: [2026, 2030]           # or [2026] for open-ended
    varies_by: region             # or commune_group; thresholds are then per key
    hardship_region: TDMNPB       # 318/QĐ-TTg: ĐBKK and ATK communes use these
    status: verified              # verified, secondary, inferred, unknown, provincial
    source: [s318-text]           # ids of `sources:` in the file, or URLs
    criteria:
      - code: "8"
        name_vi: "Thông tin và Truyền thông"
        indicators:               # or `unknown`: an officer assesses the criterion
          - code: "8.1"
            name_vi: "Xã có điểm phục vụ bưu chính"
            kind: computed        # computed, assessed, composite
            indicator: postal-service-point
            comparator: present   # gte, gt, lte, lt, eq, present
          - code: "8.5"
            kind: computed
            indicator: households-fibre
            comparator: gt
            threshold: {DBSH: 80, TDMNPB: 60}   # a number for every unit; `unknown`
    conditions:                   # set-level, besides the criteria
      - code: KM3
        kind: composite
        set: thon_thong_minh      # sub-units (or `over: self`) meeting a set…
        criterion: "2"            # …or one of its criteria (or indicators: "8.4")
        over: village
        measure: count            # or percent
        comparator: gte
        threshold: 1
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

import yaml
from django.utils.translation import gettext as _

from langso.core.errors import DomainError, ImportRejected, RowError
from langso.core.tabular import xlsx_check
from langso.places.models import CommuneGroup, Level, Region

from .models import Comparator, CompositeMeasure, FactStatus, IndicatorMethod, VariesBy

# Depth of each level, to check that a composite counts units below the set's level.
DEPTH: dict[str, int] = {Level.PROVINCE: 0, Level.DISTRICT: 1, Level.COMMUNE: 2, Level.VILLAGE: 3}
SELF = "self"
ALL_UNITS = "*"
NUMERIC = (Comparator.GTE, Comparator.GT, Comparator.LTE, Comparator.LT, Comparator.EQ)

# What a set, a criterion and an indicator may say, in the order the shipped file writes
# them (the order a stored set is written back in: PostgreSQL's jsonb keeps none).
SET_KEYS = (
    "code",
    "name_vi",
    "name_en",
    "legal_basis",
    "level",
    "years",
    "varies_by",
    "hardship_region",
    # The text leaves the whole content to provinces (thôn thông minh): a province's
    # set of the same code replaces it rather than varying its thresholds.
    "provincial_content",
    # What the legal text counts ({criteria: 19, indicators: 75}) where the catalogue
    # could not read them all: such a set is never evaluated as met.
    "declared",
    "status",
    "source",
    "note",
    "criteria",
    "conditions",
)
CRITERION_KEYS = ("code", "name_vi", "name_en", "group", "status", "source", "note", "indicators")
INDICATOR_KEYS = (
    "code",
    "name_vi",
    "name_en",
    "kind",
    "indicator",
    "set",
    "criterion",
    "over",
    "measure",
    "comparator",
    "threshold",
    "threshold_status",
    "provincial",
    "status",
    "source",
    "pass_conditions",
    "note",
)


class Lined(dict[str, Any]):
    """A mapping read from a file, with the line (or spreadsheet row) it starts on."""

    line: int = 0


class LineLoader(yaml.SafeLoader):
    """Safe YAML whose mappings remember their first line."""


def _construct_lined(loader: LineLoader, node: yaml.MappingNode) -> Lined:
    mapping = Lined({str(k): v for k, v in loader.construct_mapping(node, deep=True).items()})
    mapping.line = node.start_mark.line + 1
    return mapping


LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_lined)


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    name_vi: str
    name_en: str
    kind: str
    criterion: str | None  # None: a set-level condition
    indicator: str = ""
    comparator: str = ""
    thresholds: dict[str, str] = field(default_factory=dict)
    threshold_status: str = ""
    provincial: bool = False
    target_set: str = ""
    target_criterion: str = ""
    over: str = ""
    measure: str = ""
    status: str = FactStatus.UNKNOWN
    sources: list[dict[str, str]] = field(default_factory=list)
    pass_conditions: list[str] = field(default_factory=list)
    note: str = ""
    line: int = 0


@dataclass(frozen=True)
class CriterionSpec:
    code: str
    name_vi: str
    name_en: str
    group: str
    status: str
    sources: list[dict[str, str]]
    note: str


@dataclass(frozen=True)
class SetSpec:
    """A validated set, ready to store as one `CriteriaSet` version with its rows."""

    code: str
    name_vi: str
    name_en: str
    legal_basis: str
    level: str
    year_from: int
    year_to: int | None
    varies_by: str
    hardship_region: str
    status: str
    sources: list[dict[str, str]]
    note: str
    criteria: list[CriterionSpec]
    indicators: list[IndicatorSpec]
    spec: dict[str, Any]
    line: int

    def dependencies(self) -> set[str]:
        return {i.target_set for i in self.indicators if i.kind == IndicatorMethod.COMPOSITE}


@dataclass(frozen=True)
class KnownSet:
    """What the validator needs of a set already stored: its level and the codes of its
    criteria and indicators, for composites that count it, and the sets its own
    composites count, for cycles."""

    level: str
    criteria: frozenset[str]
    dependencies: frozenset[str]


# --- Reading files ------------------------------------------------------------------


def yaml_lined_load(text: str | bytes) -> Any:
    """A YAML document whose mappings are `Lined`; a file YAML cannot read is refused
    with the line it stopped at."""
    try:
        return yaml.load(text, Loader=LineLoader)  # noqa: S506  # a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise ImportRejected(
            [RowError(mark.line + 1 if mark else 0, "yaml", str(exc.problem or exc))]
        ) from exc
    except yaml.YAMLError as exc:
        raise ImportRejected([RowError(0, "yaml", str(exc))]) from exc


def lined_entries_read(
    text: str | bytes, key: str, refusal: str
) -> tuple[list[Lined], dict[str, str]]:
    """The entries of a YAML file (a list of them, one, or `<key>:` with `sources:`),
    and the file's source ids and their URLs; any other shape is refused with
    `refusal`. The reader of the catalogue and of the recognition procedures."""
    document = yaml_lined_load(text)
    sources: dict[str, str] = {}
    if isinstance(document, Mapping) and key in document:
        given = document.get("sources") or {}
        if isinstance(given, Mapping):
            sources = {str(k): str(v) for k, v in given.items()}
        document = document[key]
    if isinstance(document, Lined):
        document = [document]
    if not isinstance(document, list) or not all(isinstance(s, Lined) for s in document):
        raise ImportRejected([RowError(1, key, refusal)])
    return list(document), sources


def catalogue_yaml_read(text: str | bytes) -> tuple[list[Lined], dict[str, str]]:
    """The sets of a YAML file (a list of sets, one set, or `sets:` with `sources:`),
    and the file's source ids and their URLs."""
    refusal = _("tệp cần một bộ tiêu chí, một danh sách bộ, hoặc “sets:”")
    return lined_entries_read(text, "sets", refusal)


# Columns of the XLSX form: a sheet "bo_tieu_chi" of key / value rows for the set, and
# a sheet "chi_tieu" with one row per indicator (no criterion: a set-level condition).
XLSX_SET_SHEET = "bo_tieu_chi"
XLSX_ROWS_SHEET = "chi_tieu"
XLSX_COLUMNS = {
    "tieu_chi": "criterion_code",
    "ten_tieu_chi": "criterion_name_vi",
    "nhom": "group",
    "ma": "code",
    "ten": "name_vi",
    "ten_en": "name_en",
    "cach_danh_gia": "kind",
    "chi_so": "indicator",
    "so_sanh": "comparator",
    "nguong": "threshold",
    "bo_tieu_chi_con": "set",
    "tieu_chi_con": "criterion",
    "tren": "over",
    "do_bang": "measure",
    "muc_tin_cay": "status",
    "nguon": "source",
    "ghi_chu": "note",
    "muc_tin_cay_tieu_chi": "criterion_status",
}
# Threshold columns per region or group: "nguong_TDMNPB", "nguong_NHOM_1"…
XLSX_THRESHOLD_PREFIX = "nguong_"
# A set has some twenty criteria of a few indicators each: a hundred rows, a few hundred
# for a province's own. Five thousand is far past any set and still read in a moment.
XLSX_MAX_ROWS = 5000
XLSX_MAX_BYTES = 5 * 1024 * 1024


def catalogue_xlsx_read(file: IO[bytes] | bytes) -> Lined:
    """One set from an XLSX file, as the YAML reader gives it, each indicator with the
    row number the spreadsheet shows."""
    from openpyxl import load_workbook

    data = file if isinstance(file, bytes) else file.read(XLSX_MAX_BYTES + 1)
    if len(data) > XLSX_MAX_BYTES:
        raise DomainError(_("Tệp lớn hơn 5 MB."))
    # Refused before openpyxl reads it when it would unpack to far more than a set.
    xlsx_check(data, max_rows=XLSX_MAX_ROWS)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a bad file
        raise ImportRejected([RowError(0, "xlsx", _("không đọc được tệp XLSX"))]) from exc
    errors = [
        RowError(0, sheet, _("thiếu trang “%(sheet)s”") % {"sheet": sheet})
        for sheet in (XLSX_SET_SHEET, XLSX_ROWS_SHEET)
        if sheet not in book.sheetnames
    ]
    if errors:
        raise ImportRejected(errors)
    raw = Lined()
    raw.line = 1
    for row in book[XLSX_SET_SHEET].iter_rows(values_only=True):
        if row and row[0] not in (None, ""):
            key, value = str(row[0]).strip(), row[1] if len(row) > 1 else None
            if key == "years" and isinstance(value, str):
                raw[key] = [int(v) if v.strip().isdigit() else v for v in value.split("-")]
            elif key == "years":
                raw[key] = [value]
            elif key == "source" and isinstance(value, str):
                raw[key] = [s.strip() for s in value.split(",") if s.strip()]
            else:
                raw[key] = value
    rows = book[XLSX_ROWS_SHEET].iter_rows(values_only=True)
    header = [str(c or "").strip() for c in next(rows, ())]
    criteria: dict[str, Lined] = {}
    conditions: list[Lined] = []
    for number, row in enumerate(rows, start=2):
        cells = {h: v for h, v in zip(header, row, strict=False) if h and v not in (None, "")}
        if not cells:
            continue
        indicator = Lined()
        indicator.line = number
        thresholds: dict[str, Any] = {}
        for column, value in cells.items():
            if column.startswith(XLSX_THRESHOLD_PREFIX):
                thresholds[column.removeprefix(XLSX_THRESHOLD_PREFIX)] = value
            elif column in XLSX_COLUMNS:
                indicator[XLSX_COLUMNS[column]] = value
            else:
                indicator[column] = value
        if thresholds:
            indicator["threshold"] = thresholds
        if isinstance(indicator.get("source"), str):
            indicator["source"] = [s.strip() for s in indicator["source"].split(",") if s.strip()]
        criterion_code = indicator.pop("criterion_code", None)
        criterion_name = indicator.pop("criterion_name_vi", None)
        criterion_status = indicator.pop("criterion_status", None)
        group = indicator.pop("group", None)
        if criterion_code is None:
            conditions.append(indicator)
            continue
        key = text_of(criterion_code)
        if key not in criteria:
            criterion = Lined(code=key, name_vi=criterion_name, indicators=[])
            criterion.line = number
            if group:
                criterion["group"] = group
            if criterion_status:
                criterion["status"] = criterion_status
            criteria[key] = criterion
        criteria[key]["indicators"].append(indicator)
    raw["criteria"] = list(criteria.values())
    if conditions:
        raw["conditions"] = conditions
    return raw


def text_of(value: Any) -> str:
    """A code as written: a spreadsheet gives 8 for "8" and 8.1 for "8.1"."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


# --- Validating ---------------------------------------------------------------------


class Errors:
    """The refusals of a file being validated, each with its line."""

    def __init__(self) -> None:
        self.items: list[RowError] = []

    def add(self, where: Lined | int, column: str, reason: str) -> None:
        line = where if isinstance(where, int) else where.line
        self.items.append(RowError(line, column, reason))


def first_of_each_code(raws: Sequence[Lined], errors: Errors, repeated: str) -> Iterator[Lined]:
    """The entries of a file whose code no earlier entry has; each repeat is refused
    with `repeated`, a message naming the `code` and the `line` of the first."""
    seen: dict[str, int] = {}
    for raw in raws:
        code = text_of(raw.get("code"))
        if code in seen:
            errors.add(raw, "code", repeated % {"code": code, "line": seen[code]})
            continue
        seen[code] = raw.line
        yield raw


def catalogue_validate(
    raw_sets: Sequence[Lined],
    *,
    sources: Mapping[str, str],
    indicators: Mapping[str, str],
    stored: Mapping[str, KnownSet],
) -> list[SetSpec]:
    """Validate every set of a file. `indicators` maps each known indicator code to its
    unit; `stored` describes the sets already stored by code (of the centre and of the
    province importing). Raises `ImportRejected` listing every bad entry by line."""
    errors = Errors()
    specs: list[SetSpec] = []
    repeated = _("mã bộ tiêu chí “%(code)s” trùng với bộ ở dòng %(line)s")
    for raw in first_of_each_code(raw_sets, errors, repeated):
        spec = _set(raw, sources, indicators, errors)
        if spec is not None:
            specs.append(spec)
    if not errors.items:
        _check_composites(specs, stored, errors)
    if errors.items:
        raise ImportRejected(errors.items)
    return specs


def _slug_ok(code: str) -> bool:
    return bool(code) and len(code) <= 64 and code.replace("-", "").replace("_", "").isalnum()


def source_refs(
    raw: Lined, key: str, sources: Mapping[str, str], errors: Errors
) -> list[dict[str, str]]:
    given = raw.get(key) or []
    if isinstance(given, str):
        given = [given]
    if not isinstance(given, list):
        errors.add(raw, key, _("cần một danh sách nguồn"))
        return []
    found = []
    for item in given:
        name = str(item)
        if name.startswith(("http://", "https://")):
            found.append({"id": "", "url": name})
        elif name in sources:
            found.append({"id": name, "url": sources[name]})
        else:
            errors.add(
                raw, key, _("nguồn “%(source)s” không có trong “sources”") % {"source": name}
            )
    return found


def fact_status(raw: Lined, key: str, errors: Errors, default: str = FactStatus.UNKNOWN) -> str:
    value = raw.get(key, default)
    if value not in FactStatus.values:
        errors.add(
            raw,
            key,
            _("mức tin cậy “%(value)s” không có (một trong: %(values)s)")
            % {"value": value, "values": ", ".join(FactStatus.values)},
        )
        return default
    return str(value)


def unknown_keys(raw: Lined, allowed: Sequence[str], errors: Errors) -> None:
    for key in sorted(set(raw) - set(allowed)):
        errors.add(raw, key, _("không hiểu khoá “%(key)s”") % {"key": key})


def _set(
    raw: Lined, sources: Mapping[str, str], indicators: Mapping[str, str], errors: Errors
) -> SetSpec | None:
    before = len(errors.items)
    unknown_keys(raw, SET_KEYS, errors)
    code = text_of(raw.get("code"))
    if not _slug_ok(code):
        errors.add(raw, "code", _("mã phải gồm chữ, số, “-” hoặc “_”, tối đa 64 ký tự"))
    name_vi = text_of(raw.get("name_vi"))
    if not name_vi:
        errors.add(raw, "name_vi", _("thiếu tên tiếng Việt"))
    level = raw.get("level")
    if level not in DEPTH:
        errors.add(
            raw,
            "level",
            _("cấp “%(level)s” không có (một trong: %(levels)s)")
            % {"level": level, "levels": ", ".join(DEPTH)},
        )
    years = raw.get("years")
    year_from: int = 0
    year_to: int | None = None
    if (
        not isinstance(years, list)
        or not 1 <= len(years) <= 2
        or not all(isinstance(y, int) and 2000 <= y <= 2100 for y in years)
        or (len(years) == 2 and years[0] > years[1])
    ):
        errors.add(raw, "years", _("cần [năm đầu, năm cuối] hoặc [năm đầu], như [2026, 2030]"))
    else:
        year_from, year_to = years[0], (years[1] if len(years) == 2 else None)
    varies_by = raw.get("varies_by") or ""
    if varies_by not in VariesBy.values:
        errors.add(
            raw,
            "varies_by",
            _("“varies_by” là region, commune_group hoặc để trống, không phải “%(value)s”")
            % {"value": varies_by},
        )
        varies_by = ""
    declared = raw.get("declared") or {}
    if not isinstance(declared, Mapping) or not all(
        isinstance(v, int) and v > 0 for v in declared.values()
    ):
        errors.add(raw, "declared", _("cần dạng {criteria: 19, indicators: 57}"))
    if not isinstance(raw.get("provincial_content", False), bool):
        errors.add(raw, "provincial_content", _("“provincial_content” là true hoặc false"))
    hardship_region = raw.get("hardship_region") or ""
    if hardship_region and (varies_by != VariesBy.REGION or hardship_region not in Region.values):
        errors.add(raw, "hardship_region", _("chỉ dùng với ngưỡng theo vùng, và là mã một vùng"))
    keys = tuple(key for key, _label in threshold_keys(varies_by))
    criteria: list[CriterionSpec] = []
    specs: list[IndicatorSpec] = []
    indicator_lines: dict[str, int] = {}
    criterion_lines: dict[str, int] = {}
    raw_criteria = raw.get("criteria") or []
    if not isinstance(raw_criteria, list):
        errors.add(raw, "criteria", _("cần một danh sách tiêu chí"))
        raw_criteria = []
    for raw_criterion in raw_criteria:
        if not isinstance(raw_criterion, Lined):
            errors.add(raw, "criteria", _("mỗi tiêu chí là một khối khoá: giá trị"))
            continue
        unknown_keys(raw_criterion, CRITERION_KEYS, errors)
        criterion_code = text_of(raw_criterion.get("code"))
        if not criterion_code:
            errors.add(raw_criterion, "code", _("thiếu số tiêu chí"))
        else:
            repeat_check(
                raw_criterion,
                criterion_code,
                criterion_lines,
                errors,
                _("tiêu chí “%(code)s” trùng với tiêu chí ở dòng %(line)s"),
            )
        criterion_name = text_of(raw_criterion.get("name_vi"))
        status = fact_status(raw_criterion, "status", errors)
        if not criterion_name and status != FactStatus.UNKNOWN:
            errors.add(raw_criterion, "name_vi", _("thiếu tên tiêu chí"))
        criteria.append(
            CriterionSpec(
                code=criterion_code,
                name_vi=criterion_name or _("(chưa rõ tên)"),
                name_en=text_of(raw_criterion.get("name_en")),
                group=text_of(raw_criterion.get("group")),
                status=status,
                sources=source_refs(raw_criterion, "source", sources, errors),
                note=text_of(raw_criterion.get("note")),
            )
        )
        given = raw_criterion.get("indicators", "unknown")
        if given in ("unknown", None, []):
            # The text's indicators could not be read: an officer assesses the whole
            # criterion, so the set can still be evaluated, and nothing is invented.
            given = [_implicit(raw_criterion, criterion_code, criterion_name or _("(chưa rõ tên)"))]
        if not isinstance(given, list):
            errors.add(raw_criterion, "indicators", _("cần một danh sách chỉ tiêu hoặc unknown"))
            continue
        for raw_indicator in given:
            spec = _indicator(
                raw_indicator, criterion_code, sources, indicators, keys, errors, raw_criterion
            )
            if spec is not None:
                _unique(spec, raw_indicator, indicator_lines, errors)
                specs.append(spec)
    raw_conditions = raw.get("conditions") or []
    if not isinstance(raw_conditions, list):
        errors.add(raw, "conditions", _("cần một danh sách điều kiện"))
        raw_conditions = []
    for raw_condition in raw_conditions:
        spec = _indicator(raw_condition, None, sources, indicators, keys, errors, raw)
        if spec is not None:
            _unique(spec, raw_condition, indicator_lines, errors)
            specs.append(spec)
    if not criteria and not specs:
        errors.add(raw, "criteria", _("bộ tiêu chí cần ít nhất một tiêu chí hoặc điều kiện"))
    for spec in specs:
        if (
            spec.kind == IndicatorMethod.COMPOSITE
            and spec.over not in (SELF, "")
            and level in DEPTH
            and DEPTH[spec.over] <= DEPTH[level]
        ):
            errors.add(
                spec.line,
                "over",
                _("“%(over)s” không phải cấp dưới của cấp “%(level)s”")
                % {"over": spec.over, "level": level},
            )
    if len(errors.items) > before:
        return None
    return SetSpec(
        code=code,
        name_vi=name_vi,
        name_en=text_of(raw.get("name_en")),
        legal_basis=text_of(raw.get("legal_basis")),
        level=str(level),
        year_from=year_from,
        year_to=year_to,
        varies_by=varies_by,
        hardship_region=hardship_region,
        status=fact_status(raw, "status", errors),
        sources=source_refs(raw, "source", sources, errors),
        note=text_of(raw.get("note")),
        criteria=criteria,
        indicators=specs,
        spec=plain(raw),
        line=raw.line,
    )


def _implicit(raw_criterion: Lined, code: str, name: str) -> Lined:
    implicit = Lined(
        code=code,
        name_vi=name,
        kind=IndicatorMethod.ASSESSED,
        status=FactStatus.UNKNOWN,
        note=_("Chưa có chỉ tiêu chi tiết: cán bộ đánh giá cả tiêu chí."),
    )
    implicit.line = raw_criterion.line
    return implicit


def _unique(spec: IndicatorSpec, raw: Lined, lines: dict[str, int], errors: Errors) -> None:
    repeated = _("chỉ tiêu “%(code)s” trùng với chỉ tiêu ở dòng %(line)s")
    repeat_check(raw, spec.code, lines, errors, repeated)


def repeat_check(
    raw: Lined, code: str, lines: dict[str, int], errors: Errors, repeated: str
) -> None:
    """Refuse `code` where an earlier entry has it (`repeated` names the `code` and the
    `line` of the first), and remember the line of each code's first entry."""
    if code in lines:
        errors.add(raw, "code", repeated % {"code": code, "line": lines[code]})
    lines.setdefault(code, raw.line)


def threshold_keys(varies_by: str) -> list[tuple[str, str]]:
    """The keys a set's thresholds are given by, with their labels: one for every unit,
    or each region (2021-2025) or commune group (2026-2030)."""
    if varies_by == VariesBy.REGION:
        return [(str(v), str(label)) for v, label in Region.choices]
    if varies_by == VariesBy.COMMUNE_GROUP:
        return [(str(v), str(label)) for v, label in CommuneGroup.choices]
    return [(ALL_UNITS, _("Mọi đơn vị"))]


def threshold_of(thresholds: Mapping[str, str], key: str) -> str | None:
    """The threshold for a key, the common one standing for every key."""
    return thresholds.get(key, thresholds.get(ALL_UNITS))


def number_of(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    if isinstance(value, str):
        try:
            number = Decimal(value.strip().replace(",", "."))
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


def _thresholds(
    raw: Lined, given: Any, keys: tuple[str, ...], errors: Errors
) -> tuple[dict[str, str], bool]:
    """The thresholds per key as written (a number for all, a mapping per region or
    group, `unknown`/empty for unknown), and whether any was written at all."""
    if given is None or given == "unknown":
        return {}, False
    if not isinstance(given, Mapping):
        # One number: the same threshold whatever the region or group.
        given = {ALL_UNITS: given}
    elif keys == (ALL_UNITS,):
        errors.add(
            raw,
            "threshold",
            _("bộ tiêu chí không phân biệt vùng hay nhóm xã: cần một ngưỡng chung"),
        )
        return {}, True
    thresholds: dict[str, str] = {}
    for key, value in given.items():
        if key not in keys and key != ALL_UNITS:
            errors.add(
                raw,
                "threshold",
                _("“%(key)s” không phải vùng hay nhóm xã của bộ này (có: %(keys)s)")
                % {"key": key, "keys": ", ".join(keys)},
            )
            continue
        if value is None or value == "unknown":
            continue
        number = number_of(value)
        if number is None:
            errors.add(
                raw,
                "threshold",
                _("ngưỡng “%(value)s” của %(key)s không phải là số") % {"value": value, "key": key},
            )
            continue
        thresholds[str(key)] = str(number)
    return thresholds, True


def _indicator(
    raw: Any,
    criterion: str | None,
    sources: Mapping[str, str],
    indicators: Mapping[str, str],
    keys: tuple[str, ...],
    errors: Errors,
    parent: Lined,
) -> IndicatorSpec | None:
    if not isinstance(raw, Lined):
        errors.add(parent, "indicators", _("mỗi chỉ tiêu là một khối khoá: giá trị"))
        return None
    before = len(errors.items)
    unknown_keys(raw, INDICATOR_KEYS, errors)
    code = text_of(raw.get("code"))
    if not code or len(code) > 16:
        errors.add(raw, "code", _("thiếu mã chỉ tiêu (tối đa 16 ký tự)"))
    kind = raw.get("kind", IndicatorMethod.ASSESSED)
    if kind not in IndicatorMethod.values:
        errors.add(
            raw,
            "kind",
            _("cách đánh giá “%(kind)s” không có (một trong: %(kinds)s)")
            % {"kind": kind, "kinds": ", ".join(IndicatorMethod.values)},
        )
        return None
    name = text_of(raw.get("name_vi"))
    status = fact_status(raw, "status", errors)
    if not name and status != FactStatus.UNKNOWN:
        errors.add(raw, "name_vi", _("thiếu tên chỉ tiêu"))
    comparator = raw.get("comparator", "")
    thresholds: dict[str, str] = {}
    written = False
    fields: dict[str, Any] = {}
    if kind == IndicatorMethod.COMPUTED:
        indicator = text_of(raw.get("indicator"))
        if indicator not in indicators:
            errors.add(
                raw,
                "indicator",
                _("chỉ số “%(code)s” không có trong danh mục chỉ số") % {"code": indicator},
            )
        fields["indicator"] = indicator
    if kind in (IndicatorMethod.COMPUTED, IndicatorMethod.COMPOSITE):
        if comparator not in Comparator.values or (
            kind == IndicatorMethod.COMPOSITE and comparator == Comparator.PRESENT
        ):
            errors.add(
                raw,
                "comparator",
                _("phép so sánh “%(value)s” không có (một trong: %(values)s)")
                % {"value": comparator, "values": ", ".join(NUMERIC)},
            )
        elif comparator == Comparator.PRESENT:
            if raw.get("threshold") not in (None, "unknown", "Đạt"):
                errors.add(raw, "threshold", _("“present” không có ngưỡng số"))
            # A presence is met at 100%: the unit has it.
            thresholds, written = {ALL_UNITS: "100"}, True
        else:
            thresholds, written = _thresholds(raw, raw.get("threshold"), keys, errors)
        if (
            kind == IndicatorMethod.COMPUTED
            and comparator == Comparator.PRESENT
            and fields["indicator"]
            and indicators.get(fields["indicator"]) != "presence"
        ):
            errors.add(raw, "comparator", _("“present” chỉ dùng với chỉ số có/không (presence)"))
    elif comparator or raw.get("threshold") is not None:
        errors.add(raw, "comparator", _("chỉ tiêu do cán bộ đánh giá không có ngưỡng"))
    if kind == IndicatorMethod.COMPOSITE:
        target = text_of(raw.get("set"))
        if not target:
            errors.add(raw, "set", _("cần mã bộ tiêu chí mà đơn vị cấp dưới phải đạt"))
        over = raw.get("over", "")
        if over != SELF and over not in DEPTH:
            errors.add(
                raw,
                "over",
                _("“over” là self hoặc một cấp (%(levels)s)") % {"levels": ", ".join(DEPTH)},
            )
        measure = raw.get("measure", CompositeMeasure.PERCENT)
        if measure not in CompositeMeasure.values:
            errors.add(raw, "measure", _("“measure” là percent hoặc count"))
        fields |= {
            "target_set": target,
            "target_criterion": text_of(raw.get("criterion")),
            "over": str(over),
            "measure": str(measure),
        }
    provincial = raw.get("provincial", False)
    if not isinstance(provincial, bool):
        errors.add(raw, "provincial", _("“provincial” là true hoặc false"))
        provincial = False
    threshold_status = raw.get("threshold_status")
    if threshold_status is None:
        threshold_status = (
            (status if written and thresholds else FactStatus.UNKNOWN)
            if kind != IndicatorMethod.ASSESSED
            else ""
        )
    elif threshold_status not in FactStatus.values:
        errors.add(raw, "threshold_status", _("mức tin cậy của ngưỡng không hợp lệ"))
    pass_conditions = raw.get("pass_conditions") or []
    if isinstance(pass_conditions, str):
        pass_conditions = [pass_conditions]
    elif not isinstance(pass_conditions, list):
        errors.add(raw, "pass_conditions", _("cần một danh sách điều kiện đạt"))
    if len(errors.items) > before:
        return None
    return IndicatorSpec(
        code=code,
        name_vi=name or _("(chưa rõ tên)"),
        name_en=text_of(raw.get("name_en")),
        kind=str(kind),
        criterion=criterion,
        comparator=str(comparator),
        thresholds=thresholds,
        threshold_status=str(threshold_status),
        provincial=provincial,
        status=status,
        sources=source_refs(raw, "source", sources, errors),
        pass_conditions=[str(p) for p in pass_conditions],
        note=text_of(raw.get("note")),
        line=raw.line,
        **fields,
    )


def _check_composites(
    specs: Sequence[SetSpec], stored: Mapping[str, KnownSet], errors: Errors
) -> None:
    """Every composite counts a set that exists (in the file or stored), at the level it
    counts, by a criterion it has; and no set counts itself through others."""
    known: dict[str, KnownSet] = dict(stored)
    for spec in specs:
        known[spec.code] = KnownSet(
            level=spec.level,
            criteria=frozenset(c.code for c in spec.criteria)
            | frozenset(i.code for i in spec.indicators),
            dependencies=frozenset(spec.dependencies()),
        )
    for spec in specs:
        for indicator in spec.indicators:
            if indicator.kind != IndicatorMethod.COMPOSITE:
                continue
            line = indicator.line
            target = known.get(indicator.target_set)
            if target is None:
                errors.add(
                    line,
                    "set",
                    _("bộ tiêu chí “%(code)s” không có") % {"code": indicator.target_set},
                )
                continue
            level = spec.level if indicator.over == SELF else indicator.over
            if target.level != level:
                errors.add(
                    line,
                    "over",
                    _("bộ “%(code)s” áp dụng cho cấp “%(target)s”, không phải “%(level)s”")
                    % {"code": indicator.target_set, "target": target.level, "level": level},
                )
            if indicator.target_criterion and indicator.target_criterion not in target.criteria:
                errors.add(
                    line,
                    "criterion",
                    _("bộ “%(code)s” không có tiêu chí hay chỉ tiêu “%(criterion)s”")
                    % {"code": indicator.target_set, "criterion": indicator.target_criterion},
                )
        cycle = _cycle(spec.code, known)
        if cycle:
            errors.add(
                spec.line,
                "set",
                _("vòng lặp giữa các bộ tiêu chí: %(cycle)s") % {"cycle": " → ".join(cycle)},
            )


def _cycle(start: str, known: Mapping[str, KnownSet]) -> list[str]:
    """A path of composite dependencies from `start` back to itself, if any."""
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    visited: set[str] = set()
    while stack:
        code, path = stack.pop()
        for dependency in sorted(known[code].dependencies if code in known else ()):
            if dependency == start:
                return [*path, start]
            if dependency not in visited:
                visited.add(dependency)
                stack.append((dependency, [*path, dependency]))
    return []


def relined(value: Any) -> Any:
    """A stored spec as the validator reads it (no lines: errors then name the field)."""
    if isinstance(value, Mapping):
        lined = Lined({k: relined(v) for k, v in value.items()})
        lined.line = 0
        return lined
    if isinstance(value, list):
        return [relined(v) for v in value]
    return value


def plain(value: Any) -> Any:
    """The spec as JSON stores it (the line numbers dropped)."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, (int, float, str, bool)) or value is None:
        return value
    return str(value)
