"""Settings that depend on the environment, read as a deployment reads them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _cache_backend(**environment: str) -> str:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, django; django.setup(); from django.conf import settings; "
            "print(json.dumps(settings.CACHES['default']['BACKEND']))",
        ],
        cwd=ROOT,
        env={
            key: value
            for key, value in os.environ.items()
            if key not in {"REDIS_URL", "DATABASE_URL"}
        }
        | {"DJANGO_SETTINGS_MODULE": "config.settings.local"}
        | environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    backend: str = json.loads(done.stdout.strip().splitlines()[-1])
    return backend


def test_sign_in_counts_are_kept_where_every_worker_sees_them() -> None:
    """The cache that sign-in throttling counts in is the database's by default and
    Redis when REDIS_URL is set, never one process's memory."""
    assert _cache_backend() == "django.core.cache.backends.db.DatabaseCache"
    assert (
        _cache_backend(REDIS_URL="redis://127.0.0.1:6379/0")
        == "django.core.cache.backends.redis.RedisCache"
    )
