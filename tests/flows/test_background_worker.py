"""A job started from the platform is done by a real worker process (`db_worker`), as
`scripts/serve.sh` runs it, on a database of the kind the suite runs on (an embedded
SpatiaLite file, or PostGIS)."""

from __future__ import annotations

import json
from pathlib import Path

from langso.core.testing import manage, scratch_database

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


def test_a_queued_boundary_import_is_done_by_the_worker(tmp_path: Path) -> None:
    """Enqueued in one process, run by `db_worker` in another: the job ends succeeded and
    the commune has its boundary."""
    with scratch_database("worker", tmp_path) as database_url:
        env = {
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DATABASE_URL": database_url,
            "MEDIA_ROOT": str(tmp_path / "media"),
            "DJANGO_DEBUG": "false",
        }
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "shell", "-c", ENQUEUE.format(path=tmp_path / "ranh-gioi.geojson"))
        manage(env, "db_worker", "--batch", "--no-startup-delay", "--no-reload")
        result = json.loads(manage(env, "shell", "-c", RESULT).strip().splitlines()[-1])
    assert result["status"] == "succeeded", result["message"]
    assert result["has_boundary"]
