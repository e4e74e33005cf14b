"""Reads of the placed registries described in `specs`, always inside the reader's scope."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from langso.accounts.roles import Permission
from langso.core.actors import Actor
from langso.core.errors import DomainError, NotFound
from langso.core.pagination import KeysetPage, keyset_page
from langso.core.text import normalize_name
from langso.places.models import AdminUnit

from ..models import Placed
from ..specs import RegistrySpec, normalize_key
from .scope import within_scope, within_scope_pinned

P = TypeVar("P", bound=Placed)
_UNIT_COLUMNS = ("province", "commune", "village")
# Unit rows are read for their names and codes; a province's boundary can weigh megabytes.
_NO_BOUNDARIES = tuple(f"{column}__boundary" for column in _UNIT_COLUMNS)
MAX_PAGE = 500


class BadFilter(DomainError):
    """A list parameter with a value the registry does not know; `param` names it."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(message)
        self.param = param


@dataclass(frozen=True)
class RegistryFilters:
    """Rows under `unit`, matching `q` (name without diacritics, or part of the key), and
    each of the registry's own filters by name (see `RegistrySpec.filters`)."""

    unit: AdminUnit | None = None
    q: str = ""
    choices: Mapping[str, str] = field(default_factory=dict)


def registry_queryset_for_user(*, spec: RegistrySpec[P], user: Actor) -> QuerySet[P]:
    """The registry's rows in the user's scope, with their units and references."""
    return _with_related(spec, within_scope(spec.model._default_manager.all(), user=user))


def _with_related(spec: RegistrySpec[P], rows: QuerySet[P]) -> QuerySet[P]:
    return rows.select_related(*_UNIT_COLUMNS, *spec.refs).defer(*_NO_BOUNDARIES)


def _choice_q(spec: RegistrySpec[Any], choices: Mapping[str, str]) -> Q:
    condition = Q()
    for name, value in choices.items():
        if value in (None, ""):
            continue
        known = next((f for f in spec.filters if f.name == name), None)
        if known is None:
            raise BadFilter(name, _("Không có bộ lọc “%(name)s”.") % {"name": name})
        if value not in known.values():
            raise BadFilter(
                name,
                _("Giá trị “%(value)s” của “%(name)s” không hợp lệ; chọn một trong: %(values)s.")
                % {"value": value, "name": name, "values": ", ".join(known.values())},
            )
        condition &= known.q(value)
    return condition


def registry_filtered_for_user(
    *, spec: RegistrySpec[P], user: Actor, filters: RegistryFilters
) -> tuple[QuerySet[P], str | None]:
    """The rows in scope that the filters keep, and the column that holds them all to
    one unit, if one does (see `within_scope_pinned`)."""
    rows, pinned = within_scope_pinned(
        spec.model._default_manager.all(), user=user, unit=filters.unit
    )
    rows = _with_related(spec, rows).filter(_choice_q(spec, filters.choices))
    text = filters.q.strip()
    if text:
        by_key = Q(**{f"{spec.key}__contains": normalize_key(text)})
        if spec.search_source:
            by_key |= Q(search_name__contains=normalize_name(text, fold_diacritics=True))
        rows = rows.filter(by_key)
    return rows, pinned


def registry_page_for_user(
    *,
    spec: RegistrySpec[P],
    user: Actor,
    filters: RegistryFilters | None = None,
    after: int | None = None,
    limit: int = 50,
) -> KeysetPage[P]:
    """One page, newest first, by keyset: no OFFSET and no COUNT."""
    filters = filters or RegistryFilters()
    rows, pinned = registry_filtered_for_user(spec=spec, user=user, filters=filters)
    return keyset_page(rows, after=after, limit=min(limit, MAX_PAGE), pinned=pinned)


def registry_get_for_user(*, spec: RegistrySpec[P], user: Actor, key: str) -> P:
    """One row by its key. Outside the user's scope it is NotFound, as if it did not
    exist, so that a refusal never reveals whether it does."""
    normalized = normalize_key(key)
    row = registry_queryset_for_user(spec=spec, user=user).filter(**{spec.key: normalized}).first()
    if row is None:
        raise NotFound(
            _("Không tìm thấy %(what)s mã “%(key)s”.")
            % {"what": spec.verbose_name, "key": normalized}
        )
    return row


def registry_can_manage(*, user: Actor, row: Placed | None = None) -> bool:
    """Whether `user` may change `row` (or, without a row, add rows somewhere)."""
    if row is None:
        return bool(user.has_perm(Permission.MANAGE_REGISTRIES))
    return bool(user.has_perm(Permission.MANAGE_REGISTRIES, row.unit))
