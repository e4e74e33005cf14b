"""Reads of criteria: the sets in force for a province, and the evaluation of any units
against a set for a year — each indicator's value, threshold, status and gap, each
criterion's status, the set's — with the figures and definition versions it used."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from langso.core.errors import DomainError, NotFound
from langso.indicators.selectors import (
    IndicatorValues,
    indicators_values,
    period_parse,
    units_for_values,
)
from langso.places.models import AdminUnit, Level, UnitLineage

from .catalogue import ALL_UNITS, SELF
from .models import (
    Assessment,
    AssessmentEvidence,
    CommuneClassification,
    Comparator,
    CompositeMeasure,
    CriteriaSet,
    Criterion,
    CriterionIndicator,
    Kind,
    VariesBy,
    Verdict,
)

HUNDRED = Decimal(100)
# Units are read without their shapes: an evaluation needs none, and a province's
# village boundaries are megabytes.
GEOMETRY = ("boundary", "centroid")


class Status(models.TextChoices):
    PASS = "pass", gettext_lazy("Đạt")
    FAIL = "fail", gettext_lazy("Chưa đạt")
    MISSING = "missing", gettext_lazy("Thiếu dữ liệu")
    NO_THRESHOLD = "no_threshold", gettext_lazy("Chưa có ngưỡng — tỉnh cần nhập")


# Results carry the statuses as plain strings: an evaluation of a province folds tens
# of thousands of them, and an enum member hashes in Python.
PASS, FAIL, MISSING, NO_THRESHOLD = (
    Status.PASS.value,
    Status.FAIL.value,
    Status.MISSING.value,
    Status.NO_THRESHOLD.value,
)
# A criterion or set takes the worst of its parts: a failure decides; a threshold the
# province has not entered comes next, since only the province can act on it.
_RANK = {FAIL: 0, NO_THRESHOLD: 1, MISSING: 2, PASS: 3}
_WORST_FIRST = (FAIL, NO_THRESHOLD, MISSING)


def status_fold(statuses: Iterable[str]) -> str:
    """The worst of `statuses` (pass when there are none)."""
    seen = set(statuses)
    return next((status for status in _WORST_FIRST if status in seen), PASS)


# --- Sets ---------------------------------------------------------------------------


def _latest_ids(queryset: models.QuerySet[CriteriaSet]) -> list[int]:
    latest = queryset.values("code", "province").annotate(top=Max("version"))
    condition = Q(pk__in=[])
    for row in latest:
        condition |= Q(code=row["code"], province=row["province"], version=row["top"])
    return list(CriteriaSet.objects.filter(condition).values_list("pk", flat=True))


def criteria_sets_in_force(*, province: AdminUnit | None) -> list[CriteriaSet]:
    """The latest version of every national set, and of the province's own sets; a
    province's variant of a national set stands in its place."""
    owners = Q(province__isnull=True)
    if province is not None:
        owners |= Q(province=province)
    latest = CriteriaSet.objects.filter(
        pk__in=_latest_ids(CriteriaSet.objects.filter(owners))
    ).select_related("province")
    by_code: dict[str, CriteriaSet] = {}
    for criteria_set in latest.order_by("year_from", "level", "code"):
        if criteria_set.code not in by_code or criteria_set.province_id is not None:
            by_code[criteria_set.code] = criteria_set
    return sorted(by_code.values(), key=lambda s: (-s.year_from, s.level, s.code))


def criteria_set_in_force(
    *, code: str, province: AdminUnit | None, year: int | None = None
) -> CriteriaSet:
    """The province's variant or own set of `code` if it has one (that applies in
    `year`, when given), else the national."""
    found = None
    for owner in ([province] if province is not None else []) + [None]:
        found = (
            CriteriaSet.objects.filter(code=code, province=owner)
            .select_related("province")
            .order_by("-version")
            .first()
        )
        if found is not None and (year is None or found.applies_in(year)):
            return found
    if found is not None:
        return found
    raise NotFound(_("Không có bộ tiêu chí “%(code)s”.") % {"code": code})


def criteria_set_versions(*, code: str, province: AdminUnit | None) -> list[CriteriaSet]:
    """The national versions of `code`, then the province's, newest first (NULLs put
    first explicitly: SQLite and PostgreSQL sort them at opposite ends)."""
    owners = Q(province__isnull=True) | (Q(province=province) if province else Q(pk__in=[]))
    return list(
        CriteriaSet.objects.filter(owners, code=code)
        .select_related("province", "created_by")
        .order_by(F("province_id").asc(nulls_first=True), "-version")
    )


def criteria_set_rows(
    criteria_set: CriteriaSet,
) -> tuple[list[Criterion], list[CriterionIndicator]]:
    """A version's criteria and indicators (conditions included), in their order."""
    criteria = list(criteria_set.criteria.all())
    indicators = list(criteria_set.indicators.all())
    return criteria, indicators


# --- Evaluation ---------------------------------------------------------------------


@dataclass(slots=True)
class IndicatorResult:
    """One indicator of a set at one unit. `gap` is in the indicator's unit (points of
    % for a share); `gap_units` how many households, people or sub-units are still
    needed, where that can be counted."""

    indicator: CriterionIndicator
    status: str
    value: Decimal | None = None
    threshold: Decimal | None = None
    threshold_key: str = ""
    gap: Decimal | None = None
    gap_units: int | None = None
    gap_noun: str = ""
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    # Provenance: the indicator definition version the value was computed by.
    definition_version: int | None = None
    # The indicator definition's unit (percent, count, ratio) of a computed value.
    definition_unit: str = ""
    assessment: Assessment | None = None
    # Thresholds differ by region or group and the unit has neither yet: no threshold
    # could be chosen (missing data), which is not an unknown threshold.
    unclassified: bool = False

    @property
    def unit_label(self) -> str:
        if self.indicator.kind == Kind.COMPOSITE:
            return "%" if self.indicator.measure == CompositeMeasure.PERCENT else ""
        if self.indicator.comparator == Comparator.PRESENT:
            return ""
        return "%" if self.definition_unit == "percent" else ""

    @property
    def threshold_unknown(self) -> bool:
        """No threshold for this unit because none was ever given (the province must
        enter it), rather than because the unit is not classified."""
        return (
            self.indicator.kind != Kind.ASSESSED
            and self.threshold is None
            and not self.unclassified
        )


@dataclass(slots=True)
class CriterionResult:
    criterion: Criterion
    status: str
    indicators: list[IndicatorResult]


@dataclass(frozen=True)
class Evaluation:
    """A unit against a set version for a year."""

    unit: AdminUnit
    criteria_set: CriteriaSet
    year: int
    status: str
    criteria: list[CriterionResult]
    conditions: list[IndicatorResult]
    # The region or commune group whose thresholds were used, and why.
    threshold_key: str
    threshold_reason: str
    period: str
    frozen: bool
    computed_at: dt.datetime

    @property
    def passed(self) -> int:
        return sum(1 for c in self.criteria if c.status == PASS)

    @property
    def total(self) -> int:
        return len(self.criteria)

    @property
    def short(self) -> list[CriterionResult]:
        """The criteria not met, failures first: what is missing."""
        return sorted(
            (c for c in self.criteria if c.status != PASS),
            key=lambda c: _RANK[c.status],
        )

    def results(self) -> list[IndicatorResult]:
        return [i for c in self.criteria for i in c.indicators] + self.conditions


def evaluate(*, code: str, units: Sequence[AdminUnit], year: int) -> list[Evaluation]:
    """Every unit of `units` (one level) against the set `code` in force in its
    province, for `year`, in the order given."""
    return _Evaluator(year).run(code, units)


def evaluate_statuses(*, code: str, units: Sequence[AdminUnit], year: int) -> dict[int, str]:
    """Each unit's status against the set `code` for `year`, by unit id, without the
    details: cheaper than `evaluate` where only the outcome counts."""
    return _Evaluator(year).statuses(code, units)


def evaluate_set(
    *, criteria_set: CriteriaSet, units: Sequence[AdminUnit], year: int
) -> list[Evaluation]:
    """Every unit against one given set version (composites count sub-units by the
    sets in force in their provinces)."""
    return _Evaluator(year).run_version(criteria_set, units)


@dataclass
class _Classified:
    key: str
    reason: str


class _Evaluator:
    """One evaluation run: sets in force and sub-unit evaluations are read once and
    shared by every composite that needs them."""

    def __init__(self, year: int) -> None:
        self.year = year
        self.period = period_parse(str(year))
        self.day = min(dt.date(year, 12, 31), timezone.localdate())
        self.sets: dict[tuple[str, int | None], CriteriaSet] = {}
        self.codes_read: set[str] = set()
        self.rows: dict[int, tuple[list[Criterion], list[CriterionIndicator]]] = {}
        self.done: dict[tuple[str, int], Evaluation] = {}
        # Statuses alone, of units counted by composites (not evaluated in full).
        self.exact: dict[tuple[str, int], str] = {}
        self.depth = 0

    def _in_force(self, code: str, province_id: int | None) -> CriteriaSet:
        """The set `code` in force in a province for the year: every owner's latest
        version of the code is read in one query, on first use."""
        if code not in self.codes_read:
            self.codes_read.add(code)
            for found in (
                CriteriaSet.objects.filter(code=code)
                .select_related("province")
                .order_by("province_id", "-version")
            ):
                self.sets.setdefault((code, found.province_id), found)
        own = self.sets.get((code, province_id)) if province_id else None
        if own is not None and own.applies_in(self.year):
            return own
        national = self.sets.get((code, None)) or own
        if national is None:
            raise NotFound(_("Không có bộ tiêu chí “%(code)s”.") % {"code": code})
        return national

    def run(self, code: str, units: Sequence[AdminUnit]) -> list[Evaluation]:
        by_set: dict[int, tuple[CriteriaSet, list[AdminUnit]]] = {}
        for unit in units:
            if (code, unit.pk) in self.done:
                continue
            criteria_set = self._in_force(code, unit.province_id if unit.valid_to is None else None)
            by_set.setdefault(criteria_set.pk, (criteria_set, []))[1].append(unit)
        for criteria_set, group in by_set.values():
            self.run_version(criteria_set, group)
        return [self.done[(code, unit.pk)] for unit in units]

    def run_version(
        self, criteria_set: CriteriaSet, units: Sequence[AdminUnit]
    ) -> list[Evaluation]:
        if not units:
            return []
        self._check(criteria_set, units)
        self.depth += 1
        if self.depth > 8:
            raise DomainError(_("Các bộ tiêu chí lồng nhau quá sâu."))
        try:
            evaluations = self._evaluate(criteria_set, units)
        finally:
            self.depth -= 1
        for evaluation in evaluations:
            self.done[(criteria_set.code, evaluation.unit.pk)] = evaluation
        return evaluations

    def _check(self, criteria_set: CriteriaSet, units: Sequence[AdminUnit]) -> None:
        """Refuse units of another level, and a year the set does not cover."""
        if any(unit.level != criteria_set.level for unit in units):
            raise DomainError(
                _("Bộ “%(set)s” áp dụng cho cấp %(level)s.")
                % {"set": criteria_set.name_vi, "level": Level(criteria_set.level).label}
            )
        if not criteria_set.applies_in(self.year):
            span = {
                "set": criteria_set.name_vi,
                "start": criteria_set.year_from,
                "end": criteria_set.year_to,
                "year": self.year,
            }
            raise DomainError(
                _("Bộ “%(set)s” áp dụng từ %(start)s đến %(end)s, không cho năm %(year)s.") % span
                if criteria_set.year_to
                else _("Bộ “%(set)s” áp dụng từ %(start)s, không cho năm %(year)s.") % span
            )

    def _rows(self, criteria_set: CriteriaSet) -> tuple[list[Criterion], list[CriterionIndicator]]:
        if criteria_set.pk not in self.rows:
            self.rows[criteria_set.pk] = criteria_set_rows(criteria_set)
        return self.rows[criteria_set.pk]

    def _evaluate(self, criteria_set: CriteriaSet, units: Sequence[AdminUnit]) -> list[Evaluation]:
        criteria, indicators = self._rows(criteria_set)
        classified = self._classify(criteria_set, units)
        computed = [i for i in indicators if i.kind == Kind.COMPUTED]
        values: dict[str, IndicatorValues] = {}
        if computed:
            codes = list(dict.fromkeys(i.indicator for i in computed))
            for found in indicators_values(codes=codes, units=units, period=self.period):
                values[found.definition.code] = found
        by_unit = {code: {v.unit.id: v for v in found.values} for code, found in values.items()}
        assessments = self._assessments(criteria_set, units)
        composites = {
            i.code: self._composite(criteria_set, i, units)
            for i in indicators
            if i.kind == Kind.COMPOSITE
        }
        # A set whose text counts more criteria than the catalogue holds is never met.
        declared = (criteria_set.spec.get("declared") or {}).get("criteria") or 0
        incomplete = declared > len(criteria)
        frozen = any(v.frozen for v in values.values())
        computed_at = min(v.computed_at for v in values.values()) if values else timezone.now()
        evaluations = []
        for unit in units:
            where = classified[unit.id]
            if criteria_set.varies_by and not where.key:
                # Thresholds differ by region or group, and this commune has none yet:
                # the province must classify it before any threshold applies.
                where = _Classified(
                    "",
                    _("chưa xếp vùng")
                    if criteria_set.varies_by == VariesBy.REGION
                    else _("chưa xếp nhóm xã"),
                )
            results: dict[str, IndicatorResult] = {}
            for indicator in indicators:
                if indicator.kind == Kind.COMPUTED:
                    found = values[indicator.indicator]
                    results[indicator.code] = _computed(
                        indicator, where.key, found, by_unit[indicator.indicator].get(unit.id)
                    )
                elif indicator.kind == Kind.ASSESSED:
                    assessment = assessments.get((unit.id, indicator.code))
                    status: str = (
                        MISSING
                        if assessment is None
                        else PASS
                        if assessment.verdict == Verdict.PASS
                        else FAIL
                    )
                    results[indicator.code] = IndicatorResult(
                        indicator=indicator, status=status, assessment=assessment
                    )
                else:
                    met, total, undecided, noun = composites[indicator.code].get(
                        unit.id, (0, 0, 0, "")
                    )
                    results[indicator.code] = _composite_result(
                        indicator, where.key, met, total, undecided, noun
                    )
            by_criterion: dict[int | None, list[IndicatorResult]] = defaultdict(list)
            for result in results.values():
                by_criterion[result.indicator.criterion_id].append(result)
            criterion_results = [
                CriterionResult(
                    criterion=criterion,
                    status=status_fold(r.status for r in by_criterion[criterion.pk]),
                    indicators=by_criterion[criterion.pk],
                )
                for criterion in criteria
            ]
            conditions = by_criterion[None]
            status = status_fold(
                [c.status for c in criterion_results] + [c.status for c in conditions]
            )
            if status == PASS and incomplete:
                status = MISSING
            evaluations.append(
                Evaluation(
                    unit=unit,
                    criteria_set=criteria_set,
                    year=self.year,
                    status=status,
                    criteria=criterion_results,
                    conditions=conditions,
                    threshold_key=where.key,
                    threshold_reason=where.reason,
                    period=self.period.code,
                    frozen=frozen,
                    computed_at=computed_at,
                )
            )
        return evaluations

    def _assessments(
        self, criteria_set: CriteriaSet, units: Sequence[AdminUnit]
    ) -> dict[tuple[int, str], Assessment]:
        """The officers' findings by unit and indicator, each with its officer; the few
        officers are read once rather than joined onto every finding."""
        found = {
            (a.unit_id, a.indicator_code): a
            for a in Assessment.objects.filter(
                set_code=criteria_set.code, year=self.year, unit__in=[u.pk for u in units]
            ).only(
                "id", "unit_id", "indicator_code", "verdict", "note", "entered_by_id", "entered_at"
            )
        }
        officers = {
            user.pk: user
            for user in get_user_model().objects.filter(
                pk__in={a.entered_by_id for a in found.values()}
            )
        }
        for assessment in found.values():
            assessment.entered_by = officers[assessment.entered_by_id]
        return found

    def _classify(
        self, criteria_set: CriteriaSet, units: Sequence[AdminUnit]
    ) -> dict[int, _Classified]:
        """The threshold key of each unit: its region or commune group in the year
        (the province's classification, else the unit's own, else — for a current
        commune — its predecessors' region), with the hardship rule of 318/QĐ-TTg."""
        if criteria_set.varies_by == VariesBy.NOTHING:
            return {unit.pk: _Classified(ALL_UNITS, "") for unit in units}
        commune_of = {unit.pk: unit.commune_id or unit.pk for unit in units}
        rows = {
            c.unit_id: c
            for c in CommuneClassification.objects.filter(
                year=self.year, unit__in=set(commune_of.values())
            )
        }
        communes = {
            c.pk: c
            for c in AdminUnit.objects.filter(pk__in=set(commune_of.values()))
            .select_related("province")
            .defer(*GEOMETRY, "province__boundary", "province__centroid")
        }
        hardship = str(criteria_set.spec.get("hardship_region") or "")
        inherited: dict[int, str] = {}
        if criteria_set.varies_by == VariesBy.REGION:
            inherited = self._regions_from_lineage(
                [c for c in communes.values() if not _own_region(c)]
            )
        classified = {}
        for unit in units:
            commune = communes.get(commune_of[unit.pk])
            row = rows.get(commune_of[unit.pk])
            if criteria_set.varies_by == VariesBy.COMMUNE_GROUP:
                group = (row.commune_group if row else "") or (
                    commune.commune_group if commune else ""
                )
                reason = (
                    _("phân loại năm %(year)s") % {"year": self.year}
                    if row and row.commune_group
                    else ""
                )
                classified[unit.pk] = _Classified(group, reason)
                continue
            if row is not None and hardship and (row.extremely_disadvantaged or row.safe_zone):
                why = (
                    _("xã đặc biệt khó khăn")
                    if row.extremely_disadvantaged
                    else _("xã an toàn khu")
                )
                classified[unit.pk] = _Classified(
                    hardship,
                    _("%(why)s: dùng ngưỡng vùng %(region)s") % {"why": why, "region": hardship},
                )
                continue
            region = (
                (row.region if row else "")
                or (commune.region if commune else "")
                or (commune.province.region if commune and commune.province else "")
                or inherited.get(commune_of[unit.pk], "")
            )
            reason = ""
            if commune_of[unit.pk] in inherited and region == inherited[commune_of[unit.pk]]:
                reason = _("vùng của các xã trước sáp nhập")
            classified[unit.pk] = _Classified(region, reason)
        return classified

    @staticmethod
    def _regions_from_lineage(communes: Sequence[AdminUnit]) -> dict[int, str]:
        """A current commune's region: that of most of its predecessors' provinces (a
        2025 province can span two regions, as Lâm Đồng spans Tây Nguyên and the
        south-central coast)."""
        if not communes:
            return {}
        counts: dict[int, Counter[str]] = defaultdict(Counter)
        for successor, region in UnitLineage.objects.filter(
            successor__in=[c.pk for c in communes]
        ).values_list("successor_id", "predecessor__province__region"):
            if region:
                counts[successor][region] += 1
        return {pk: c.most_common(1)[0][0] for pk, c in counts.items() if c}

    def _subunits(
        self, criteria_set: CriteriaSet, indicator: CriterionIndicator, units: Sequence[AdminUnit]
    ) -> tuple[list[AdminUnit], dict[int, int]]:
        """The units a composite counts (the units themselves for `over: self`), and the
        unit each belongs to."""
        if indicator.over == SELF:
            return list(units), {u.pk: u.pk for u in units}
        column = f"{criteria_set.level}_id"
        subunits = list(
            AdminUnit.objects.valid_on(self.day)
            .filter(level=indicator.over, **{f"{column}__in": [u.pk for u in units]})
            .defer(*GEOMETRY)
            .order_by("pk")
        )
        return subunits, {s.pk: getattr(s, column) for s in subunits}

    def statuses(
        self, code: str, units: Sequence[AdminUnit], *, pass_only: bool = False
    ) -> dict[int, str]:
        """Each unit's status against the set `code`, and nothing else: a unit's parts
        are read only until one fails, and the costly composites — every village of a
        province — only for the units still undecided. With `pass_only` (how many
        communes are NTM, nâng cao, kiểu mẫu) a unit leaves at its first part not met,
        and any status but pass stands for "not met"."""
        found: dict[int, str] = {}
        by_set: dict[int, tuple[CriteriaSet, list[AdminUnit]]] = {}
        for unit in units:
            done = self.done.get((code, unit.pk))
            status = done.status if done is not None else self.exact.get((code, unit.pk))
            if status is not None:
                found[unit.pk] = status
                continue
            criteria_set = self._in_force(code, unit.province_id if unit.valid_to is None else None)
            by_set.setdefault(criteria_set.pk, (criteria_set, []))[1].append(unit)
        for criteria_set, group in by_set.values():
            statuses = self._statuses(criteria_set, group, pass_only)
            if not pass_only:
                self.exact.update({(code, pk): status for pk, status in statuses.items()})
            found |= statuses
        return found

    def _statuses(
        self, criteria_set: CriteriaSet, units: Sequence[AdminUnit], pass_only: bool
    ) -> dict[int, str]:
        self._check(criteria_set, units)
        criteria, indicators = self._rows(criteria_set)
        status = {unit.id: PASS for unit in units}

        def settled(unit: AdminUnit) -> bool:
            return status[unit.id] != PASS if pass_only else status[unit.id] == FAIL

        def fold(unit: AdminUnit, part: str) -> None:
            if _RANK[part] < _RANK[status[unit.id]]:
                status[unit.id] = part

        live = list(units)
        assessed = [i.code for i in indicators if i.kind == Kind.ASSESSED]
        if assessed:
            verdicts = {
                (unit_id, code): verdict
                for unit_id, code, verdict in Assessment.objects.filter(
                    set_code=criteria_set.code,
                    year=self.year,
                    indicator_code__in=assessed,
                    unit__in=[u.id for u in live],
                ).values_list("unit_id", "indicator_code", "verdict")
            }
            for unit in live:
                for code in assessed:
                    verdict = verdicts.get((unit.id, code))
                    fold(unit, MISSING if verdict is None else PASS if verdict == PASS else FAIL)
            live = [u for u in live if not settled(u)]
        computed = [i for i in indicators if i.kind == Kind.COMPUTED]
        if computed and live:
            classified = self._classify(criteria_set, live)
            codes = list(dict.fromkeys(i.indicator for i in computed))
            by_unit = {
                found.definition.code: {v.unit.id: v for v in found.values}
                for found in indicators_values(codes=codes, units=live, period=self.period)
            }
            for unit in live:
                key = classified[unit.id].key
                for indicator in computed:
                    fold(
                        unit,
                        _computed_status(indicator, key, by_unit[indicator.indicator].get(unit.id)),
                    )
                    if settled(unit):
                        break
            live = [u for u in live if not settled(u)]
        for indicator in (i for i in indicators if i.kind == Kind.COMPOSITE):
            if not live:
                break
            classified = self._classify(criteria_set, live)
            counts = self._composite(criteria_set, indicator, live, pass_only=pass_only)
            for unit in live:
                met, total, undecided, _noun = counts.get(unit.id, (0, 0, 0, ""))
                fold(
                    unit,
                    _composite_status(indicator, classified[unit.id].key, met, total, undecided),
                )
            live = [u for u in live if not settled(u)]
        declared = (criteria_set.spec.get("declared") or {}).get("criteria") or 0
        if declared > len(criteria):
            # A set whose text counts more criteria than the catalogue holds is never met.
            for unit in units:
                fold(unit, MISSING)
        return status

    def _composite(
        self,
        criteria_set: CriteriaSet,
        indicator: CriterionIndicator,
        units: Sequence[AdminUnit],
        *,
        pass_only: bool = False,
    ) -> dict[int, tuple[int, int, int, str]]:
        """Per unit: sub-units meeting the target, sub-units counted, sub-units not yet
        decided (missing data), and what they are called. A whole set's sub-units are
        read for their statuses alone; one criterion of it needs them in full."""
        subunits, parent_of = self._subunits(criteria_set, indicator, units)
        noun = str(Level(indicator.over).label).lower() if indicator.over != SELF else ""
        statuses: dict[int, str] = {}
        if not indicator.target_criterion:
            self.depth += 1
            if self.depth > 8:
                raise DomainError(_("Các bộ tiêu chí lồng nhau quá sâu."))
            try:
                statuses = self.statuses(indicator.target_set, subunits, pass_only=pass_only)
            finally:
                self.depth -= 1
        else:
            todo = [s for s in subunits if (indicator.target_set, s.pk) not in self.done]
            if todo:
                self.run(indicator.target_set, todo)
        tally: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
        for subunit in subunits:
            if not indicator.target_criterion:
                status = statuses[subunit.pk]
            else:
                evaluation = self.done[(indicator.target_set, subunit.pk)]
                # A criterion of the target set, or one of its indicators ("8.4").
                status = next(
                    (
                        c.status
                        for c in evaluation.criteria
                        if c.criterion.code == indicator.target_criterion
                    ),
                    None,
                ) or next(
                    (
                        r.status
                        for r in evaluation.results()
                        if r.indicator.code == indicator.target_criterion
                    ),
                    MISSING,
                )
            counts = tally[parent_of[subunit.pk]]
            counts[1] += 1
            if status == PASS:
                counts[0] += 1
            elif status != FAIL:
                counts[2] += 1
        return {pk: (met, total, undecided, noun) for pk, (met, total, undecided) in tally.items()}


def _own_region(commune: AdminUnit) -> str:
    return commune.region or (commune.province.region if commune.province else "")


def _threshold(indicator: CriterionIndicator, key: str) -> Decimal | None:
    value = indicator.thresholds.get(key, indicator.thresholds.get(ALL_UNITS))
    return Decimal(value) if value is not None else None


def _unclassified(indicator: CriterionIndicator, key: str) -> bool:
    """A threshold per region or group, for a unit with neither: no threshold can be
    chosen, which is missing data (the classification), not a missing threshold."""
    return not key and bool(indicator.thresholds) and ALL_UNITS not in indicator.thresholds


def _meets(comparator: str, value: Decimal, threshold: Decimal) -> bool:
    if comparator in (GTE, PRESENT_):
        return value >= threshold
    if comparator == GT:
        return value > threshold
    if comparator == LTE:
        return value <= threshold
    if comparator == LT:
        return value < threshold
    return value == threshold


GTE, GT, LTE, LT, PRESENT_ = (
    Comparator.GTE.value,
    Comparator.GT.value,
    Comparator.LTE.value,
    Comparator.LT.value,
    Comparator.PRESENT.value,
)


def _gap(comparator: str, value: Decimal, threshold: Decimal) -> Decimal:
    if comparator in (Comparator.LTE, Comparator.LT):
        return value - threshold
    return abs(threshold - value)


def _units_needed(
    comparator: str, threshold: Decimal, numerator: Decimal, denominator: Decimal
) -> int | None:
    """How many more (or, for an upper bound, fewer) counted households or people
    would meet the threshold, the denominator unchanged."""
    target = threshold * denominator / HUNDRED
    if comparator == Comparator.GTE:
        return max(math.ceil(target) - int(numerator), 0)
    if comparator in (Comparator.GT, Comparator.EQ):
        return (
            max(math.floor(target) + 1 - int(numerator), 0) if comparator == Comparator.GT else None
        )
    if comparator == Comparator.LTE:
        return max(int(numerator) - math.floor(target), 0)
    if comparator == Comparator.LT:
        return max(int(numerator) - (math.ceil(target) - 1), 0)
    return None


def _noun(values: IndicatorValues) -> str:
    """What a registry share counts: people where it sums adults, else households."""
    definition = values.definition
    if definition.source != "registry" or not definition.denominator:
        return ""
    denominator = definition.spec.get("denominator") or {}
    return _("người") if denominator.get("sum") else _("hộ")


def _computed_status(indicator: CriterionIndicator, key: str, value: Any) -> str:
    """A computed indicator's status at a unit (its `IndicatorValue`, or None)."""
    if value is None or value.value is None or _unclassified(indicator, key):
        return MISSING
    threshold = _threshold(indicator, key)
    if threshold is None:
        return NO_THRESHOLD
    return PASS if _meets(indicator.comparator, value.value, threshold) else FAIL


def _composite_status(
    indicator: CriterionIndicator, key: str, met: int, total: int, undecided: int
) -> str:
    """A composite's status: met, not met, or undecided while the sub-units not yet
    decided could still carry it."""
    percent = indicator.measure == CompositeMeasure.PERCENT
    if (percent and total == 0) or _unclassified(indicator, key):
        return MISSING
    threshold = _threshold(indicator, key)
    if threshold is None:
        return NO_THRESHOLD

    def share(count: int) -> Decimal:
        return Decimal(count) * HUNDRED / Decimal(total) if percent else Decimal(count)

    if _meets(indicator.comparator, share(met), threshold):
        return PASS
    if undecided and _meets(indicator.comparator, share(met + undecided), threshold):
        return MISSING
    return FAIL


def _computed(
    indicator: CriterionIndicator, key: str, values: IndicatorValues, value: Any
) -> IndicatorResult:
    threshold = _threshold(indicator, key)
    base: dict[str, Any] = {
        "indicator": indicator,
        "threshold": threshold,
        "threshold_key": key,
        "definition_version": values.definition.version,
        "definition_unit": values.definition.unit,
        "unclassified": _unclassified(indicator, key),
    }
    if value is not None:
        base |= {
            "value": value.value,
            "numerator": value.numerator,
            "denominator": value.denominator,
        }
    status = _computed_status(indicator, key, value)
    if status != FAIL or threshold is None or indicator.comparator == Comparator.PRESENT:
        return IndicatorResult(status=status, **base)
    needed = None
    if values.definition.unit == "percent" and value.denominator:
        needed = _units_needed(indicator.comparator, threshold, value.numerator, value.denominator)
    elif values.definition.unit == "count":
        needed = int(_gap(indicator.comparator, value.value, threshold).to_integral_value())
    return IndicatorResult(
        status=FAIL,
        gap=_gap(indicator.comparator, value.value, threshold),
        gap_units=needed,
        gap_noun=_noun(values),
        **base,
    )


def _composite_result(
    indicator: CriterionIndicator, key: str, met: int, total: int, undecided: int, noun: str
) -> IndicatorResult:
    threshold = _threshold(indicator, key)
    percent = indicator.measure == CompositeMeasure.PERCENT
    if percent and total == 0:
        return IndicatorResult(indicator=indicator, status=MISSING, threshold=threshold)
    value = (
        (Decimal(met) * HUNDRED / Decimal(total)).quantize(Decimal("0.01"))
        if percent
        else Decimal(met)
    )
    base: dict[str, Any] = {
        "indicator": indicator,
        "value": value,
        "threshold": threshold,
        "threshold_key": key,
        "numerator": Decimal(met),
        "denominator": Decimal(total),
        "unclassified": _unclassified(indicator, key),
    }
    status = _composite_status(indicator, key, met, total, undecided)
    if status != FAIL or threshold is None:
        return IndicatorResult(status=status, **base)
    needed = (
        _units_needed(indicator.comparator, threshold, Decimal(met), Decimal(total))
        if percent
        else int(_gap(indicator.comparator, value, threshold))
    )
    return IndicatorResult(
        status=FAIL,
        gap=_gap(indicator.comparator, value, threshold),
        gap_units=needed,
        gap_noun=noun,
        **base,
    )


# --- Province views -----------------------------------------------------------------


@dataclass(frozen=True)
class Matrix:
    """Every commune of a province against a set: rows, the tiers' counts."""

    province: AdminUnit
    criteria_set: CriteriaSet
    year: int
    criteria: list[Criterion]
    rows: list[Evaluation]
    # (set, communes meeting it) for each commune-level set in force for the year.
    tiers: list[tuple[CriteriaSet, int]] = field(default_factory=list)

    @property
    def missing_one(self) -> list[Evaluation]:
        return [row for row in self.rows if row.total - row.passed == 1]


def province_communes(*, province: AdminUnit, year: int) -> list[AdminUnit]:
    day = min(dt.date(year, 12, 31), timezone.localdate())
    return list(
        AdminUnit.objects.valid_on(day)
        .filter(province=province, level=Level.COMMUNE)
        .defer(*GEOMETRY)
        .order_by("name")
    )


def province_matrix(*, province: AdminUnit, code: str, year: int) -> Matrix:
    """The province's communes against the set `code`, with how many communes meet
    each commune set in force for the year (NTM, nâng cao, kiểu mẫu, the province's)."""
    communes = province_communes(province=province, year=year)
    evaluator = _Evaluator(year)
    rows = evaluator.run(code, communes)
    criteria_set = (
        rows[0].criteria_set if rows else criteria_set_in_force(code=code, province=province)
    )
    tiers = []
    for tier in criteria_sets_in_force(province=province):
        if tier.level != Level.COMMUNE or not tier.applies_in(year):
            continue
        statuses = evaluator.statuses(tier.code, communes, pass_only=True)
        tiers.append((tier, sum(1 for status in statuses.values() if status == PASS)))
    return Matrix(
        province=province,
        criteria_set=criteria_set,
        year=year,
        criteria=evaluator._rows(criteria_set)[0],
        rows=rows,
        tiers=tiers,
    )


def assessments_for(*, set_code: str, unit: AdminUnit, year: int) -> Mapping[str, Assessment]:
    return {
        a.indicator_code: a
        for a in Assessment.objects.filter(
            set_code=set_code, unit=unit, year=year
        ).prefetch_related("evidence")
    }


def assessment_evidence_get_for_user(*, user: Any, pk: int) -> AssessmentEvidence:
    """An evidence file of an assessment of a unit the user may read; one outside their
    scope is not found, as one that does not exist."""
    missing = NotFound(_("Không tìm thấy tệp minh chứng này."))
    evidence = AssessmentEvidence.objects.select_related("assessment__unit").filter(pk=pk).first()
    if evidence is None:
        raise missing
    try:
        units_for_values(user=user, unit=evidence.assessment.unit, level=None)
    except NotFound:
        raise missing from None
    return evidence
