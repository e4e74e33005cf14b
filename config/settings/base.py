"""Settings shared by every environment, read from the environment (django-environ)."""

from email.utils import getaddresses
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS: list[str] = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "csp",
    "langso.core",
    "langso.places",
    "langso.accounts",
    "langso.messaging",
    "langso.registry",
    "langso.surveys",
    "langso.announcements",
    "langso.indicators",
    "langso.criteria",
    "langso.recognition",
    "langso.plans",
    "langso.dashboards",
    # issue 15: the signed-in user's home (top layer).
    "langso.home",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response (see "Security headers" below).
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Sessions end after SESSION_COOKIE_AGE idle (see "Sessions" below).
    "langso.core.middleware.session_idle_expiry",
    # The language the user chose (cookie), else Vietnamese; never Accept-Language.
    "langso.core.middleware.ChosenLanguage",
    # OpenRosa headers and bodies on every answer under /openrosa/, Django's errors too.
    "langso.surveys.middleware.OpenRosaResponses",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A service's NotFound / AccessDenied raised in a page view → the 404 / 403 page.
    "langso.core.middleware.DomainErrorPages",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "langso" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                # issue 15: the header's items lead to the user's own unit's pages.
                "langso.home.context_processors.site_navigation",
            ],
        },
    },
]

# SQLite + SpatiaLite is the embedded default; PostgreSQL + PostGIS through
# DATABASE_URL=postgis://user:password@host:5432/name.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"spatialite:///{VAR_DIR / 'langso.sqlite3'}"),
}
# Web server processes and the task worker share the file: a writer waits for the lock
# (up to `timeout` seconds) instead of failing. A transaction takes the write lock when it
# begins (IMMEDIATE): one that read first and asked for the lock later could only fail
# with "database is locked" once another writer had committed, whatever the timeout.
SPATIALITE_OPTIONS = {
    "timeout": 30,
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
if DATABASES["default"]["ENGINE"].endswith("spatialite"):
    DATABASES["default"].setdefault("OPTIONS", {}).update(SPATIALITE_OPTIONS)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Object permissions on administrative units come from roles held on a unit.
    "langso.accounts.backends.UnitRoleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
# issue 15: after sign-in, the home of the unit the user's role is on.
LOGIN_REDIRECT_URL = "home:home"
LOGOUT_REDIRECT_URL = "places:unit-list"
# Managed survey encryption: the passphrase that seals a form's private key is
# stretched by PBKDF2-HMAC-SHA256 this many times, OWASP's 2023 figure (about half a
# second here): a stolen database gives a passphrase guesser that much work per guess.
SURVEY_KEY_KDF_ITERATIONS = 600_000

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Vietnamese officers read dates as dd/mm/yyyy in both languages.
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "/static/"
# Served from the apps and node_modules in development; production collects to STATIC_ROOT.
WHITENOISE_USE_FINDERS = True
STATICFILES_DIRS = [
    BASE_DIR / "langso" / "static",
    # Front-end packages come from npm (package-lock.json), never copied by hand.
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/maplibre-gl", BASE_DIR / "node_modules" / "maplibre-gl" / "dist"),
    # ODK Web Forms is an ES module importing "vue": the fill page maps it to Vue's
    # browser build with an import map, so that no bundler is needed.
    ("vendor/vue", BASE_DIR / "node_modules" / "vue" / "dist"),
    ("vendor/odk-web-forms", BASE_DIR / "node_modules" / "@getodk" / "web-forms" / "dist"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")

# Stored files (issue 13): nothing is served from MEDIA_URL; each kind of file has a view
# that checks the reader's scope (`core.files.file_response`). Behind nginx, set the
# prefix of an `internal` location aliased to MEDIA_ROOT and nginx sends the bytes
# (X-Accel-Redirect); behind Apache's mod_xsendfile or lighttpd, set FILES_SENDFILE.
FILES_ACCEL_REDIRECT_PREFIX = env.str("FILES_ACCEL_REDIRECT_PREFIX", default="")
FILES_SENDFILE = env.bool("FILES_SENDFILE", default=False)

# The map: a basemap style URL (raster or vector) for production; without one the map
# draws our layers on a plain background, so that no internet tile server is needed.
MAP_BASEMAP_STYLE_URL = env.str("MAP_BASEMAP_STYLE_URL", default="")
# Origins that may read vector tiles and GeoJSON from other sites ("*" for any).
MAP_TILE_CORS_ORIGINS: list[str] = env.list("MAP_TILE_CORS_ORIGINS", default=[])

TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env.str("EMAIL_HOST", default="127.0.0.1")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Làng Số <no-reply@langso.local>")
SITE_URL = env.str("SITE_URL", default="http://localhost:8000")

# Messages per second the messaging worker sends on each channel (issue 18): what the
# gateway or its contract allows. An SMTP relay throttles bulk senders; a telco's SMPP
# account is sold by messages per second; Zalo's ZNS quota is per OA; in-app messages
# only write rows. MESSAGING_RATES="sms=100,email=20" in the environment overrides some.
MESSAGING_RATES: dict[str, float] = {
    "email": 10.0,
    "sms": 30.0,
    "zalo": 10.0,
    "inapp": 500.0,
    "loudspeaker": 1.0,
} | env.dict("MESSAGING_RATES", cast={"value": float}, default={})
# --- issue 18 (zalo): Zalo OA / ZNS and loudspeaker audio ------------------------------
# The Official Account's access token (refreshed outside the app, it lives 25 hours);
# without one the Zalo channel is not configured and announcements skip it.
ZALO_OA_ACCESS_TOKEN = env.str("ZALO_OA_ACCESS_TOKEN", default="")
# The approved ZNS template, with the parameters `tieu_de` and `noi_dung`.
ZALO_ZNS_TEMPLATE_ID = env.str("ZALO_ZNS_TEMPLATE_ID", default="")
# The app's id and the OA's secret key sign the delivery events Zalo posts back.
ZALO_APP_ID = env.str("ZALO_APP_ID", default="")
ZALO_OA_SECRET_KEY = env.str("ZALO_OA_SECRET_KEY", default="")
ZALO_ZNS_URL = env.str("ZALO_ZNS_URL", default="https://business.openapi.zalo.me/message/template")
ZALO_OA_MESSAGE_URL = env.str(
    "ZALO_OA_MESSAGE_URL", default="https://openapi.zalo.me/v3.0/oa/message/cs"
)
# Seconds a gateway (Zalo, a loudspeaker system) has to answer one request.
MESSAGING_HTTP_TIMEOUT = env.float("MESSAGING_HTTP_TIMEOUT", default=15.0)
# --- end of issue 18 (zalo) ----------------------------------------------------------------

# ---------------------------------------------------------------------------------------
# SMS through Kannel (issue 18). The app posts to smsbox's sendsms on KANNEL_HOST; Kannel
# calls the app back (delivery reports, incoming SMS) at KANNEL_CALLBACK_URL. Ports are
# free high ones beside Kannel's own defaults (13000, 13001, 13013), which a packaged
# Kannel on the same machine may hold. `messaging.kannel` writes kannel.conf from these.
KANNEL_HOST = env.str("KANNEL_HOST", default="127.0.0.1")
KANNEL_ADMIN_PORT = env.int("KANNEL_ADMIN_PORT", default=13100)
KANNEL_SMSBOX_PORT = env.int("KANNEL_SMSBOX_PORT", default=13101)
KANNEL_SENDSMS_PORT = env.int("KANNEL_SENDSMS_PORT", default=13113)
# The fake SMSC (tests, demo): one port for the SMSC that delivers, one for incoming SMS.
KANNEL_FAKESMSC_PORT = env.int("KANNEL_FAKESMSC_PORT", default=13110)
KANNEL_FAKESMSC_MO_PORT = env.int("KANNEL_FAKESMSC_MO_PORT", default=13111)
KANNEL_USER = env.str("KANNEL_USER", default="langso")
KANNEL_PASSWORD = env.str("KANNEL_PASSWORD", default="langso-local-only")
KANNEL_ADMIN_PASSWORD = env.str("KANNEL_ADMIN_PASSWORD", default="langso-admin-local-only")
# Shared with Kannel's sms-service: only Kannel may report incoming SMS.
KANNEL_MO_SECRET = env.str("KANNEL_MO_SECRET", default="langso-mo-local-only")
# The sender name or short code the telco gave (brandname), shown to recipients.
KANNEL_SENDER = env.str("KANNEL_SENDER", default="LANGSO")
KANNEL_CALLBACK_URL = env.str("KANNEL_CALLBACK_URL", default=SITE_URL)
KANNEL_DIR = VAR_DIR / "kannel"

# ---------------------------------------------------------------------------------------
# Sessions (issue 13, platform). A session ends after 8 hours without a request, and a
# request starts the 8 hours again (`core.middleware.session_idle_expiry`, at most once
# a minute rather than SESSION_SAVE_EVERY_REQUEST, which wrote the session for every map
# tile): an officer at a shared commune computer is signed out by the next morning, one
# at work all day never is, and a team member back from a day in the field signs in
# again (what the web form filled offline waits in the phone meanwhile).
SESSION_COOKIE_AGE = 8 * 3600

# ---------------------------------------------------------------------------------------
# Security headers (issue 13, platform): the Content-Security-Policy of every page, in
# every environment (the browser tests run under it), by django-csp. Scripts and styles
# come from our own origin; an inline script needs the request's nonce
# (`{{ request.csp_nonce }}`; the web form's import map has one).
# - MapLibre draws in web workers it makes from blob: URLs, and reads its tiles and
#   GeoJSON with fetch (connect-src).
# - ODK Web Forms (Vue and PrimeVue) and htmx put styles in <style> elements at run time,
#   which no nonce reaches (the browser tests fail without it): style-src allows inline
#   styles. Scripts stay strict; our own templates have no inline style left.
# - A basemap (MAP_BASEMAP_STYLE_URL) is read from its origin, and from the tile hosts
#   that MAP_BASEMAP_ORIGINS adds when its tiles, glyphs or sprites are elsewhere.
MAP_BASEMAP_ORIGINS: list[str] = env.list("MAP_BASEMAP_ORIGINS", default=[])
if MAP_BASEMAP_STYLE_URL:
    _style = urlsplit(MAP_BASEMAP_STYLE_URL)
    MAP_BASEMAP_ORIGINS = [f"{_style.scheme}://{_style.netloc}", *MAP_BASEMAP_ORIGINS]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:", *MAP_BASEMAP_ORIGINS],
        "font-src": [SELF, "data:", *MAP_BASEMAP_ORIGINS],
        "connect-src": [SELF, *MAP_BASEMAP_ORIGINS],
        "worker-src": [SELF, "blob:"],
        "child-src": [SELF, "blob:"],
        "media-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# ---------------------------------------------------------------------------------------
# Errors reach the administrators (issue 13, platform): DJANGO_ADMINS lists who receives
# the mail of every unhandled error ("Name <address>, address", production requires
# it), from SERVER_EMAIL; everything logged goes to stderr, which systemd's journal keeps.
ADMINS: list[tuple[str, str]] = getaddresses(env.list("DJANGO_ADMINS", default=[]))
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# --- Sign-in throttling and two-factor sign-in (issue 13, auth) ---------------------------
# Failed sign-ins are counted in the cache (`accounts.throttle`), which every gunicorn
# worker must share: Redis when REDIS_URL is set, otherwise a table of the database
# (created by `migrate`, see `accounts.apps`).
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "langso_cache",
            # Past MAX_ENTRIES the oldest entries are dropped: at Django's 300, a flood of
            # made-up usernames would push the locks out.
            "OPTIONS": {"MAX_ENTRIES": 200_000},
        }
    }
# Reverse proxies in front of the application that append the client's address to
# X-Forwarded-For (1 behind one nginx); 0 reads the address of the connection.
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)
# Two-factor sign-in with a TOTP app, offered to central and province administrators
# (`accounts.roles.TWO_FACTOR_ROLES`).
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp"]
# The name authenticator apps show beside the account.
OTP_TOTP_ISSUER = "Làng Số"
# --- end of sign-in throttling and two-factor sign-in -------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr"},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    # Django's own loggers hand everything to the root here, so that an error is
    # written once to stderr and mailed once (Django's default would mail it again).
    # WeasyPrint tells each step of every PDF it draws (and of its own stylesheet, on
    # import) at INFO: kept to its warnings.
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "weasyprint.progress": {"level": "WARNING"},
    },
    "root": {
        "handlers": ["console", "mail_admins"],
        "level": env.str("LOG_LEVEL", default="INFO"),
    },
}
