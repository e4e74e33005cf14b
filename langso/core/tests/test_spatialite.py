"""Migrated SpatiaLite databases keep their spatial indexes."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import OperationalError, connections, transaction
from django.db.utils import ConnectionHandler

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
        cache_table = db.execute(
            "SELECT name FROM sqlite_master WHERE name = 'langso_cache'"
        ).fetchall()
    # Sign-in throttling counts in the database cache, whose table `migrate` creates.
    assert cache_table == [("langso_cache",)]
    assert ("registry_household", "location", 1) in rows
    assert ("places_adminunit", "boundary", 1) in rows
    assert [row for row in rows if row[2] != 1] == []


def test_concurrent_writers_wait_for_the_lock_instead_of_failing(
    tmp_path: Path, django_db_blocker: Any
) -> None:
    """Four threads, each with its own connection to one SpatiaLite file opened with the
    project's options, run transactions that read and then write, as services do. Every
    transaction commits: none fails with "database is locked"."""
    alias = "concurrent_writers"
    connections.settings[alias] = ConnectionHandler().configure_settings(
        {
            # Django fills in every key of a database's settings only alongside a default.
            "default": {},
            alias: {
                "ENGINE": "django.contrib.gis.db.backends.spatialite",
                "NAME": str(tmp_path / "writers.sqlite3"),
                "OPTIONS": dict(settings.SPATIALITE_OPTIONS),
            },
        }
    )[alias]
    writers, rounds = 4, 5
    failures: list[str] = []
    start = threading.Barrier(writers)

    def write(writer: int) -> None:
        try:
            start.wait()
            for n in range(rounds):
                with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
                    cursor.execute("SELECT COUNT(*) FROM tally")
                    cursor.fetchone()
                    # Another writer gets in between the read and the write.
                    time.sleep(0.01)
                    cursor.execute("INSERT INTO tally (writer, n) VALUES (%s, %s)", [writer, n])
        except OperationalError as exc:
            failures.append(str(exc))
        finally:
            connections[alias].close()

    try:
        with django_db_blocker.unblock():
            with connections[alias].cursor() as cursor:
                cursor.execute("CREATE TABLE tally (writer INTEGER, n INTEGER)")
            connections[alias].close()
            threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT COUNT(*) FROM tally")
                written = cursor.fetchone()[0]
            connections[alias].close()
    finally:
        del connections.settings[alias]
    assert failures == []
    assert written == writers * rounds
