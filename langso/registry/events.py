"""Events the registry publishes; higher apps (indicators) subscribe in their ready().

Published inside the writer's transaction with the values before and after, so that a
subscriber can apply an exact delta to what it derives (aggregates), and see nothing if
the write rolls back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from langso.core.events import DomainEvent


@dataclass(frozen=True)
class HouseholdsChanged(DomainEvent):
    """Households were created, updated or removed, one or many (an import is one event).

    Each change is (household id, values before, values after); `before` is None for a
    new household, `after` None for one deleted. Values hold the counted fields and the
    ancestor columns (province_id, commune_id, village_id) and status.
    """

    changes: tuple[tuple[int, dict[str, Any] | None, dict[str, Any] | None], ...]
    source: str
