"""Reads of the dashboard map page around the values: what the picker offers
(indicators, sets and their criteria, periods, by their Vietnamese names) and the
breadcrumb back up the tree, within the user's scope."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from langso.accounts.roles import Permission
from langso.accounts.selectors import is_nationwide, unit_in_scope
from langso.core.actors import Actor
from langso.criteria.selectors.sets import criteria_set_rows, criteria_sets_in_force
from langso.indicators.models import Period, PeriodKind
from langso.indicators.selectors import indicator_list, period_list
from langso.places.models import AdminUnit

# The picker's values: what is mapped, in one select ("indicator:<code>",
# "set:<code>", "criterion:<set>:<number>"), so that a phone needs one control.
INDICATOR, SET, CRITERION = "indicator", "set", "criterion"


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class ChoiceGroup:
    label: str
    choices: list[Choice]


def map_subject_choices(*, province: AdminUnit | None) -> list[ChoiceGroup]:
    """The indicators, then each set in force in `province` (the national ones for the
    country) with its criteria, by name."""
    groups = [
        ChoiceGroup(
            _("Chỉ số"),
            [Choice(f"{INDICATOR}:{c.value}", c.label) for c in indicator_choices()],
        )
    ]
    for criteria_set in criteria_sets_in_force(province=province):
        criteria, _indicators = criteria_set_rows(criteria_set)
        choices = [Choice(f"{SET}:{criteria_set.code}", _("Cả bộ tiêu chí: đạt hay chưa"))]
        choices += [
            Choice(
                f"{CRITERION}:{criteria_set.code}:{criterion.code}",
                _("Tiêu chí %(number)s. %(name)s")
                % {"number": criterion.code, "name": criterion.name_vi},
            )
            for criterion in criteria
        ]
        groups.append(ChoiceGroup(criteria_set.name_vi, choices))
    return groups


def indicator_choices() -> list[Choice]:
    """The indicators by name, their codes as values."""
    return [Choice(d.code, d.label) for d in indicator_list()]


# What the page maps when nothing is picked: the programme's headline figure (adults
# with an e-payment account, "≥ 65 %" in the provinces' plans), else the first.
DEFAULT_INDICATOR = "adults-epayment"


def map_subject_default() -> str:
    codes = [d.code for d in indicator_list()]
    code = DEFAULT_INDICATOR if DEFAULT_INDICATOR in codes else next(iter(codes), "")
    return f"{INDICATOR}:{code}" if code else ""


def map_subject_read(value: str) -> dict[str, str]:
    """A picker value as the request's fields (`indicator`, `criteria_set`,
    `criterion`); an unreadable one as an unknown indicator, refused by name."""
    kind, _sep, rest = value.partition(":")
    if kind == SET:
        return {"criteria_set": rest}
    if kind == CRITERION:
        code, _sep, number = rest.partition(":")
        return {"criteria_set": code, "criterion": number}
    return {"indicator": rest if kind == INDICATOR else value}


def period_label(period: Period) -> str:
    """ "Năm 2026", "Quý 3/2026", "Tháng 09/2026"."""
    year = period.start.year
    if period.kind == PeriodKind.QUARTER:
        return _("Quý %(quarter)s/%(year)s") % {
            "quarter": (period.start.month - 1) // 3 + 1,
            "year": year,
        }
    if period.kind == PeriodKind.MONTH:
        return _("Tháng %(month)02d/%(year)s") % {"month": period.start.month, "year": year}
    return _("Năm %(year)s") % {"year": year}


def map_period_choices() -> list[Choice]:
    """The periods that exist, and the current year, newest first."""
    codes = {
        str(timezone.localdate().year): _("Năm %(year)s") % {"year": timezone.localdate().year}
    }
    for period in period_list():
        codes[period.code] = period_label(period)
    ordered = sorted(codes.items(), key=lambda item: item[0], reverse=True)
    return [Choice(code, label) for code, label in ordered]


def map_breadcrumb(*, user: Actor, parent: AdminUnit | None) -> list[AdminUnit | None]:
    """The units above the mapped one, the country first (None), that the user may
    open: a commune officer's map of villages has no way up to the province."""
    permission = Permission.VIEW_SCOPED
    crumbs: list[AdminUnit | None] = []
    if is_nationwide(user=user, permission=permission):
        crumbs.append(None)
    if parent is None:
        return crumbs
    crumbs.extend(
        unit
        for unit in (parent.province, parent.commune)
        if unit is not None
        and unit.pk != parent.pk
        and unit_in_scope(user=user, unit=unit, permission=permission)
    )
    return crumbs
