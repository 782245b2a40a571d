"""Settings for Section 55 Tracker.

One module, driven by environment variables. With nothing set it runs the zero-setup default:
SQLite (WAL) under var/, Celery on the filesystem broker, console email, DEBUG on. Production sets
DJANGO_PRODUCTION=1 (plus DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL and
CELERY_BROKER_URL) and passes `manage.py check --deploy`.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("S55_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PRODUCTION = env_bool("DJANGO_PRODUCTION")
DEBUG = env_bool("DJANGO_DEBUG", default=not PRODUCTION)

if PRODUCTION:
    SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
else:
    SECRET_KEY = os.environ.get(
        "DJANGO_SECRET_KEY", "insecure-development-key-do-not-use-in-production-0123456789"
    )

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver"
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# The public address of the site, used in emails and feeds where there is no request.
SITE_URL = os.environ.get("S55_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # The built-in widget templates, for FORM_RENDERER (a TemplatesSetting renderer).
    "django.forms",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "core",
    "accounts",
    "inspections",
    "responses",
    "reminders",
    "tracking",
    "public",
    # The public site's sitemap, open data API (OpenAPI schema, filters) and CORS for /api/.
    "django.contrib.sitemaps",
    "django.contrib.postgres",  # full-text search on PostgreSQL; harmless on SQLite
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "corsheaders",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything that can answer a request, so /api/ answers carry the CORS headers.
    "corsheaders.middleware.CorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: the URL's /cy/ prefix on the public site (core/i18n.py has the rules).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check, which reads the form: refuses bodies over the view's limit unread.
    "core.uploads.BodyLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Before the organisation middleware, which says why an idle person was signed out.
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.CurrentOrganisationMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    # Outside the public site: the signed-in person's language, else the browser's choice.
    "core.i18n.StaffLanguageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "core.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# Every form renders GOV.UK markup through templates/govuk/ (see templates/govuk/README.md).
FORM_RENDERER = "core.forms.GovukFormRenderer"

# Database: SQLite in WAL mode by default; DATABASE_URL switches to PostgreSQL.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if "postgresql" in DATABASES["default"]["ENGINE"]:
        # The pages' queries run in milliseconds on a database that fits in memory (or on SSD):
        # no JIT (a misestimated query was compiled for 0.8 s before it ran), and index lookups
        # priced as the cheap reads they are (the tracker list's queries: 115 ms to 40-70 ms).
        # No parallel workers either: starting them cost more than a page query's few
        # milliseconds of work (the tracker's page of keys: 24 ms with one, 9 ms without), and
        # the web workers already keep every core busy under load.
        # Measured with bench/staff_load.py; see docs/benchmarks.md.
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
            "-c jit=off -c random_page_cost=1.1 -c max_parallel_workers_per_gather=0"
        )
        # Parameters bound by the server, and each query prepared once a connection has run
        # it `prepare_threshold` times: PostgreSQL then skips parsing and planning it again,
        # which was a third to two thirds of its time on a staff page (PostgreSQL's CPU a
        # request: the dashboard's 4.0 ms to 2.4, the history tab's 2.0 to 0.7, the tracker
        # list's 8.0 to 6.1; docs/benchmarks.md). Connections live for
        # `conn_max_age`, so a web worker prepares its pages' queries once a minute at most.
        DATABASES["default"]["OPTIONS"].update(server_side_binding=True, prepare_threshold=5)
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "section55.sqlite3",
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
# Welsh and English on equal terms (Welsh Language Standards): every page in both. The public
# site carries the language in its address (/cy/... for Welsh, English unprefixed) so cached
# copies never mix languages; docs/i18n.md says how the catalogue is kept and compiled.
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The browser's choice, set by the language switcher (core.i18n.language_switch).
LANGUAGE_COOKIE_NAME = "s55_language"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("S55_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = (
    [("dist", BASE_DIR / "static" / "dist")] if (BASE_DIR / "static" / "dist").exists() else []
)
if not PRODUCTION:
    # Whitenoise serves from the finders in development; it warns if STATIC_ROOT is missing.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("S55_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

LOGIN_URL = "/accounts/sign-in/"
AUTHENTICATION_BACKENDS = [
    # Refuses sign-in while an account or address is locked out (django-axes), then the usual.
    "accounts.throttle.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling (docs/decisions/0002-login-throttle.md): 5 failures in 15 minutes for one
# username, or from one address, pause signing in for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "accounts.throttle.client_ip"
# How many reverse proxies in front of the app append to X-Forwarded-For (0: use REMOTE_ADDR);
# the same S55_NUM_PROXIES as the API throttle.
TRUSTED_PROXY_COUNT = int(os.environ.get("S55_NUM_PROXIES", "0"))
# Two-factor sign-in (django-otp TOTP): the name shown in people's authenticator apps.
OTP_TOTP_ISSUER = "Section 55 Tracker"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# Email: console in development; SMTP when EMAIL_HOST is set.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Section 55 Tracker <no-reply@localhost>")
# s55(6): where copies of a published response go when an office sends them from the product
# (responses/copies.py). Addresses change over time, so they are settings, never code: each
# office's copies page shows them (docs/operations.md, "The s55(6) copies"). Empty: not sent.
S55_COPY_HMICFRS_EMAIL = os.environ.get("S55_COPY_HMICFRS_EMAIL", "")
S55_COPY_HOME_SECRETARY_EMAIL = os.environ.get("S55_COPY_HOME_SECRETARY_EMAIL", "")
if os.environ.get("EMAIL_HOST") or PRODUCTION:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": int(os.environ.get("EMAIL_PORT", "587")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", default=True),
                "timeout": 30,
            },
        }
    }
elif os.environ.get("S55_EMAIL_FILE_PATH"):
    # Emails written to files: used by `make run` so reminders can be read afterwards.
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": os.environ["S55_EMAIL_FILE_PATH"]},
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

# History (django-simple-history): every historical table keeps the reason for a change in a
# text column, not the library's default 100 characters, so a send-back, "not required",
# amendment or correction reason of any length is kept whole (PostgreSQL enforces the length).
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Content Security Policy (Django's built-in middleware): nothing inline without the nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

SESSION_COOKIE_AGE = 60 * 60 * 8  # a working day
#: Minutes without a request before a person outside any office or force (an administrator of
#: the service) is signed out; members get their organisation's `idle_timeout_minutes`.
#: Days an invitation's link works for (an office admin can send it again with a new link).
S55_INVITATION_DAYS = int(os.environ.get("S55_INVITATION_DAYS", "14"))
S55_IDLE_TIMEOUT_MINUTES = int(os.environ.get("S55_IDLE_TIMEOUT_MINUTES", "60"))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# The page for a refused form, in the person's language (core/views.py).
CSRF_FAILURE_VIEW = "core.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # The load balancer checks /healthz over plain HTTP inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Celery: the filesystem broker by default (no services needed); CELERY_BROKER_URL switches to Redis.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "celery-broker"
    (_broker_dir / "out").mkdir(parents=True, exist_ok=True)
    (_broker_dir / "processed").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        # Broadcast (worker control) messages; otherwise kombu writes ./control/ in the cwd.
        "control_folder": str(_broker_dir / "control"),
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Celery's own beat: the schedule lives here, in settings.
# Reminders: the sweep at 07:00 Europe/London (CELERY_TIMEZONE), plus an hourly catch-up at half
# past; a worker also sweeps once when it starts (reminders/tasks.py). Sweeps are idempotent.
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE: dict = {
    "reminders-sweep-daily": {
        "task": "reminders.tasks.sweep",
        "schedule": crontab(hour=7, minute=0),
    },
    "reminders-sweep-hourly-catch-up": {
        "task": "reminders.tasks.sweep",
        "schedule": crontab(minute=30),
    },
    # Scheduled publications that are due: each claimed and published once by one sweep
    # (responses.services.scheduled_publications_run), whatever the number of beats. Every
    # minute on the minute, or every S55_PUBLISH_SCHEDULED_EVERY_SECONDS (docs/operations.md).
    "responses-publish-scheduled": {
        "task": "responses.tasks.publish_scheduled",
        "schedule": (
            float(os.environ["S55_PUBLISH_SCHEDULED_EVERY_SECONDS"])
            if os.environ.get("S55_PUBLISH_SCHEDULED_EVERY_SECONDS")
            else crontab(minute="*")
        ),
    },
    # Invitation emails whose task was lost or whose retries ran out (accounts.invitation_emails).
    "invitation-emails-sweep": {
        "task": "accounts.tasks.sweep_invitation_emails",
        "schedule": crontab(minute="*/5"),
    },
    # Email sign-ups not confirmed in time, and old emails to subscribers: deleted
    # (public.subscriptions.subscriptions_expire; docs/operations.md "Email subscriptions").
    "public-subscriptions-expire": {
        "task": "public.tasks.expire_subscriptions",
        "schedule": crontab(minute=15),
    },
    # Subscribers and emails whose task was lost (broker down, worker killed): enqueue again.
    "events-sweep": {
        "task": "core.tasks.sweep",
        "schedule": crontab(minute="*/5"),
    },
}
# A scheduled publication claimed by a sweep that has not finished after this many seconds (its
# worker was killed between claiming and committing) is claimed again by the next sweep
# (responses.services.scheduled_publications_run). Longer than any publication takes.
S55_SCHEDULED_PUBLICATION_STUCK_SECONDS = int(
    os.environ.get("S55_SCHEDULED_PUBLICATION_STUCK_SECONDS", str(10 * 60))
)
# Reminders have a queue of their own, so a backlog of other work (PDFs) never delays them.
# Every worker consumes both queues (in turn) unless started with -Q.
from kombu import Queue  # noqa: E402

CELERY_TASK_QUEUES = (Queue("celery"), Queue("reminders"))
CELERY_TASK_ROUTES = {"reminders.tasks.*": {"queue": "reminders"}}

# The tracker (tracking/): items with no progress update for this many days, or past their
# target date, go into the reminder digests, again every REPEAT_DAYS while still so; evidence
# files larger than EVIDENCE_MAX_BYTES are refused (the web server should cap uploads too).
# What follows each domain event (core/events.py reads the module named here).
S55_EVENTS = "config.events"
# Emails stored without the secret they carry, which is put in as each is sent (core/outbox.py):
# kind -> the function that fills it in.
S55_EMAIL_FILL_IN = {
    "password_reset": "accounts.services.password_reset_fill_in",
    "subscription_confirm": "public.subscriptions.subscription_email_fill_in",
    "subscription_already": "public.subscriptions.subscription_email_fill_in",
    "subscription_notice": "public.subscriptions.subscription_email_fill_in",
}
# Email subscriptions to a policing body's responses (public/subscriptions.py): sign-ups per
# client address and per email address (public/throttle.py; "N/second|minute|hour|day"), the
# days a sign-up waits for its confirmation, the days a sent email to a subscriber is kept.
S55_SUBSCRIBE_RATE_PER_CLIENT = os.environ.get("S55_SUBSCRIBE_RATE_PER_CLIENT", "10/hour")
S55_SUBSCRIBE_RATE_PER_ADDRESS = os.environ.get("S55_SUBSCRIBE_RATE_PER_ADDRESS", "5/day")
S55_SUBSCRIPTION_CONFIRM_DAYS = int(os.environ.get("S55_SUBSCRIPTION_CONFIRM_DAYS", "7"))
S55_SUBSCRIPTION_EMAILS_KEPT_DAYS = int(os.environ.get("S55_SUBSCRIPTION_EMAILS_KEPT_DAYS", "30"))
S55_TRACKER_STALE_DAYS = int(os.environ.get("S55_TRACKER_STALE_DAYS", "30"))
S55_TRACKER_REMINDER_REPEAT_DAYS = int(os.environ.get("S55_TRACKER_REMINDER_REPEAT_DAYS", "7"))
S55_EVIDENCE_MAX_BYTES = int(os.environ.get("S55_EVIDENCE_MAX_BYTES", str(20 * 1024 * 1024)))
# Evidence files sent together in one request (several files of up to EVIDENCE_MAX_BYTES each).
S55_EVIDENCE_MAX_REQUEST_BYTES = int(
    os.environ.get("S55_EVIDENCE_MAX_REQUEST_BYTES", str(60 * 1024 * 1024))
)

# Request bodies (core/uploads.py): views that take files declare their own limit; every other
# request may carry at most this. Bodies over the limit are refused before they are read; the
# proxy's client_max_body_size (deploy/nginx/app.conf) is the largest.
S55_REQUEST_MAX_BYTES = int(os.environ.get("S55_REQUEST_MAX_BYTES", str(3 * 1024 * 1024)))
# Form fields other than files, held in memory (Django's default, stated here on purpose).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = 20
# Files up to this size stay in memory; larger ones go to a temporary file as they arrive.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# The limit (core.uploads.LimitedUploadHandler) is put first in this chain for each request.
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# The reverse proxy's internal refresh listener (deploy/nginx/): after a publication, amendment,
# correction or progress change the worker asks it for the pages that changed, which replaces
# its cached copies. Empty (the default, and `make run`): there is no proxy to refresh.
S55_PROXY_REFRESH_URL = os.environ.get("S55_PROXY_REFRESH_URL", "").rstrip("/")

# Caches: local memory by default; Redis when REDIS_URL is set.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The public site's open data API (public/api.py): read-only JSON, no sign-in, throttled per
# client address. Behind a reverse proxy set S55_NUM_PROXIES so the address is the client's.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("S55_API_THROTTLE_RATE", "600/minute")},
    "NUM_PROXIES": int(os.environ.get("S55_NUM_PROXIES", "0")),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Section 55 Tracker open data API",
    "DESCRIPTION": (
        "HMICFRS inspection reports, their recommendations and the published Section 55 "
        "responses of local policing bodies. Read-only; only published responses appear."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}
# Open CORS for reading the API only; nothing else on the site is shared with other origins.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # django-axes logs every sign-in at INFO; lockouts and failures are WARNING and above.
    "loggers": {"axes": {"level": "WARNING"}},
}
