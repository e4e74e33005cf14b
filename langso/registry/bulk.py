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

Rows may come from a generator: on PostgreSQL they stream into COPY as they are made,
so that building them in Python overlaps the server's work on the rows before.

The app's one bulk writer, and its one COPY and EWKB encoder: imports (`services.imports`)
and the synthetic-data generator (`synth.households`) both write through it.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from itertools import islice
from operator import itemgetter
from typing import Any

from django.contrib.gis.db.models import GeometryField
from django.db import connection, models

from langso.core.db import capabilities

# (x, y) in WGS 84.
XY = tuple[float, float]
Converter = Callable[[Any], Any]

_BATCH = 5000
# Rows after which a load refreshes the table's planner statistics.
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
        if field.encoder is None:
            # What Django sends for such a field on both databases, without its adapter
            # objects around it.
            return json.dumps

        def encoded(value: Any) -> Any:
            return field.get_db_prep_save(value, connection)

        return encoded
    return None


def _column(field: models.Field[Any, Any]) -> str:
    if field.column is None:
        raise TypeError(f"{field.name} has no column")
    return field.column


def _placeholder(field: models.Field[Any, Any]) -> str:
    if isinstance(field, GeometryField):
        return f"ST_GeomFromText(%s, {field.srid})"
    return "%s"


class _Values:
    """A row's values for `fields`, in their order: the mapping's (by attribute name) laid
    over the fields' defaults, each converted by its converter (None: as it is)."""

    def __init__(
        self, fields: Sequence[models.Field[Any, Any]], converters: Sequence[Converter | None]
    ) -> None:
        self.defaults = {field.attname: field.get_default() for field in fields}
        pick = itemgetter(*(field.attname for field in fields))
        self.pick: Callable[[Mapping[str, Any]], Any] = (
            pick if len(fields) > 1 else lambda row: (pick(row),)
        )
        self.conversions = [(i, c) for i, c in enumerate(converters) if c is not None]

    def __call__(self, row: Mapping[str, Any]) -> list[Any]:
        merged = self.defaults.copy()
        merged.update(row)
        values = list(self.pick(merged))
        for index, convert in self.conversions:
            value = values[index]
            if value is not None:
                values[index] = convert(value)
        return values


def _prepared(
    fields: Sequence[models.Field[Any, Any]], rows: Iterable[Mapping[str, Any]]
) -> list[list[Any]]:
    values = _Values(fields, [_converter(f) for f in fields])
    return [values(row) for row in rows]


def insert_rows(
    model: type[models.Model],
    rows: Iterable[Mapping[str, Any]],
    *,
    analyze: Collection[str] = (),
) -> int:
    """INSERT one row per mapping of attribute names (`village_id`, `location` as (x, y))
    to values; columns not given take the field's default. Ids are left to the database.
    Returns how many rows went in. Many rows go in one statement, as many as the database
    binds parameters for: one round trip and one plan per statement, not per row. With
    `analyze` (attribute names), a large COPY refreshes the planner statistics of those
    columns for the queries that follow it in the transaction."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    if not capabilities().bulk_copy:
        return _insert_rows(model, fields, rows)
    count = _copy_rows(model, fields, rows)
    if analyze and count >= _ANALYZE_AFTER:
        _analyze(model, analyze)
    return count


def _insert_rows(
    model: type[models.Model],
    fields: Sequence[models.Field[Any, Any]],
    rows: Iterable[Mapping[str, Any]],
) -> int:
    quote = connection.ops.quote_name
    head = "INSERT INTO {} ({}) VALUES ".format(  # noqa: S608  # names from the model
        quote(model._meta.db_table), ", ".join(quote(_column(f)) for f in fields)
    )
    one = "({})".format(", ".join(_placeholder(f) for f in fields))
    per_statement = max(1, min(1000, capabilities().max_query_params // len(fields)))
    statements: dict[int, str] = {}
    values = _Values(fields, [_converter(f) for f in fields])
    count = 0
    iterator = iter(rows)
    with connection.cursor() as cursor:
        while group := [values(row) for row in islice(iterator, per_statement)]:
            if len(group) not in statements:
                statements[len(group)] = head + ", ".join([one] * len(group))
            cursor.execute(statements[len(group)], [v for row in group for v in row])
            count += len(group)
    return count


def _copy_rows(
    model: type[models.Model],
    fields: Sequence[models.Field[Any, Any]],
    rows: Iterable[Mapping[str, Any]],
) -> int:
    """COPY … FROM STDIN in the binary format: the rows stream to the server without a
    statement each, and neither side turns numbers and timestamps into text and back
    (psycopg spends ten times longer formatting a row of timestamps as text)."""
    quote = connection.ops.quote_name
    table = model._meta.db_table
    sql = "COPY {} ({}) FROM STDIN (FORMAT BINARY)".format(
        quote(table), ", ".join(quote(_column(f)) for f in fields)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.attname, t.typname FROM pg_attribute a "
            "JOIN pg_type t ON t.oid = a.atttypid "
            "WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped",
            [quote(table)],
        )
        typenames = dict(cursor.fetchall())
        kinds = [_binary_kind(field, typenames[_column(field)]) for field in fields]
        values = _Values(fields, [convert for _type, convert in kinds])
        count = 0
        with cursor.cursor.copy(sql) as copy:
            copy.set_types([kind for kind, _convert in kinds])
            write = copy.write_row
            for row in rows:
                write(values(row))
                count += 1
    return count


# Column types whose Python values psycopg writes in the binary format as they are.
_BINARY_AS_IS = frozenset(
    {"bool", "int2", "int4", "int8", "float4", "float8", "numeric", "text", "varchar"}
    | {"date", "timestamptz", "uuid"}
)
_EWKB_POINT = struct.Struct("<BIIdd")
# EWKB geometry type of a point that carries its SRID.
_EWKB_POINT_WITH_SRID = 0x20000001


def _binary_kind(field: models.Field[Any, Any], typename: str) -> tuple[str, Converter | None]:
    """The type a column's values are sent as in a binary COPY, and how a Python value
    becomes one. Geometries and JSON go as the bytes their receive functions read."""
    if typename in _BINARY_AS_IS:
        return typename, None
    if isinstance(field, GeometryField) and typename == "geometry":
        srid = field.srid

        def ewkb(value: XY) -> bytes:
            return _EWKB_POINT.pack(1, _EWKB_POINT_WITH_SRID, srid, value[0], value[1])

        return "bytea", ewkb
    if isinstance(field, models.JSONField) and typename == "jsonb":
        encoder = field.encoder

        def jsonb(value: Any) -> bytes:
            # The jsonb binary format: a version byte, then the JSON text.
            return b"\x01" + json.dumps(value, cls=encoder).encode()

        return "bytea", jsonb
    raise TypeError(f"no binary COPY for {field.name} ({typename})")


def _analyze(model: type[models.Model], names: Collection[str]) -> None:
    # The table just grew by many rows inside this transaction: without fresh statistics
    # the planner of the queries that follow (the duplicate search) takes it for nearly
    # empty and nests loops over it. Only the columns those queries read: statistics of
    # every column (a point column's above all) cost three times as long.
    quote = connection.ops.quote_name
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    columns = ", ".join(quote(_column(by_attname[name])) for name in sorted(names))
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {quote(model._meta.db_table)} ({columns})")


def ids_by_key(model: type[models.Model], key: str, keys: Sequence[str]) -> dict[str, int]:
    """The ids of the rows whose unique column `key` holds one of `keys`, by key."""
    if not keys:
        return {}
    quote = connection.ops.quote_name
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    table, column = quote(model._meta.db_table), quote(_column(by_attname[key]))
    pk = quote(_column(model._meta.pk))
    found: dict[str, int] = {}
    with connection.cursor() as cursor:
        if capabilities().array_parameters:
            # One array parameter: psycopg merges thousands of placeholders slowly.
            cursor.execute(
                f"SELECT {column}, {pk} FROM {table} WHERE {column} = ANY(%s)",  # noqa: S608
                [list(keys)],
            )
            found.update(cursor.fetchall())
            return found
        size = max(1, capabilities().max_query_params - 10)
        for start in range(0, len(keys), size):
            chunk = keys[start : start + size]
            cursor.execute(
                f"SELECT {column}, {pk} FROM {table} "  # noqa: S608  # names from the model
                f"WHERE {column} IN ({', '.join(['%s'] * len(chunk))})",
                list(chunk),
            )
            found.update(cursor.fetchall())
    return found


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
