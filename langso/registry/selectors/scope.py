"""The registries' side of the access layer: every scoped read starts here."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import F, QuerySet

from langso.accounts.roles import Permission
from langso.accounts.selectors import (
    scope_unit,
    unit_scope_q,
    user_has_unit_permission,
)
from langso.core.actors import Actor
from langso.core.pagination import OneOf
from langso.places.models import AdminUnit

from ..models import Placed

P = TypeVar("P", bound=Placed)


def within_scope(
    queryset: QuerySet[P], *, user: Actor, permission: str = Permission.VIEW_SCOPED
) -> QuerySet[P]:
    """Rows under the units where `user` holds `permission`. Registry rows carry the same
    ancestor columns as units, so this is one indexed equality per role."""
    return queryset.filter(unit_scope_q(user=user, permission=permission))


def within_scope_pinned(
    queryset: QuerySet[P],
    *,
    user: Actor,
    unit: AdminUnit | None = None,
    permission: str = Permission.VIEW_SCOPED,
) -> tuple[QuerySet[P], str | None]:
    """`within_scope`, narrowed to `unit`'s subtree if given, and the ancestor column
    that then holds every row to one unit, for `keyset_page(pinned=...)`: that of
    `unit` when the user holds `permission` on it, or of the scope's one unit. The
    column is held through `OneOf` rather than an equality, so that the database reads
    its (column, -id) index in order. None when the rows span several units or the
    whole country, or `unit` lies outside the scope (only part of it is then read)."""
    if unit is not None and not user_has_unit_permission(
        user=user, permission=permission, unit=unit
    ):
        return within_scope(queryset, user=user, permission=permission).filter(
            unit.subtree_q()
        ), None
    pinned = unit or scope_unit(user=user, permission=permission)
    if pinned is None:
        return within_scope(queryset, user=user, permission=permission), None
    column = f"{pinned.level}_id"
    # The pinned unit's subtree is the scope or lies inside it: no other scope filter.
    return queryset.filter(OneOf(F(column), [pinned.pk])), column
