"""A job started from the platform is done by a real worker process (`db_worker`), as
`scripts/serve.sh` runs it, on an embedded database file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

ENQUEUE = """
import json
from django.contrib.auth import get_user_model
from langso.core.services import job_create
from langso.places.tasks import boundaries_import_task
from langso.places.testing import make_unit_tree

tree = make_unit_tree(communes=1, villages_per_commune=0)
commune = tree.communes[0]
admin = get_user_model().objects.create_superuser("operator", "op@example.org", "x")
path = "{path}"
with open(path, "w", encoding="utf-8") as f:
    json.dump({{"type": "FeatureCollection", "features": [{{
        "type": "Feature", "properties": {{"ma_xa": commune.code}},
        "geometry": {{"type": "Polygon", "coordinates": [[[105.9, 20.2], [106.0, 20.2],
                      [106.0, 20.3], [105.9, 20.3], [105.9, 20.2]]]}}}}]}}, f)
job = job_create(kind="boundaries_import", created_by=admin, total=1)
boundaries_import_task.enqueue(job_id=job.pk, actor_id=admin.pk, path=path,
                               level="commune", code_field="ma_xa")
"""

RESULT = """
import json
from langso.core.models import Job
from langso.places.models import AdminUnit
job = Job.objects.get()
unit = AdminUnit.objects.get(level="commune")
print(json.dumps({"status": job.status, "message": job.message,
                  "has_boundary": unit.boundary is not None}))
"""


def _manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603  # our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_a_queued_boundary_import_is_done_by_the_worker(tmp_path: Path) -> None:
    """Enqueued in one process, run by `db_worker` in another: the job ends succeeded and
    the commune has its boundary."""
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": f"spatialite:///{tmp_path / 'langso.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "DJANGO_DEBUG": "false",
    }
    _manage(env, "migrate", "--noinput", "-v", "0")
    _manage(env, "shell", "-c", ENQUEUE.format(path=tmp_path / "ranh-gioi.geojson"))
    _manage(env, "db_worker", "--batch", "--no-startup-delay", "--no-reload")
    result = json.loads(_manage(env, "shell", "-c", RESULT).strip().splitlines()[-1])
    assert result["status"] == "succeeded", result["message"]
    assert result["has_boundary"]
