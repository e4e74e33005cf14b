"""Production: PostgreSQL + PostGIS, secrets and storage from the environment, no fallbacks."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES, SECRET_KEY, env

if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production.")
if not env.str("DATABASE_URL", default=""):
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL + PostGIS in production.")
if not DATABASES["default"]["ENGINE"].endswith("postgis"):
    raise ImproperlyConfigured("Production runs on PostGIS: DATABASE_URL=postgis://…")
if not env.str("MEDIA_ROOT", default=""):
    raise ImproperlyConfigured("MEDIA_ROOT must be set in production (attachments, imports).")

DEBUG = False
# Keep connections across requests (unless DATABASE_URL says conn_max_age): opening one
# per request cost as much CPU as the request itself in the OpenRosa ingest benchmark.
if "conn_max_age" not in env.str("DATABASE_URL"):
    DATABASES["default"]["CONN_MAX_AGE"] = 60
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
WHITENOISE_USE_FINDERS = False
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
