"""Inserts and updates of many registry rows without building model instances.

An import of a province writes hundreds of thousands of households and as many audit
entries. `QuerySet.bulk_create` spends most of its time per row and per field in Python
(model `__init__`, `pre_save`, `get_db_prep_save`, a GEOS object per point); here each
row is a dict of attribute values, converted once per column kind and sent with
`executemany` (a pipeline on psycopg 3, a prepared statement on SQLite). Points travel as
WKT into `ST_GeomFromText(…, 4326)`, which PostGIS and SpatiaLite both provide.

Only what Django would send is sent: the same columns, the same adapted values, the
same defaults. Model `save()` logic does not run: callers set every derived column
(search keys, timestamps) themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.contrib.gis.db.models import GeometryField
from django.db import connection, models

from langso.core.db import capabilities

# (x, y) in WGS 84.
XY = tuple[float, float]
Converter = Callable[[Any], Any]

_BATCH = 5000
# Rows after which a COPY refreshes the table's planner statistics.
_ANALYZE_AFTER = 10_000


def _point_text(value: XY | None) -> str | None:
    return None if value is None else f"POINT({value[0]!r} {value[1]!r})"


def _last_one(convert: Converter) -> Converter:
    """`convert`, remembering its last answer: a batch carries one timestamp in every row."""
    last: list[Any] = [object(), None]

    def remembered(value: Any) -> Any:
        if value is not last[0]:
            last[0], last[1] = value, convert(value)
        return last[1]

    return remembered


def _converter(field: models.Field[Any, Any]) -> Converter | None:
    """How a Python value of `field` becomes a query parameter (None: as it is)."""
    ops = connection.ops
    if isinstance(field, GeometryField):
        return _point_text
    if isinstance(field, models.DateTimeField):
        return _last_one(ops.adapt_datetimefield_value)
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.DecimalField):
        max_digits, places = field.max_digits, field.decimal_places

        def decimal(value: Any) -> Any:
            return ops.adapt_decimalfield_value(value, max_digits, places)

        return decimal
    if isinstance(field, models.JSONField):

        def json(value: Any) -> Any:
            return field.get_db_prep_save(value, connection)

        return json
    return None


def _column(field: models.Field[Any, Any]) -> str:
    if field.column is None:
        raise TypeError(f"{field.name} has no column")
    return field.column


def _placeholder(field: models.Field[Any, Any]) -> str:
    if isinstance(field, GeometryField):
        return f"ST_GeomFromText(%s, {field.srid})"
    return "%s"


def _prepared(
    fields: Sequence[models.Field[Any, Any]], rows: Iterable[Mapping[str, Any]]
) -> list[list[Any]]:
    plan = [(field.attname, field.get_default()) for field in fields]
    conversions = [
        (index, convert)
        for index, field in enumerate(fields)
        if (convert := _converter(field)) is not None
    ]
    params: list[list[Any]] = []
    for row in rows:
        values = [row.get(name, default) for name, default in plan]
        for index, convert in conversions:
            value = values[index]
            if value is not None:
                values[index] = convert(value)
        params.append(values)
    return params


def insert_rows(
    model: type[models.Model], rows: Sequence[Mapping[str, Any]], *, analyze: bool = False
) -> None:
    """INSERT one row per mapping of attribute names (`village_id`, `location` as (x, y))
    to values; columns not given take the field's default. Ids are left to the database.
    Many rows go in one statement, as many as the database binds parameters for: one
    round trip and one plan per statement, not per row. With `analyze`, a large load
    refreshes the table's planner statistics for the queries that follow it."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    if capabilities().bulk_copy:
        _copy_rows(model, fields, rows, analyze=analyze)
        return
    quote = connection.ops.quote_name
    head = "INSERT INTO {} ({}) VALUES ".format(  # noqa: S608  # names from the model
        quote(model._meta.db_table), ", ".join(quote(_column(f)) for f in fields)
    )
    one = "({})".format(", ".join(_placeholder(f) for f in fields))
    per_statement = max(1, min(1000, capabilities().max_query_params // len(fields)))
    statements: dict[int, str] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _BATCH):
            params = _prepared(fields, rows[start : start + _BATCH])
            for first in range(0, len(params), per_statement):
                group = params[first : first + per_statement]
                if len(group) not in statements:
                    statements[len(group)] = head + ", ".join([one] * len(group))
                cursor.execute(statements[len(group)], [v for values in group for v in values])


def _copy_rows(
    model: type[models.Model],
    fields: Sequence[models.Field[Any, Any]],
    rows: Sequence[Mapping[str, Any]],
    *,
    analyze: bool,
) -> None:
    """COPY … FROM STDIN: the rows stream to the server without a statement each."""
    quote = connection.ops.quote_name
    sql = "COPY {} ({}) FROM STDIN".format(
        quote(model._meta.db_table), ", ".join(quote(_column(f)) for f in fields)
    )
    geometry = [i for i, f in enumerate(fields) if isinstance(f, GeometryField)]
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for start in range(0, len(rows), _BATCH):
            for values in _prepared(fields, rows[start : start + _BATCH]):
                # COPY takes the geometry's text form; EWKT carries the SRID.
                for index in geometry:
                    text = values[index]
                    if text is not None:
                        values[index] = f"SRID=4326;{text}"
                copy.write_row(values)
    if analyze and len(rows) >= _ANALYZE_AFTER:
        with connection.cursor() as cursor:
            # The table just grew by many rows inside this transaction: without fresh
            # statistics the planner of the queries that follow (the duplicate search)
            # takes it for nearly empty and nests loops over it.
            cursor.execute(f"ANALYZE {quote(model._meta.db_table)}")


def update_rows(
    model: type[models.Model], names: Sequence[str], rows: Sequence[Mapping[str, Any]]
) -> None:
    """UPDATE the attributes `names` of each row, found by its `id`."""
    if not rows:
        return
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    fields = [by_attname[name] for name in names]
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608  # names from the model
        quote(model._meta.db_table),
        ", ".join(f"{quote(_column(f))} = {_placeholder(f)}" for f in fields),
        quote(_column(model._meta.pk)),
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _BATCH):
            batch = rows[start : start + _BATCH]
            params = _prepared(fields, batch)
            cursor.executemany(
                sql, [(*values, row["id"]) for values, row in zip(params, batch, strict=True)]
            )
