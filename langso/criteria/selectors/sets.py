"""The criteria sets in force for a province (its own, its variants of national sets,
and the national ones), the set shown by default (one that can be evaluated), a set's
stored versions, and one version's rows."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import models
from django.db.models import F, Max, Q
from django.utils.translation import gettext as _

from langso.core import exports
from langso.core.errors import NotFound
from langso.indicators.selectors import indicator_names
from langso.places.models import AdminUnit

from ..models import (
    Comparator,
    CriteriaSet,
    Criterion,
    CriterionIndicator,
    FactStatus,
    IndicatorMethod,
)


def criteria_set_period(criteria_set: CriteriaSet) -> str:
    """The years a set applies to: "2026-2030", "2021", "từ 2021"."""
    if criteria_set.year_to is None:
        return _("từ %(start)s") % {"start": criteria_set.year_from}
    if criteria_set.year_to == criteria_set.year_from:
        return str(criteria_set.year_from)
    return f"{criteria_set.year_from}-{criteria_set.year_to}"


# What a set's Vietnamese name says at length that a sheet's 31 characters cannot hold:
# the legal wording before the subject, "nông thôn mới" (NTM, explained on the pages),
# remarks in brackets, and the period, which `criteria_set_sheet_title` puts back.
_NAME_SHORTENED = [
    (re.compile(r"^(bộ tiêu chí quốc gia về|bộ tiêu chí)\s+", re.IGNORECASE), ""),
    (re.compile(r"nông thôn mới", re.IGNORECASE), "NTM"),
    (re.compile(r"\s*\([^)]*\)"), ""),
    (re.compile(r"\s*giai đoạn\s+\d{4}\s*[-–]\s*\d{4}", re.IGNORECASE), ""),
]


def _without_province(name: str) -> str:
    """The name without "tỉnh Ninh Bình": a province's own set names its province, which
    whoever exports it knows (a national set names none)."""
    words = name.split()
    kept: list[str] = []
    index = 0
    while index < len(words):
        if (
            words[index].casefold() == "tỉnh"
            and index + 1 < len(words)
            and words[index + 1][0].isupper()
        ):
            index += 1
            while index < len(words) and words[index][0].isupper():
                index += 1
            continue
        kept.append(words[index])
        index += 1
    return " ".join(kept)


def criteria_set_sheet_title(criteria_set: CriteriaSet) -> str:
    """The name of a sheet holding the set's results, from its Vietnamese name, short
    and with its period whole: "Xã NTM 2026-2030", "Xã NTM nâng cao 2021-2025"."""
    name = criteria_set.name_vi.strip()
    for pattern, replacement in _NAME_SHORTENED:
        name = pattern.sub(replacement, name).strip()
    name = _without_province(name)
    name = name[:1].upper() + name[1:]
    period = criteria_set_period(criteria_set)
    return exports.sheet_title(name, keep="" if period in name else period)


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


class _Readiness:
    """How much of each set the catalogue lets be decided, over the sets in force: the
    indicators that can be decided, of those the set holds or its text counts
    (`declared`), whichever is more."""

    def __init__(self, sets: Sequence[CriteriaSet]) -> None:
        self.by_code = {s.code: s for s in sets}
        self.indicators: dict[int, list[CriterionIndicator]] = {s.pk: [] for s in sets}
        for indicator in CriterionIndicator.objects.filter(criteria_set__in=sets).select_related(
            "criterion"
        ):
            self.indicators[indicator.criteria_set_id].append(indicator)
        self.counts: dict[str, tuple[int, int]] = {}

    def of(self, code: str) -> tuple[int, int]:
        """(indicators that can be decided, indicators) of the set `code` in force."""
        if code not in self.counts:
            criteria_set = self.by_code.get(code)
            if criteria_set is None:
                return 0, 1
            # A set that counts itself through its composites is not read twice.
            self.counts[code] = (0, 1)
            indicators = self.indicators[criteria_set.pk]
            declared = (criteria_set.spec.get("declared") or {}).get("indicators") or 0
            self.counts[code] = (
                sum(self._readable(i) for i in indicators),
                max(len(indicators), declared, 1),
            )
        return self.counts[code]

    def mostly_known(self, code: str) -> bool:
        readable, total = self.of(code)
        return 2 * readable > total

    def share(self, code: str) -> float:
        readable, total = self.of(code)
        return readable / total

    def _readable(self, indicator: CriterionIndicator) -> bool:
        """Whether an indicator can be decided: its content is known (a criterion whose
        indicators could not be read is one unknown indicator), a computed or composite
        one has a threshold for some unit, and a composite counts units against a set
        (or a criterion of one) that can itself mostly be decided."""
        if indicator.status == FactStatus.UNKNOWN:
            return False
        if indicator.kind == IndicatorMethod.ASSESSED:
            return True
        if indicator.comparator != Comparator.PRESENT and not any(indicator.thresholds.values()):
            return False
        if indicator.kind == IndicatorMethod.COMPUTED:
            return True
        if not indicator.target_criterion:
            return self.mostly_known(indicator.target_set)
        target = self.by_code.get(indicator.target_set)
        parts = [
            part
            for part in (self.indicators[target.pk] if target is not None else [])
            if indicator.target_criterion
            in (part.code, part.criterion.code if part.criterion else "")
        ]
        return bool(parts) and all(
            part.pk != indicator.pk and self._readable(part) for part in parts
        )


@dataclass(frozen=True)
class SetChoice:
    """The set a page shows, among the sets a unit's level can be read against, and what
    the reader is told about the choice."""

    sets: list[CriteriaSet]
    chosen: CriteriaSet | None
    # Why nothing is shown (no set applies, an unknown code).
    problem: str = ""
    # Most of the chosen set cannot be decided: said on the page, `offered` linked.
    mostly_unknown: bool = False
    readable: int = 0
    total: int = 0
    # The set in force passed over by default because most of it cannot be decided.
    passed_over: CriteriaSet | None = None
    # The set that can be decided, offered beside a mostly unknown one.
    offered: CriteriaSet | None = None


def criteria_set_choose(
    *, province: AdminUnit | None, level: str, year: int, code: str = ""
) -> SetChoice:
    """The set a page of a unit of `level` shows for `year`: the one asked for (`code`),
    else the one in force that can be evaluated — the first national one when most of
    its indicators can be decided, otherwise the set that can be decided the most (no
    threshold, unknown content or an indicator the texts leave unread cannot). A mostly
    unknown set, asked for or the only one, is shown with that said and the most
    complete set offered."""
    in_force = criteria_sets_in_force(province=province)
    sets = sorted(
        (s for s in in_force if s.level == level and s.applies_in(year)),
        key=lambda s: (not s.is_national, s.code),
    )
    if not sets:
        return SetChoice(
            sets=sets,
            chosen=None,
            problem=_("Không có bộ tiêu chí nào áp dụng cho cấp này trong năm đã chọn."),
        )
    readiness = _Readiness(in_force)
    known = [s for s in sets if readiness.mostly_known(s.code)]
    # max() keeps the first of equals: national sets, then by code.
    best = max(known, key=lambda s: readiness.share(s.code)) if known else None
    passed_over = None
    if code:
        chosen = next((s for s in sets if s.code == code), None)
        if chosen is None:
            return SetChoice(
                sets=sets,
                chosen=None,
                problem=_("Bộ tiêu chí “%(code)s” không áp dụng cho đơn vị này trong năm đã chọn.")
                % {"code": code},
            )
    elif readiness.mostly_known(sets[0].code) or best is None:
        chosen = sets[0]
    else:
        chosen, passed_over = best, sets[0]
    readable, total = readiness.of(chosen.code)
    unknown = not readiness.mostly_known(chosen.code)
    return SetChoice(
        sets=sets,
        chosen=chosen,
        mostly_unknown=unknown,
        readable=readable,
        total=total,
        passed_over=passed_over,
        offered=best if unknown else None,
    )


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


def indicator_source_names(indicators: Iterable[CriterionIndicator]) -> dict[str, str]:
    """For each indicator (by its code in the set), the name of what it is read from:
    the computed indicator's, or the set a composite counts units meeting. Two queries,
    whatever the number of indicators; a code with no stored name keeps none."""
    computed: dict[str, str] = {}
    composite: dict[str, str] = {}
    for indicator in indicators:
        if indicator.kind == IndicatorMethod.COMPUTED and indicator.indicator:
            computed[indicator.code] = indicator.indicator
        elif indicator.kind == IndicatorMethod.COMPOSITE and indicator.target_set:
            composite[indicator.code] = indicator.target_set
    indicator_labels = indicator_names(codes=computed.values()) if computed else {}
    set_labels: dict[str, str] = {}
    if composite:
        # A province's own set shares the national code; the national name is shown.
        for criteria_set in CriteriaSet.objects.filter(code__in=set(composite.values())).order_by(
            F("province").asc(nulls_last=True), "version"
        ):
            set_labels[criteria_set.code] = criteria_set.label
    names = {code: indicator_labels.get(target, "") for code, target in computed.items()}
    names |= {code: set_labels.get(target, "") for code, target in composite.items()}
    return {code: name for code, name in names.items() if name}
