"""Migrated SpatiaLite databases keep their spatial indexes."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_every_geometry_column_has_its_spatial_index_after_migrating(tmp_path: Path) -> None:
    """Table rebuilds for constraints disable SpatiaLite's R*Tree indexes; the migrations
    restore them, so map and distance queries do not silently scan whole tables."""
    database = tmp_path / "langso.sqlite3"
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": f"spatialite:///{database}",
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "already exists" not in done.stderr
    with sqlite3.connect(database) as db:
        rows = db.execute(
            "SELECT f_table_name, f_geometry_column, spatial_index_enabled "
            "FROM geometry_columns WHERE f_table_name LIKE 'places_%' "
            "OR f_table_name LIKE 'registry_%'"
        ).fetchall()
    assert ("registry_household", "location", 1) in rows
    assert ("places_adminunit", "boundary", 1) in rows
    assert [row for row in rows if row[2] != 1] == []
