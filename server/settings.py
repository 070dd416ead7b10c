"""All of deftly's configuration: environment variables with the ``DEFTLY_`` prefix, overridden by CLI flags."""

from __future__ import annotations

import logging
import os
import stat
from datetime import timedelta
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from deftly.tools.limits import DEFAULT_LIMITS, Limits
from deftly.tools.ranking import RankingPolicy
from deftly.tools.review import ReviewMode

Transport = Literal["stdio", "streamable-http", "sse"]
ExtractorChoice = Literal["auto", "heuristic", "claude"]
BUILTIN_MODEL = "builtin"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


PRIVATE_UMASK = 0o077
HOME_MODE = 0o700

log = logging.getLogger(__name__)


def default_home() -> Path:
    return Path(platformdirs.user_data_dir("deftly", appauthor=False))


def secure_home(home: Path) -> None:
    """Make ``home`` private before deftly writes into it: the process umask becomes 0o077, so every folder
    created under it (by deftly or by LanceDB) is 0700 and every file 0600, and the home itself is created
    0700, or narrowed to 0700 if it exists with wider modes (only the home: what it holds is then out of reach).
    """
    os.umask(PRIVATE_UMASK)
    home.mkdir(mode=HOME_MODE, parents=True, exist_ok=True)
    if os.name != "posix":
        return
    mode = stat.S_IMODE(home.stat().st_mode)
    if mode & ~HOME_MODE:
        os.chmod(home, HOME_MODE)
        log.info("narrowed %s from mode %o to %o: it holds recorded traces", home, mode, HOME_MODE)


class Settings(BaseSettings):
    """deftly's settings. Every field reads ``DEFTLY_<NAME>`` from the environment."""

    model_config = SettingsConfigDict(env_prefix="DEFTLY_", extra="ignore", validate_default=True)

    home: Path = Field(default_factory=default_home, description="Directory holding all of deftly's state.")
    namespace: str = Field(
        default="default",
        pattern=r"^[A-Za-z0-9_.-]{1,64}$",
        description="Namespace every read and write is scoped to.",
    )
    embedding_model: str = Field(
        default=BUILTIN_MODEL,
        description="'builtin' (offline all-MiniLM-L6-v2, 384-d) or any fastembed model name (may download).",
    )
    embedding_threads: int = Field(default=2, ge=1, le=64)
    extractor: ExtractorChoice = Field(
        default="auto", description="'auto' uses Claude when ANTHROPIC_API_KEY is set, else the offline one."
    )
    claude_model: str = Field(default="claude-sonnet-5-5", description="Model used by the Claude extractor.")
    anthropic_api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("DEFTLY_ANTHROPIC_API_KEY", "ANTHROPIC_API_KEY"),
        description="Key for the Claude extractor.",
    )
    transport: Transport = "stdio"
    host: str = Field(default="127.0.0.1", description="HTTP bind address.")
    port: int = Field(default=8765, ge=0, le=65535)
    auth_token: SecretStr | None = Field(
        default=None, description="Bearer token required on HTTP; mandatory when binding a non-loopback host."
    )
    allowed_origins: list[str] = Field(
        default_factory=list, description="Extra browser Origins allowed over HTTP (loopback is always allowed)."
    )
    allowed_hosts: list[str] = Field(
        default_factory=list, description="Host headers accepted when binding a non-loopback address."
    )
    max_request_bytes: int = Field(
        default=DEFAULT_LIMITS.request_bytes,
        ge=4096,
        description="Largest JSON-RPC message accepted: one stdio line, one HTTP request body.",
    )
    max_trace_bytes: int = Field(default=DEFAULT_LIMITS.trace_bytes, ge=1024, description="Largest history accepted.")
    max_trace_turns: int = Field(
        default=DEFAULT_LIMITS.trace_turns, ge=10, description="Most messages and tool calls in one history."
    )
    max_json_depth: int = Field(
        default=DEFAULT_LIMITS.json_depth, ge=16, le=1000, description="Deepest nesting of a message or a history."
    )
    compact_every: int = Field(default=64, ge=1, description="Compact a table after this many writes by this process.")
    keep_versions_minutes: float = Field(
        default=1.0,
        ge=0,
        description="Table versions younger than this survive the background cleanup (other processes may read them).",
    )
    ann_min_rows: int = Field(
        default=20_000, ge=1, description="Build the ANN (HNSW) index once this many search phrases are stored."
    )
    stale_after_days: float = Field(
        default=90.0, ge=0, description="A procedure neither merged into nor rated for this long starts losing rank."
    )
    stale_half_life_days: float = Field(
        default=180.0, gt=0, description="Days over which a stale procedure loses half of the rank it can lose."
    )
    review: ReviewMode = Field(
        default="off",
        description="'off': new procedures are candidates but served; 'required': only approved ones are served "
        "(deftly review approve ID); 'agents': as required, and agents may approve through review_procedure.",
    )
    worker_poll_seconds: float = Field(default=1.0, gt=0, le=60)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @field_validator("home", mode="after")
    @classmethod
    def _expand_home(cls, value: Path) -> Path:
        return value.expanduser()

    @property
    def home_is_default(self) -> bool:
        """True when ``home`` is the platform's default, not a path someone typed (and could have misspelled)."""
        return self.home.resolve() == default_home().resolve()

    @property
    def db_path(self) -> Path:
        return self.home / "lancedb"

    @property
    def lock_path(self) -> Path:
        return self.home / "worker.lock"

    @property
    def keep_versions(self) -> timedelta:
        return timedelta(minutes=self.keep_versions_minutes)

    @property
    def is_loopback(self) -> bool:
        return self.host in LOOPBACK_HOSTS

    def limits(self) -> Limits:
        return Limits(self.max_request_bytes, self.max_trace_bytes, self.max_trace_turns, self.max_json_depth)

    def ranking_policy(self) -> RankingPolicy:
        return RankingPolicy(stale_after_days=self.stale_after_days, stale_half_life_days=self.stale_half_life_days)

    def resolved_extractor(self) -> Literal["heuristic", "claude"]:
        if self.extractor == "auto":
            return "claude" if self.anthropic_api_key else "heuristic"
        return self.extractor
