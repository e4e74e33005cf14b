"""The production settings: `check --deploy` is clean once the required environment is
set, TLS is assumed at the proxy, errors go to the administrators named in the
environment, and a missing required variable stops the start."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.gis.gdal.libgdal import GDAL_VERSION

ROOT = Path(__file__).resolve().parents[2]
SECRET = "k3X9-" + "prod-secret-for-the-deploy-check-" * 2


def _environment(tmp_path: Path, **overrides: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "MEDIA_", "EMAIL_", "KANNEL_"))
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": SECRET,
        "DATABASE_URL": "postgis://langso@db.internal:5432/langso",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "DJANGO_ALLOWED_HOSTS": "langso.example.vn",
        "DJANGO_CSRF_TRUSTED_ORIGINS": "https://langso.example.vn",
        "DJANGO_ADMINS": "Trực ban Làng Số <truc-ban@example.vn>, ops@example.vn",
        "KANNEL_PASSWORD": "k4nnel-sendsms-prod",
        "KANNEL_ADMIN_PASSWORD": "k4nnel-admin-prod",
        "KANNEL_MO_SECRET": "k4nnel-mo-prod",
    }
    return env | overrides


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603  # this interpreter and our own manage.py
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean(tmp_path: Path) -> None:
    """No deployment warning: HSTS, HTTPS redirect, secure cookies, the key. The one
    warning left on a machine whose GDAL is older than 3.9 (Debian 12 has 3.6) is
    GDAL's own, which Debian 13's GDAL clears; production runs on that."""
    done = _run(["manage.py", "check", "--deploy"], _environment(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    found = set(re.findall(r"\(([a-z_]+\.[EWCI]\d+)\)", done.stderr))
    expected = {"gis.W001"} if GDAL_VERSION < (3, 9) else set()
    assert found == expected, done.stderr


def _settings(tmp_path: Path, *names: str, **overrides: str) -> dict[str, object]:
    script = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}, default=str))"
    )
    done = _run(["-c", script], _environment(tmp_path, **overrides))
    assert done.returncode == 0, done.stderr
    values: dict[str, object] = json.loads(done.stdout)
    return values


def test_tls_ends_at_the_proxy_and_every_request_is_made_https(tmp_path: Path) -> None:
    """The proxy says the request came over HTTPS; plain HTTP is redirected, browsers are
    told to keep to HTTPS for a year, and cookies never travel in clear."""
    values = _settings(
        tmp_path,
        "SECURE_PROXY_SSL_HEADER",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
    )
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SECURE_SSL_REDIRECT"] is True
    assert isinstance(values["SECURE_HSTS_SECONDS"], int)
    assert values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True


def test_a_serving_process_freezes_what_loading_made(tmp_path: Path) -> None:
    """Once the application is loaded, its objects are out of the garbage collector's
    full collections (they took 65 ms every few heavy requests)."""
    done = _run(
        ["-c", "import gc, config.wsgi; print(gc.get_freeze_count())"], _environment(tmp_path)
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.split()[-1]) > 10_000


def test_survey_keys_are_stretched_as_owasp_advises(tmp_path: Path) -> None:
    """The tests seal survey keys with a light PBKDF2 count; production keeps OWASP's
    2023 figure for PBKDF2-HMAC-SHA256."""
    values = _settings(tmp_path, "SURVEY_KEY_KDF_ITERATIONS")
    assert values["SURVEY_KEY_KDF_ITERATIONS"] == 600_000


def test_errors_go_to_the_administrators_named_in_the_environment(tmp_path: Path) -> None:
    """DJANGO_ADMINS names who receives the errors (with or without a display name), and
    the mail comes from the site's sender rather than root@localhost."""
    values = _settings(
        tmp_path,
        "ADMINS",
        "SERVER_EMAIL",
        DEFAULT_FROM_EMAIL="Làng Số <no-reply@langso.example.vn>",
    )
    assert values["ADMINS"] == [
        ["Trực ban Làng Số", "truc-ban@example.vn"],
        ["", "ops@example.vn"],
    ]
    assert values["SERVER_EMAIL"] == "Làng Số <no-reply@langso.example.vn>"


@pytest.mark.parametrize(
    "missing", ["DJANGO_ALLOWED_HOSTS", "DJANGO_ADMINS", "KANNEL_PASSWORD", "KANNEL_MO_SECRET"]
)
def test_production_refuses_to_start_without_a_required_variable(
    tmp_path: Path, missing: str
) -> None:
    """A deployment that would answer no host, or whose errors would reach no one, stops
    at start with the variable's name."""
    env = _environment(tmp_path)
    del env[missing]
    done = _run(["manage.py", "check"], env)
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr
    assert missing in done.stderr
