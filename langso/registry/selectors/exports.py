"""Reads for registry exports: every row of a registry in the reader's scope, in the
columns of the registry's import file (`transfer`), so that an export imports again."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import F, FloatField, Func

from langso.core.actors import Actor
from langso.places.models import AdminUnit

from ..transfer import Cell, Transfer, transfer_for
from .scope import within_scope

# Rows per query: the export is read by keyset on the primary key, a batch at a time,
# so that a province's 1.5 million households stream without OFFSET or a COUNT.
EXPORT_BATCH = 5000


def _lookups(transfer: Transfer) -> list[str]:
    lookups: list[str] = []
    for column in transfer.columns:
        if column.cell is Cell.UNIT:
            lookups += ["village__code", "commune__code"]
        elif column.cell is Cell.REFERENCE:
            lookups.append(f"{column.field}__{column.target_key}")
        elif column.cell is Cell.LATITUDE:
            lookups.append("_y")
        elif column.cell is Cell.LONGITUDE:
            lookups.append("_x")
        else:
            lookups.append(column.field)
    return ["pk", *lookups]


def registry_export_rows(
    *, user: Actor, registry: str, unit: AdminUnit | None = None, batch: int = EXPORT_BATCH
) -> Iterator[tuple[Any, ...]]:
    """The rows of `registry` that `user` may see (optionally only under `unit`), oldest
    first, each a tuple of values in the order of the registry's columns: the unit as the
    village's code (the commune's where the row has no village), references by their
    keys, coordinates as floats. Nothing outside the user's scope is ever read."""
    transfer = transfer_for(registry)
    if transfer is None:
        return
    rows = within_scope(transfer.model._default_manager.all(), user=user)
    if unit is not None:
        rows = rows.filter(unit.subtree_q())
    rows = rows.annotate(
        _x=Func(F("location"), function="ST_X", output_field=FloatField()),
        _y=Func(F("location"), function="ST_Y", output_field=FloatField()),
    )
    lookups = _lookups(transfer)
    # The unit column is read as two (village code, commune code) and written as one.
    unit_at = lookups.index("village__code")
    last = 0
    while True:
        page = list(rows.filter(pk__gt=last).order_by("pk").values_list(*lookups)[:batch])
        for values in page:
            yield (
                *values[1:unit_at],
                values[unit_at] or values[unit_at + 1],
                *values[unit_at + 2 :],
            )
        if len(page) < batch:
            return
        last = page[-1][0]
