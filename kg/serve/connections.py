"""HTTP connections of `kg serve`: time limits on reading a request, and a cap per client.

uvicorn's h11 protocol has a keep-alive timeout but no limit on how long a client may take to send
a request's head, and its `limit_concurrency` counts connections: 256 sockets trickling one header
byte a second used to lock every other client out with 503 (red-team defect 7). `GuardedH11Protocol`
adds:

- a head timeout: a connection that has not sent a whole request head within `head_timeout_s` of
  opening (or of its last answer, on a kept-alive connection) is closed;
- a cap per client address: past `per_client` connections from one address, the oldest of its
  connections still waiting for a request head is closed to make room (a trickling client loses
  its own idle sockets, never another client's turn); if none is idle the new one is refused;
- the body's own time limit is the protocol layer's (`kg.serve.protocol.read_body`: 408);
- a response's head is held until its body is written (`_HeldWrites`), so that both leave in one
  system call (uvicorn writes them apart: two sends, and two wake-ups of the client, an answer).

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

HEAD_TIMEOUT_S = 10.0
PER_CLIENT = 64
MAX_CONNECTIONS = 1024      # uvicorn answers 503 past this many open connections in all
MAX_HEAD_BYTES = 64 * 1024  # a request line and headers larger than this are refused (h11)


class GuardedH11Protocol(H11Protocol):
    head_timeout_s = HEAD_TIMEOUT_S
    per_client = PER_CLIENT

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
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

    def _hold_heads(self) -> None:
        cycle = self.cycle
        if cycle is not None and not isinstance(cycle.transport, _HeldWrites):
            _HeldWrites.install(cycle)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._hold_heads()  # a request begun: its cycle (made by h11's events) writes through _HeldWrites
        if self._waiting_head and self.conn.their_state is not h11.IDLE:
            self._waiting_head = False  # a whole request head has arrived
            if self._head_timer is not None:
                self._head_timer.cancel()
                self._head_timer = None

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._hold_heads()  # a pipelined request may have begun from what was buffered
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self._waiting_head = True  # kept alive: the next head has its own time limit
            self._arm_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None
        address = self.client[0] if self.client else ""
        peers = _registry(self.server_state).get(address)
        if peers is not None:
            peers.pop(self, None)
            if not peers:
                _registry(self.server_state).pop(address, None)
        super().connection_lost(exc)


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
    """uvicorn's settings for `kg serve`: h11 with the guarded protocol (named explicitly: the
    httptools parser, picked automatically when installed, would drop the header-size limit).

    `forwarded_allow_ips`: the proxies whose X-Forwarded-For and X-Forwarded-Proto are believed
    (None or empty: none, whatever uvicorn's default or $FORWARDED_ALLOW_IPS say)."""
    # access_log off: at log level "warning" no access line is ever shown, but uvicorn would still
    # format each request's client address and path for the logger to drop
    settings = dict(host=host, port=port, log_level="warning", access_log=False, http=GuardedH11Protocol, lifespan="on",
                    limit_concurrency=MAX_CONNECTIONS, timeout_keep_alive=5,
                    h11_max_incomplete_event_size=MAX_HEAD_BYTES,
                    proxy_headers=bool(forwarded_allow_ips),
                    forwarded_allow_ips=",".join(forwarded_allow_ips) if forwarded_allow_ips else None)
    settings.update(overrides)
    return uvicorn.Config(app, **settings)
