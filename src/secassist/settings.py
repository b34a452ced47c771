"""The one settings file. Everything that differs between installs comes from the environment.

SECASSIST_ENV=production turns on the deploy settings (HTTPS-only cookies, HSTS, MFA for
administrators, a required SECRET_KEY). DATABASE_URL selects PostgreSQL; without it the product
runs on an embedded SQLite database in WAL mode under SECASSIST_VAR_DIR.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

from secassist.settings_checks import weak_secret_key_reason

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("SECASSIST_VAR_DIR", REPO_DIR / "var"))
# Real public data is read in place, never copied into the repository.
DATA_DIR = Path(os.environ.get("SECASSIST_DATA_DIR", REPO_DIR.parent / "shared" / "data"))
# The product's own, cited reference and seed data.
PRODUCT_DATA_DIR = Path(os.environ.get("SECASSIST_PRODUCT_DATA_DIR", REPO_DIR / "data"))

ENVIRONMENT = os.environ.get("SECASSIST_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"
DEBUG = os.environ.get("SECASSIST_DEBUG", "0") == "1" and not PRODUCTION


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if PRODUCTION:
        if not key:
            raise RuntimeError("SECRET_KEY must be set when SECASSIST_ENV=production")
        weakness = weak_secret_key_reason(key)
        if weakness:
            raise RuntimeError(
                f"refusing to start: {weakness}. Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
            )
    if key:
        return key
    # A development key kept outside git so sessions survive restarts; created owner-only (0600)
    # in one step, so it is never readable by others even for a moment.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(50))
    path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # serves the API docs' Swagger UI from local static files (no CDN, CSP-clean)
    "template_partials",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "secassist.core",
    "secassist.audit",
    "secassist.reference",
    "secassist.accounts",
    "secassist.alerts",
    "secassist.clearances",
    "secassist.approvals",
    "secassist.budget",
    "secassist.restrictions",
    "secassist.congress",
    "secassist.title10",
    "secassist.plans",
    "secassist.determinations",
    "secassist.formulation",
    "secassist.oversight",
    "secassist.insights",
    "secassist.search",
    "secassist.api",
    "secassist.web",
]

MIDDLEWARE = [
    "secassist.core.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "secassist.core.middleware.RequestIdMiddleware",
    "secassist.api.middleware.ApiErrorEnvelopeMiddleware",
    "secassist.core.limits.RequestSizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "secassist.accounts.middleware.PermissionMapMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "secassist.urls"
WSGI_APPLICATION = "secassist.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "secassist.web.context_processors.site",
            ],
        },
    }
]


def _database() -> dict:
    url = os.environ.get("DATABASE_URL")
    if url:
        return dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("SECASSIST_SQLITE_PATH", str(VAR_DIR / "secassist.sqlite3")),
        "OPTIONS": {
            # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at
            # BEGIN so two writers queue on the busy timeout instead of failing mid-transaction.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # OpenID Connect sign-in (ADR 1203); answers only the SSO callback, and only when configured below.
    "secassist.accounts.oidc.OIDCBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "login"

# Single sign-on by OpenID Connect (issue #16 item 6, ADR 1203, docs/sso.md). Off unless an issuer
# and a client id are set: local accounts stay for the offline default. Endpoints come from the
# issuer's discovery document; PKCE (S256), state and nonce are always used.
SECASSIST_OIDC_ISSUER = os.environ.get("SECASSIST_OIDC_ISSUER", "").strip().rstrip("/")
SECASSIST_OIDC_CLIENT_ID = os.environ.get("SECASSIST_OIDC_CLIENT_ID", "").strip()
# private_key_jwt | client_secret_post | client_secret_basic | none (PKCE alone); empty: private_key_jwt
# when a key file is set, else client_secret_post when a secret is set, else none.
SECASSIST_OIDC_CLIENT_AUTH = os.environ.get("SECASSIST_OIDC_CLIENT_AUTH", "").strip()
SECASSIST_OIDC_CLIENT_SECRET = os.environ.get("SECASSIST_OIDC_CLIENT_SECRET", "")
SECASSIST_OIDC_PRIVATE_KEY_FILE = os.environ.get("SECASSIST_OIDC_PRIVATE_KEY_FILE", "").strip()
SECASSIST_OIDC_PRIVATE_KEY_ID = os.environ.get("SECASSIST_OIDC_PRIVATE_KEY_ID", "").strip()
SECASSIST_OIDC_SCOPES = os.environ.get("SECASSIST_OIDC_SCOPES", "openid email")
SECASSIST_OIDC_ACR_VALUES = os.environ.get("SECASSIST_OIDC_ACR_VALUES", "").strip()
SECASSIST_OIDC_PROVIDER_NAME = os.environ.get("SECASSIST_OIDC_PROVIDER_NAME", "Login.gov")
# Which claims give which role (and office): JSON text or "@/path/to/rules.json". A person no rule
# matches is refused; there is no default role.
SECASSIST_OIDC_ROLE_RULES = os.environ.get("SECASSIST_OIDC_ROLE_RULES", "[]")
# What mozilla-django-oidc reads itself (its request view makes state, nonce and the PKCE pair).
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = SECASSIST_OIDC_SCOPES
OIDC_AUTHENTICATION_CALLBACK_URL = "sso-callback"
OIDC_TIMEOUT = 10
OIDC_VERIFY_KID = True

# Login throttling: five failures lock the username+address pair for fifteen minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/lockout.html"

# API tokens expire (issue #12 item 10): this many days after creation unless `--days`/`days` says
# otherwise (at most SECASSIST_TOKEN_MAX_DAYS).
SECASSIST_TOKEN_DAYS = int(os.environ.get("SECASSIST_TOKEN_DAYS", "90"))
SECASSIST_TOKEN_MAX_DAYS = int(os.environ.get("SECASSIST_TOKEN_MAX_DAYS", "365"))

# MFA (TOTP) is available to every user and required for administrators in production.
SECASSIST_REQUIRE_ADMIN_MFA = PRODUCTION or os.environ.get("SECASSIST_REQUIRE_ADMIN_MFA") == "1"
OTP_TOTP_ISSUER = "secassist"

LANGUAGE_CODE = "en-us"
# Dates are written one way on every page (ISO 8601): secassist/formats/en/formats.py.
FORMAT_MODULE_PATH = ["secassist.formats"]
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it before collectstatic runs
STATICFILES_DIRS = [REPO_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True

# Request bodies (issue #12 items 7 and 8): a form or JSON body up to 2.5 MB, an upload up to 10 MB
# (both refused with 413 before the body is read: core.limits); uploads over 1 MB spill to a
# temporary file instead of memory, written owner-only. Each importer applies its own, lower caps.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("SECASSIST_MAX_BODY_BYTES", 2_621_440))
SECASSIST_MAX_UPLOAD_BYTES = int(os.environ.get("SECASSIST_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o600
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
DATA_UPLOAD_MAX_NUMBER_FILES = 5

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") == "1"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# The audit anchor log (ADR 0800): the chain's newest hash and length, appended outside the
# database after commits (at most once per SECASSIST_AUDIT_ANCHOR_EVERY seconds per process; -1
# turns the automatic anchors off), at every backup and restore, and by `secassist audit-anchor`.
# In production put it where the database's users cannot write: another volume, an append-only
# (chattr +a) file, or a path shipped to a log host.
SECASSIST_AUDIT_ANCHOR_LOG = Path(os.environ.get("SECASSIST_AUDIT_ANCHOR_LOG", VAR_DIR / "audit-anchors.log"))
SECASSIST_AUDIT_ANCHOR_EVERY = float(os.environ.get("SECASSIST_AUDIT_ANCHOR_EVERY", "300"))

# Background jobs (ADR 1201): the ORM backend by default, so `make run` needs nothing else; RQ on Redis
# when REDIS_URL is set. `secassist worker` runs them, `secassist scheduler` enqueues the periodic ones.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# The cache (ADR 1003): aggregates are cached under the audit chain head, so they are never read
# after a write in any process. Local memory per process by default; Redis, shared by every worker,
# when REDIS_URL is set (the production-shaped run: `make serve-production`).
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # One Redis may serve several installs: keys are per database.
            "KEY_PREFIX": os.environ.get("SECASSIST_CACHE_PREFIX", f"secassist:{DATABASES['default']['NAME']}"),
            "TIMEOUT": 600,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "secassist",
            "TIMEOUT": 600,
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

# Sessions (ADR 1005): with the shared Redis cache, read from the cache and written through to the
# database (`cached_db`): no session query per request, and a Redis restart or eviction signs no one
# out. Logout deletes both copies. Without Redis each worker has its own cache, so sessions stay in
# the database alone.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"

# Alerts go by e-mail through Django's mail framework: printed on the console unless configured.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "secassist@localhost")
# Days before a deadline (clearance due, CN waiting period end, waiver expiry) on which alerts go out.
SECASSIST_ALERT_LEAD_DAYS = sorted(
    {int(d) for d in os.environ.get("SECASSIST_ALERT_LEAD_DAYS", "14,7,3,1").split(",") if d.strip()}, reverse=True
)

# A CUI marking shown on every page; deployments may set their own banner text.
SECASSIST_MARKING = os.environ.get("SECASSIST_MARKING", "CUI")
SECASSIST_MARKING_NOTE = os.environ.get(
    "SECASSIST_MARKING_NOTE",
    "Controlled Unclassified Information. Do not enter classified information in this system.",
)
