"""Keeping `HouseholdMapCell` equal to what grouping the households would give.

A unit's cells are recomputed from its households, never adjusted by deltas: a village
holds a few hundred households, so recounting it costs about what a delta would, and
cannot drift. The registry's own writes reach here through `HouseholdsChanged`, in the
writer's transaction; bulk writers that bypass the services (the synthetic-data
generator) rebuild whole provinces.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connections
from django.db.models import Count, Field, Min, Model, Q, QuerySet, Sum

from ..events import HouseholdsChanged
from ..maps.layers import HOUSEHOLD_GAPS
from ..maps.tiles import PointX, PointY, grid_cell
from ..models import Household, HouseholdMapCell
from ..models.map_cells import CELL_LEVEL, GAP_NAMES


def _counted(households: QuerySet[Any]) -> QuerySet[Any]:
    """The cells of these households, grouped as `HouseholdMapCell` stores them."""
    cell_x, cell_y = grid_cell(CELL_LEVEL)
    gaps: dict[str, Any] = {}
    for name in GAP_NAMES:
        has_gap = HOUSEHOLD_GAPS[name][1]()
        gaps[f"gap_{name}"] = Count("pk", filter=has_gap)
        gaps[f"gap_{name}_first_id"] = Min("pk", filter=has_gap)
    counted: QuerySet[Any] = (
        households.filter(location__isnull=False)
        .annotate(cell_x=cell_x, cell_y=cell_y)
        .values("province_id", "commune_id", "village_id", "status", "cell_x", "cell_y")
        .annotate(
            households=Count("pk"),
            sum_lon=Sum(PointX("location")),
            sum_lat=Sum(PointY("location")),
            first_id=Min("pk"),
            **gaps,
        )
        .order_by()
    )
    return counted


def _column(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)  # it knows attnames ("province_id") too
    if not isinstance(field, Field) or not field.column:
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return field.column


def _recount(
    where: Q,
    *,
    household_model: type[Model] = Household,
    cell_model: type[Model] = HouseholdMapCell,
) -> None:
    """Delete the cells matching `where` and insert them again from the households
    matching it, in one INSERT … SELECT: no household row travels to Python."""
    cell_model._default_manager.filter(where).delete()
    select = _counted(household_model._default_manager.filter(where))
    query = select.query
    # The SELECT's columns, in order: the grouped fields, then the aggregates.
    names = [*query.values_select, *query.annotation_select]
    columns = [_column(cell_model, name) for name in names]
    sql, params = query.sql_with_params()
    connection = connections[select.db]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        # Table and columns come from the model; every value is a parameter.
        cursor.execute(
            f"INSERT INTO {quote(cell_model._meta.db_table)} "
            f"({', '.join(quote(c) for c in columns)}) {sql}",
            params,
        )


def household_map_cells_refresh(*, units: Iterable[tuple[int, int | None]]) -> None:
    """Recount the cells of these lowest units, given as (commune id, village id or
    None for the commune's households without a village)."""
    villages = {village for _commune, village in units if village is not None}
    communes = {commune for commune, village in units if village is None}
    where = Q(pk__in=[])
    if villages:
        where |= Q(village_id__in=sorted(villages))
    if communes:
        where |= Q(commune_id__in=sorted(communes), village_id__isnull=True)
    if villages or communes:
        _recount(where)


def household_map_cells_rebuild(
    *,
    province_ids: Iterable[int] | None = None,
    household_model: type[Model] = Household,
    cell_model: type[Model] = HouseholdMapCell,
) -> None:
    """Recount every cell of these provinces (None: the whole country). The models can
    be a migration's historical ones."""
    where = Q() if province_ids is None else Q(province_id__in=sorted(province_ids))
    _recount(where, household_model=household_model, cell_model=cell_model)


def households_changed(event: HouseholdsChanged) -> None:
    """Recount the units the changed households were in before and are in after."""
    units: set[tuple[int, int | None]] = set()
    for _id, before, after in event.changes:
        for values in (before, after):
            if values is not None:
                units.add((values["commune_id"], values["village_id"]))
    household_map_cells_refresh(units=units)
