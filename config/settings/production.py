"""Production: PostgreSQL + PostGIS, secrets and storage from the environment, no fallbacks."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    ADMINS,
    BASE_DIR,
    DATABASES,
    KANNEL_ADMIN_PASSWORD,
    KANNEL_MO_SECRET,
    KANNEL_PASSWORD,
    SECRET_KEY,
    env,
)

if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production.")
if not env.str("DATABASE_URL", default=""):
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL + PostGIS in production.")
if not DATABASES["default"]["ENGINE"].endswith("postgis"):
    raise ImproperlyConfigured("Production runs on PostGIS: DATABASE_URL=postgis://…")
if not env.str("MEDIA_ROOT", default=""):
    raise ImproperlyConfigured("MEDIA_ROOT must be set in production (attachments, imports).")
if not env.str("DJANGO_ALLOWED_HOSTS", default=""):
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must name the site's host names.")
if not ADMINS:
    raise ImproperlyConfigured(
        "DJANGO_ADMINS must name who receives the errors: 'Name <address>, address'."
    )
# Kannel's sendsms password and the incoming-SMS secret are in the repository by default:
# whoever knows them could send SMS as the commune or withdraw residents' consent.
if any(
    value.endswith("local-only")
    for value in (KANNEL_PASSWORD, KANNEL_ADMIN_PASSWORD, KANNEL_MO_SECRET)
):
    raise ImproperlyConfigured(
        "KANNEL_PASSWORD, KANNEL_ADMIN_PASSWORD and KANNEL_MO_SECRET must be set in production."
    )

DEBUG = False
# Keep connections across requests (unless DATABASE_URL says conn_max_age): opening one
# per request cost as much CPU as the request itself in the OpenRosa ingest benchmark.
if "conn_max_age" not in env.str("DATABASE_URL"):
    DATABASES["default"]["CONN_MAX_AGE"] = 60
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
WHITENOISE_USE_FINDERS = False
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# ---------------------------------------------------------------------------------------
# HTTPS (issue 13, platform). TLS ends at the reverse proxy, which must set
# X-Forwarded-Proto (and strip one a client sends); gunicorn listens on loopback only, so
# no one reaches it around the proxy. Plain HTTP is redirected; browsers keep to HTTPS for
# a year (and for the site's subdomains). Preloading is the domain owner's decision and
# takes only a whole registered domain, where Làng Số runs on a province's subdomain:
# DJANGO_HSTS_PRELOAD=true sends it when the owner asks for it.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=False)
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
