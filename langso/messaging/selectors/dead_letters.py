"""Dead letters (messages the worker gave up on, or a gateway refused for good) as the
officers of their unit read them: within the reader's scope by the message's unit, the
recipient masked, newest first, a page at a time."""

from __future__ import annotations

from django.db.models import QuerySet

from langso.accounts.roles import Permission
from langso.accounts.selectors import unit_scope_q
from langso.core.actors import Actor
from langso.core.errors import NotFound
from langso.core.pagination import KeysetPage, keyset_page

from ..models import Channel, Message, MessageStatus

# Who keeps a unit's households and their contacts answers for what did not reach them.
DEAD_LETTER_PERMISSION = Permission.MANAGE_REGISTRIES
PAGE_SIZE = 50


def _dead_for_user(*, user: Actor) -> QuerySet[Message]:
    scope = unit_scope_q(user=user, permission=DEAD_LETTER_PERMISSION, prefix="unit__")
    return Message.objects.filter(scope, status=MessageStatus.DEAD).select_related("unit")


def dead_letter_list_for_user(
    *, user: Actor, after: int | None = None, limit: int = PAGE_SIZE
) -> KeysetPage[Message]:
    """The dead letters of `user`'s scope, newest first, `limit` after the id `after`."""
    return keyset_page(_dead_for_user(user=user), after=after, limit=limit)


def dead_letter_get_for_user(*, user: Actor, pk: int, lock: bool = False) -> Message:
    """One dead letter of `user`'s scope; anything else (outside it, not dead, missing)
    is NotFound alike. `lock` holds the row for the caller's transaction."""
    query = _dead_for_user(user=user)
    if lock:
        query = query.select_for_update(of=("self",))
    message = query.filter(pk=pk).first()
    if message is None:
        raise NotFound("")
    return message


def address_masked(*, channel: str, address: str) -> str:
    """The recipient as an officer may see it in a list: enough to tell two apart and
    to recognise one, not to write to it (a phone as 091…678, an e-mail as n…@gmail.com)."""
    if channel == Channel.SMS and address.startswith("+84") and len(address) == 12:
        return f"0{address[3:5]}…{address[-3:]}"
    if "@" in address:
        name, _at, domain = address.rpartition("@")
        return f"{name[:1]}…@{domain}"
    if len(address) <= 4:
        return "…"
    return f"{address[:2]}…{address[-3:]}"
