"""Settings of the test identity provider (not the product), from the environment the test fixture sets:
OP_DB_* (its own database on the tests' PostgreSQL server), OP_SITE_URL (optional: makes it claim another
issuer) and OP_IDTOKEN_EXPIRE."""

import os

BASE_DIR = os.path.dirname(__file__)
SECRET_KEY = "test-identity-provider-only-" + "x" * 40
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "oidc_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "tests.oidc_op.urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [os.path.join(BASE_DIR, "templates")],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": ["django.template.context_processors.request",
                                       "django.contrib.auth.context_processors.auth",
                                       "django.contrib.messages.context_processors.messages"]},
}]
DATABASES = {"default": {
    "ENGINE": "django.db.backends.postgresql", "NAME": os.environ["OP_DB_NAME"], "HOST": os.environ["OP_DB_HOST"],
    "PORT": os.environ.get("OP_DB_PORT", ""), "USER": os.environ.get("OP_DB_USER", ""),
    "PASSWORD": os.environ.get("OP_DB_PASSWORD", ""),
}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "/accounts/login/"
USE_TZ = True
SESSION_COOKIE_NAME = "op_sessionid"  # the product runs on 127.0.0.1 too: cookies must not collide
CSRF_COOKIE_NAME = "op_csrftoken"
SITE_URL = os.environ.get("OP_SITE_URL") or None
OIDC_IDTOKEN_EXPIRE = int(os.environ.get("OP_IDTOKEN_EXPIRE", "600"))
OIDC_IDTOKEN_PROCESSING_HOOK = "tests.oidc_op.hooks.groups_in_id_token"
OIDC_SESSION_MANAGEMENT_ENABLE = False
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "handlers": {"console": {"class": "logging.StreamHandler"}},
           "root": {"handlers": ["console"], "level": "WARNING"}}
