"""Anxin settings: one file, driven by the environment (see README, "Environment").

The default is the zero-setup embedded mode: SQLite, Celery eager, mail printed to the console.
`DJANGO_ENV=production` refuses to start without a secret key and allowed hosts, and turns on the
transport-security settings that `manage.py check --deploy` asks for.
"""

from pathlib import Path

import django_stubs_ext
import environ
from csp.constants import NONE as CSP_NONE
from csp.constants import SELF as CSP_SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.beat import BEAT_SCHEDULE

# Lets `admin.ModelAdmin[Model]` and friends be written at run time, for mypy's sake.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV must be 'development' or 'production'.")
PRODUCTION = DJANGO_ENV == "production"

if PRODUCTION:
    # No default: a production process that falls back to a known key would sign every session and
    # password-reset link with it.
    if not env.str("DJANGO_SECRET_KEY", default=""):
        raise ImproperlyConfigured("DJANGO_ENV=production needs DJANGO_SECRET_KEY.")
    if not env.list("ALLOWED_HOSTS", default=[]):
        raise ImproperlyConfigured("DJANGO_ENV=production needs ALLOWED_HOSTS.")
    SECRET_KEY = env.str("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
    DEBUG = False
else:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="dev-only-insecure-key-never-use-in-production")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
    DEBUG = env.bool("DJANGO_DEBUG", default=True)

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "core.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    # ours, in import order: lower layers first
    "core",
    "notifications",
    "accounts",
    "borrowers",
    "budget",
    "repayment",
    "education",
    "hardship",
    "reminders",
    "portal",
    "privacy",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Strict headers on everything the app answers (static files are answered above): issue 9. The
    # no-store middleware sits before SessionMiddleware to see the session and CSRF cookies it sets.
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.security_headers.PersonalResponseNoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every 403 writes authz.denied; a 404 for someone else's loan or message writes authz.not_found.
    "core.middleware_audit.AuthzDeniedAuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Idle and absolute session limits (sign out), before anything records the session's activity.
    "accounts.session_limits.SessionLimitsMiddleware",
    # Instead of allauth's UserSessionsMiddleware, which writes to the database on every request.
    "accounts.middleware.SessionActivityMiddleware",
    "accounts.middleware.StaffMFARequiredMiddleware",
    "accounts.security_events.RecoveryCodesViewedMiddleware",
    # Junk in the admin's search or filters is a 400, not a 500 (after the staff checks above).
    "core.middleware_admin_input.AdminBadInputMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "portal.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if not PRODUCTION else 60)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite has one writer at a time; overlapping requests must queue for it, never fail with
    # "database is locked". WAL: readers never wait for the writer, nor it for them. IMMEDIATE: a
    # transaction takes the write lock when it begins, so it waits (up to `timeout` seconds, SQLite's
    # busy timeout) instead of failing when a read inside it turns into a write while another writer
    # holds the lock, which SQLite cannot wait out. synchronous=NORMAL is WAL's documented pairing
    # (durable except on power loss, which a dev server can live with).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# A real, shared cache: allauth's rate limits count failed logins in it, so it must be one store for
# every process. The database cache needs no extra service; production sets CACHE_URL to Redis.
CACHES = {"default": env.cache("CACHE_URL", default="dbcache://anxin_cache")}
CACHES["default"].setdefault("KEY_PREFIX", env.str("CACHE_KEY_PREFIX", default="anxin"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# --- i18n ---------------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date format per language (2026年12月1日 / 1 Dec 2026): config/formats/<language>/formats.py.
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_TZ = True
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- static and media ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
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
# Uploads (hardship evidence) are private: kept outside STATIC_ROOT and never served by URL.
MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private_media")))

# --- mail ---------------------------------------------------------------------------------------
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS"))
EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL"))
# For EMAIL_URL=filemail:// — each mail is written as a file here.
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / "outbox"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Anxin <no-reply@anxin.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- SMS (notifications.sms) --------------------------------------------------------------------
# "console" (the default: logged, and written to SMS_FILE_DIR/sms.jsonl when that is set), "http" (the
# provider adapter below), or a dotted path to a backend class.
SMS_BACKEND = env.str("SMS_BACKEND", default="console")
SMS_FILE_DIR = env.str("SMS_FILE_DIR", default="")
SMS_HTTP_URL = env.str("SMS_HTTP_URL", default="")
SMS_HTTP_TOKEN = env.str("SMS_HTTP_TOKEN", default="")
SMS_HTTP_SENDER = env.str("SMS_HTTP_SENDER", default="Anxin")
SMS_HTTP_CONNECT_TIMEOUT = env.float("SMS_HTTP_CONNECT_TIMEOUT", default=3.0)
SMS_HTTP_READ_TIMEOUT = env.float("SMS_HTTP_READ_TIMEOUT", default=10.0)
# Tries again inside one call, only after a timeout or a lost connection (the idempotency key makes a
# repeat safe); the pause doubles from SMS_HTTP_RETRY_WAIT seconds.
SMS_HTTP_RETRIES = env.int("SMS_HTTP_RETRIES", default=2)
SMS_HTTP_RETRY_WAIT = env.float("SMS_HTTP_RETRY_WAIT", default=0.2)
# The provider's name on messages and delivery receipts.
SMS_PROVIDER_NAME = env.str("SMS_PROVIDER_NAME", default="sms-http")
# The delivery-receipt callback (POST /notifications/sms/receipts/) is refused unless signed with it.
SMS_CALLBACK_SECRET = env.str("SMS_CALLBACK_SECRET", default="")
if PRODUCTION and SMS_BACKEND == "http" and not (SMS_HTTP_URL and SMS_CALLBACK_SECRET):
    raise ImproperlyConfigured("SMS_BACKEND=http needs SMS_HTTP_URL and SMS_CALLBACK_SECRET.")

# --- accounts (django-allauth) ------------------------------------------------------------------
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:dashboard"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# Following the link in the browser that signed up signs the borrower in (allauth only does so when the
# sign-up is still pending in that session, so a leaked link alone opens nothing).
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = False
# Enumeration stays prevented: signing up with a taken address shows the same "check your mail" page,
# and the mail to that address tells its owner an account already exists.
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_RATE_LIMITS = {
    # allauth's defaults, written out so they are reviewed rather than inherited.
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reset_password": "20/m/ip,5/m/key",
    "reauthenticate": "10/m/user",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "confirm_email": "1/3m/key",
}
# Behind the TLS proxy REMOTE_ADDR is the proxy's. The number of proxies in front of the app (README,
# "Deployment"): allauth then takes the client's address from X-Forwarded-For, and so do the audit trail
# and every limit per IP (core.http.client_ip). 0 = no proxy, use REMOTE_ADDR (the embedded default).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Anxin 安心"
MFA_RECOVERY_CODE_COUNT = 10
# The sessions page shows each session's last activity and IP; accounts.middleware records it at most
# this often (and at once when the IP or browser changes), so a page view does not write.
USERSESSIONS_TRACK_ACTIVITY = True
SESSION_ACTIVITY_INTERVAL_SECONDS = 5 * 60

ACCOUNT_FORMS = {"login": "accounts.forms.LoginForm"}
# Session limits (accounts.session_limits): idle = no request for that long; absolute = since signing in.
# Borrowers who tick "remember me" get the longer pair; staff are never remembered.
ACCOUNTS_BORROWER_SESSION_IDLE_SECONDS = 30 * 60
ACCOUNTS_BORROWER_SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60
ACCOUNTS_REMEMBERED_SESSION_IDLE_SECONDS = 30 * 24 * 60 * 60
ACCOUNTS_REMEMBERED_SESSION_ABSOLUTE_SECONDS = 30 * 24 * 60 * 60
ACCOUNTS_STAFF_SESSION_IDLE_SECONDS = 30 * 60
ACCOUNTS_STAFF_SESSION_ABSOLUTE_SECONDS = 8 * 60 * 60
# The last request's time lives in a signed cookie re-issued at most this often: idle time is measured
# without writing to the database on a page view.
ACCOUNTS_ACTIVITY_COOKIE_NAME = "anxin_activity"
ACCOUNTS_ACTIVITY_REFRESH_SECONDS = 60
# A staff member's first authenticator needs a one-time link (`manage.py staff_enrolment_link EMAIL`),
# valid this long; opened, it unlocks TOTP activation in that browser session for the second figure.
ACCOUNTS_ENROLMENT_LINK_MINUTES = 30
ACCOUNTS_ENROLMENT_UNLOCK_MINUTES = 30
# The site's address as people open it, for links in mail sent outside a request (that command).
ACCOUNTS_SITE_URL = env.str("SITE_URL", default="" if PRODUCTION else "http://127.0.0.1:8000")

# The longest a session row lives without being saved, for sessions that end with the browser (staff,
# borrowers not remembered); the limits above end them sooner. A remembered one expires at its limit.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- security -----------------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy (django-csp 4): our own origin only, no inline script or style, no eval.
# Our templates hold no inline script, style element or style attribute; htmx is configured not to
# eval or inject its indicator styles (templates/base.html). Django 5.2's admin needs no exception: its
# templates run no inline script (settings travel in data- attributes of script files) and write an
# inline <style> only on a change list without any action bar, which no ModelAdmin of ours has
# (tests/platform/test_headers.py). data: images: allauth draws the TOTP set-up QR code as a data: SVG.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [CSP_SELF],
        "script-src": [CSP_SELF],
        "style-src": [CSP_SELF],
        "img-src": [CSP_SELF, "data:"],
        "font-src": [CSP_SELF],
        "connect-src": [CSP_SELF],
        "object-src": [CSP_NONE],
        "base-uri": [CSP_NONE],
        "frame-src": [CSP_NONE],
        "frame-ancestors": [CSP_NONE],
        "form-action": [CSP_SELF],
    }
}
# Permissions-Policy: every powerful browser feature off, for us and for anything we might embed. The
# site uses none of them; the recovery-codes page copies to the clipboard (same origin, left as is).
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "browsing-topics", "camera", "display-capture", "encrypted-media",
        "geolocation", "gyroscope", "hid", "idle-detection", "interest-cohort", "local-fonts",
        "magnetometer", "microphone", "midi", "otp-credentials", "payment",
        "picture-in-picture", "publickey-credentials-create", "publickey-credentials-get",
        "screen-wake-lock", "serial", "usb", "window-management", "xr-spatial-tracking",
    )
}  # fmt: skip
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Celery -------------------------------------------------------------------------------------
# No broker configured = embedded mode: tasks run inline, in the caller's process.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Sent by name, with the business date, once close of business has closed the last date it was asked to
# (borrowers.tasks): the day's reminders, then Support's call list (reminders.tasks). By name, so the
# close imports no app above it; each is idempotent.
CLOSE_OF_BUSINESS_THEN = ["reminders.tasks.reminders_select", "reminders.tasks.call_list_build"]
# One beat process runs these (README: "Running with PostgreSQL, Redis and a Celery worker").
CELERY_BEAT_SCHEDULE = BEAT_SCHEDULE  # config/beat.py

# --- logging ------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Anxin --------------------------------------------------------------------------------------
# Pin the business date (YYYY-MM-DD) for a demo or an investigation; empty = today in TIME_ZONE.
ANXIN_BUSINESS_DATE = env.str("ANXIN_BUSINESS_DATE", default="")
# The key for the keyed hash of national ID numbers (HMAC-SHA256). Production must set its own and
# keep it: changing it makes every stored hash unmatchable.
NATIONAL_ID_HASH_KEY = env.str(
    "NATIONAL_ID_HASH_KEY", default="" if PRODUCTION else "dev-only-national-id-hash-key"
)
if PRODUCTION and not NATIONAL_ID_HASH_KEY:
    raise ImproperlyConfigured("DJANGO_ENV=production needs NATIONAL_ID_HASH_KEY.")
# Imports: an uploaded file (full national ID numbers) is deleted once its report is made; anything
# left behind (a job that never finished, a file no job names) is purged after this many days.
IMPORT_FILE_RETENTION_DAYS = env.int("IMPORT_FILE_RETENTION_DAYS", default=7)
# Loan linking: failed attempts allowed per account per hour before linking is locked for an hour.
LOAN_LINK_MAX_FAILURES = 5
# ...and, whichever accounts made them, per loan reference in 24 hours and per client IP in an hour
# (the IP limit is higher: a campus or office may share one address). A reference that sees failures
# from LOAN_LINK_ALERT_ACCOUNTS accounts in 24 hours alerts SECURITY_ALERT_EMAILS once per 24 hours.
LOAN_LINK_REFERENCE_MAX_FAILURES = 10
LOAN_LINK_IP_MAX_FAILURES = 20
LOAN_LINK_ALERT_ACCOUNTS = 3
# Empty: the addresses in ADMINS.
SECURITY_ALERT_EMAILS = env.list("SECURITY_ALERT_EMAILS", default=[])
# Learning: the quiz pass mark, the longest a lesson's Markdown may take to render on save, and (for
# a demo or a test) a pinned "now" for publishing schedules and spaced review (ISO date-time).
EDUCATION_PASS_MARK_PERCENT = env.int("EDUCATION_PASS_MARK_PERCENT", default=60)
EDUCATION_RENDER_TIMEOUT_SECONDS = env.float("EDUCATION_RENDER_TIMEOUT_SECONDS", default=5.0)
EDUCATION_NOW = env.str("EDUCATION_NOW", default="")
# Privacy rights (PIPL arts. 44-47). A borrower's request is answered within this many days of receipt
# (the deadline staff see in the admin; the App personal-information rules of the MIIT ask for 15).
PRIVACY_REQUEST_DEADLINE_DAYS = 15
# After an account is deleted, its borrower profile, loans and ledger are kept this many years from the
# day the last loan was settled, then the profile is anonymised: the Anti-Money Laundering Law of the PRC
# requires customer identification data and transaction records to be kept for at least five years
# after the business relationship ends, and the Regulation on the Administration of Credit Reporting
# Industry keeps negative credit records for five years.
PRIVACY_RETENTION_YEARS = 5
PRIVACY_RETENTION_BASIS = (
    "Anti-Money Laundering Law of the PRC: customer identity and transaction records kept 5 years after "
    "the business relationship ends"
)
# Copies of one's data a day (each builds a zip of everything): enough for a borrower, not for a script.
PRIVACY_EXPORTS_PER_DAY = 5
