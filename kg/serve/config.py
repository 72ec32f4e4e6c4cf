"""The configuration of `kg serve`: what `create_app` needs, and the defaults of its limits.

Kept apart from the application so that the command line can show the defaults without importing
the web stack.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_TIMEOUT_S = 10.0
DEFAULT_MAX_ROWS = 10_000
DEFAULT_MAX_REQUEST_BYTES = 256 * 1024
MAX_DEFAULT_CORES = 8                         # the default counts at most this many cores


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity, else the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not Linux
        return max(1, os.cpu_count() or 1)


def default_workers() -> int:
    """Query workers by default: one a core and one more (the cores counted up to MAX_DEFAULT_CORES).

    One client may hold all workers but one (`kg.serve.pool`: its slow queries always leave a
    worker to the others, the security reason for the cap); with one more worker than cores, that
    is every core, so one client's load is not held to fewer cores than it could use (with two
    workers on two cores, a lone client got one worker, and half the machine: 0.60x the Oxigraph
    server's throughput from one address). The price in memory is small: the workers are forked from one
    process that loaded the store and share its pages (`kg.serve.pool._Zygote`; the README's
    figures), so a worker more costs what it writes, not a copy of the store. Past
    MAX_DEFAULT_CORES, more workers are the operator's choice (`--workers`)."""
    return min(usable_cores(), MAX_DEFAULT_CORES) + 1


DEFAULT_WORKERS = default_workers()
DEFAULT_CACHE_ENTRIES = 1024
DEFAULT_CACHE_BYTES = 64 * 1024 * 1024
DEFAULT_MAX_ANSWER_BYTES = 16 * 1024 * 1024   # an answer's body, whatever its rows
DEFAULT_MAX_MEMORY_MB = 1024                  # memory one query may add to its worker's (store not counted)
DEFAULT_MAX_QUEUE = 64                        # requests waiting for a worker, in all
DEFAULT_MAX_QUEUE_PER_CLIENT = 32             # ... and from one client address (NAT: many people)
DEFAULT_MAX_DEPTH = 128                       # brackets nested in a query (the guard refuses more: 400)


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
    cache_bytes: int = DEFAULT_CACHE_BYTES      # and their total size at most (keys included)
    max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES
    max_memory_mb: int = DEFAULT_MAX_MEMORY_MB  # 0: no limit
    max_queue: int = DEFAULT_MAX_QUEUE
    max_queue_per_client: int = DEFAULT_MAX_QUEUE_PER_CLIENT
    max_depth: int = DEFAULT_MAX_DEPTH
    public_url: str | None = None               # the server's URL as clients know it (base IRIs); else the socket's
    isolate_network: bool = True                # query workers in a network namespace of their own (Linux)
    allocator: str = "auto"                     # the workers' malloc: auto (mimalloc if found), system, or a path
    # proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (addresses or networks; "*": any).
    # None: no header names the client, the socket's peer does (the fair queue's client, the scheme)
    forwarded_allow_ips: list[str] | None = None
