"""What the database in use can do. Services ask here, never `connection.vendor == ...`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from django.db import connections
from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Capabilities:
    # Row locks for workflow transitions; SQLite serialises writers instead.
    row_locks: bool
    # Server-side vector tiles (ST_AsMVT); elsewhere tiles are encoded in Python.
    vector_tiles_in_sql: bool
    # Maximum bound parameters in one statement (SQLite's limit is far lower).
    max_query_params: int
    # SpatiaLite keeps a spatial index as an R*Tree table (idx_<table>_<column>) that
    # SQL joins directly; PostGIS reaches its GiST index through the && operator.
    rtree_spatial_index: bool
    # Bulk loads through COPY … FROM STDIN (psycopg's cursor.copy()), several times
    # faster than multi-row INSERTs.
    bulk_copy: bool
    # A list binds as one array parameter (`= ANY(%s)`): psycopg spends longer merging
    # thousands of placeholders into a statement than the database spends running it.
    array_parameters: bool


def capabilities(using: str = "default") -> Capabilities:
    connection = connections[using]
    postgis = connection.vendor == "postgresql"
    return Capabilities(
        row_locks=bool(connection.features.has_select_for_update),
        vector_tiles_in_sql=postgis,
        max_query_params=connection.features.max_query_params or 65535,
        rtree_spatial_index=connection.vendor == "sqlite",
        bulk_copy=postgis,
        array_parameters=postgis,
    )


def for_update(queryset: QuerySet[M]) -> QuerySet[M]:
    """`queryset` locking the rows it reads until the transaction ends, where the database
    locks rows (SQLite serialises writers instead). Only the queryset's own rows: joined
    rows stay unlocked, and PostgreSQL refuses FOR UPDATE on the nullable side of a
    join (a household's village, a role's unit)."""
    if capabilities(queryset.db).row_locks:
        return queryset.select_for_update(of=("self",))
    return queryset


def lock_against_writes(model: type[Model]) -> None:
    """Until the transaction ends, no other transaction writes `model`'s table, and
    those already writing it have committed: what a reader that derives data from the
    whole table needs so that no concurrent write slips between its read and its own
    write. SQLite has one writer at a time already."""
    using = model._default_manager.db
    connection = connections[using]
    if capabilities(using).row_locks:
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {table} IN SHARE MODE")


def statistics_refresh(model: type[Model], using: str = "default") -> None:
    """Have the query planner count `model`'s table afresh, after a bulk change to it
    (a national list loaded, boundaries imported, a province generated). SQLite keeps
    no statistics unless asked: without them its planner took the index on the units'
    level for a selective one and read every village of the country to find the few a
    map tile shows, 9 ms a query where the spatial index takes 0.4 (`bench
    choropleth`). PostgreSQL's autovacuum would analyse the table later; this does it
    now, for the requests that follow at once."""
    connection = connections[using]
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")
