"""The registries' side of the access layer: every scoped read starts here."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import QuerySet

from langso.accounts.roles import Permission
from langso.accounts.selectors import AnyUser, unit_scope_q

from ..models import Placed

P = TypeVar("P", bound=Placed)


def within_scope(
    queryset: QuerySet[P], *, user: AnyUser, permission: str = Permission.VIEW_SCOPED
) -> QuerySet[P]:
    """Rows under the units where `user` holds `permission`. Registry rows carry the same
    ancestor columns as units, so this is one indexed equality per role."""
    return queryset.filter(unit_scope_q(user=user, permission=permission))
