"""The result cache of `kg serve`: answers to queries, bounded in entries and bytes (LRU).

A key is kept as the SHA-256 of its parts (the query text among them), so the bytes counted are
the bytes held: a 200 KB query with a 10-byte answer costs 32 + 10 bytes and some bookkeeping,
not 200 KB that nobody counts.
"""
from __future__ import annotations

import hashlib
from collections import OrderedDict

from kg.serve.config import DEFAULT_CACHE_BYTES, DEFAULT_CACHE_ENTRIES

# what is kept of an answer: (kind, media type, body)
Answer = tuple[str, str, bytes]
ENTRY_OVERHEAD = 256   # bytes counted per entry for the key digest, the tuple and the dict slot


def digest(key: tuple) -> bytes:
    """A fixed-size key for `key`'s parts (strings, tuples, numbers: their repr is unambiguous)."""
    return hashlib.sha256(repr(key).encode("utf-8", "surrogatepass")).digest()


class ResultCache:
    """Answers of queries, least recently used dropped first, bounded in entries and bytes.

    Valid because the served dataset is read-only; with updates on, `clear()` runs on every update
    and `generation` tells an answer computed before an update from one computed after it, so a
    query racing an update never stores a stale answer. Used from the event loop only (no lock).
    """

    def __init__(self, max_entries: int = DEFAULT_CACHE_ENTRIES, max_bytes: int = DEFAULT_CACHE_BYTES):
        self.max_entries = max(0, max_entries)
        self.max_bytes = max(0, max_bytes)
        self._items: OrderedDict[tuple, Answer] = OrderedDict()
        self.size = 0
        self.generation = 0

    @property
    def enabled(self) -> bool:
        return self.max_entries > 0 and self.max_bytes > 0

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: tuple) -> Answer | None:
        if not self._items:  # empty (always, with the cache off): no digest to make
            return None
        key = digest(key)
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: tuple, value: Answer, generation: int) -> None:
        cost = _cost(value)
        # one answer may take an eighth of the budget at most: a huge one would flush all others
        if not self.enabled or generation != self.generation or cost > self.max_bytes // 8:
            return
        key = digest(key)
        old = self._items.pop(key, None)
        if old is not None:
            self.size -= _cost(old)
        self._items[key] = value
        self.size += cost
        while len(self._items) > self.max_entries or self.size > self.max_bytes:
            _, dropped = self._items.popitem(last=False)
            self.size -= _cost(dropped)

    def clear(self) -> None:
        self._items.clear()
        self.size = 0
        self.generation += 1


def _cost(value: Answer) -> int:
    return len(value[2]) + len(value[1]) + ENTRY_OVERHEAD
