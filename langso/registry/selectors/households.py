"""Reads of households: every one within the reader's scope (VIEW_SCOPED), but for the
system's own aggregation (`households_for_aggregation_sql`, `households_with_position`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, cast

from django.db.models import Exists, F, FloatField, Func, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from langso.accounts.roles import Permission
from langso.accounts.selectors import user_has_unit_permission
from langso.core.actors import Actor
from langso.core.errors import DomainError, NotFound
from langso.core.models import AuditEntry
from langso.core.pagination import KeysetPage, keyset_page
from langso.core.selectors import audit_history
from langso.core.text import normalize_name
from langso.places.models import AdminUnit, Level

from ..address_codes import normalize_code
from ..models import (
    COUNT_FIELDS,
    EVENT_FIELDS,
    Broadband,
    Household,
    HouseholdStatus,
    LikelyDuplicate,
    MobileCoverage,
)
from .scope import within_scope, within_scope_pinned

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MAX_LIMIT = 500
# Readiness gaps an officer looks for: households where some adults still lack a thing.
GAPS: dict[str, tuple[str, StrOrPromise]] = {
    "smartphone": (
        "adults_smartphone",
        gettext_lazy("Còn người lớn chưa có điện thoại thông minh"),
    ),
    "no_smartphone": ("adults_smartphone", gettext_lazy("Chưa có điện thoại thông minh nào")),
    "epayment": (
        "adults_epayment",
        gettext_lazy("Còn người lớn chưa có tài khoản thanh toán điện tử"),
    ),
    "vneid": ("adults_vneid", gettext_lazy("Còn người lớn chưa có VNeID mức 2")),
    "public_service": (
        "adults_public_service",
        gettext_lazy("Còn người lớn chưa có tài khoản dịch vụ công"),
    ),
}
VISIT_FILTERS: dict[str, StrOrPromise] = {
    "never": gettext_lazy("Chưa khảo sát"),
    "visited": gettext_lazy("Đã khảo sát"),
}
# Household fields listed pages and the API need; select_related keeps them one query.
_RELATED = ("village", "commune", "province", "merged_into")


class HouseholdFilterInvalid(DomainError):
    """A list filter that cannot be applied; `param` names it."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(message)
        self.param = param


@dataclass(frozen=True)
class HouseholdFilters:
    """What a household list can be narrowed to. Empty values filter nothing.

    `unit` is the code of a current unit of any level (province, commune, village) in the
    reader's scope; `gap` one of GAPS; `unknown` keeps households with a count not yet
    known; `duplicates` those with an open likely-duplicate flag; `q` matches the head's
    name, the address code (from its start), the house number or the street.
    `visit` is one of VISIT_FILTERS.
    """

    unit: str = ""
    status: str = ""
    gap: str = ""
    broadband: str = ""
    mobile_coverage: str = ""
    unknown: bool = False
    duplicates: bool = False
    q: str = ""
    # A digital team's door-to-door round: "never" keeps households no visit was ever
    # logged for (chưa khảo sát); `visited_before` those last visited before that day
    # (never-visited ones included: they are due too).
    visit: str = ""
    visited_before: dt.date | None = None

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> HouseholdFilters:
        """The filters among `values` (a list form's cleaned data, an API query); other
        keys are ignored and a missing or empty value filters nothing."""
        return cls(
            **{
                field.name: values[field.name]
                for field in fields(cls)
                if values.get(field.name) not in (None, "")
            }
        )


def _open_flags() -> QuerySet[LikelyDuplicate]:
    return LikelyDuplicate.objects.filter(dismissed_at__isnull=True)


def unit_for_filter(*, user: Actor, code: str) -> AdminUnit:
    """The current unit with this code, if the reader holds VIEW_SCOPED on it. A unit
    outside scope is answered like a missing one."""
    code = code.strip()
    # Codes of different levels have different forms ("37", "37001", "37001-01"); one
    # code is one current unit.
    unit = (
        AdminUnit.objects.current()
        .filter(code=code, level__in=[Level.PROVINCE, Level.COMMUNE, Level.VILLAGE])
        .first()
    )
    if unit is None or not user_has_unit_permission(
        user=user, permission=Permission.VIEW_SCOPED, unit=unit
    ):
        raise HouseholdFilterInvalid(
            "unit",
            _("Không có đơn vị mã “%(code)s” trong phạm vi của bạn.") % {"code": code[:32]},
        )
    return unit


def _choice(param: str, value: str, allowed: list[str]) -> str:
    if value and value not in allowed:
        raise HouseholdFilterInvalid(
            param, _("Giá trị “%(value)s” không hợp lệ.") % {"value": value[:32]}
        )
    return value


def _filtered(
    households: QuerySet[Household], *, user: Actor, filters: HouseholdFilters
) -> tuple[QuerySet[Household], str | None]:
    """The households in scope that the filters keep, and the column that holds them
    all to one unit, if one does (see `within_scope_pinned`)."""
    unit = unit_for_filter(user=user, code=filters.unit) if filters.unit else None
    households, pinned = within_scope_pinned(households, user=user, unit=unit)
    if status := _choice("status", filters.status, list(HouseholdStatus.values)):
        households = households.filter(status=status)
    if gap := _choice("gap", filters.gap, list(GAPS)):
        field = GAPS[gap][0]
        if gap == "no_smartphone":
            households = households.filter(adults_smartphone=0)
        else:
            households = households.filter(**{f"{field}__lt": F("adults")})
    if broadband := _choice("broadband", filters.broadband, list(Broadband.values)):
        households = households.filter(broadband=broadband)
    if coverage := _choice("mobile_coverage", filters.mobile_coverage, list(MobileCoverage.values)):
        households = households.filter(mobile_coverage=coverage)
    if filters.unknown:
        unknown = Q()
        for field in COUNT_FIELDS:
            unknown |= Q(**{f"{field}__isnull": True})
        households = households.filter(unknown)
    if filters.duplicates:
        households = households.filter(
            Exists(_open_flags().filter(household=OuterRef("pk")))
            | Exists(_open_flags().filter(other=OuterRef("pk")))
        )
    if visit := _choice("visit", filters.visit, list(VISIT_FILTERS)):
        households = households.filter(last_visited_on__isnull=visit == "never")
    if filters.visited_before is not None:
        households = households.filter(
            Q(last_visited_on__isnull=True) | Q(last_visited_on__lt=filters.visited_before)
        )
    if q := filters.q.strip()[:100]:
        households = households.filter(
            Q(head_name_search__contains=normalize_name(q, fold_diacritics=True))
            | Q(address_code__startswith=normalize_code(q))
            | Q(house_number__iexact=q)
            | Q(street__icontains=q)
        )
    return households, pinned


def household_list_for_user(
    *, user: Actor, filters: HouseholdFilters, after: int | None = None, limit: int = 50
) -> KeysetPage[Household]:
    """One page of the households in the reader's scope, newest first, with their village,
    commune and province. No COUNT: the next page starts after the last id."""
    households, pinned = _filtered(
        Household.objects.select_related(*_RELATED), user=user, filters=filters
    )
    return keyset_page(households, after=after, limit=max(1, min(limit, MAX_LIMIT)), pinned=pinned)


def household_get_for_user(*, user: Actor, address_code: str) -> Household:
    """One household by its address code (as typed: case and spaces do not matter).
    Outside the reader's scope it is NotFound, as if it did not exist."""
    household = (
        within_scope(Household.objects.select_related(*_RELATED), user=user)
        .filter(address_code=normalize_code(address_code))
        .first()
    )
    if household is None:
        raise NotFound(_("Không tìm thấy hộ gia đình này."))
    return household


def household_history(*, household: Household, limit: int = 100) -> list[AuditEntry]:
    """The household's changes, newest first: who, when, old → new."""
    return list(audit_history(instance=household)[:limit])


def household_history_names(*, entries: list[AuditEntry]) -> tuple[dict[int, str], dict[int, str]]:
    """Names of the villages and codes of the households a trail refers to by id, read
    in one query each whatever the length of the trail."""
    village_ids: set[int] = set()
    household_ids: set[int] = set()
    for entry in entries:
        for field, ids in (("village", village_ids), ("merged_into", household_ids)):
            ids.update(v for v in entry.changes.get(field, []) if isinstance(v, int))
    units = dict(AdminUnit.objects.filter(pk__in=village_ids).values_list("pk", "name"))
    codes = dict(Household.objects.filter(pk__in=household_ids).values_list("pk", "address_code"))
    return units, codes


@dataclass(frozen=True)
class DuplicateFlag:
    """An open flag seen from one household: the other household and why."""

    pair: LikelyDuplicate
    other: Household

    @property
    def reason_labels(self) -> list[str]:
        return [str(LikelyDuplicate.Reason(r).label) for r in self.pair.reasons]


def likely_duplicates_for_household(*, user: Actor, household: Household) -> list[DuplicateFlag]:
    """The open flags of a household whose other household the reader may also see (a
    pair across a scope border shows only to those who see both)."""
    flags = list(
        _open_flags()
        .filter(Q(household=household) | Q(other=household))
        .order_by("-flagged_at", "-pk")[:50]
    )
    other_ids = {f.other_id if f.household_id == household.pk else f.household_id for f in flags}
    others = {
        h.pk: h
        for h in within_scope(Household.objects.select_related(*_RELATED), user=user).filter(
            pk__in=other_ids, status=HouseholdStatus.ACTIVE
        )
    }
    result = []
    for flag in flags:
        other = others.get(
            flag.other_id if flag.household_id == household.pk else flag.household_id
        )
        if other is not None:
            result.append(DuplicateFlag(pair=flag, other=other))
    return result


def likely_duplicate_get_for_user(*, user: Actor, pair_id: int) -> LikelyDuplicate:
    """An open or closed flag one of whose households the reader sees; otherwise
    NotFound."""
    visible = within_scope(Household.objects.all(), user=user)
    pair = (
        LikelyDuplicate.objects.filter(pk=pair_id)
        .filter(Q(household__in=visible) | Q(other__in=visible))
        .first()
    )
    if pair is None:
        raise NotFound(_("Không tìm thấy cặp hộ này."))
    return pair


def household_unit_get(*, code: str) -> AdminUnit | None:
    """The current village (or commune) a household can be placed on, by its code. Units
    are public; whether the reader may place a household there is the service's check."""
    return (
        AdminUnit.objects.current()
        .filter(code=code.strip(), level__in=[Level.COMMUNE, Level.VILLAGE])
        .select_related("commune")
        .first()
    )


def households_with_position(*, commune_ids: list[int]) -> Iterator[dict[str, Any]]:
    """The households of these communes as `HouseholdsChanged` carries them, with the
    longitude and latitude of those placed on the map (`x`, `y`; None where unknown):
    what the indicators read to say which pre-2025 commune a household lay in. The
    system's read, whatever the reader's scope."""
    rows = (
        Household.objects.filter(commune_id__in=commune_ids)
        .annotate(
            x=Func(F("location"), function="ST_X", output_field=FloatField()),
            y=Func(F("location"), function="ST_Y", output_field=FloatField()),
        )
        .values(*EVENT_FIELDS, "x", "y")
        .order_by()
        .iterator(chunk_size=5000)
    )
    return cast(Iterator[dict[str, Any]], rows)


def households_for_aggregation_sql(
    aggregates: dict[str, Any], *, where: Q | None = None
) -> tuple[str, tuple[Any, ...]]:
    """The SQL and parameters of `aggregates` over the households matching `where` (all
    by default), grouped by lowest unit: columns province_id, commune_id, village_id,
    then one per aggregate named by its key. The indicators write the groups from
    inside the database (INSERT … SELECT) rather than through Python, whatever the
    reader's scope (it is the system's read, not a person's). The aggregates' keys must
    be plain SQL identifiers."""
    groups = (
        Household.objects.filter(where or Q())
        .values("province_id", "commune_id", "village_id")
        .annotate(**aggregates)
        .order_by()
    )
    sql, params = groups.query.sql_with_params()
    return sql, tuple(params)
