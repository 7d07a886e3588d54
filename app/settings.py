"""Configuration, read from environment variables through pydantic-settings."""

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

    @field_validator("database_url")
    @classmethod
    def _use_psycopg3(cls, url: str) -> str:
        # A bare postgresql:// URL would make SQLAlchemy look for psycopg2, which is not installed.
        for prefix in ("postgresql://", "postgres://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url[len(prefix) :]
        return url

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings; tests build their own `Settings` and pass them to create_app."""
    return Settings()
