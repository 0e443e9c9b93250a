"""Django settings, read from KEFU_* environment variables with working defaults.

The defaults give the embedded set-up of `make run` (SQLite in WAL mode under var/,
in-memory channel layer, database-backed job queue); production points
KEFU_DATABASE_URL at PostgreSQL and KEFU_REDIS_URL at Redis.
"""

import ipaddress
import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

# Lets admin classes be written ModelAdmin[Model] for mypy without breaking at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KEFU_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    # A laptop install must survive restarts without anyone choosing a key, so the
    # generated key is kept beside the database; production sets KEFU_SECRET_KEY.
    configured = os.environ.get("KEFU_SECRET_KEY")
    if configured:
        return configured
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _trusted_proxies() -> list[str]:
    # Only a proxy the operator names may say who the client is (X-Forwarded-For) and
    # whether it came over https (X-Forwarded-Proto); from anyone else they are the
    # client's to invent, and per-address limits would count whatever it writes there.
    networks = []
    for entry in os.environ.get("KEFU_TRUSTED_PROXIES", "").split(","):
        if not entry.strip():
            continue
        try:
            networks.append(str(ipaddress.ip_network(entry.strip(), strict=False)))
        except ValueError:
            raise ImproperlyConfigured(
                f"KEFU_TRUSTED_PROXIES: {entry.strip()!r} is not an IP address or network"
                " (write it as 10.0.0.5 or 10.0.0.0/24)."
            ) from None
    return networks


def _site_url(value: str) -> str:
    parts = urlsplit(value.strip())
    try:
        port = parts.port  # reading it is what checks it
    except ValueError:
        port = -1
    if parts.scheme not in {"http", "https"} or not parts.hostname or port == -1:
        raise ImproperlyConfigured(
            f"KEFU_SITE_URL: {value!r} is not a web address (write it as"
            " https://help.example.com, or http://127.0.0.1:8000 on a laptop)."
        )
    if parts.query or parts.fragment:
        raise ImproperlyConfigured(f"KEFU_SITE_URL: {value!r} must not have a ?query or #part.")
    return value.strip().rstrip("/")


SECRET_KEY = _secret_key()
DEBUG = _env_bool("KEFU_DEBUG", False)
ALLOWED_HOSTS = [
    h for h in os.environ.get("KEFU_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("KEFU_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
# The base of every absolute link (kefu.core.public_address); `kefu serve` sets it for
# its children to the address it listens on when the operator has not.
SITE_URL = _site_url(os.environ.get("KEFU_SITE_URL", "http://127.0.0.1:8000"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Before django_tasks_db: Kefu's `db_worker` (leases and heartbeats) replaces the
    # library's command of that name, so no worker can run jobs without a lease.
    "kefu.core",
    "django_tasks",
    "django_tasks_db",
    "kefu.contacts",
    "kefu.agents",
    "kefu.conversations",
    "kefu.inboxes",
    "kefu.inboxes.email",
    "kefu.inboxes.phone",
    "kefu.inboxes.webchat",
    "kefu.inboxes.telegram",
    "kefu.inboxes.wechat",
    "kefu.inboxes.weibo",
    "kefu.inboxes.messenger",
    "kefu.inboxes.x",
    "kefu.routing",
    "kefu.sla",
    "kefu.safety",
    "kefu.console",
    "kefu.portal",
    "kefu.api",
    "kefu.helpcenter",
    "kefu.platform",
    "kefu.verification",
    "kefu.helpcenter.flows",
    "kefu.feedback",
    "kefu.canned",
    "kefu.community",
    "kefu.reports",
    # Above the domain apps: the demo loader imports them all.
    "kefu.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "kefu.core.content_policy.ContentSecurityPolicyMiddleware",
    "kefu.core.static_files.StaticFilesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "kefu.core.body_limits.UnreadableBodyMiddleware",
    "django.middleware.common.CommonMiddleware",
    "kefu.api.cors.PublicHelpCorsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "kefu.core.middleware.ViewerTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "kefu.urls"
ASGI_APPLICATION = "kefu.asgi.application"
AUTH_USER_MODEL = "agents.Agent"
LOGIN_URL = "console:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "kefu" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]


def _database() -> dict[str, Any]:
    url = os.environ.get("KEFU_DATABASE_URL")
    if url:
        config: dict[str, Any] = dict(dj_database_url.parse(url))
        if config["ENGINE"] == "django.db.backends.postgresql":
            # ASGI runs each request in a fresh thread, so per-thread persistent
            # connections pile up until PostgreSQL refuses clients; a pool shared by the
            # process's threads keeps the count bounded (KEFU_DB_POOL_MAX per process).
            config["CONN_MAX_AGE"] = 0
            config.setdefault("OPTIONS", {})["pool"] = {
                "min_size": 1,
                "max_size": int(os.environ.get("KEFU_DB_POOL_MAX", "20")),
                "timeout": 20,
            }
        return config
    return {
        # Django's backend plus a writer mutex per process (kefu/core/db/sqlite3).
        "ENGINE": "kefu.core.db.sqlite3",
        "NAME": os.environ.get("KEFU_SQLITE_PATH", str(VAR_DIR / "kefu.sqlite3")),
        "OPTIONS": {
            # WAL lets the app and the worker read while one of them writes; IMMEDIATE
            # transactions take the write lock up front so two writers queue politely
            # instead of failing with "database is locked" on lock upgrade.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("KEFU_REDIS_URL", "")

if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py refuses (does not wait) once its pool is used up; a process
                # holding a thousand chat sockets joins and leaves groups for all of them
                # at once when a load balancer drains it.
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "max_connections": int(
                            os.environ.get("KEFU_REDIS_MAX_CONNECTIONS", "1000")
                        ),
                        # redis-py 8 reads with a 5 s socket timeout by default, and the
                        # layer's receive blocks in Redis for 5 s (brpop_timeout): the two
                        # race, and a lost race kills the WebSocket (and the events sent
                        # while it reconnects). Reads must outlast the blocking wait.
                        "socket_timeout": 15,
                    }
                ],
                "prefix": "kefu",
            },
        }
    }
    CACHES = {
        "default": {
            # Falls back to each process's memory while Redis is down (core.fallback_cache);
            # short socket timeouts so an unreachable host costs a request little.
            "BACKEND": "kefu.core.fallback_cache.RedisCacheWithLocalFallback",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "kefu",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# One queue, stored in the database: on PostgreSQL the worker claims jobs with
# SELECT ... FOR UPDATE SKIP LOCKED, so any number of workers on any host can share it.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("KEFU_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "delivery"],
    }
}
# A running job's lease: its worker renews it every quarter of this while the job runs;
# once it lapses, the scheduler's reclaim puts the job back in the queue (kefu.core.jobs).
KEFU_JOB_LEASE_SECONDS = float(os.environ.get("KEFU_JOB_LEASE_SECONDS", "60"))

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# HTTPS and proxies. KEFU_HTTPS says the site is reached over https only (TLS usually
# ends at the reverse proxy); KEFU_SECURE_COOKIES is its older name, from when it only
# made the cookies secure. KEFU_TRUSTED_PROXIES lists the proxies whose forwarded
# headers `kefu serve` (uvicorn) believes: it sets the client address and the scheme
# from them, so Django needs no SECURE_PROXY_SSL_HEADER, which would believe anyone.
KEFU_HTTPS = _env_bool("KEFU_HTTPS", _env_bool("KEFU_SECURE_COOKIES", False))
KEFU_TRUSTED_PROXIES = _trusted_proxies()
SESSION_COOKIE_SECURE = KEFU_HTTPS
CSRF_COOKIE_SECURE = KEFU_HTTPS
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if KEFU_HTTPS else 0
# The header covers subdomains of the site's own host (*.support.example.com), not the
# company's other hosts; switch off only if such a subdomain still serves plain http.
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("KEFU_HSTS_INCLUDE_SUBDOMAINS", True)
# Without a trusted proxy every request looks like http here, and would be redirected
# forever; `check --deploy` then warns that http is not redirected.
SECURE_SSL_REDIRECT = KEFU_HTTPS and bool(KEFU_TRUSTED_PROXIES)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"  # the same as the pages' frame-ancestors 'none' (core.content_policy)
# Browsers' HSTS preload lists take registrable domains (example.com); submitting one is
# that domain's decision, not a support subdomain's, so Kefu does not send "preload".
SILENCED_SYSTEM_CHECKS = ["security.W021"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("zh-hant", "繁體中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "kefu" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("KEFU_TIME_ZONE", "Asia/Shanghai")

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(os.environ.get("KEFU_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"

KEFU_MAX_ATTACHMENT_BYTES = int(os.environ.get("KEFU_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024))
KEFU_MAX_MESSAGE_CHARS = int(os.environ.get("KEFU_MAX_MESSAGE_CHARS", 20_000))
# A body without files (JSON, form fields): room for the longest message JSON-escaped (up
# to 12 bytes a character), and never less than Django's default. Every request body is
# capped at this before Django reads it, except where files are uploaded: those views may
# take their files on top (kefu.core.body_limits, UPLOAD_VIEWS in kefu/asgi.py).
DATA_UPLOAD_MAX_MEMORY_SIZE = max(2_621_440, KEFU_MAX_MESSAGE_CHARS * 12 + 64 * 1024)
# The wallet/exchange back end Kefu asks about customers (kefu.platform.connector).
KEFU_PLATFORM_CONNECTOR = os.environ.get(
    "KEFU_PLATFORM_CONNECTOR", "kefu.platform.demo.DemoConnector"
)
# For kefu.platform.http.HttpConnector: the exchange's base URL, the shared signing secret
# and how long to wait for an answer (docs/platform-connector.md).
KEFU_PLATFORM_URL = os.environ.get("KEFU_PLATFORM_URL", "")
KEFU_PLATFORM_SECRET = os.environ.get("KEFU_PLATFORM_SECRET", "")
KEFU_PLATFORM_TIMEOUT = float(os.environ.get("KEFU_PLATFORM_TIMEOUT", "10"))

# Identity documents (verification/documents.py): Fernet keys, the first encrypts.
KEFU_DOCUMENT_KEYS = [
    key.strip() for key in os.environ.get("KEFU_DOCUMENT_KEYS", "").split(",") if key.strip()
]
KEFU_DOCUMENT_MAX_BYTES = int(os.environ.get("KEFU_DOCUMENT_MAX_BYTES", str(10 * 1024 * 1024)))

EMAIL_BACKEND = os.environ.get(
    "KEFU_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("KEFU_SMTP_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("KEFU_SMTP_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("KEFU_SMTP_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("KEFU_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("KEFU_SMTP_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("KEFU_SMTP_STARTTLS", False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("KEFU_FROM_EMAIL", "Kefu Support <support@kefu.example>")

# Email intake: the same text from the same sender within this window joins the ticket it
# already opened; acknowledgements per sender are capped so two robots cannot loop.
KEFU_EMAIL_DEDUPE_WINDOW_SECONDS = int(os.environ.get("KEFU_EMAIL_DEDUPE_WINDOW_SECONDS", 3600))
KEFU_EMAIL_ACKS_PER_HOUR = int(os.environ.get("KEFU_EMAIL_ACKS_PER_HOUR", 5))
KEFU_EMAIL_FIRST_RESPONSE_HOURS = int(os.environ.get("KEFU_EMAIL_FIRST_RESPONSE_HOURS", 24))

OTP_TOTP_ISSUER = os.environ.get("KEFU_OTP_ISSUER", "Kefu")

# One handler, behind a filter that removes secrets (a recovery phrase in a search URL,
# a key quoted by an exception). `kefu serve` passes this to uvicorn as its log_config,
# so uvicorn's access and error loggers write through it too.
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_secrets": {"()": "kefu.safety.log_redaction.RedactSecrets"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_secrets"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("KEFU_LOG_LEVEL", "INFO")},
    "loggers": {
        # Django sets its own loggers to INFO; follow KEFU_LOG_LEVEL so DEBUG shows SQL too.
        "django": {"level": os.environ.get("KEFU_LOG_LEVEL", "INFO")},
        # Django's defaults give runserver's request log a handler of its own.
        "django.server": {"handlers": [], "propagate": True},
    },
}

# Live-chat routing (kefu.routing): wait estimates and the idle-chat sweep.
# An agent counts as online (takes chats, counts in wait estimates, can be transferred
# to) only while their console has sent a heartbeat within this many seconds.
KEFU_AGENT_PRESENCE_SECONDS = int(os.environ.get("KEFU_AGENT_PRESENCE_SECONDS", "90"))
KEFU_CHAT_HISTORY_HOURS = int(os.environ.get("KEFU_CHAT_HISTORY_HOURS", "4"))
KEFU_CHAT_DEFAULT_HANDLE_SECONDS = int(os.environ.get("KEFU_CHAT_DEFAULT_HANDLE_SECONDS", "600"))
KEFU_CHAT_IDLE_WARNING_MINUTES = int(os.environ.get("KEFU_CHAT_IDLE_WARNING_MINUTES", "10"))
KEFU_CHAT_IDLE_CLOSE_MINUTES = int(os.environ.get("KEFU_CHAT_IDLE_CLOSE_MINUTES", "5"))
KEFU_CHAT_IDLE_SWEEP_SECONDS = int(os.environ.get("KEFU_CHAT_IDLE_SWEEP_SECONDS", "60"))
# How often the SLA sweep looks for warnings and breaches due (kefu.sla.sweep).
KEFU_SLA_SWEEP_SECONDS = int(os.environ.get("KEFU_SLA_SWEEP_SECONDS", "30"))
# How many days after a resolution its satisfaction survey takes, and lets the customer
# change, an answer (kefu.feedback).
KEFU_SURVEY_ANSWER_DAYS = int(os.environ.get("KEFU_SURVEY_ANSWER_DAYS", "7"))
# The community (kefu.community): a member's posts wait for a moderator until this many
# were approved; a published post is held for review after this many members report it.
KEFU_COMMUNITY_TRUSTED_AFTER = int(os.environ.get("KEFU_COMMUNITY_TRUSTED_AFTER", "2"))
KEFU_COMMUNITY_REPORTS_TO_HOLD = int(os.environ.get("KEFU_COMMUNITY_REPORTS_TO_HOLD", "3"))
# Phone (kefu.inboxes.phone). A number written without a country code belongs to this
# country (ISO 3166 code): a PBX that sends "13800138000" means +86 138 0013 8000.
KEFU_PHONE_REGION = os.environ.get("KEFU_PHONE_REGION", "CN")
# Twilio's REST API: its public address, or a regional edge; tests point it at a local
# server that checks what Twilio would receive.
KEFU_TWILIO_API_URL = os.environ.get("KEFU_TWILIO_API_URL", "https://api.twilio.com")
# Telegram's Bot API: its public address, or a local Bot API server; tests point it at a
# local server that checks what Telegram would receive.
KEFU_TELEGRAM_API_URL = os.environ.get("KEFU_TELEGRAM_API_URL", "https://api.telegram.org")
# WeChat Official Accounts (kefu.inboxes.wechat): WeChat's REST API address; tests point it
# at a local server that checks what WeChat would receive.
KEFU_WECHAT_API_URL = os.environ.get("KEFU_WECHAT_API_URL", "https://api.weixin.qq.com")
# Weibo fan service (kefu.inboxes.weibo): the reply API's address; tests point it at a local server.
KEFU_WEIBO_API_URL = os.environ.get("KEFU_WEIBO_API_URL", "https://m.api.weibo.com")
# Facebook's Graph API (kefu.inboxes.messenger): Meta's address; tests point it at a local
# server that checks what Meta would receive.
KEFU_FACEBOOK_GRAPH_URL = os.environ.get("KEFU_FACEBOOK_GRAPH_URL", "https://graph.facebook.com")
# X (kefu.inboxes.x): the X API address; tests point it at a local server.
KEFU_X_API_URL = os.environ.get("KEFU_X_API_URL", "https://api.x.com")
# Turns a recording into text (a dotted path to a kefu.core.transcription
# Transcriber); empty for none. Nothing downloads a speech model at run time.
KEFU_TRANSCRIBER = os.environ.get("KEFU_TRANSCRIBER", "")
# Delete a recording from Twilio once Kefu has stored its copy, so that the audio is kept
# (and deleted on request) in one place only; off keeps Twilio's copy as a backup.
KEFU_PHONE_DELETE_RECORDINGS = _env_bool("KEFU_PHONE_DELETE_RECORDINGS", False)
# A chat frame carries one message of at most KEFU_MAX_MESSAGE_CHARS characters, JSON-escaped
# (up to 6 characters each); files go over HTTP, never in a frame.
KEFU_CHAT_MAX_FRAME_CHARS = KEFU_MAX_MESSAGE_CHARS * 6 + 4096
# Messages one chat socket may send per 10 seconds before it gets "rate_limited" errors.
KEFU_CHAT_MAX_MESSAGES_PER_WINDOW = int(os.environ.get("KEFU_CHAT_MAX_MESSAGES_PER_WINDOW", "20"))
# A chat upload that no message referenced within this many hours is deleted, file and row.
KEFU_UPLOAD_ORPHAN_HOURS = float(os.environ.get("KEFU_UPLOAD_ORPHAN_HOURS", "24"))
