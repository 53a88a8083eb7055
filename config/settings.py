"""Accord settings. Every value comes from an environment variable (see .env.example)."""

import sys
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
    "drf_spectacular_sidecar",  # Swagger UI and ReDoc files, served from static (no CDN)
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
# Hot-path statements run as prepared statements on PostgreSQL (labeling.db.executor.execute); turn
# off behind a pooler that shares sessions between clients (PgBouncer in transaction mode).
DB_PREPARED_STATEMENTS = env_bool("DB_PREPARED_STATEMENTS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "login"
# Invite links (labeling.services.invites) expire after this many days.
ACCORD_INVITE_MAX_AGE = 86400 * env_int("ACCORD_INVITE_DAYS", default=7, minimum=1)
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Email (password reset). Without EMAIL_HOST, mail is printed on the console (embedded default);
# with it, Django sends over SMTP using the other EMAIL_* variables.
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("EMAIL_PORT", default=587, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "accord@localhost")

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

# Hostile input (issue 21): the largest item an import accepts (its JSON line, array element
# or CSV row, in bytes); formula cells neutralised in every CSV written (0 for machine
# consumers); requests holding a NUL character refused with a 400 before any view.
ACCORD_MAX_ITEM_BYTES = env_int("ACCORD_MAX_ITEM_BYTES", default=1024**2, minimum=1)
# Above this many labeled items the agreement report takes its exact sections from the
# statistics each submit keeps and the aggregate-dependent ones from a seeded sample of this
# many items (review.services.agreement.project_report).
ACCORD_AGREEMENT_REPORT_SAMPLE_ITEMS = env_int(
    "ACCORD_AGREEMENT_REPORT_SAMPLE_ITEMS", default=200_000, minimum=1
)
ACCORD_CSV_NEUTRALISE_FORMULAS = env_bool("ACCORD_CSV_NEUTRALISE_FORMULAS", default=True)
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "config.nul_guard.NulGuardMiddleware")

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
# --- client: one body type, one page style, a typed schema (issue 17) ---
# Bodies are JSON (uploads set their own multipart parser); tests' APIClient sends JSON too.
REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] = ["rest_framework.parsers.JSONParser"]
REST_FRAMEWORK["TEST_REQUEST_DEFAULT_FORMAT"] = "json"
# Every list is a cursor page {"next", "previous", "results"} (labeling.api.pagination).
REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"] = "labeling.api.pagination.QueryOrderCursorPagination"
SPECTACULAR_SETTINGS = {
    "TITLE": "Accord API",
    "DESCRIPTION": (
        "Multi-annotator labeling: projects, items, assignments, agreement, review. "
        "Authenticate with `Authorization: Token KEY` (POST /api/auth/token). Lists are "
        "cursor pages: follow `next` (an opaque URL, null on the last page); `page_size` "
        "asks for up to 500 rows."
    ),
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Separate request and response components (PatchedX, XRequest): read-only fields are
    # not asked for, write-only ones not promised.
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No badge from validator.swagger.io: the docs load nothing from another origin.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "JobStatusEnum": "labeling.choices.JobStatus",
        "AssignmentStatusEnum": "labeling.choices.AssignmentStatus",
        "FlagStatusEnum": "review.choices.FlagStatus",
    },
}
# --- end client ---

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
    # Set below (Operations, recovery): the visibility timeout follows the task time limit.
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", default=1800, minimum=1)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", default=1700, minimum=1)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Periodic tasks (run by `celery beat`: the worker's -B in `make run`, its own service in
# docker-compose.yml). Every minute, send drains again for items whose recompute message was lost.
CELERY_BEAT_SCHEDULE = {
    "sweep-pending-items": {"task": "labeling.sweep_pending_items", "schedule": 60.0},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

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
    # httpx logs every model server request at INFO; failures are logged by the services.
    "loggers": {"httpx": {"level": "WARNING"}, "httpcore": {"level": "WARNING"}},
}

# --- Operations (issue #18): health probes, HTTPS behind a proxy, database connections -----------
# Health probes answer first, before the Host check and the HTTPS redirect (config/health.py).
MIDDLEWARE = ["config.health.HealthProbeMiddleware", *MIDDLEWARE]

# HTTPS: all off by default (the embedded default serves plain HTTP on loopback); production
# turns them on from the environment (README, "Production security").
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", default=0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=False)
# The header a trusted proxy sets to "https", in META form (HTTP_X_FORWARDED_PROTO). Only set it
# when the proxy always overwrites that header: a client could otherwise claim HTTPS.
_PROXY_SSL_HEADER = env_str("SECURE_PROXY_SSL_HEADER", "").strip()
if _PROXY_SSL_HEADER and not _PROXY_SSL_HEADER.startswith("HTTP_"):
    raise ImproperlyConfigured(
        f"SECURE_PROXY_SSL_HEADER must name a request header as HTTP_..., got {_PROXY_SSL_HEADER!r}"
    )
SECURE_PROXY_SSL_HEADER = (_PROXY_SSL_HEADER, "https") if _PROXY_SSL_HEADER else None

# PostgreSQL connections live CONN_MAX_AGE seconds (60: each gunicorn thread or Celery process
# keeps one), checked before reuse. runserver starts a thread per request and each would keep
# its own, so there the default is 0 (one connection per request, closed after it).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _RUNSERVER = len(sys.argv) > 1 and sys.argv[1] == "runserver"
    DATABASES["default"]["CONN_MAX_AGE"] = env_int(
        "CONN_MAX_AGE", default=0 if _RUNSERVER else 60, minimum=0
    )
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = env_bool("CONN_HEALTH_CHECKS", default=True)
# File storage: every file Accord keeps (import uploads, item images, fitted pre-label models)
# goes through Django's storage API (labeling/file_storage.py). With AWS_STORAGE_BUCKET_NAME set
# it is an S3 bucket (AWS, MinIO, Ceph...), shared by the web process and every worker on any
# machine; otherwise the local folder MEDIA_ROOT, which then must be shared by all of them.
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME", "")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL", "") or None,  # None: AWS itself
            "access_key": env_str("AWS_ACCESS_KEY_ID", "") or None,  # None: boto3's own chain
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY", "") or None,
            "region_name": env_str("AWS_S3_REGION_NAME", "") or None,
            "location": env_str("AWS_LOCATION", ""),  # a key prefix inside the bucket
            # Objects stay private: images reach browsers only through the access-checked
            # endpoint (labeling.api.items.ItemImageApi), never by a bucket URL.
            "default_acl": None,
            "querystring_auth": True,
            # Uploads keep their name unless taken (imports/a.csv, imports/a_x7Kq.csv).
            "file_overwrite": False,
        },
    }
# Queues: a long import or pre-label job never delays flag recomputation, and each queue group
# scales on its own (README, "Operating Accord"). Routes go by stable task name; "review.*"
# covers every recomputation task of the review app; anything unrouted goes to "default".
CELERY_TASK_DEFAULT_QUEUE = "default"
ACCORD_QUEUES = ("default", "imports", "prelabel", "review")
CELERY_TASK_ROUTES = {
    "labeling.run_import_job": {"queue": "imports"},
    "labeling.run_prelabel_job": {"queue": "prelabel"},
    "labeling.prelabel_batch": {"queue": "prelabel"},
    "labeling.retrain_model": {"queue": "prelabel"},
    "labeling.send_model_server_event": {"queue": "prelabel"},
    "review.*": {"queue": "review"},
}
# Recovery: jobs beat per batch (ImportJob/PrelabelJob.heartbeat_at). Every
# ACCORD_JOB_SWEEP_SECONDS, labeling.sweep_stalled_jobs requeues a running pre-label job, and
# fails a running import, whose heartbeat is older than ACCORD_JOB_STALL_SECONDS (its worker
# died). Keep the stall longer than the slowest batch and the longest wait in a busy queue.
# Accord's address as model servers reach it: sent to them at /setup ("hostname") and used in
# image tasks' URLs, so Label Studio ML backends can download items' images (get_local_path).
ACCORD_PUBLIC_URL = env_str("ACCORD_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
ACCORD_JOB_STALL_SECONDS = env_int("ACCORD_JOB_STALL_SECONDS", default=300, minimum=10)
ACCORD_JOB_SWEEP_SECONDS = env_int("ACCORD_JOB_SWEEP_SECONDS", default=60, minimum=1)
CELERY_BEAT_SCHEDULE["sweep-stalled-jobs"] = {
    "task": "labeling.sweep_stalled_jobs",
    "schedule": float(ACCORD_JOB_SWEEP_SECONDS),
}
# Redis hands an unacknowledged message (acks_late tasks) to another worker after the
# visibility timeout. Shorter than the task time limit, a slow task would run twice at once;
# so it is the time limit plus a minute, and the sweep above, not the broker, recovers sooner.
if not CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = CELERY_TASK_TIME_LIMIT + 60
# Observability. /metrics (config/metrics/) answers only a bearer of ACCORD_METRICS_TOKEN and
# is off (404) without one. Every request gets an id (X-Request-ID, config/request_id.py),
# timed by view; LOG_FORMAT=json writes one JSON object per line with that id. Celery workers
# send task events (for Flower and `celery events`) on a real broker.
ACCORD_METRICS_TOKEN = env_str("ACCORD_METRICS_TOKEN", "")
MIDDLEWARE.insert(
    MIDDLEWARE.index("config.health.HealthProbeMiddleware") + 1, "config.request_id.RequestIdMiddleware"
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("config.request_id.RequestIdMiddleware") + 1,
    "config.metrics.requests.RequestMetricsMiddleware",
)
LOG_FORMAT = env_str("LOG_FORMAT", "text")
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be text or json, got {LOG_FORMAT!r}")
LOGGING["filters"] = {"request_id": {"()": "config.request_id.RequestIdFilter"}}
LOGGING["formatters"] = {
    "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    "json": {"()": "config.json_logs.JsonFormatter"},
}
LOGGING["handlers"]["console"].update({"formatter": LOG_FORMAT, "filters": ["request_id"]})
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # workers log through LOGGING too (JSON, task id)
if not CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_WORKER_SEND_TASK_EVENTS = True  # same as `worker -E`
    CELERY_TASK_SEND_SENT_EVENT = True
# drf-spectacular adds its schema-generation warnings to `check --deploy`; they are about the
# API docs, not the deployment, and `manage.py spectacular --validate` reports them.
SPECTACULAR_SETTINGS["ENABLE_DJANGO_DEPLOY_CHECK"] = False
# --- end Operations ----------------------------------------------------------------------------

# --- Webhooks (issue #17): outgoing, signed, retried; README "Webhooks" -----------------------
# Loopback and private-network receivers (10/8, 172.16/12, 192.168/16, fc00::/7, 127/8) are
# refused unless this is on; it follows DEBUG, so the embedded default can call a receiver on
# the same machine and a production deployment (DEBUG off) cannot reach its own network.
# Link-local and cloud-metadata addresses are refused whatever it says.
ACCORD_WEBHOOK_ALLOW_PRIVATE = env_bool("ACCORD_WEBHOOK_ALLOW_PRIVATE", default=DEBUG)
ACCORD_WEBHOOK_TIMEOUT_S = env_int("ACCORD_WEBHOOK_TIMEOUT_S", default=10, minimum=1)
ACCORD_WEBHOOK_MAX_ATTEMPTS = env_int("ACCORD_WEBHOOK_MAX_ATTEMPTS", default=6, minimum=1)
# Retry n waits base * 2**(n-1) seconds (capped at an hour) plus up to 10% jitter: 30 s, 1 min,
# 2 min, 4 min, 8 min by default.
ACCORD_WEBHOOK_RETRY_BASE_S = env_int("ACCORD_WEBHOOK_RETRY_BASE_S", default=30, minimum=0)
CELERY_BEAT_SCHEDULE["sweep-webhook-deliveries"] = {
    "task": "labeling.sweep_webhook_deliveries",
    "schedule": 60.0,
}
# The delivery log's "status" enum gets a name of its own in the OpenAPI document, and the
# jobs' keeps the name it had before (StatusEnum), so generated clients do not change.
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update(
    {
        "WebhookDeliveryStatusEnum": "labeling.webhooks.catalogue.DeliveryStatus",
    }
)
# --- end Webhooks ------------------------------------------------------------------------------
