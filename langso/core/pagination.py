"""Keyset pagination: the next page starts after the last row seen, never at an OFFSET,
and no COUNT runs over a million-row table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class KeysetPage(Generic[M]):
    rows: list[M]
    # The id to pass as `after` for the next page, or None on the last page.
    next_after: int | None


def keyset_page(queryset: models.QuerySet[M], *, after: int | None, limit: int) -> KeysetPage[M]:
    """Newest first by id: rows with id below `after`. The (scope column, -id) indexes of
    the registries serve exactly this order."""
    if after is not None:
        queryset = queryset.filter(pk__lt=after)
    rows = list(queryset.order_by("-pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return KeysetPage(rows=rows, next_after=rows[-1].pk if more and rows else None)
