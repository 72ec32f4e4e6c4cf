"""The configuration of `kg serve`: what `create_app` needs, and the defaults of its limits.

Kept apart from the application so that the command line can show the defaults without importing
the web stack.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_TIMEOUT_S = 10.0
DEFAULT_MAX_ROWS = 10_000
DEFAULT_MAX_REQUEST_BYTES = 256 * 1024
DEFAULT_WORKERS = 2
DEFAULT_CACHE_ENTRIES = 1024
DEFAULT_CACHE_BYTES = 64 * 1024 * 1024


@dataclass
class ServerConfig:
    """Everything `create_app` needs; the CLI fills it from its options."""
    nquads: Path                          # the dataset (dist/paradiplomacy.nq or a test fixture)
    root: Path | None = None              # source tree holding queries/ (None: the project root)
    dist: Path | None = None              # folder served under /dumps (None: nothing to download)
    timeout_s: float = DEFAULT_TIMEOUT_S
    max_rows: int = DEFAULT_MAX_ROWS
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES
    workers: int = DEFAULT_WORKERS
    allow_updates: bool = False
    token: str | None = None
    cors_origins: list[str] = field(default_factory=lambda: ["*"])
    cache_entries: int = DEFAULT_CACHE_ENTRIES  # answers kept in the result cache; 0: no cache
    cache_bytes: int = DEFAULT_CACHE_BYTES      # and their total size at most
