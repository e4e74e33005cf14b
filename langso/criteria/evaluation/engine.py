"""The evaluator: units against the set in force in their province for a year, every
indicator's result folded into its criterion's and the set's; or each unit's status
alone, read only as far as it takes to decide it. Sets in force, their rows and the
sub-units' evaluations are read once per run and shared by every composite."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from langso.core.errors import DomainError, NotFound
from langso.indicators.selectors import IndicatorValues, indicators_values, period_parse
from langso.places.models import AdminUnit, Level

from ..catalogue import SELF
from ..models import (
    Assessment,
    CriteriaSet,
    Criterion,
    CriterionIndicator,
    IndicatorMethod,
    VariesBy,
    Verdict,
)
from ..selectors.sets import criteria_set_rows
from .classification import Classified, units_classify
from .results import CriterionResult, Evaluation, IndicatorResult
from .scoring import composite_result, composite_status, computed_result, computed_status
from .statuses import FAIL, MISSING, PASS, RANK, status_fold
from .units import evaluation_day, subunits_counted

# How deep sets may count sets (a commune set counting villages meeting a village set…).
MAX_DEPTH = 8


def evaluate(*, code: str, units: Sequence[AdminUnit], year: int) -> list[Evaluation]:
    """Every unit of `units` (one level) against the set `code` in force in its
    province, for `year`, in the order given."""
    return Evaluator(year).run(code, units)


def evaluate_statuses(*, code: str, units: Sequence[AdminUnit], year: int) -> dict[int, str]:
    """Each unit's status against the set `code` for `year`, by unit id, without the
    details: cheaper than `evaluate` where only the outcome counts."""
    return Evaluator(year).statuses(code, units)


def evaluate_part_statuses(
    *, code: str, part: str, units: Sequence[AdminUnit], year: int
) -> dict[int, str]:
    """Each unit's status on one part of the set `code` for `year`, by unit id: a
    criterion ("8") or one criterion indicator ("8.4"), as the full evaluation gives it
    (`Evaluation.part_status`), reading only what that part needs."""
    return Evaluator(year).part_statuses(code, part, units)


class Evaluator:
    """One evaluation run: sets in force and sub-unit evaluations are read once and
    shared by every composite that needs them."""

    def __init__(self, year: int) -> None:
        self.year = year
        self.period = period_parse(str(year))
        self.day = evaluation_day(year)
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
        with self._nested():
            evaluations = self._evaluate(criteria_set, units)
        for evaluation in evaluations:
            self.done[(criteria_set.code, evaluation.unit.pk)] = evaluation
        return evaluations

    @contextmanager
    def _nested(self) -> Iterator[None]:
        """One level deeper into sets that count sets: a set that, through its
        composites, counts itself would otherwise never end."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise DomainError(_("Các bộ tiêu chí lồng nhau quá sâu."))
        try:
            yield
        finally:
            self.depth -= 1

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

    def set_rows(
        self, criteria_set: CriteriaSet
    ) -> tuple[list[Criterion], list[CriterionIndicator]]:
        if criteria_set.pk not in self.rows:
            self.rows[criteria_set.pk] = criteria_set_rows(criteria_set)
        return self.rows[criteria_set.pk]

    def _evaluate(self, criteria_set: CriteriaSet, units: Sequence[AdminUnit]) -> list[Evaluation]:
        criteria, indicators = self.set_rows(criteria_set)
        classified = units_classify(criteria_set=criteria_set, units=units, year=self.year)
        computed = [i for i in indicators if i.kind == IndicatorMethod.COMPUTED]
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
            if i.kind == IndicatorMethod.COMPOSITE
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
                where = Classified(
                    "",
                    _("chưa xếp vùng")
                    if criteria_set.varies_by == VariesBy.REGION
                    else _("chưa xếp nhóm xã"),
                )
            results: dict[str, IndicatorResult] = {}
            for indicator in indicators:
                if indicator.kind == IndicatorMethod.COMPUTED:
                    found = values[indicator.indicator]
                    results[indicator.code] = computed_result(
                        indicator, where.key, found, by_unit[indicator.indicator].get(unit.id)
                    )
                elif indicator.kind == IndicatorMethod.ASSESSED:
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
                    results[indicator.code] = composite_result(
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

    def part_statuses(self, code: str, part: str, units: Sequence[AdminUnit]) -> dict[int, str]:
        """Each unit's status on the criterion or criterion indicator `part` of the set
        `code`: the indicators of that part alone, read as `statuses` reads a whole set
        (an assessed "8.4" is one query for every unit, where the full evaluation reads
        every figure of the set)."""
        found: dict[int, str] = {}
        by_set: dict[int, tuple[CriteriaSet, list[AdminUnit]]] = {}
        for unit in units:
            done = self.done.get((code, unit.pk))
            if done is not None:
                found[unit.pk] = done.part_status(part)
                continue
            criteria_set = self._in_force(code, unit.province_id if unit.valid_to is None else None)
            by_set.setdefault(criteria_set.pk, (criteria_set, []))[1].append(unit)
        for criteria_set, group in by_set.values():
            found |= self._statuses(criteria_set, group, pass_only=False, part=part)
        return found

    def _statuses(
        self,
        criteria_set: CriteriaSet,
        units: Sequence[AdminUnit],
        pass_only: bool,
        part: str | None = None,
    ) -> dict[int, str]:
        """The units' statuses on the whole set, or on its criterion or criterion
        indicator `part`."""
        self._check(criteria_set, units)
        criteria, indicators = self.set_rows(criteria_set)
        if part is not None:
            found = _part_indicators(criteria, indicators, part)
            if found is None:
                # A part the set does not have: what `Evaluation.part_status` says.
                return {unit.id: MISSING for unit in units}
            indicators = found
        status = {unit.id: PASS for unit in units}

        def settled(unit: AdminUnit) -> bool:
            return status[unit.id] != PASS if pass_only else status[unit.id] == FAIL

        def fold(unit: AdminUnit, part: str) -> None:
            if RANK[part] < RANK[status[unit.id]]:
                status[unit.id] = part

        live = list(units)
        assessed = [i.code for i in indicators if i.kind == IndicatorMethod.ASSESSED]
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
        computed = [i for i in indicators if i.kind == IndicatorMethod.COMPUTED]
        if computed and live:
            classified = units_classify(criteria_set=criteria_set, units=live, year=self.year)
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
                        computed_status(indicator, key, by_unit[indicator.indicator].get(unit.id)),
                    )
                    if settled(unit):
                        break
            live = [u for u in live if not settled(u)]
        for indicator in (i for i in indicators if i.kind == IndicatorMethod.COMPOSITE):
            if not live:
                break
            classified = units_classify(criteria_set=criteria_set, units=live, year=self.year)
            counts = self._composite(criteria_set, indicator, live, pass_only=pass_only)
            for unit in live:
                met, total, undecided, _noun = counts.get(unit.id, (0, 0, 0, ""))
                fold(
                    unit,
                    composite_status(indicator, classified[unit.id].key, met, total, undecided),
                )
            live = [u for u in live if not settled(u)]
        declared = (criteria_set.spec.get("declared") or {}).get("criteria") or 0
        if part is None and declared > len(criteria):
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
        subunits, parent_of = subunits_counted(
            criteria_set=criteria_set, indicator=indicator, units=units, day=self.day
        )
        noun = str(Level(indicator.over).label).lower() if indicator.over != SELF else ""
        statuses: dict[int, str] = {}
        if not indicator.target_criterion:
            with self._nested():
                statuses = self.statuses(indicator.target_set, subunits, pass_only=pass_only)
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
                status = evaluation.part_status(indicator.target_criterion)
            counts = tally[parent_of[subunit.pk]]
            counts[1] += 1
            if status == PASS:
                counts[0] += 1
            elif status != FAIL:
                counts[2] += 1
        return {pk: (met, total, undecided, noun) for pk, (met, total, undecided) in tally.items()}


def _part_indicators(
    criteria: Sequence[Criterion], indicators: Sequence[CriterionIndicator], part: str
) -> list[CriterionIndicator] | None:
    """The indicators whose statuses fold into `part`, looked up as
    `Evaluation.part_status` looks it up: a criterion's, else the one indicator of that
    code; None for a part the set does not have."""
    criterion = next((c for c in criteria if c.code == part), None)
    if criterion is not None:
        return [i for i in indicators if i.criterion_id == criterion.pk]
    return next(([i] for i in indicators if i.code == part), None)
