"""Settings, all from the environment (django-environ); defaults suit a developer's laptop.

Production (docker-compose.yml, README "Production"): DJANGO_DEBUG=0, DJANGO_SECRET_KEY,
DJANGO_ALLOWED_HOSTS and DATABASE_URL=postgres://... are required; secure cookies and HSTS then
default on; DJANGO_BEHIND_TLS_PROXY=1 only when a TLS proxy sets X-Forwarded-Proto/-Host.
"""
import os
from datetime import timedelta
from pathlib import Path

import environ

from portal.secret_key import secret_key_from_file

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # optional; absent on most machines

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# A server says it is one with DJANGO_DEBUG=0 (docker-compose.yml does, README "Production"):
# then `bootstrap --demo` refuses, since its accounts' password is printed in the README. Without
# DJANGO_DEBUG the settings are a laptop's (DEBUG off, the embedded SQLite default), on which the
# command-line contracts, `bootstrap --demo` among them, keep working with no environment at all.
DECLARED_PRODUCTION = not DEBUG and "DJANGO_DEBUG" in os.environ
# No key is built in: DJANGO_SECRET_KEY, or else a random key made once and kept in
# DJANGO_SECRET_KEY_FILE (mode 600), as self-hosted projects do. Every process of one machine
# then signs with the same key; replicas on several machines need DJANGO_SECRET_KEY (compose).
SECRET_KEY = env("DJANGO_SECRET_KEY", default="") or secret_key_from_file(
    env.path("DJANGO_SECRET_KEY_FILE", default=BASE_DIR / ".secret_key"))
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "portal",
    "plans",
    "cooperatives",
    "reporting",
    "home",  # composes the others: the home page, the root URLs, `bootstrap`
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "simple_history",
    "import_export",
    "csp",
    "health_check",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.RejectNulMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "portal.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "home.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
            ],
        },
    },
]

# SQLite is the embedded default; DATABASE_URL=postgres://user@host:5432/name selects PostgreSQL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
# A persistent connection is checked before a request reuses it: a restarted PostgreSQL costs a
# reconnect, not a 500.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The embedded default serving a small office: writers queue for up to 20 s instead of failing
    # with "database is locked" (4 of 20 concurrent approvals did), each transaction takes the
    # write lock when it begins (a reader turning writer mid-transaction cannot be made to wait),
    # and the write-ahead log lets pages be read while someone writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "timeout": env.int("SQLITE_TIMEOUT_SECONDS", default=20),
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    })
elif "postgresql" in DATABASES["default"]["ENGINE"] and (work_mem := env.str("DATABASE_WORK_MEM", default="32MB")):
    # The national rollup's stocks query sorts the latest report per area and indicator (95 000
    # rows at the 2030 scale): PostgreSQL's default 4 MB sends that sort to disk. Per sort, per
    # connection (2 gunicorn workers × 4 threads): a few hundred MB at most. "" keeps the server's.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = f"-c work_mem={work_mem}"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out log-ins
    # ModelBackend, reading the user's area with the user (portal/auth.py). Sessions opened under
    # django.contrib.auth.backends.ModelBackend before it end at the next request (log in again).
    "portal.auth.AreaModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Failed log-ins: 5 tries per user name and address, then 15 minutes' wait. The address is the
# client's (portal/proxy.py): behind DJANGO_BEHIND_TLS_PROXY, the one the trusted proxies appended
# to X-Forwarded-For (DJANGO_TRUSTED_PROXY_COUNT of them, 1 by default: Caddy); otherwise the
# connection's, and X-Forwarded-For is ignored, so forging it never dodges the lock-out.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "portal.proxy.client_ip"

# Vietnamese first; English through Django's i18n.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["portal.formats"]  # dd/mm/yyyy and 1.234,5 in both languages

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and env.bool("DJANGO_MANIFEST_STATIC", default=True)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Security: on by default outside DEBUG; an intranet without TLS may turn the HTTPS ones off.
# X-Forwarded-Proto and X-Forwarded-Host are believed only when a TLS-terminating proxy in front
# of the portal sets them (overwriting what a client sends): DJANGO_BEHIND_TLS_PROXY=1, as
# docker-compose.yml's Caddy does. Without the proxy any client could claim HTTPS with a header.
BEHIND_TLS_PROXY = env.bool("DJANGO_BEHIND_TLS_PROXY", default=False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
# How many proxies in front of the portal append to X-Forwarded-For (Caddy alone: 1; the agency's
# load balancer then Caddy: 2). Read only behind DJANGO_BEHIND_TLS_PROXY.
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=1) if BEHIND_TLS_PROXY else 0
# Off by default: many intranets have no TLS. Behind HTTPS (docker-compose) set it to 1.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=False)
# Secure (HTTPS-only) cookies whenever DEBUG is off; DJANGO_SECURE_COOKIES=0 only for a plain-http
# trial run (the log-in would not work over http otherwise).
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = False
# Preloading binds the whole domain and its subdomains to HTTPS in every browser, for good: the
# owner of the domain decides that, not the portal, so `check --deploy` need not warn (W021).
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_AGE = 60 * 60 * 10  # a working day

# Content-Security-Policy (django-csp): only the portal's own scripts, styles, fonts and images.
# No inline script and no <style> element anywhere (behaviour lives in static/js/). Style
# *attributes* stay allowed (style-src-attr): the templates size a few boxes with them, and
# Bootstrap, htmx and Chart.js set element styles; a style attribute cannot run code. `data:`
# images are Bootstrap's own SVG icons (select arrow, close button) inlined in its CSS.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-elem": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# The cache (Django's cache framework): progress figures (reporting/cache.py, keyed by the data
# version in the database, so they are never stale) and throttling counters. Local memory by
# default (per process: each gunicorn worker keeps its own); in production CACHE_URL=redis://host:6379/0
# (Django's built-in Redis backend, docker-compose.yml's `redis` service): one cache for every
# worker and machine. An unreachable Redis costs the cache, not the page (reporting.cache).
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://portal")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache":
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 1000)
# How long a rollup stays in the cache at most; a change makes it unreachable at once anyway.
PROGRESS_CACHE_SECONDS = env.int("PROGRESS_CACHE_SECONDS", default=6 * 3600)

# Abandoned browser imports (uploaded, previewed, never confirmed) are deleted by
# `manage.py daily` once older than this.
IMPORT_UPLOAD_MAX_AGE_HOURS = env.int("IMPORT_UPLOAD_MAX_AGE_HOURS", default=24)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="WARNING")},
    # a refused request (403) is one line, not a traceback: a probe makes thousands
    "filters": {"refusal_one_line": {"()": "portal.logs.RefusalOneLine"}},
    "loggers": {"django.request": {"filters": ["refusal_one_line"]},
                "django.security": {"filters": ["refusal_one_line"]}},
}

# Uploaded spreadsheets are measured before they are parsed (portal/spreadsheet_limits.py): the
# sheets' XML once unzipped, and the data rows a sheet records. The defaults admit a national
# file of 200 000 cooperatives.
IMPORT_MAX_EXPANDED_MB = env.int("IMPORT_MAX_EXPANDED_MB", default=180)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=200_000)
# Photos and decisions attached to an activity (PDF, JPEG, PNG; checked by content).
ACTIVITY_ATTACHMENT_MAX_MB = env.int("ACTIVITY_ATTACHMENT_MAX_MB", default=5)

# Background jobs (jobs/): Django's task framework as backported to 5.2 (django-tasks) with its
# database queue (django-tasks-db): `python manage.py db_worker` runs them, on SQLite or PostgreSQL,
# as many workers on as many machines as wanted. JOBS_IMMEDIATE=1 runs them inside the request.
# `jobs` first: its db_worker (which also fails the jobs of dead workers) replaces django-tasks-db's.
INSTALLED_APPS += ["jobs", "django_tasks", "django_tasks_db"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
                     if env.bool("JOBS_IMMEDIATE", default=False) else "django_tasks_db.DatabaseBackend"}}
# An import or export of more rows than this runs as a job; smaller ones stay in the request.
# What each kind of job runs (the app it belongs to does the work; jobs imports none of them).
JOB_RUNNERS = {
    "registry_export": "cooperatives.jobs.registry_export",
    "import_preview": "cooperatives.jobs.import_preview",
    "import_confirm": "cooperatives.jobs.import_confirm",
    "progress_export": "reporting.jobs.progress_export",
    "figures_preview": "reporting.jobs.figures_preview",
    "figures_confirm": "reporting.jobs.figures_confirm",
}
# The page that shows a finished job's result, where it is more than a download.
JOB_RESULT_VIEWS = {"import_preview": "cooperatives.import_views.job_preview",
                    "figures_preview": "reporting.import_views.job_preview"}
JOB_THRESHOLD_ROWS = env.int("JOB_THRESHOLD_ROWS", default=5000)
# The progress page's XLSX and PDF of an area of these levels (0 the country, 1 a province: the
# rollup of every unit below) are made by a job; a district's or commune's stay in the request.
JOB_PROGRESS_LEVELS = env.list("JOB_PROGRESS_LEVELS", cast=int, default=[0, 1])
# A job's file stays downloadable (by its owner only) for this long, then it is deleted.
JOB_RESULT_MAX_AGE_HOURS = env.int("JOB_RESULT_MAX_AGE_HOURS", default=24)
# A running job writes a heartbeat this often; one silent for JOB_STALE_SECONDS (its worker was
# killed) is shown as failed, and what it was writing was never committed.
JOB_HEARTBEAT_SECONDS = env.int("JOB_HEARTBEAT_SECONDS", default=5)
JOB_STALE_SECONDS = env.int("JOB_STALE_SECONDS", default=60)
# The worker looks for such jobs at its start and this often (as do `manage.py daily` and the jobs pages).
JOB_SWEEP_SECONDS = env.int("JOB_SWEEP_SECONDS", default=30)
# A job queued longer than this with no worker taking it makes the queue's health check fail.
JOB_QUEUE_MAX_WAIT_SECONDS = env.int("JOB_QUEUE_MAX_WAIT_SECONDS", default=600)
# The read-only API (api/, /api/v1/): personal tokens (Authorization: Token …), JSON only,
# GET only, throttled per token; OpenAPI schema and Swagger UI served from static/ (sidecar).
INSTALLED_APPS += ["rest_framework", "drf_spectacular", "drf_spectacular_sidecar", "api"]
API_THROTTLE_RATE = env("API_THROTTLE_RATE", default="1000/hour")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.PersonalTokenAuthentication",
                                       "rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated", "api.permissions.HasArea"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "COERCE_DECIMAL_TO_STRING": False,
    "UNICODE_JSON": True,
    "EXCEPTION_HANDLER": "api.exceptions.vietnamese_exception_handler",
    # the API's throttle counts per client address as the log-in lock-out does (portal/proxy.py)
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API Cổng theo dõi Đề án 01",
    "DESCRIPTION": "Chỉ đọc. Mỗi mã truy cập thấy đúng địa bàn của người dùng đã tạo ra nó.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Notifications (notifications/): the bell and /thong-bao/, and a copy by e-mail through Django's
# e-mail framework. EMAIL_URL (django-environ: smtp://user:password@host:587, smtp+tls://…,
# smtp+ssl://…, consolemail://) selects the server; without it messages go to the console (the
# log). Tests use the locmem backend (pytest-django). PORTAL_BASE_URL (https://dean01.example.vn)
# makes links in e-mails absolute.
INSTALLED_APPS += ["notifications"]
TEMPLATES[0]["OPTIONS"]["context_processors"].append("notifications.context_processors.unread")
globals().update({k: v for k, v in env.email_url("EMAIL_URL", default="consolemail://").items() if v not in (None, "")})
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Cổng Đề án 01 <khong-tra-loi@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="")
# `manage.py send_reminders` (run daily by `manage.py daily`): data-entry users of units that have
# not sent a report are reminded this many days before its due date.
REMINDER_DAYS = env.list("REMINDER_DAYS", cast=int, default=[7, 1])

# Personal data (privacy/, docs/personal-data.md; Law 91/2025/QH15 and Nghị định 356/2025/NĐ-CP).
# The notice at /chinh-sach-du-lieu-ca-nhan/ names the controller and whom to contact from
# these settings; an operator who wants other wording puts her own privacy/notice.html in
# DJANGO_TEMPLATE_OVERRIDE_DIR, which is searched before the portal's templates.
INSTALLED_APPS += ["privacy"]
PRIVACY_CONTROLLER = env("PRIVACY_CONTROLLER", default="Trung ương Hội Liên hiệp Phụ nữ Việt Nam")
PRIVACY_CONTACT_UNIT = env("PRIVACY_CONTACT_UNIT", default="Ban Hỗ trợ phụ nữ phát triển kinh tế, Trung ương Hội LHPN Việt Nam")
PRIVACY_CONTACT_EMAIL = env("PRIVACY_CONTACT_EMAIL", default="")
PRIVACY_CONTACT_PHONE = env("PRIVACY_CONTACT_PHONE", default="")
PRIVACY_CONTACT_ADDRESS = env("PRIVACY_CONTACT_ADDRESS", default="39 Hàng Chuối, Hai Bà Trưng, Hà Nội")
if override_dir := env("DJANGO_TEMPLATE_OVERRIDE_DIR", default=""):
    TEMPLATES[0]["DIRS"].insert(0, Path(override_dir))
# A manager's birth year, ethnicity and name are anonymised by `manage.py daily` this many years
# after her term ended or her cooperative was dissolved; the counts are kept.
PERSONAL_DATA_RETENTION_YEARS = env.int("PERSONAL_DATA_RETENTION_YEARS", default=5)
# Entries of the access log (/nhat-ky-du-lieu/) are kept this long, then deleted by `daily`.
ACCESS_LOG_RETENTION_DAYS = env.int("ACCESS_LOG_RETENTION_DAYS", default=3 * 365)

# Backups (portal/backup.py, docs/backup.md): with a passphrase here, `manage.py backup` stores
# the database and the media encrypted (gpg, AES256), and `restore` needs the same one.
# BACKUP_ENCRYPTION_KEY_FILE names a file holding it instead (a docker secret), read when a
# backup or a restore runs.
BACKUP_ENCRYPTION_KEY = env("BACKUP_ENCRYPTION_KEY", default="")
BACKUP_ENCRYPTION_KEY_FILE = env("BACKUP_ENCRYPTION_KEY_FILE", default="")
