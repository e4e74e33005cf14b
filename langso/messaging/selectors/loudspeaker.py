"""Reads of loudspeaker messages, within the reader's scope."""

from __future__ import annotations

from django.utils.translation import gettext as _

from langso.accounts.roles import Permission
from langso.accounts.selectors import unit_scope_q
from langso.core.actors import Actor
from langso.core.errors import NotFound

from ..models import Channel, Message


def loudspeaker_message_get_for_user(*, user: Actor, pk: int) -> Message:
    """A loudspeaker message for a unit within `user`'s scope (to play or download its
    audio). Refused as missing otherwise, so that a refusal says nothing of others'."""
    message = (
        Message.objects.filter(
            unit_scope_q(user=user, permission=Permission.VIEW_SCOPED, prefix="unit__"),
            pk=pk,
            channel=Channel.LOUDSPEAKER,
        ).first()
        if user.is_authenticated
        else None
    )
    if message is None:
        raise NotFound(_("Không có thông báo loa này trong phạm vi của bạn."))
    return message
