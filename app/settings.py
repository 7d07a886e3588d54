"""Configuration, read from environment variables through pydantic-settings."""

from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The checkout (or image) root: migrations/ and seed/ live beside app/.
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MISSION_FACTS_", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{PROJECT_ROOT / 'data' / 'mission-facts.db'}",
        validation_alias=AliasChoices("DATABASE_URL", "MISSION_FACTS_DATABASE_URL"),
        description="SQLAlchemy URL. SQLite by default; postgresql+psycopg://... for PostgreSQL.",
    )
    seed_dir: Path = Field(
        default=PROJECT_ROOT / "seed",
        description="Folder holding sources.yaml, facts.yaml and the source texts.",
    )

    cache_max_age: int = Field(
        default=60,
        ge=0,
        description="Seconds clients and shared caches may reuse a response (Cache-Control).",
    )
    response_cache_mb: int = Field(
        default=32,
        ge=0,
        description="Megabytes of finished GET answers each process keeps in memory (0: none), "
        "each until a write touches what it read. Repeated reads are then answered without "
        "a query.",
    )
    cors_origins: str = Field(
        default="*",
        description="Origins allowed to read the API from a browser: `*` or a comma-separated "
        "list such as `https://news.example,https://charts.example`.",
    )
    cursor_secret: str = Field(
        default="mission-facts-cursor",
        description="Key that signs list cursors. Every process serving one database must share "
        "it; change it to make cursors other deployments issued unusable.",
    )

    telemetry: bool = Field(
        default=False,
        description="FastAPI's own OpenTelemetry spans, metrics and logs, sent to the providers "
        "the process configures. Off by default: on, every request, cached ones included, "
        "first asks whether a provider is configured.",
    )

    worker_threads: int = Field(
        default=8,
        ge=1,
        description="Routes a process runs at once, each in a worker thread; the others wait "
        "their turn. Under one interpreter lock fewer threads serve uncached reads faster and "
        "in less memory than anyio's 40 (docs/benchmarks.md). Work on a connection a request "
        "already holds does not wait for these threads (app.api.sessions, "
        "app.api.held_connections), so any number is safe however many requests come at once.",
    )

    read_only: bool = Field(
        default=False,
        description="Serve reads only (a public replica): write routes answer 405 and the "
        "database is opened read-only.",
    )
    max_body_bytes: int = Field(
        default=1024 * 1024,
        ge=1024,
        description="Largest request body accepted, in bytes; larger ones get a 413.",
    )

    write_rate_per_token: int = Field(
        default=120,
        ge=0,
        description="Write attempts a minute allowed for each token (0: no limit); more get "
        "429 with Retry-After. Counted in the database, for all processes together.",
    )
    write_rate_per_address: int = Field(
        default=240,
        ge=0,
        description="Write attempts a minute allowed from each client address, with or "
        "without a valid token (0: no limit).",
    )

    forwarded_allow_ips: str = Field(
        default="",
        description="Addresses of the proxies in front of the API whose X-Forwarded-For and "
        "X-Forwarded-Proto headers are believed, comma-separated (`*` for any). Empty (the "
        "default): nobody's, so the rate limits and the log use the peer's own address.",
    )
    header_timeout: float = Field(
        default=10.0,
        gt=0,
        description="Seconds a connection may take to send a complete request head (the "
        "request line and headers) before `serve` closes it.",
    )
    keep_alive_timeout: int = Field(
        default=20,
        ge=1,
        description="Seconds an idle keep-alive connection stays open (longer than clients "
        "keep theirs, so the client is the one that closes).",
    )

    today: date | None = Field(
        default=None,
        description="The date the API takes as today, for the status of missions and the age "
        "of figures (ISO 8601, e.g. 2025-03-01). Unset: the current date in UTC. Set it to "
        "reproduce the answers of a given day.",
    )
    stale_after_days: int = Field(
        default=180,
        ge=1,
        description="A figure whose date is older than this many days before the day a read is "
        "for carries the caveat `stale`.",
    )

    def current_day(self) -> date:
        """Today, as the API reads it (see `today`)."""
        return self.today or datetime.now(UTC).date()

    @field_validator("database_url")
    @classmethod
    def _use_psycopg3(cls, url: str) -> str:
        # A bare postgresql:// URL would make SQLAlchemy look for psycopg2, which is not installed.
        for prefix in ("postgresql://", "postgres://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url[len(prefix) :]
        return url

    @property
    def cors_origin_list(self) -> list[str]:
        return [origin.strip() for origin in self.cors_origins.split(",") if origin.strip()]

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings; tests build their own `Settings` and pass them to create_app."""
    return Settings()
