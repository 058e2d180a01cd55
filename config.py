"""Settings for TEP Follow-up, read from the environment (and a `.env` file).

Three configurations: development (the default), test and production. Production refuses to
start without a secret key, a database URL and a shared store for rate limits.
"""
import os
import uuid
from pathlib import Path

from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent
load_dotenv(BASE_DIR / ".env")


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    PROJECT_ROOT = BASE_DIR
    SECRET_KEY = os.environ.get("TEP_SECRET_KEY") or "development-only-not-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "TEP_DATABASE_URL", f"sqlite:///{BASE_DIR / 'instance' / 'tep.sqlite'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    BASE_URL = os.environ.get("TEP_BASE_URL", "http://127.0.0.1:5000").rstrip("/")

    SMTP_HOST = os.environ.get("TEP_SMTP_HOST", "127.0.0.1")
    SMTP_PORT = int(os.environ.get("TEP_SMTP_PORT", "1025"))
    SMTP_USER = os.environ.get("TEP_SMTP_USER", "")
    SMTP_PASSWORD = os.environ.get("TEP_SMTP_PASSWORD", "")
    SMTP_STARTTLS = _bool("TEP_SMTP_STARTTLS", False)
    MAIL_FROM = os.environ.get("TEP_MAIL_FROM", "TEP Follow-up <stayingintouch@tep.example>")
    # The phone number printed on letters for young people to reply to (an example number by default).
    LETTER_REPLY_PHONE = os.environ.get("TEP_LETTER_REPLY_PHONE", "01632 960 000")
    # A web request that queues an access code or a new link sends it itself once it has answered.
    OUTBOX_SEND_AT_ONCE = _bool("TEP_OUTBOX_SEND_AT_ONCE", True)
    # Where the local mail catcher started by `make run` keeps what it caught.
    MAIL_CATCHER_DIR = os.environ.get("TEP_MAIL_CATCHER_DIR", str(BASE_DIR / "instance" / "mail"))

    ASSETS_DIR = os.environ.get(
        "TEP_ASSETS_DIR", str(BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk")
    )

    IMPORT_MAX_ROWS = int(os.environ.get("TEP_IMPORT_MAX_ROWS", "200000"))
    MAX_CONTENT_LENGTH = 50 * 1024 * 1024

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = 8 * 60 * 60  # staff sessions: a working day
    # Send the session cookie only when the session changed (tep_app/auth/sessions.py keeps its own
    # idle and 8-hour clocks), so parallel asset requests cannot overwrite a newer cookie.
    SESSION_REFRESH_EACH_REQUEST = False
    WTF_CSRF_TIME_LIMIT = None

    # How many proxies in front of the app set X-Forwarded-For/-Proto/-Host: 0 trusts none of them.
    PROXY_COUNT = int(os.environ.get("TEP_PROXY_COUNT", "0"))
    # Strict-Transport-Security (seconds); production only, where the site is served over HTTPS.
    HSTS_SECONDS = 0
    # Parsing an upload happens in a child process with these limits (see tep_app/spreadsheets/sandbox.py).
    UPLOAD_PARSE_MEMORY_MB = int(os.environ.get("TEP_UPLOAD_PARSE_MEMORY_MB", "1536"))
    UPLOAD_PARSE_SECONDS = int(os.environ.get("TEP_UPLOAD_PARSE_SECONDS", "120"))

    # Where rate limits count: Redis in production (redis://host:6379/0), so that every gunicorn
    # worker shares one count; memory:// (one count per process) only for development and tests.
    RATELIMIT_STORAGE_URI = os.environ.get("TEP_RATELIMIT_STORAGE_URL") or "memory://"
    RATELIMIT_KEY_PREFIX = os.environ.get("TEP_RATELIMIT_KEY_PREFIX", "tep")
    RATELIMIT_ENABLED = True
    TIMEZONE = "Europe/London"
    TESTING = False


class DevelopmentConfig(Config):
    DEBUG = False


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEP_TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    OUTBOX_SEND_AT_ONCE = False  # the tests that send at once turn it on
    RATELIMIT_ENABLED = False
    # Each test process counts on its own, even on a Redis that other runs share.
    RATELIMIT_KEY_PREFIX = f"tep-test-{uuid.uuid4().hex[:12]}"
    SERVER_NAME = None


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    HSTS_SECONDS = 365 * 24 * 60 * 60

    @classmethod
    def check(cls) -> None:
        required = ("TEP_SECRET_KEY", "TEP_DATABASE_URL", "TEP_RATELIMIT_STORAGE_URL")
        missing = [name for name in required if not os.environ.get(name)]
        if missing:
            raise RuntimeError(
                "TEP Follow-up will not start in production without " + " and ".join(missing)
            )
        storage = os.environ["TEP_RATELIMIT_STORAGE_URL"]
        if storage.startswith("memory://"):
            raise RuntimeError("TEP Follow-up will not start in production with TEP_RATELIMIT_STORAGE_URL="
                               "memory://: every worker would count on its own. Use Redis (redis://host:6379/0)")
        cls.RATELIMIT_STORAGE_URI = storage


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}


def get_config(name: str | None = None):
    name = name or os.environ.get("TEP_ENV", "development")
    config = CONFIGS[name]
    if config is ProductionConfig:
        config.check()
    return config
