"""One settings module, configured from the environment (see README's configuration table)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from psykiatrihus import embedded, logredact
from psykiatrihus.env import env_bool, env_int, env_list, env_str, sso_providers_from_env

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("PSYKIATRIHUS_DATA_DIR", str(BASE_DIR / ".data")))

_DATABASE_URL = env_str("DATABASE_URL", None)
EMBEDDED = _DATABASE_URL is None

# DEBUG defaults to on only in embedded (developer) mode; production sets DATABASE_URL and gets DEBUG off.
DEBUG = env_bool("DEBUG", default=EMBEDDED)

SECRET_KEY = env_str("SECRET_KEY", "dev-insecure-secret-key-only-for-embedded-mode" if DEBUG else None)
if not DEBUG and len(SECRET_KEY or "") < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters when DEBUG is off")

# Key for personal data at rest (CPR). Any string of 32+ characters; a Fernet key is derived from it.
PERSONAL_DATA_KEY = env_str(
    "PERSONAL_DATA_KEY", "dev-insecure-personal-data-key-only-for-embedded-mode" if DEBUG else None
)
if not DEBUG and len(PERSONAL_DATA_KEY or "") < 32:
    raise ImproperlyConfigured("PERSONAL_DATA_KEY must be at least 32 characters when DEBUG is off")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "guardian",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "psykiatrihus",
    "contracts",
    "beds",
    "activities",
    "reporting",
]

MIDDLEWARE = [
    # Outermost: no-store on every answer but static files (personal data must not be cached anywhere).
    "psykiatrihus.middleware.NoStoreMiddleware",
    # First: under /api/ every answer is JSON (also Django's own errors) and oversized bodies are a 413.
    "psykiatrihus.api.ApiErrorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # PostgreSQL or Redis down: 503 "midlertidigt utilgængelig" (JSON under /api/) instead of a 500.
    "psykiatrihus.unavailable.ServiceUnavailableMiddleware",
    # The bed board's idle 20-second poll: 304 in one query when nothing changed (auth and rights checked there).
    "beds.poll.BoardPollMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "psykiatrihus.middleware.LoginRequiredMiddleware",
    "psykiatrihus.middleware.CurrentHouseMiddleware",
    "csp.middleware.CSPMiddleware",
    "psykiatrihus.middleware.SsoFormActionMiddleware",
    # Last, as django-axes requires: turns a flagged failed login into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "psykiatrihus.urls"
WSGI_APPLICATION = "psykiatrihus.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "psykiatrihus.context_processors.navigation",
            ],
        },
    },
]

if EMBEDDED:
    _DATABASE_URL = embedded.postgres_url(DATA_DIR)
DATABASES = {"default": dj_database_url.parse(_DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
                                              conn_health_checks=True)}
# A database that does not answer gives a 503 within seconds instead of hanging the request.
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int("DB_CONNECT_TIMEOUT", 5)
# A test database per process, so parallel test runs (and helpers) never collide.
DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME", f"test_psykiatrihus_{os.getpid()}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "django_cache",
    }
}

AUTHENTICATION_BACKENDS = [
    # First: refuses logins for a locked-out username+IP before any password is checked.
    "psykiatrihus.security.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
GUARDIAN_RAISE_403 = True

# Single sign-on (OpenID Connect) with the owners' identity providers, configured by environment:
# OIDC_PROVIDERS=region,kommune and per name OIDC_<NAME>_ISSUER, _CLIENT_ID, _CLIENT_SECRET, _LABEL,
# optionally _GROUPS_CLAIM (default "groups") and _SCOPES. Which groups give which membership is kept in the
# admin (SsoGroupMapping). LOCAL_LOGIN=0 switches username + password off (web login and API token).
OIDC_PROVIDERS = sso_providers_from_env()
LOCAL_LOGIN = env_bool("LOCAL_LOGIN", True)

# Lockout after repeated failed logins (django-axes, attempts kept in the database). Keyed on username AND
# IP address: staff behind one municipal NAT do not lock each other out, and a guesser cannot lock out a
# colleague from another address. The response is Danish (psykiatrihus.security.lockout_response).
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "psykiatrihus.security.lockout_response"
AXES_SENSITIVE_PARAMETERS = ["password", "otp_token"]
# Two-factor (TOTP, django-otp): optional for leaders and administrators; required at login once enrolled.
OTP_TOTP_ISSUER = "Psykiatrihus"
OTP_TOTP_THROTTLE_FACTOR = 1
ANONYMOUS_USER_NAME = None

LANGUAGE_CODE = "da"
LANGUAGES = [("da", "Dansk"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(DATA_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
MEDIA_URL = "media/"

# Mail (approved reports to the steering group). Embedded/dev default: printed on the console. Production sets
# SMTP settings: EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend" if EMBEDDED
                        else "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "psykiatrihus@localhost")
# The address people reach the site at, for links in e-mails (no trailing slash), e.g. https://hus.example.dk
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# Sessions: idle staff screens log out (issue: security); the expiry slides with every request.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # HTMX reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content Security Policy (django-csp 4): only our own scripts and styles; no inline script or style, no
# eval, no framing. Templates must not use inline event handlers (`onchange=`) or `style=` attributes;
# behaviour lives in static/js/app.js (tests/test_security.py greps the templates).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "psykiatrihus.api.exception_handler",
    # JSON bodies are bounded (size, nesting depth): psykiatrihus.api_parsers.BoundedJSONParser.
    "DEFAULT_PARSER_CLASSES": [
        "psykiatrihus.api_parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
# Request bodies (API JSON, form posts) above this are refused: 413 JSON under /api/, 400 elsewhere.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
SPECTACULAR_SETTINGS = {
    "TITLE": "Psykiatrihus API",
    "DESCRIPTION": "Beds, stays, contracts, activities and reports for psychiatry houses.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name per choice set used in several serializers (beds: request outcome and turn-away body).
    # Several apps have choice fields called `status` and `kind`: name each choice set explicitly.
    "ENUM_NAME_OVERRIDES": {
        "MomentEnum": "contracts.models.Moment",
        "TurnAwayReasonEnum": "beds.models.TurnAwayReason",
        "StayStatusEnum": "beds.models.StayStatus",
        "StayKindEnum": "beds.models.StayKind",
        "AftercareKindEnum": "beds.models.AftercareKind",
        "AftercareStatusEnum": "beds.models.AftercareStatus",
        "WaitingStatusEnum": "beds.models.WaitingStatus",
        "AftercareDoneKindEnum": "beds.models.AFTERCARE_DONE_KINDS",
        "GoalResultEnum": "beds.models.GoalResult",
        "SectorEnum": "psykiatrihus.models.Sector",
        "ContractStatusEnum": "contracts.models.ContractStatus",
        "ConsentScopeEnum": "contracts.models.ConsentScope",
        "ContractEventKindEnum": "contracts.models.ContractEventKind",
        "ActivityKindEnum": "activities.models.ActivityKind",
        "EnrolmentStatusEnum": "activities.models.EnrolmentStatus",
        "ReportStatusEnum": "reporting.models.ReportStatus",
    },
}

# Celery: embedded redis on a unix socket unless CELERY_BROKER_URL is set.
_BROKER = env_str("CELERY_BROKER_URL", None)
EMBEDDED_REDIS_SOCKET = embedded.redis_socket_path(DATA_DIR)
if _BROKER is None:
    _BROKER = f"redis+socket://{EMBEDDED_REDIS_SOCKET}"
CELERY_BROKER_URL = _BROKER
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", _BROKER)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 300)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 360)
CELERY_WORKER_MAX_TASKS_PER_CHILD = env_int("CELERY_WORKER_MAX_TASKS_PER_CHILD", 50)
CELERY_TASK_ACKS_LATE = True
# A killed pool process puts its task back on the queue instead of acknowledging it as failed.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# One message at a time per process: a worker that dies holds no other messages hostage.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A message left unacknowledged by a dead worker comes back after the visibility timeout (Redis). It must be
# longer than the hard time limit, or a build that is still running would be handed to a second worker.
CELERY_BROKER_VISIBILITY_TIMEOUT = env_int("CELERY_BROKER_VISIBILITY_TIMEOUT", CELERY_TASK_TIME_LIMIT + 60)
if CELERY_BROKER_VISIBILITY_TIMEOUT <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured("CELERY_BROKER_VISIBILITY_TIMEOUT must be longer than CELERY_TASK_TIME_LIMIT")
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_BROKER_VISIBILITY_TIMEOUT,
    # look for abandoned messages every ~visibility timeout / 4 (kombu's default is every 100 s)
    "unacked_restore_interval": max(1, min(10, CELERY_BROKER_VISIBILITY_TIMEOUT // 4)),
    "unacked_restore_throttle": 1,
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_BROKER_VISIBILITY_TIMEOUT}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE: dict = {}
# Issue 7: last quarter's evaluation report for each house, early on the first day of a quarter.
CELERY_BEAT_SCHEDULE["reporting-quarterly-evaluation-report"] = {
    "task": "reporting.tasks.report_runs_quarterly_task",
    "schedule": crontab(minute=0, hour=5, day_of_month=1, month_of_year="1,4,7,10"),
}
# Report runs lost with a worker or the broker (reporting.services.report_runs_sweep): a running run with no
# progress for longer than the visibility timeout, or a pending one older than the pending limit, is
# handed out again at most REPORT_RUN_MAX_REQUEUES times, then failed with a reason the user reads.
REPORT_RUN_RUNNING_STALE_SECONDS = env_int("REPORT_RUN_RUNNING_STALE_SECONDS", CELERY_BROKER_VISIBILITY_TIMEOUT + 60)
REPORT_RUN_PENDING_STALE_SECONDS = env_int("REPORT_RUN_PENDING_STALE_SECONDS", 30 * 60)
REPORT_RUN_MAX_REQUEUES = env_int("REPORT_RUN_MAX_REQUEUES", 3)
CELERY_BEAT_SCHEDULE["reporting-lost-runs-sweep"] = {
    "task": "reporting.tasks.report_runs_sweep_task",
    "schedule": env_int("REPORT_RUN_SWEEP_SECONDS", 60),
}
# The dashboard's trend aggregates, recomputed into the shared cache: the beat task queues one task per active
# house (reporting/dashboard_tasks.py), so a slow or failing house holds up no other.
CELERY_IMPORTS = ("reporting.dashboard_tasks",)
DASHBOARD_REFRESH_SECONDS = env_int("DASHBOARD_REFRESH_SECONDS", 300)
CELERY_BEAT_SCHEDULE["dashboard-trends-refresh"] = {
    "task": "reporting.dashboard_tasks.dashboard_trends_refresh_task",
    "schedule": DASHBOARD_REFRESH_SECONDS,
}

# Reports: counts below this are suppressed in anything that leaves the house (house may override).
SMALL_NUMBER_THRESHOLD = env_int("SMALL_NUMBER_THRESHOLD", 5)

# Every log record is CPR-masked when it is created, whichever handler writes it (Django's own console
# handler with DEBUG on, Celery's, gunicorn's); the filter below masks ours once more.
logredact.install()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Every record passes the CPR mask before it is written (psykiatrihus/logredact.py).
    "filters": {"redact_cpr": {"()": "psykiatrihus.logredact.RedactCPRFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_cpr"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "pgserver": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # failures and lockouts only
        "weasyprint.progress": {"level": "WARNING"},  # one line per page of every report otherwise
        "fontTools": {"level": "WARNING"},
    },
}
ADMIN_URL = "admin/"
