"""What messaging tells the apps above it: a message's fate changed. Announcements keep
their reach from these, counting rather than recounting."""

from __future__ import annotations

from dataclasses import dataclass

from langso.core.events import DomainEvent


@dataclass(frozen=True)
class MessageStatusChanged(DomainEvent):
    """Message `message_id` of `source` went from `before` to `after` (statuses of
    `MessageStatus`), in the writer's transaction."""

    message_id: int
    source: str
    channel: str
    unit_id: int | None
    before: str
    after: str
