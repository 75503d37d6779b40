"""One settings module, configured by environment variables (see README)."""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import warnings
from pathlib import Path

import dj_database_url
import django_stubs_ext
from cryptography.fernet import Fernet
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from tend.lib.env import env_bool, env_int, env_list, env_str

django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("TEND_DATA_DIR", str(Path.cwd())))

_DEV_SECRET = "tend-dev-only-secret-key-never-use-in-production-0123456789"  # noqa: S105
SECRET_KEY = env_str("TEND_SECRET_KEY", _DEV_SECRET)
if not SECRET_KEY.strip():  # `TEND_SECRET_KEY=` left empty in an .env file, say
    sys.exit("TEND_SECRET_KEY is empty: set it to a long random string (see README).")
DEBUG = env_bool("TEND_DEBUG", default=SECRET_KEY == _DEV_SECRET)
if SECRET_KEY == _DEV_SECRET and not DEBUG:
    sys.exit("TEND_SECRET_KEY must be set when TEND_DEBUG is off.")

# Fernet keys for sensitive text, newest first. Older keys still decrypt (rotation).
ENCRYPTION_KEYS = env_list("TEND_ENCRYPTION_KEYS")
for _key in ENCRYPTION_KEYS:
    try:
        Fernet(_key.encode())
    except ValueError:
        sys.exit("TEND_ENCRYPTION_KEYS holds a key that is not a Fernet key (see README).")
# In production the notes' key stands apart from the secret key (a leaked secret key must
# not open them). Text written before it was set stays readable (tend/lib/fields.py).
if not DEBUG and not ENCRYPTION_KEYS:
    sys.exit(
        "TEND_ENCRYPTION_KEYS must be set when TEND_DEBUG is off: the notes' own key, apart "
        "from TEND_SECRET_KEY (see README)."
    )

SITE_URL = env_str("TEND_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
ALLOWED_HOSTS = env_list("TEND_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("TEND_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks_db",
    "axes",
    "django_otp",
    "tend.practices",
    "tend.audit",
    "tend.clients",
    "tend.integration",
    "tend.care",
    "tend.journal",
    "tend.assessments",
    "tend.checkins",
    "tend.notify",
    "tend.safety",
    "tend.alerts",
    "tend.team",
    "tend.records",
    "tend.worker",
    "tend.demo",
    "tend.backups",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "tend.practices.errors.DevelopmentPages",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "tend.clients.middleware.ClientMiddleware",
    "tend.practices.middleware.PersonalSettingsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "tend.practices.middleware.IdleSignOut",
    "tend.practices.middleware.TwoStepGate",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "tend.practices.middleware.NoStore",
    "axes.middleware.AxesMiddleware",
]

# Every script and style comes from Tend's own static files: no inline script or style,
# no other origin, no framing.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

ROOT_URLCONF = "tend.urls"
WSGI_APPLICATION = "tend.wsgi.application"

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
                "tend.clients.context.signed_in_client",
            ],
            # {{ moment|when }}: one date format everywhere, each time with its zone;
            # {{ choice|input }}: a radio's or checkbox's <input>, without three templates.
            "builtins": ["tend.lib.when", "tend.lib.inputs"],
        },
    },
]

# In production a connection is kept open between requests (a minute at most, checked
# before reuse): a new PostgreSQL connection costs more than most of Tend's pages.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("TEND_DATABASE_URL", f"sqlite:///{DATA_DIR / 'tend.sqlite3'}"),
        conn_max_age=env_int("TEND_DB_CONN_MAX_AGE", 0 if DEBUG else 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # A file (not memory) so that worker processes and the live server share it; one per
    # test run so that two runs never trample each other.
    DATABASES["default"]["TEST"] = {
        "NAME": env_str(
            "TEND_TEST_DATABASE",
            str(Path(tempfile.gettempdir()) / f"tend-test-{os.getpid()}.sqlite3"),
        )
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "practices.Practitioner"
# Sign-in attempts are counted in the database (so across every web process) by django-axes:
# after AXES_FAILURE_LIMIT wrong passwords in a row for one account, or from one address,
# signing in there pauses for AXES_COOLOFF_TIME, and the page says for how long.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tend.practices.errors.signing_in_paused"
AXES_USERNAME_FORM_FIELD = "username"  # the sign-in form's field, which holds the email
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address"]  # masked in django-axes' log lines
# The address that is counted: behind TRUSTED_PROXIES reverse proxies (one when Tend is served
# over HTTPS, as the README's deployments are), the one the nearest proxy saw.
AXES_CLIENT_IP_CALLABLE = "tend.lib.addresses.client_ip"
# Two-step sign-in (django-otp): an authenticator app's codes (TOTP) and recovery codes,
# kept by Tend's own devices (tend.practices.models: the app's key encrypted, codes hashed).
# Wrong codes are limited by Tend itself (tend.practices.limits.WRONG_CODES), with a page
# that says until when, rather than by django-otp's growing delays.
OTP_TOTP_ISSUER = "Tend"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# A practitioner's password: 12 characters or more (ASVS 2.1.1), not like their name or
# email, not a common one, not all digits. Checked only when one is set: an older, shorter
# password keeps signing in until it is changed.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 3

# Served over HTTPS (behind a proxy that holds the certificate and says so in
# X-Forwarded-Proto): plain HTTP is redirected, and browsers are told to use HTTPS only
# (HSTS, a year). /health/ answers over plain HTTP too, for a load balancer's checks.
HTTPS = SITE_URL.startswith("https://")
TRUSTED_PROXIES = env_int("TEND_TRUSTED_PROXIES", 1 if HTTPS else 0)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True  # the header allows it; joining the list is a step of yours

SESSION_COOKIE_HTTPONLY = True
# Sessions in the database, each naming the practitioner signed in on it (Your account lists
# their browsers and signs the others out).
SESSION_ENGINE = "tend.practices.sessions"
# A session ends 14 days after it was last written: a client's 14 days after they signed in
# (or last changed a setting); a practitioner's sooner, after their practice's idle limit
# (tend.practices.middleware.IdleSignOut).
SESSION_COOKIE_AGE = 14 * 24 * 3600
# However busy, a practitioner signs in again after this many hours.
PRACTITIONER_SIGN_IN_HOURS = env_int("TEND_PRACTITIONER_SIGN_IN_HOURS", 12)
SESSION_COOKIE_SECURE = env_bool("TEND_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static_root"
# Served straight from the package by whitenoise, so no collectstatic step is needed to run
# Tend (STATIC_ROOT is used only if someone runs it). Every page links them with a hash of
# their content (tend/lib/static.py), so browsers may keep them for a year and still fetch
# a changed file at once.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "tend.lib.static.VersionedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_MAX_AGE = 0 if DEBUG else 365 * 24 * 60 * 60
# Whitenoise warns when STATIC_ROOT does not exist: it needs nothing there.
warnings.filterwarnings("ignore", message="No directory at: ", category=UserWarning)

# Email: any SMTP relay. No web request talks to it: every email is written to the outbox
# (the default mailer, so Django's own mail API lands there too) and `tend worker` sends it
# through the "smtp" mailer. In development `tend run` starts a local sink on port 1025
# that prints every message to the console.
DEV_MAIL_HOST = env_str("TEND_EMAIL_HOST", "127.0.0.1")
DEV_MAIL_PORT = env_int("TEND_EMAIL_PORT", 1025)
# Sign-in and reset links travel in these emails: to a relay on another machine they go over
# STARTTLS unless TEND_EMAIL_TLS says otherwise; a relay on this machine (the dev sink, a
# local postfix) is spoken to in plain.
MAIL_RELAY_IS_LOCAL = DEV_MAIL_HOST in ("127.0.0.1", "localhost", "::1")
MAILERS = {
    "default": {"BACKEND": "tend.notify.outbox.OutboxBackend"},
    "smtp": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": DEV_MAIL_HOST,
            "port": DEV_MAIL_PORT,
            "username": env_str("TEND_EMAIL_USER") or None,
            "password": env_str("TEND_EMAIL_PASSWORD") or None,
            "use_tls": env_bool("TEND_EMAIL_TLS", default=not MAIL_RELAY_IS_LOCAL),
            "timeout": env_int("TEND_EMAIL_TIMEOUT", 10),
        },
    },
}
DEFAULT_FROM_EMAIL = env_str("TEND_FROM_EMAIL", "Tend <tend@localhost>")

# How long an emailed sign-in link for a client stays good.
CLIENT_LINK_HOURS = env_int("TEND_CLIENT_LINK_HOURS", 72)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Tokens in paths (sign-in, one-tap and stop links) never reach a log line: every
    # handler redacts them, including those Django would set up for itself (the request
    # lines of `tend run`, its errors in development).
    "filters": {"redact_tokens": {"()": "tend.lib.redact.RedactTokens"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_tokens"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["redact_tokens"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("TEND_LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {"level": "ERROR"},
        # Security events (tend.practices.security) whatever TEND_LOG_LEVEL says; django-axes
        # logs wrong passwords there too, with the email and address masked.
        "tend.security": {"level": "WARNING"},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        # aiosmtpd logs every connection; the dev mail sink prints what matters.
        "mail.log": {"level": "WARNING"},
        # django-axes tells of every good sign-in and its housekeeping at INFO; its warnings
        # (a wrong password, a pause) stay.
        "axes": {"level": "WARNING"},
    },
}
CSRF_FAILURE_VIEW = "tend.practices.errors.csrf_failure"
# No form of Tend's takes more than about 60 KB (a questionnaire written as TOML); a bigger
# post is refused with a page that says so, before any of it is read.
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
# Tend's own 500 page in development too; the traceback is in the console and the log.
DEFAULT_EXCEPTION_REPORTER = "tend.practices.errors.CalmReporter"

# Follow-up rhythm: the least time between two check-ins, when a gentle reminder may go,
# and when an unanswered check-in counts as missed.
CHECKIN_MIN_GAP_MINUTES = env_int("TEND_CHECKIN_MIN_GAP_MINUTES", 120)
CHECKIN_REMIND_AFTER_HOURS = env_int("TEND_CHECKIN_REMIND_AFTER_HOURS", 20)
CHECKIN_WINDOW_HOURS = env_int("TEND_CHECKIN_WINDOW_HOURS", 48)
# One-tap answer links work for this long.
ANSWER_LINK_DAYS = env_int("TEND_ANSWER_LINK_DAYS", 4)
# Workers hold the rows they claim under a lease, renewed while they live: a worker that
# dies holds them this long at most. When the mail server can't be reached, emails wait
# this long before the next try.
DISPATCH_LEASE_SECONDS = env_int("TEND_DISPATCH_LEASE_SECONDS", 15)
DISPATCH_RETRY_SECONDS = env_int("TEND_DISPATCH_RETRY_SECONDS", 30)

# Background tasks (Django's Tasks API): queued as rows in the database and run by
# `tend worker` between its rounds of check-ins. Its sweep prunes finished ones after these
# times, and puts back to run a task left running longer than the limit (its worker was
# killed: a task must finish well within it).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
TASKS_KEEP_SUCCESSFUL = dt.timedelta(days=1)
TASKS_KEEP_FAILED = dt.timedelta(days=7)
TASKS_RUNNING_LIMIT = dt.timedelta(minutes=15)
