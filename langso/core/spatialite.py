"""SpatiaLite quirk, for migrations: Django rebuilds a SQLite table to add a check or
conditional unique constraint, and SpatiaLite's R*Tree index of a geometry column does not
survive the rebuild (`geometry_columns.spatial_index_enabled` drops to 0, and bounding-box
queries silently scan the table). Each app with such tables ends its migrations by
restoring the indexes. Nothing happens on PostGIS, where indexes survive."""

from __future__ import annotations

from typing import Any

from django.contrib.gis.db.models import GeometryField


def restore_spatial_indexes(app_label: str) -> Any:
    """A RunPython function re-creating the disabled spatial indexes of `app_label`'s
    geometry fields. Rerunnable: an index already enabled is left alone."""

    def restore(apps: Any, schema_editor: Any) -> None:
        connection = schema_editor.connection
        if connection.vendor != "sqlite":
            return
        with connection.cursor() as cursor:
            for model in apps.get_app_config(app_label).get_models():
                table = model._meta.db_table
                for field in model._meta.local_fields:
                    if not isinstance(field, GeometryField) or not field.spatial_index:
                        continue
                    cursor.execute(
                        "SELECT spatial_index_enabled FROM geometry_columns "
                        "WHERE f_table_name = %s AND f_geometry_column = %s",
                        [table.lower(), str(field.column).lower()],
                    )
                    row = cursor.fetchone()
                    if row is not None and not row[0]:
                        # The rebuild left the old R*Tree behind, stale: drop it first.
                        index_table = f"idx_{table}_{field.column}"
                        cursor.execute(f'DROP TABLE IF EXISTS "{index_table}"')
                        cursor.execute("SELECT CreateSpatialIndex(%s, %s)", [table, field.column])

    return restore
