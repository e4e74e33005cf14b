"""The embedded default: one machine, SpatiaLite, a database task worker."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# A fixed key is fine on a developer's own machine; production refuses to start without one.
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="local-only-not-secret-" + "0" * 40)
# Demo mail goes to files instead of an unknown SMTP server unless one is configured.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
# Any page may draw our tiles on a developer's machine.
MAP_TILE_CORS_ORIGINS = env.list("MAP_TILE_CORS_ORIGINS", default=["*"])
