"""HTTP connections of `kg serve`: time limits on reading a request, and a cap per client.

uvicorn's protocols have a keep-alive timeout but no limit on how long a client may take to send
a request's head, and its `limit_concurrency` counts connections: 256 sockets trickling one header
byte a second used to lock every other client out with 503 (red-team defect 7). The guarded
protocols add (`_Guard`):

- a head timeout: a connection that has not sent a whole request head within `head_timeout_s` of
  opening (or of its last answer, on a kept-alive connection) is closed;
- a cap per client address: past `per_client` connections from one address, the oldest of its
  connections still waiting for a request head is closed to make room (a trickling client loses
  its own idle sockets, never another client's turn); if none is idle the new one is refused;
- the body's own time limit is the protocol layer's (`kg.serve.protocol.read_body`: 408);
- a response's head is held until its body is written (`_HeldWrites`), so that both leave in one
  system call (uvicorn writes them apart: two sends, and two wake-ups of the client, an answer).

Two parsers: httptools (`GuardedHttpToolsProtocol`, the C parser llhttp; used when httptools is
installed, as it is with `kg`'s dependencies) and h11 (`GuardedH11Protocol`, pure Python: the
fallback). httptools spends about a fifth of what h11 does on a request (h11 was about a fifth of
the server process's CPU a request). llhttp has no limit on a request head's size, and h11's is
uvicorn's `h11_max_incomplete_event_size`: the httptools protocol counts the head's bytes itself
and answers a head over `MAX_HEAD_BYTES` (64 KiB) with 400 and a closed connection, as h11 does.

`uvicorn_config` is the one place the server's uvicorn settings are made (the CLI and the tests).
It turns off uvicorn's trust in X-Forwarded-For / X-Forwarded-Proto (uvicorn believes them from
127.0.0.1 by default: any local process could then claim any address to the fair queue of
`kg.serve.pool`, as many clients, and take every worker); the operator opts in by naming the proxies
(`kg serve --forwarded-allow-ips`).
"""
from __future__ import annotations

import asyncio
from collections import OrderedDict

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

try:
    import httptools
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # pragma: no cover - httptools is a dependency; h11 then
    httptools = None
    HttpToolsProtocol = None

HEAD_TIMEOUT_S = 10.0
PER_CLIENT = 64
MAX_CONNECTIONS = 1024      # uvicorn answers 503 past this many open connections in all
MAX_HEAD_BYTES = 64 * 1024  # a request line and headers larger than this are refused (400)


class _Guard:
    """The head timeout and the cap per client, for either parser's protocol (`_guard_open` when
    a connection is made, `_head_arrived` when a request head is whole, `_next_head` when an
    answer is done and the connection waits for another, `_guard_close` when it is lost)."""

    head_timeout_s = HEAD_TIMEOUT_S
    per_client = PER_CLIENT

    def _guard_open(self) -> None:
        self._head_timer: asyncio.TimerHandle | None = None
        self._waiting_head = True
        self._arm_head_timer()
        address = self.client[0] if self.client else ""
        peers = _registry(self.server_state).setdefault(address, OrderedDict())
        peers[self] = None
        if len(peers) > self.per_client:
            idle = next((p for p in peers if p is not self and p._waiting_head), None)
            (idle or self)._drop()

    def _arm_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
        self._head_timer = self.loop.call_later(self.head_timeout_s, self._head_timeout)

    def _head_timeout(self) -> None:
        self._head_timer = None
        if self._waiting_head:
            self._drop()

    def _drop(self) -> None:
        if not self.transport.is_closing():
            self.transport.close()

    def _head_arrived(self) -> None:
        self._waiting_head = False
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _next_head(self) -> None:
        self._waiting_head = True  # kept alive: the next head has its own time limit
        self._arm_head_timer()

    def _guard_close(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None
        address = self.client[0] if self.client else ""
        peers = _registry(self.server_state).get(address)
        if peers is not None:
            peers.pop(self, None)
            if not peers:
                _registry(self.server_state).pop(address, None)


class GuardedH11Protocol(_Guard, H11Protocol):
    """uvicorn's h11 protocol with the guards; h11 limits the head's size itself."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._guard_open()

    def _hold_heads(self) -> None:
        cycle = self.cycle
        if cycle is not None and not isinstance(cycle.transport, _HeldWrites):
            _HeldWrites.install(cycle)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._hold_heads()  # a request begun: its cycle (made by h11's events) writes through _HeldWrites
        if self._waiting_head and self.conn.their_state is not h11.IDLE:
            self._head_arrived()  # a whole request head has arrived

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._hold_heads()  # a pipelined request may have begun from what was buffered
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self._next_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._guard_close()
        super().connection_lost(exc)


class _HeadTooLarge(Exception):
    """Raised from a parser callback: httptools turns it into HttpParserCallbackError, which uvicorn
    answers with 400 and a closed connection."""


if HttpToolsProtocol is not None:
    class GuardedHttpToolsProtocol(_Guard, HttpToolsProtocol):
        """uvicorn's httptools protocol with the guards and a limit on the head's size.

        The head's size is counted twice: the bytes received while a head is incomplete (so a head
        that never ends is cut off near `max_head_bytes`, whatever llhttp buffers of it), and a
        whole head's request line and header lines (refused past `max_head_bytes` however its
        bytes came)."""

        max_head_bytes = MAX_HEAD_BYTES

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._in_head = False
            self._head_bytes = 0  # received since the head began (or the connection waited for one)
            self._head_size = 0   # of the head being parsed: its URL and header lines
            self._guard_open()

        def data_received(self, data: bytes) -> None:
            counting = self._waiting_head or self._in_head
            if counting:
                self._head_bytes += len(data)
            super().data_received(data)
            if (counting and (self._waiting_head or self._in_head) and self._head_bytes > self.max_head_bytes
                    and self.parser is not None and not self.transport.is_closing()):
                self.send_400_response("Invalid HTTP request received.")

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._in_head = True
            self._head_size = 0

        def on_url(self, url: bytes) -> None:
            super().on_url(url)
            self._head_size += len(url)
            if self._head_size > self.max_head_bytes:
                raise _HeadTooLarge()

        def on_header(self, name: bytes, value: bytes) -> None:
            super().on_header(name, value)
            self._head_size += len(name) + len(value) + 4
            if self._head_size > self.max_head_bytes:
                raise _HeadTooLarge()

        def on_headers_complete(self) -> None:
            self._in_head = False
            self._head_bytes = 0
            self._head_arrived()
            super().on_headers_complete()
            cycle = self.cycle
            if cycle is not None and not isinstance(cycle.transport, _HeldWrites):
                _HeldWrites.install(cycle)

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if (not self.transport.is_closing() and not self.pipeline
                    and (self.cycle is None or self.cycle.response_complete)):
                self._head_bytes = 0
                self._next_head()

        def connection_lost(self, exc: Exception | None) -> None:
            self._guard_close()
            super().connection_lost(exc)
else:  # pragma: no cover
    GuardedHttpToolsProtocol = None


class _HeldWrites:
    """The transport as one response cycle sees it: from the response's start message until the
    next message has been handled, writes are held and then written as one (the head and the first
    body part, usually the whole body). Anything else (close, is_closing, ...) is the transport's
    own, a close writing what is held first."""

    __slots__ = ("transport", "held", "holding")

    def __init__(self, transport: asyncio.Transport):
        self.transport = transport
        self.held: list[bytes] = []
        self.holding = False

    @classmethod
    def install(cls, cycle) -> None:
        held = cycle.transport = cls(cycle.transport)
        send = cycle.send

        async def held_send(message) -> None:
            if message["type"] == "http.response.start":
                held.holding = True
                try:
                    await send(message)
                except BaseException:
                    held.release()
                    raise
                return
            try:
                await send(message)
            finally:
                held.release()

        cycle.send = held_send

    def write(self, data) -> None:
        if self.holding:
            self.held.append(data)
        else:
            self.transport.write(data)

    def release(self) -> None:
        self.holding = False
        if self.held:
            data = b"".join(self.held)
            self.held = []
            self.transport.write(data)

    def close(self) -> None:
        self.release()
        self.transport.close()

    def __getattr__(self, name: str):
        return getattr(self.transport, name)


def _registry(server_state) -> dict:
    reg = getattr(server_state, "kg_connections_by_client", None)
    if reg is None:
        reg = {}
        server_state.kg_connections_by_client = reg
    return reg


def uvicorn_config(app, host: str, port: int, forwarded_allow_ips: list[str] | None = None,
                   **overrides) -> uvicorn.Config:
    """uvicorn's settings for `kg serve`: the guarded httptools protocol (the guarded h11 one where
    httptools is missing), named explicitly: uvicorn's own choice would have no guards.

    `forwarded_allow_ips`: the proxies whose X-Forwarded-For and X-Forwarded-Proto are believed
    (None or empty: none, whatever uvicorn's default or $FORWARDED_ALLOW_IPS say)."""
    # access_log off: at log level "warning" no access line is ever shown, but uvicorn would still
    # format each request's client address and path for the logger to drop
    settings = dict(host=host, port=port, log_level="warning", access_log=False, lifespan="on", ws="none",
                    http=GuardedHttpToolsProtocol or GuardedH11Protocol,
                    limit_concurrency=MAX_CONNECTIONS, timeout_keep_alive=5,
                    h11_max_incomplete_event_size=MAX_HEAD_BYTES,
                    proxy_headers=bool(forwarded_allow_ips),
                    forwarded_allow_ips=",".join(forwarded_allow_ips) if forwarded_allow_ips else None)
    settings.update(overrides)
    return uvicorn.Config(app, **settings)
