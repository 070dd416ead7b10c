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
# Lance's s3 commits are conditional writes (If-None-Match): one writer wins each version, the others retry.
OBJECT_STORE_SCHEMES = frozenset({"s3"})
# On S3 every check for a newer table version is a request (tens of ms on AWS): searches check at most this
# often, so what another server learned is found up to this much later.
SHARED_READ_CONSISTENCY_SECONDS = 1.0


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


def _secret(value: SecretStr | None) -> str | None:
    return value.get_secret_value() if value is not None else None


class Settings(BaseSettings):
    """deftly's settings. Every field reads ``DEFTLY_<NAME>`` from the environment."""

    model_config = SettingsConfigDict(env_prefix="DEFTLY_", extra="ignore", validate_default=True)

    home: Path = Field(default_factory=default_home, description="Directory holding all of deftly's state.")
    store: str | None = Field(
        default=None,
        description="Where procedures and traces live: a directory (default: HOME/lancedb), or "
        "s3://bucket/prefix shared by several servers (team memory). Logs, the hook inbox and config stay in HOME.",
    )
    s3_endpoint: str | None = Field(
        default=None, description="S3-compatible endpoint URL (MinIO, Ceph, ...); unset for AWS S3."
    )
    s3_region: str | None = Field(default=None, description="The bucket's region (else AWS_REGION).")
    s3_access_key_id: str | None = Field(default=None, description="Access key (else AWS_ACCESS_KEY_ID, profiles).")
    s3_secret_access_key: SecretStr | None = Field(default=None, description="Secret key (else AWS_SECRET_ACCESS_KEY).")
    s3_session_token: SecretStr | None = Field(default=None, description="Session token for temporary credentials.")
    s3_allow_http: bool = Field(default=False, description="Allow a plain-http endpoint (a local test server).")
    store_timeout_seconds: float = Field(
        default=30.0, gt=0, le=600, description="Longest wait for one object-store request before it is retried."
    )
    read_consistency_seconds: float | None = Field(
        default=None,
        ge=0,
        le=60,
        description="How long a search may go without checking for other processes' commits: 0 checks on every "
        "search. Unset: 0 on a directory, 1 s on a shared store (each check is a request).",
    )
    lease_seconds: float = Field(
        default=30.0,
        ge=2,
        le=3600,
        description="On a shared store, how long the server learning from traces holds that role without "
        "renewing it; when it stops, another server takes over within this time.",
    )
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

    @field_validator("store", mode="after")
    @classmethod
    def _check_store(cls, value: str | None) -> str | None:
        if not value:
            return None
        scheme = value.split("://", 1)[0].lower() if "://" in value else ""
        if scheme and scheme not in OBJECT_STORE_SCHEMES:
            raise ValueError(f"DEFTLY_STORE: {scheme}:// is not supported; use a directory or s3://bucket/prefix")
        if scheme and not value.split("://", 1)[1].split("/", 1)[0]:
            raise ValueError("DEFTLY_STORE: the URI names no bucket; write s3://bucket/prefix")
        return value if scheme else str(Path(value).expanduser())

    @property
    def db_path(self) -> Path:
        return self.home / "lancedb"

    @property
    def store_uri(self) -> str:
        """Where the tables live: ``DEFTLY_STORE``, or the home's ``lancedb`` directory."""
        return self.store or str(self.db_path)

    @property
    def read_consistency(self) -> timedelta:
        """How stale a search may read the store (writes always start from the latest version)."""
        if self.read_consistency_seconds is not None:
            return timedelta(seconds=self.read_consistency_seconds)
        return timedelta(seconds=SHARED_READ_CONSISTENCY_SECONDS if self.shared_store else 0)

    @property
    def shared_store(self) -> bool:
        """True when the tables live on an object store that servers on other machines may share."""
        return "://" in self.store_uri

    def storage_options(self) -> dict[str, str]:
        """LanceDB's ``storage_options`` for the store: empty for a directory (credentials the settings leave
        unset come from the usual AWS environment variables and profiles)."""
        if not self.shared_store:
            return {}
        timeout = f"{self.store_timeout_seconds:g}s"
        options = {"timeout": timeout, "connect_timeout": timeout}
        given = {
            "aws_endpoint": self.s3_endpoint,
            "aws_region": self.s3_region,
            "aws_access_key_id": self.s3_access_key_id,
            "aws_secret_access_key": _secret(self.s3_secret_access_key),
            "aws_session_token": _secret(self.s3_session_token),
        }
        options.update({key: value for key, value in given.items() if value})
        if self.s3_allow_http:
            options["allow_http"] = "true"
        return options

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
