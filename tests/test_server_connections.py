"""The HTTP connections of `kg serve` (kg.serve.connections), on both parsers it can run: httptools
(the default) and h11 (the fallback). Each test talks to a real server over raw sockets.

llhttp, httptools' parser, has no limit on a request head's size of its own: the protocol's limit
(MAX_HEAD_BYTES, 64 KiB) must refuse a head past it, whole or trickling, with 400 and a closed
connection, as h11's limit does; a head under it is served."""
from __future__ import annotations

import socket
import time

import pytest

from kg.serve.connections import MAX_HEAD_BYTES, GuardedH11Protocol, GuardedHttpToolsProtocol, uvicorn_config
from tests.server_support import LiveServer, config_for

HEAD_TIMEOUT_S = 1.5
ASK = b"GET /sparql?query=ASK%20%7B%7D HTTP/1.1\r\nHost: x\r\nAccept: application/sparql-results+json\r\n"


@pytest.fixture(scope="module", params=["httptools", "h11"])
def server(request, real_dist):
    base = GuardedHttpToolsProtocol if request.param == "httptools" else GuardedH11Protocol
    short = type(f"Short{base.__name__}", (base,), {"head_timeout_s": HEAD_TIMEOUT_S})
    with LiveServer(config_for(real_dist, cache_entries=0), http=short) as s:
        yield s


def read_answers(sock: socket.socket, n: int = 1, within: float = 10.0) -> list[bytes]:
    """The first `n` answers' status lines (bodies skipped by Content-Length), or fewer if closed."""
    sock.settimeout(within)
    buf, out = b"", []
    while len(out) < n:
        while b"\r\n\r\n" not in buf:
            chunk = sock.recv(65536)
            if not chunk:
                return out
            buf += chunk
        head, _, buf = buf.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        length = next((int(v) for k, _, v in (l.partition(b":") for l in lines[1:]) if k.lower() == b"content-length"), 0)
        while len(buf) < length:
            chunk = sock.recv(65536)
            if not chunk:
                break
            buf += chunk
        buf = buf[length:]
        out.append(lines[0])
    return out


def closed(sock: socket.socket, within: float = 10.0) -> bool:
    """The server closed the connection (read to its end) within `within` seconds."""
    sock.settimeout(within)
    try:
        while sock.recv(65536):
            pass
    except socket.timeout:
        return False
    except ConnectionResetError:
        pass
    return True


def still_answers(server) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(ASK + b"\r\n")
        assert read_answers(s) == [b"HTTP/1.1 200 OK"]


def test_httptools_is_the_parser_by_default():
    assert GuardedHttpToolsProtocol is not None
    assert uvicorn_config(None, "127.0.0.1", 8000).http is GuardedHttpToolsProtocol


def test_a_head_under_the_limit_is_served(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(ASK + b"X-Pad: " + b"a" * (MAX_HEAD_BYTES - len(ASK) - 200) + b"\r\n\r\n")
        assert read_answers(s) == [b"HTTP/1.1 200 OK"]


def test_a_head_over_the_limit_sent_whole_is_400(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        try:
            s.sendall(ASK + b"X-Pad: " + b"a" * (2 * MAX_HEAD_BYTES) + b"\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        assert read_answers(s) == [b"HTTP/1.1 400 Bad Request"]
        assert closed(s)
    still_answers(server)


def test_a_head_that_never_ends_is_cut_off_near_the_limit(server):
    """8 KiB pieces of one header value, never ended: refused once past the limit, not buffered
    on (the client is told before it has sent four times the limit)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(ASK + b"X-Pad: ")
        sent, refused = 0, False
        try:
            while sent < 4 * MAX_HEAD_BYTES:
                s.sendall(b"a" * 8192)
                sent += 8192
                time.sleep(0.005)
        except (BrokenPipeError, ConnectionResetError):
            refused = True
        answers = read_answers(s)
        assert answers == [b"HTTP/1.1 400 Bad Request"] or refused, answers
        assert closed(s)
    still_answers(server)


def test_a_head_not_whole_within_the_time_limit_is_closed(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(ASK[:20])
        started = time.monotonic()
        assert closed(s, within=HEAD_TIMEOUT_S + 5)
        assert time.monotonic() - started >= HEAD_TIMEOUT_S - 0.5
    still_answers(server)


def test_a_kept_alive_connection_has_the_time_limit_for_its_next_head(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(ASK + b"\r\n")
        assert read_answers(s) == [b"HTTP/1.1 200 OK"]
        s.sendall(b"GET /hea")  # the next head, never finished
        assert closed(s, within=HEAD_TIMEOUT_S + 5)


def test_pipelined_requests_are_answered_in_order(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(ASK + b"\r\n" + b"GET /no-such-page HTTP/1.1\r\nHost: x\r\nAccept: text/plain\r\n\r\n" + ASK + b"\r\n")
        statuses = [line.split(b" ")[1] for line in read_answers(s, 3)]
        assert statuses == [b"200", b"404", b"200"]
