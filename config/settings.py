"""Accord settings. Every value comes from an environment variable (see .env.example)."""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from config.env import database_from_url, env_bool, env_int, env_list, env_rate, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("ACCORD_VAR_DIR", str(BASE_DIR / "var")))

DEV_SECRET_KEY = "dev-only-insecure-key-change-me"  # noqa: S105 - refused below unless DEBUG
DEBUG = env_bool("DEBUG", default=True)
SECRET_KEY = env_str("SECRET_KEY", DEV_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEV_SECRET_KEY:
    raise ImproperlyConfigured("Set SECRET_KEY: the development key is refused when DEBUG is off")
# --- sec-web: secret key length (issue #21) ---
# An empty key booted and then answered 500 to everything; a short one is guessable.
MIN_SECRET_KEY_LENGTH = 32
if not DEBUG and len(SECRET_KEY) < MIN_SECRET_KEY_LENGTH:
    raise ImproperlyConfigured(
        f"SECRET_KEY must be at least {MIN_SECRET_KEY_LENGTH} characters when DEBUG is off "
        f"(got {len(SECRET_KEY)}); e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )
# --- end sec-web ---
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "django_htmx",
    "labeling",
    "review",
    "guidelines",
    "frontend",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "config.csp.ContentSecurityPolicyMiddleware",  # sec-web: CSP on every response
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'accord.sqlite3'}"), BASE_DIR
    )
}
# Hot-path statements run as prepared statements on PostgreSQL (labeling.rows.execute); turn
# off behind a pooler that shares sessions between clients (PgBouncer in transaction mode).
DB_PREPARED_STATEMENTS = env_bool("DB_PREPARED_STATEMENTS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploads: anything larger goes to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
ACCORD_MAX_UPLOAD_BYTES = env_int("ACCORD_MAX_UPLOAD_BYTES", default=2 * 1024**3, minimum=1)
ACCORD_MAX_IMAGE_BYTES = env_int("ACCORD_MAX_IMAGE_BYTES", default=50 * 1024**2, minimum=1)
# Pillow's decompression-bomb guard; images over this many pixels are refused.
ACCORD_MAX_IMAGE_PIXELS = env_int("ACCORD_MAX_IMAGE_PIXELS", default=89_478_485, minimum=1)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first so an unauthenticated request gets 401 with WWW-Authenticate.
        "labeling.api.auth.FastTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "labeling.api.errors.exception_handler",
    # sec-web: per-user and anonymous API rates (labeling.api.throttles reads the rates below).
    "DEFAULT_THROTTLE_CLASSES": [
        "labeling.api.throttles.AnonApiThrottle",
        "labeling.api.throttles.UserApiThrottle",
    ],
}

# --- sec-web: login limits, API rates, browsable API, CSP (issue #21) ---
# Failed logins (page and POST /api/auth/token) per username and per address within a
# window; over either limit every attempt is refused until the window ends. 0 turns one off.
ACCORD_LOGIN_MAX_FAILURES_PER_USER = env_int("ACCORD_LOGIN_MAX_FAILURES_PER_USER", default=10, minimum=0)
ACCORD_LOGIN_MAX_FAILURES_PER_ADDRESS = env_int(
    "ACCORD_LOGIN_MAX_FAILURES_PER_ADDRESS", default=100, minimum=0
)
ACCORD_LOGIN_WINDOW_SECONDS = env_int("ACCORD_LOGIN_WINDOW_SECONDS", default=900, minimum=1)
# Proxies in front of Accord that append to X-Forwarded-For; 0 counts REMOTE_ADDR (a client
# could otherwise pick its own address with the header).
ACCORD_NUM_PROXIES = env_int("ACCORD_NUM_PROXIES", default=0, minimum=0)
REST_FRAMEWORK["NUM_PROXIES"] = ACCORD_NUM_PROXIES
# DRF rates, "N/second|minute|hour|day"; empty turns the throttle off.
ACCORD_API_RATE_USER = env_rate("ACCORD_API_RATE_USER", "1200/minute")
ACCORD_API_RATE_ANON = env_rate("ACCORD_API_RATE_ANON", "120/minute")
# The browsable API (HTML forms at /api/...) only with DEBUG on, unless asked for.
ACCORD_BROWSABLE_API = env_bool("ACCORD_BROWSABLE_API", default=DEBUG)
REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"] = [
    "rest_framework.renderers.JSONRenderer",
    *(["rest_framework.renderers.BrowsableAPIRenderer"] if ACCORD_BROWSABLE_API else []),
]
# --- end sec-web ---
SPECTACULAR_SETTINGS = {
    "TITLE": "Accord API",
    "DESCRIPTION": "Multi-annotator labeling: projects, items, assignments, agreement, review.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

# Celery: Redis in production; the embedded default is kombu's filesystem transport,
# which needs no server (web and worker share the folders under var/celery).
REDIS_URL = env_str("REDIS_URL", "")
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL or "filesystem://")
_CELERY_DIR = VAR_DIR / "celery"
if CELERY_BROKER_URL.startswith("filesystem://"):
    # kombu's filesystem transport fails on a missing folder; create them at boot.
    for _folder in ("queue", "processed", "control"):
        (_CELERY_DIR / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_CELERY_DIR / "queue"),
        "data_folder_out": str(_CELERY_DIR / "queue"),
        "processed_folder": str(_CELERY_DIR / "processed"),
        "control_folder": str(_CELERY_DIR / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", default=1800, minimum=1)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", default=1700, minimum=1)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Cache: shared by web and worker (debounce keys), so it cannot be per-process memory.
if REDIS_URL or CELERY_BROKER_URL.startswith("redis"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL or CELERY_BROKER_URL,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
