"""Run the benchmarks on a throw-away database: `scripts/bench.sh` (SpatiaLite) or
`DATABASE_URL=postgis://… scripts/bench.sh`. Figures are printed, never asserted."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    django.setup()
    from django.conf import settings
    from django.db import connection

    from . import units

    if connection.vendor == "sqlite":
        # A file, not memory: the embedded default runs on a file.
        path = Path(settings.BASE_DIR) / "var" / "bench.sqlite3"
        path.parent.mkdir(exist_ok=True)
        path.unlink(missing_ok=True)
        connection.settings_dict["TEST"]["NAME"] = str(path)
    test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        units.run()
    finally:
        connection.creation.destroy_test_db(test_db, verbosity=0)


main()
