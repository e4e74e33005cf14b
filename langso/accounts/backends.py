"""Object permissions on administrative units, from the roles a user holds on units.

Lower apps ask `user.has_perm("manage_villages", unit)` and never import accounts. Model
permissions ("places.change_adminunit") are left to ModelBackend.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from django.db.models import Model
from django.http import HttpRequest

from langso.core.actors import Actor
from langso.places.models import AdminUnit

from .roles import Permission
from .selectors import user_has_permission_somewhere, user_has_unit_permission

_UNIT_PERMISSIONS = frozenset(Permission.values)


class UnitRoleBackend:
    """Answers only for a unit-role permission, on an `AdminUnit` or on no object; False
    for anything else.

    It authenticates no one and, having no `get_user`, is never recorded as the backend a
    session signed in with.
    """

    def authenticate(self, request: HttpRequest | None, **credentials: Any) -> None:
        return None

    async def aauthenticate(self, request: HttpRequest | None, **credentials: Any) -> None:
        return None

    def has_perm(self, user_obj: Actor, perm: str, obj: Model | None = None) -> bool:
        """On a unit: whether a role reaches it. Without an object: whether the user holds
        the permission anywhere (to offer a page or accept an upload at all)."""
        if perm not in _UNIT_PERMISSIONS:
            return False
        if obj is None:
            return user_has_permission_somewhere(user=user_obj, permission=perm)
        if not isinstance(obj, AdminUnit):
            return False
        return user_has_unit_permission(user=user_obj, permission=perm, unit=obj)

    async def ahas_perm(self, user_obj: Actor, perm: str, obj: Model | None = None) -> bool:
        return await sync_to_async(self.has_perm)(user_obj, perm, obj)
