"""Keyset pagination: the next page starts after the last row seen, never at an OFFSET,
and no COUNT runs over a million-row table."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

from django.core.exceptions import EmptyResultSet
from django.db import models
from django.db.models import Lookup

from .db import capabilities

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class KeysetPage(Generic[M]):
    rows: list[M]
    # The id to pass as `after` for the next page, or None on the last page.
    next_after: int | None


class OneOf(Lookup[Any]):
    """`column = ANY(%s)` with one array parameter on PostgreSQL, `column IN (…)`
    elsewhere: used as `queryset.filter(OneOf(F("province_id"), [pk]))`.

    On PostgreSQL, unlike `column = value`, it does not make the column a constant for
    the planner, so an ORDER BY that starts with the column keeps it, and only the
    (column, -id) index can give that order. With an equality the planner drops the
    column from the ORDER BY and may walk the primary key backwards instead: seconds
    over ten million rows when the scope holds the oldest ones."""

    lookup_name = "one_of"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = list(self.rhs)
        if capabilities(connection.alias).array_parameters:
            return f"{lhs} = ANY(%s)", (*lhs_params, values)
        if not values:
            raise EmptyResultSet
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", (*lhs_params, *values)


def keyset_page(
    queryset: models.QuerySet[M], *, after: int | None, limit: int, pinned: str | None = None
) -> KeysetPage[M]:
    """Newest first by id: rows with id below `after`.

    `pinned` names a column the queryset's filter holds to one value through `OneOf`
    (the scope's `province_id`, say): ordering by it first changes nothing in the
    result, and makes the database read the (column, -id) index in order."""
    if after is not None:
        queryset = queryset.filter(pk__lt=after)
    order = ("-pk",) if pinned is None else (pinned, "-pk")
    rows = list(queryset.order_by(*order)[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return KeysetPage(rows=rows, next_after=rows[-1].pk if more and rows else None)


def next_page_query(params: Mapping[str, str], page: KeysetPage[Any] | None) -> str | None:
    """The query string of the page after `page` of a filtered list: the same non-empty
    filters (`params`, a request's GET), `after` its last row; None on the last page."""
    if page is None or page.next_after is None:
        return None
    query = {k: v for k, v in params.items() if k != "after" and v}
    return "?" + urlencode(query | {"after": page.next_after})
