"""Whom `kg serve` takes a request to come from: the connection's peer, never a header, unless the
operator names the proxies to believe (`--forwarded-allow-ips`).

uvicorn believes X-Forwarded-For from 127.0.0.1 unless told otherwise: any process on the machine
could then send each request under another address and be as many clients to the fair queue of
the query workers (`kg.serve.pool`), taking every worker. Each test runs a real server and holds
its workers with slow queries sent over raw sockets (closed at the end: the server stops their
queries then)."""
from __future__ import annotations

import socket
import time
from urllib.parse import quote

import httpx
import pytest

from kg.cli import build_parser
from kg.cli.serve import config_from_args
from kg.errors import InputError
from kg.serve.connections import uvicorn_config
from tests.server_support import LiveServer, config_for

ASK = "ASK { <https://w3id.org/paradiplomacy/id/flanders> ?p ?o }"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
TIMEOUT_S = 6


def hold(server: LiveServer, forwarded_for: list[str]) -> list[socket.socket]:
    """One slow query a connection from 127.0.0.1, each claiming the address given (X-Forwarded-For)."""
    socks = []
    for i, address in enumerate(forwarded_for):
        s = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        s.sendall(f"GET /sparql?query={quote(f'{SLOW} # hold {i}', safe='')} HTTP/1.1\r\nHost: x\r\n"
                  f"X-Forwarded-For: {address}\r\nX-Forwarded-Proto: https\r\n\r\n".encode())
        socks.append(s)
    return socks


def busy_clients(server: LiveServer, n: int, within: float = 5.0) -> set[str]:
    """The clients the pool counts as holding a worker, once `n` workers are held (or `within` s)."""
    pool = server.endpoint.pool
    deadline = time.monotonic() + within
    while sum(pool._busy.values()) < n and time.monotonic() < deadline:
        time.sleep(0.02)
    return set(pool._busy)


def wait_idle(server: LiveServer, within: float = 60.0) -> None:
    pool = server.endpoint.pool
    deadline = time.monotonic() + within
    while pool.idle_count() < pool.size and time.monotonic() < deadline:
        time.sleep(0.05)


@pytest.fixture(scope="module")
def plain(real_dist):
    with LiveServer(config_for(real_dist, timeout_s=TIMEOUT_S, workers=2, cache_entries=0)) as s:
        yield s


@pytest.fixture(scope="module")
def behind_proxy(real_dist):
    config = config_for(real_dist, timeout_s=TIMEOUT_S, workers=2, cache_entries=0,
                        forwarded_allow_ips=["127.0.0.1"])
    with LiveServer(config) as s:
        yield s


def test_forwarded_for_from_loopback_is_not_believed_by_default(plain):
    """Three slow queries from 127.0.0.1 under three claimed addresses are one client's: they hold
    one worker of two, and another client's query is answered at once, not after the time limit."""
    wait_idle(plain)
    socks = hold(plain, ["203.0.113.1", "203.0.113.2", "203.0.113.3"])
    try:
        assert busy_clients(plain, 1) == {"127.0.0.1"}
        time.sleep(0.3)  # the other two wait in 127.0.0.1's line, not on a worker
        assert set(plain.endpoint.pool._busy) == {"127.0.0.1"}
        other = httpx.Client(base_url=plain.url, timeout=60,
                             transport=httpx.HTTPTransport(local_address="127.0.0.2"))
        with other:
            started = time.monotonic()
            r = other.get("/sparql", params={"query": ASK})
            took = time.monotonic() - started
        assert r.status_code == 200 and r.json()["boolean"] is True
        assert took < TIMEOUT_S - 1, took
    finally:
        for s in socks:
            s.close()
    wait_idle(plain)


def test_forwarded_proto_is_not_believed_by_default(plain):
    r = httpx.get(plain.url + "/sparql", headers={"Accept": "text/turtle", "X-Forwarded-Proto": "https",
                                                  "X-Forwarded-For": "203.0.113.9"})
    assert r.status_code == 200
    assert f"<http://127.0.0.1:{plain.port}/sparql>" in r.text and "https://127.0.0.1" not in r.text


def test_forwarded_for_is_believed_from_the_proxies_named(behind_proxy):
    """With --forwarded-allow-ips 127.0.0.1 the proxy's header names the client (and the scheme)."""
    wait_idle(behind_proxy)
    socks = hold(behind_proxy, ["203.0.113.7"])
    try:
        assert busy_clients(behind_proxy, 1) == {"203.0.113.7"}
    finally:
        for s in socks:
            s.close()
    r = httpx.get(behind_proxy.url + "/sparql", headers={"Accept": "text/turtle", "X-Forwarded-Proto": "https"})
    assert f"<https://127.0.0.1:{behind_proxy.port}/sparql>" in r.text
    wait_idle(behind_proxy)


def test_uvicorn_trusts_no_proxy_unless_told(monkeypatch):
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "*")  # uvicorn's own default source: ignored
    assert uvicorn_config(None, "127.0.0.1", 8000).proxy_headers is False
    config = uvicorn_config(None, "127.0.0.1", 8000, ["127.0.0.1", "10.0.0.0/8"])
    assert config.proxy_headers is True and config.forwarded_allow_ips == "127.0.0.1,10.0.0.0/8"


def _config(argv, real_dist):
    return config_from_args(build_parser().parse_args(["serve", "--data", str(real_dist / "paradiplomacy.nq"), *argv]))


def test_the_command_line_opts_in_by_naming_proxies(real_dist):
    assert _config([], real_dist).forwarded_allow_ips is None
    assert _config(["--forwarded-allow-ips", "127.0.0.1, 10.0.0.0/8"], real_dist).forwarded_allow_ips == [
        "127.0.0.1", "10.0.0.0/8"]
    assert _config(["--forwarded-allow-ips", "*"], real_dist).forwarded_allow_ips == ["*"]
    for bad in ("", "proxy.example.org", "10.0.0.1/8"):
        with pytest.raises(InputError):
            _config(["--forwarded-allow-ips", bad], real_dist)


def test_by_default_one_client_may_hold_every_core_and_one_worker_stays_free(real_dist):
    """The default pool has a worker a core and one more (kg.serve.config.default_workers): one
    client's slow queries run on every core at once, and another client is still answered at once."""
    from kg.serve.config import MAX_DEFAULT_CORES, default_workers, usable_cores

    cores = min(usable_cores(), MAX_DEFAULT_CORES)
    assert default_workers() == cores + 1
    with LiveServer(config_for(real_dist, timeout_s=TIMEOUT_S, cache_entries=0)) as s:
        assert s.endpoint.pool.size == cores + 1
        wait_idle(s)
        socks = hold(s, ["ignored"] * (cores + 1))
        try:
            busy_clients(s, cores)
            assert s.endpoint.pool._busy == {"127.0.0.1": cores}
            other = httpx.Client(base_url=s.url, timeout=60, transport=httpx.HTTPTransport(local_address="127.0.0.2"))
            with other:
                started = time.monotonic()
                r = other.get("/sparql", params={"query": ASK})
            assert r.status_code == 200 and time.monotonic() - started < TIMEOUT_S - 1
        finally:
            for sock in socks:
                sock.close()
