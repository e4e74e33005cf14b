"""Settings for the test suite: SpatiaLite by default, PostGIS when DATABASE_URL says so."""

from .base import *  # noqa: F403

SECRET_KEY = "test-only-not-secret-" + "0" * 40
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# As with the password hasher: the tests seal and open survey keys often, and half a
# second each cost the suite 25 s; the count is stored with each key either way.
SURVEY_KEY_KDF_ITERATIONS = 1_000
# Tasks run in the test process; a separate test starts a real worker.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# One process: its memory is shared enough, and a fixture clears it between tests.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
