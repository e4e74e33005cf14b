"""Reads of the catalogue pages: the sets in force grouped for the list, one set version
laid out with the status and source of every fact, its YAML for editing, the threshold
keys a set varies by, and the XLSX template of the import."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from langso.accounts.roles import Permission
from langso.accounts.selectors import current_unit_get, scope_unit, scoped_units
from langso.core import exports
from langso.core.actors import Actor
from langso.core.errors import NotFound
from langso.places.models import AdminUnit, CommuneGroup, Level, Region

from ..catalogue import (
    ALL_UNITS,
    CRITERION_KEYS,
    INDICATOR_KEYS,
    SET_KEYS,
    XLSX_COLUMNS,
    XLSX_ROWS_SHEET,
    XLSX_SET_SHEET,
    XLSX_THRESHOLD_PREFIX,
    threshold_keys,
    threshold_of,
)
from ..models import (
    CommuneClassification,
    Comparator,
    CompositeMeasure,
    CriteriaSet,
    Criterion,
    CriterionIndicator,
    IndicatorMethod,
)
from .sets import (
    criteria_set_period,
    criteria_set_rows,
    criteria_set_versions,
    criteria_sets_in_force,
    indicator_source_names,
)

LEVEL_ORDER = (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE, Level.VILLAGE)


# --- Context ------------------------------------------------------------------------


def province_get(*, code: str) -> AdminUnit:
    """A province in force today, by its code."""
    province = current_unit_get(level=Level.PROVINCE, code=code)
    if province is None:
        raise NotFound(_("Không có tỉnh mã “%(code)s”.") % {"code": code})
    return province


def province_for_user(*, user: Actor) -> AdminUnit | None:
    """The province of the one unit the user's scope hangs from (None: nationwide, no
    role, or roles in several provinces)."""
    unit = scope_unit(user=user, permission=Permission.VIEW_SCOPED)
    if unit is None:
        return None
    if unit.level == Level.PROVINCE:
        return unit
    return unit.province


def current_provinces() -> list[AdminUnit]:
    return list(AdminUnit.objects.current().filter(level=Level.PROVINCE).order_by("name"))


def definable_provinces(*, user: Actor) -> list[AdminUnit]:
    """The current provinces whose own sets and thresholds `user` may issue (every one
    for a central admin)."""
    return list(
        scoped_units(user=user, permission=Permission.DEFINE_CRITERIA)
        .filter(level=Level.PROVINCE, valid_to__isnull=True)
        .order_by("name")
    )


def _met_against_a_number(kind: str, comparator: str) -> bool:
    """Not an officer's finding, not a presence."""
    measured = kind in (IndicatorMethod.COMPUTED, IndicatorMethod.COMPOSITE)
    return measured and comparator not in ("", Comparator.PRESENT)


def is_numeric(indicator: CriterionIndicator) -> bool:
    """Whether an indicator is met against a number (not an officer's finding, not a
    presence)."""
    return _met_against_a_number(indicator.kind, indicator.comparator)


def _unknown_count(
    kind: str, comparator: str, thresholds: Mapping[str, str], keys: Iterable[str]
) -> int:
    if not _met_against_a_number(kind, comparator):
        return 0
    return sum(1 for key in keys if threshold_of(thresholds, key) is None)


# --- The list -----------------------------------------------------------------------


@dataclass(frozen=True)
class SetSummary:
    criteria_set: CriteriaSet
    criteria: int
    indicators: int
    unknown_thresholds: int


@dataclass(frozen=True)
class LevelGroup:
    level: str
    label: str
    sets: list[SetSummary]


@dataclass(frozen=True)
class PeriodGroup:
    label: str
    levels: list[LevelGroup]


def criteria_set_groups(*, province: AdminUnit | None) -> list[PeriodGroup]:
    """The sets in force for `province` (national ones without), latest period first,
    then by level from the province down, each with how many criteria and indicators
    it has and how many of its thresholds are still unknown."""
    sets = criteria_sets_in_force(province=province)
    ids = [s.pk for s in sets]
    criteria = dict(
        Criterion.objects.filter(criteria_set__in=ids)
        .values("criteria_set")
        .annotate(n=Count("pk"))
        .values_list("criteria_set", "n")
    )
    by_pk = {s.pk: s for s in sets}
    indicators: Counter[int] = Counter()
    unknown: Counter[int] = Counter()
    rows = CriterionIndicator.objects.filter(criteria_set__in=ids).values_list(
        "criteria_set", "kind", "comparator", "thresholds"
    )
    for set_id, kind, comparator, thresholds in rows:
        indicators[set_id] += 1
        keys = [k for k, _label in threshold_keys(by_pk[set_id].varies_by)]
        unknown[set_id] += _unknown_count(kind, comparator, thresholds, keys)
    periods: dict[tuple[int, int], dict[str, list[SetSummary]]] = defaultdict(
        lambda: defaultdict(list)
    )
    labels: dict[tuple[int, int], str] = {}
    for criteria_set in sets:
        key = (criteria_set.year_from, criteria_set.year_to or 9999)
        labels[key] = criteria_set_period(criteria_set)
        periods[key][criteria_set.level].append(
            SetSummary(
                criteria_set=criteria_set,
                criteria=criteria.get(criteria_set.pk, 0),
                indicators=indicators[criteria_set.pk],
                unknown_thresholds=unknown[criteria_set.pk],
            )
        )
    # Latest period first (2026-2030, then sets open from 2026, then 2021-2025).
    ordered = sorted(periods, key=lambda k: (-k[0], k[1]))
    return [
        PeriodGroup(
            label=labels[key],
            levels=[
                LevelGroup(
                    level=level,
                    label=str(Level(level).label),
                    sets=sorted(periods[key][level], key=lambda s: s.criteria_set.code),
                )
                for level in LEVEL_ORDER
                if level in periods[key]
            ],
        )
        for key in ordered
    ]


# --- One set ------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceLink:
    label: str
    # Empty unless a web address: a source id of a file may name anything.
    url: str


@dataclass(frozen=True)
class ThresholdCell:
    key: str
    value: str | None  # None: unknown


@dataclass(frozen=True)
class IndicatorLine:
    indicator: CriterionIndicator
    numeric: bool
    cells: list[ThresholdCell]
    sources: list[SourceLink]
    # The name of the indicator or set the line is read from (never its code).
    source_name: str = ""

    @property
    def all_unknown(self) -> bool:
        return self.numeric and all(c.value is None for c in self.cells)

    @property
    def over_label(self) -> str:
        """What a composite counts: the unit itself, or its sub-units of a level."""
        over = self.indicator.over
        if over in Level.values:
            return _("các đơn vị cấp %(level)s") % {"level": str(Level(over).label).lower()}
        return _("chính đơn vị") if over else ""

    @property
    def unit_label(self) -> str:
        if (
            self.indicator.kind == IndicatorMethod.COMPOSITE
            and self.indicator.measure == CompositeMeasure.PERCENT
        ):
            return "%"
        return ""


@dataclass(frozen=True)
class CriterionBlock:
    criterion: Criterion | None  # None: the set-level conditions
    sources: list[SourceLink]
    indicators: list[IndicatorLine]


@dataclass(frozen=True)
class SetPage:
    criteria_set: CriteriaSet
    keys: list[tuple[str, str]]
    blocks: list[CriterionBlock]
    sources: list[SourceLink]
    versions: list[CriteriaSet]
    latest: CriteriaSet
    text: str

    @property
    def is_latest(self) -> bool:
        return self.criteria_set.pk == self.latest.pk

    @property
    def unknown_thresholds(self) -> int:
        return sum(1 for b in self.blocks for i in b.indicators for c in i.cells if c.value is None)

    @property
    def has_numeric(self) -> bool:
        return any(i.numeric for b in self.blocks for i in b.indicators)


def source_links(sources: Sequence[Mapping[str, str]]) -> list[SourceLink]:
    links = []
    for source in sources:
        url = str(source.get("url") or "")
        label = str(source.get("id") or url)
        links.append(
            SourceLink(label=label, url=url if url.startswith(("http://", "https://")) else "")
        )
    return links


def _owned_versions(
    versions: Sequence[CriteriaSet], province: AdminUnit | None
) -> list[CriteriaSet]:
    """The versions of the province's own set or variant if it has one, else the
    national versions, latest first."""
    own = [v for v in versions if province is not None and v.province_id == province.pk]
    return own or [v for v in versions if v.province_id is None]


def criteria_set_page(
    *, code: str, province: AdminUnit | None, version: int | None = None
) -> SetPage:
    """A version (the latest by default) of the set `code` as the province has it (its
    own or variant, else the national), every criterion and indicator with its
    thresholds per key, and the versions of the province's and the national set."""
    versions = criteria_set_versions(code=code, province=province)
    owned = _owned_versions(versions, province)
    if not owned:
        raise NotFound(_("Không có bộ tiêu chí “%(code)s”.") % {"code": code})
    shown = owned[0]
    if version is not None:
        found = next((v for v in owned if v.version == version), None)
        if found is None:
            raise NotFound(_("Không có phiên bản %(version)s.") % {"version": version})
        shown = found
    criteria, indicators = criteria_set_rows(shown)
    keys = threshold_keys(shown.varies_by)
    by_criterion: dict[int | None, list[IndicatorLine]] = defaultdict(list)
    names = indicator_source_names(indicators)
    for indicator in indicators:
        numeric = is_numeric(indicator)
        by_criterion[indicator.criterion_id].append(
            IndicatorLine(
                indicator=indicator,
                numeric=numeric,
                cells=[
                    ThresholdCell(key=key, value=_shown(threshold_of(indicator.thresholds, key)))
                    for key, _label in keys
                ]
                if numeric
                else [],
                sources=source_links(indicator.sources),
                source_name=names.get(indicator.code, ""),
            )
        )
    blocks = [
        CriterionBlock(
            criterion=criterion,
            sources=source_links(criterion.sources),
            indicators=by_criterion[criterion.pk],
        )
        for criterion in criteria
    ]
    if by_criterion[None]:
        blocks.append(CriterionBlock(criterion=None, sources=[], indicators=by_criterion[None]))
    return SetPage(
        criteria_set=shown,
        keys=keys,
        blocks=blocks,
        sources=source_links(shown.sources),
        versions=versions,
        latest=owned[0],
        text=criteria_set_yaml(shown.spec),
    )


def _shown(value: str | None) -> str | None:
    """A threshold as Vietnamese writes numbers (decimal comma)."""
    return None if value is None else value.replace(".", ",")


def criteria_set_sources(criteria_set: CriteriaSet) -> dict[str, str]:
    """The source ids a stored set refers to and their addresses, so that its YAML,
    which names sources by id, can be saved again."""
    criteria, indicators = criteria_set_rows(criteria_set)
    found: dict[str, str] = {}
    every = [criteria_set.sources, *(c.sources for c in criteria), *(i.sources for i in indicators)]
    for sources in every:
        for source in sources:
            if source.get("id"):
                found[str(source["id"])] = str(source.get("url") or "")
    return found


_KEY_ORDER = (ALL_UNITS, *Region.values, *CommuneGroup.values)


def _ordered(value: Any, order: Sequence[str]) -> Any:
    if not isinstance(value, Mapping):
        return value
    return {k: value[k] for k in order if k in value} | {
        k: v for k, v in value.items() if k not in order
    }


def _indicator_ordered(value: Any) -> Any:
    value = _ordered(value, INDICATOR_KEYS)
    if isinstance(value, dict) and isinstance(value.get("threshold"), Mapping):
        value["threshold"] = _ordered(value["threshold"], _KEY_ORDER)
    return value


def criteria_set_yaml(spec: Mapping[str, Any]) -> str:
    """A stored set as YAML, its keys in the order the shipped file writes them."""
    ordered = _ordered(spec, SET_KEYS)
    criteria = ordered.get("criteria")
    if isinstance(criteria, list):
        ordered["criteria"] = []
        for criterion in criteria:
            criterion = _ordered(criterion, CRITERION_KEYS)
            if isinstance(criterion, dict) and isinstance(criterion.get("indicators"), list):
                criterion["indicators"] = [_indicator_ordered(i) for i in criterion["indicators"]]
            ordered["criteria"].append(criterion)
    if isinstance(ordered.get("conditions"), list):
        ordered["conditions"] = [_indicator_ordered(i) for i in ordered["conditions"]]
    return yaml.safe_dump(ordered, allow_unicode=True, sort_keys=False)


def set_indicator_get(*, criteria_set: CriteriaSet, code: str) -> CriterionIndicator:
    indicator = criteria_set.indicators.filter(code=code).select_related("criterion").first()
    if indicator is None:
        raise NotFound(_("Bộ này không có chỉ tiêu “%(code)s”.") % {"code": code})
    return indicator


def numeric_indicators(criteria_set: CriteriaSet) -> list[CriterionIndicator]:
    """The indicators of a set met against a number, whose thresholds a province enters."""
    return [i for i in criteria_set_rows(criteria_set)[1] if is_numeric(i)]


def commune_classification_get(*, unit: AdminUnit, year: int) -> CommuneClassification | None:
    return (
        CommuneClassification.objects.filter(unit=unit, year=year).select_related("set_by").first()
    )


# --- The XLSX template --------------------------------------------------------------

_TEMPLATE_SET_ROWS = (
    ("code", "thon_thong_minh", gettext_lazy("Mã bộ: chữ không dấu, số, “-” hoặc “_”")),
    ("name_vi", "Thôn thông minh", gettext_lazy("Tên tiếng Việt (bắt buộc)")),
    ("name_en", "Smart village", gettext_lazy("Tên tiếng Anh")),
    ("legal_basis", "Quyết định …/QĐ-UBND", gettext_lazy("Căn cứ")),
    ("level", "village", gettext_lazy("Cấp áp dụng: province, district, commune hoặc village")),
    ("years", "2026-2030", gettext_lazy("Năm đầu-năm cuối, hoặc một năm (không có năm cuối)")),
    (
        "varies_by",
        "",
        gettext_lazy("Để trống; region (theo vùng) hoặc commune_group (theo nhóm xã)"),
    ),
    (
        "status",
        "provincial",
        gettext_lazy("verified, secondary, inferred, unknown hoặc provincial"),
    ),
    ("source", "", gettext_lazy("Địa chỉ web của văn bản, cách nhau bằng dấu phẩy")),
    ("note", "", gettext_lazy("Ghi chú")),
)
# Columns of the indicator sheet besides XLSX_COLUMNS: keys the reader passes through.
_TEMPLATE_EXTRA_COLUMNS = ("status", "threshold_status", "provincial", "source")
_TEMPLATE_EXAMPLE: dict[str, exports.Value] = {
    "tieu_chi": "1",
    "ten_tieu_chi": "Hạ tầng số",
    "ma": "1.1",
    "ten": "Hộ có cáp quang băng rộng",
    "cach_danh_gia": "computed",
    "chi_so": "households-fibre",
    "so_sanh": "gt",
    "nguong": 80,
    "status": "provincial",
}


def catalogue_xlsx_template() -> bytes:
    """An XLSX to fill in: the set's keys with an example, the indicator columns with
    one example row, and a sheet of guidance; the import reads the first two."""
    keys = [*Region.values, *CommuneGroup.values]
    header = [
        *XLSX_COLUMNS,
        *(f"{XLSX_THRESHOLD_PREFIX}{k}" for k in keys),
        *_TEMPLATE_EXTRA_COLUMNS,
    ]
    guide = (
        _("Trang “%(sheet)s”: mỗi dòng một khoá của bộ tiêu chí (cột A) và giá trị (cột B).")
        % {"sheet": XLSX_SET_SHEET},
        _(
            "Trang “%(sheet)s”: mỗi dòng một chỉ tiêu; dòng không có “tieu_chi” là điều kiện"
            " chung của bộ."
        )
        % {"sheet": XLSX_ROWS_SHEET},
        _("cach_danh_gia: computed (tính từ chỉ số), assessed (cán bộ đánh giá), composite."),
        _("so_sanh: gte, gt, lte, lt, eq hoặc present (có/không)."),
        _(
            "nguong: một số cho mọi đơn vị; hoặc các cột nguong_<vùng/nhóm xã> khi bộ phân"
            " biệt; để trống nếu chưa có ngưỡng."
        ),
        _("Ghi mã chỉ tiêu (1.1, 1.10) dạng văn bản để bảng tính không đổi thành số."),
        _("Tệp có một dòng lỗi thì cả tệp bị từ chối; trang nhập liệt kê mọi dòng lỗi."),
    )
    return exports.xlsx_bytes(
        exports.Sheet(
            title=XLSX_SET_SHEET,
            rows=[
                [exports.Heading(key), example, str(note)]
                for key, example, note in _TEMPLATE_SET_ROWS
            ],
        ),
        exports.Sheet(
            title=XLSX_ROWS_SHEET,
            header=header,
            rows=[[_TEMPLATE_EXAMPLE.get(column, "") for column in header]],
        ),
        exports.Sheet(title=_("Hướng dẫn"), rows=[[str(line)] for line in guide]),
    )
