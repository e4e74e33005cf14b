"""What the database in use can do. Services ask here, never `connection.vendor == ...`."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connections


@dataclass(frozen=True)
class Capabilities:
    # Row locks for workflow transitions; SQLite serialises writers instead.
    row_locks: bool
    # Server-side vector tiles (ST_AsMVT); elsewhere tiles are encoded in Python.
    vector_tiles_in_sql: bool
    # Maximum bound parameters in one statement (SQLite's limit is far lower).
    max_query_params: int


def capabilities(using: str = "default") -> Capabilities:
    connection = connections[using]
    postgis = connection.vendor == "postgresql"
    return Capabilities(
        row_locks=bool(connection.features.has_select_for_update),
        vector_tiles_in_sql=postgis,
        max_query_params=connection.features.max_query_params or 65535,
    )
