"""A province's matrix: every commune the sets apply to (its xã) against a set for a
year, with how many meet each commune-level set in force (NTM, nâng cao, kiểu mẫu, the
province's own) and how many units were left out (phường, đặc khu)."""

from __future__ import annotations

from dataclasses import dataclass, field

from langso.places.models import AdminUnit, Level

from ..models import CriteriaSet, Criterion
from ..selectors.sets import criteria_set_in_force, criteria_sets_in_force
from .engine import Evaluator
from .results import Evaluation
from .statuses import PASS
from .units import Subjects, province_communes, subjects_of


@dataclass(frozen=True)
class Matrix:
    """Every commune of a province the set applies to: rows, the tiers' counts, and the
    units left out (by kind)."""

    province: AdminUnit
    criteria_set: CriteriaSet
    year: int
    criteria: list[Criterion]
    rows: list[Evaluation]
    # (set, communes meeting it) for each commune-level set in force for the year.
    tiers: list[tuple[CriteriaSet, int]] = field(default_factory=list)
    subjects: Subjects = field(default_factory=lambda: Subjects(units=[]))

    @property
    def missing_one(self) -> list[Evaluation]:
        return [row for row in self.rows if row.total - row.passed == 1]


def province_matrix(*, province: AdminUnit, code: str, year: int) -> Matrix:
    """The province's communes against the set `code`, with how many communes meet
    each commune set in force for the year (NTM, nâng cao, kiểu mẫu, the province's);
    only the units the sets apply to are rows or counted."""
    subjects = subjects_of(province_communes(province=province, year=year))
    communes = subjects.units
    evaluator = Evaluator(year)
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
        criteria=evaluator.set_rows(criteria_set)[0],
        rows=rows,
        tiers=tiers,
        subjects=subjects,
    )
