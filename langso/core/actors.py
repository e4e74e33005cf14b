"""`Actor`: the one type for "the user doing this", in services and selectors alike.

It is structural rather than `accounts.models.User | AnonymousUser` because `core` and
`places` sit below `accounts` in the layers and may not import it; both the signed-in
user and Django's anonymous user of a request satisfy it. Access checks go through
`has_perm`, which the accounts backend answers from the actor's roles on units."""

from __future__ import annotations

from typing import Any, Protocol

from django.db.models import Model


class Actor(Protocol):
    """Whoever acts: a signed-in user or the anonymous user of a request."""

    @property
    def pk(self) -> Any: ...

    @property
    def is_authenticated(self) -> bool: ...

    @property
    def is_active(self) -> bool: ...

    def has_perm(self, perm: str, obj: Model | None = ...) -> bool: ...
