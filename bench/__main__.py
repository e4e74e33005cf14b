"""Run the benchmarks on a throw-away database: `scripts/bench.sh` (SpatiaLite) or
`DATABASE_URL=postgis://… scripts/bench.sh`. Figures are printed, never asserted.

`python -m bench` runs every benchmark; `python -m bench units import` runs those named.
Each benchmark is a module of this package with a `run()`: add it to `BENCHES`.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path

import django

# Command-line name -> module of this package.
BENCHES: dict[str, str] = {
    "units": "units",
    "import": "registry_import",
    "roundtrip": "registry_round_trip",
    "lists": "registry_lists",
    "tiles": "registry_tiles",
    "ingest": "surveys_ingest",
    "manifest": "surveys_manifest",
    "indicators": "indicators",
    "criteria": "criteria",
    # issue 15 (home)
    "home": "home",
    # Issue 15 (phone): a household's page and the survey web form, cold, on a phone.
    "first_load": "first_load",
    # issue 16: freezing a commune's snapshot, the province's dossier board, the report PDF.
    "recognition": "recognition",
    # issue 17: the progress of every target of a province's plan.
    "plans": "plans",
    # issue 17 (choropleth): values for all 3,321 communes, the boundary tiles.
    "choropleth": "choropleth",
    # issue 18 (kannel): sustained SMS through Kannel and its fake SMSC.
    "sms": "sms",
    # issue 18 (annreach): the reach of an announcement to 1,000,000 households.
    "announcement_reach": "announcement_reach",
    # issue 18: a province-wide warning written to the outbox.
    "announcements": "announcements",
    # issue 17 (report): the quarterly report PDF and XLSX of the largest province.
    "report": "report",
}


def _arguments() -> list[str]:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "names",
        nargs="*",
        choices=[*BENCHES, "all"],
        metavar="NAME",
        help=f"benchmarks to run: {', '.join(BENCHES)} or all (the default)",
    )
    names: list[str] = parser.parse_args().names
    if not names or "all" in names:
        return list(BENCHES)
    return list(dict.fromkeys(names))


def main() -> None:
    names = _arguments()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    django.setup()
    from django.conf import settings
    from django.db import connection

    modules = [importlib.import_module(f"{__package__}.{BENCHES[name]}") for name in names]
    if connection.vendor == "sqlite":
        # A file, not memory: the embedded default runs on a file.
        path = Path(settings.BASE_DIR) / "var" / "bench.sqlite3"
        path.parent.mkdir(exist_ok=True)
        path.unlink(missing_ok=True)
        connection.settings_dict["TEST"]["NAME"] = str(path)
    else:
        # Not the test suite's database: a bench may run while the suite does.
        connection.settings_dict["TEST"]["NAME"] = f"bench_{connection.settings_dict['NAME']}"
    test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        for module in modules:
            module.run()
    finally:
        connection.creation.destroy_test_db(test_db, verbosity=0)


main()
