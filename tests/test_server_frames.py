"""The frames between `kg serve` and its query workers (kg.serve.worker.frame_parts, MessageSocket,
kg.serve.pool._Channel): every message comes out as it went in, an answer's body raw after the
pickle, whatever the pieces the bytes arrive in."""
from __future__ import annotations

import asyncio
import socket
import threading

from kg.serve.pool import _Channel
from kg.serve.worker import FRAME_HEADER, NO_BODY, MessageSocket, frame, frame_parts

MESSAGES = [
    ("ok", "tabular", "application/sparql-results+json", b'{"head":{"vars":["s"]}}' * 500, None),
    ("ok", "update", "text/plain; charset=utf-8", b"", 0),
    ("ok", "graphs", "", ["https://example.org/g1", "https://example.org/g2"], 0),
    ("error", "limit", "the answer is too large"),
    {"op": "query", "text": "ASK {}", "subs": {}, "timeout_s": 10.0},
    ("ready", {"network": "isolated"}),
]


def test_an_answer_body_travels_raw_after_the_pickle():
    header, meta, body = frame_parts(MESSAGES[0])
    assert body == MESSAGES[0][3] and MESSAGES[0][3] not in meta
    assert FRAME_HEADER.unpack(header) == (len(meta), len(body))
    header, meta, body = frame_parts(MESSAGES[2])  # a list in the body's place is pickled
    assert body == b"" and FRAME_HEADER.unpack(header) == (len(meta), NO_BODY)


def _received(pieces: list[bytes]) -> list:
    channel = _Channel()
    for piece in pieces:
        channel.data_received(piece)
    assert not channel.buf  # nothing left over
    return list(channel.inbox)


def test_the_channel_reads_frames_in_any_pieces():
    stream = b"".join(frame(m) for m in MESSAGES)
    assert _received([stream]) == MESSAGES  # all at once
    assert _received([stream[i:i + 1] for i in range(len(stream))]) == MESSAGES  # a byte at a time
    for size in (3, 16, 17, 1000, 4096):
        assert _received([stream[i:i + size] for i in range(0, len(stream), size)]) == MESSAGES


def test_a_waiting_future_gets_the_next_message():
    async def main():
        channel = _Channel()
        fut = asyncio.get_running_loop().create_future()
        channel.expect(fut)
        channel.data_received(frame(MESSAGES[0])[:10])
        assert not fut.done()
        channel.data_received(frame(MESSAGES[0])[10:] + frame(MESSAGES[3]))
        assert fut.result() == MESSAGES[0]
        later = asyncio.get_running_loop().create_future()
        channel.expect(later)  # the message that came first is kept for the next call
        assert later.result() == MESSAGES[3]
        gone = asyncio.get_running_loop().create_future()
        channel.expect(gone)
        channel.connection_lost(None)
        assert isinstance(gone.exception(), EOFError)
    asyncio.run(main())


def test_the_worker_side_sends_and_reads_the_same_frames():
    a, b = socket.socketpair()
    sender, reader = MessageSocket(a), MessageSocket(b)
    big = ("ok", "tabular", "application/sparql-results+json", bytes(range(256)) * 20000, 3)
    t = threading.Thread(target=lambda: [sender.send(m) for m in MESSAGES + [big]])
    t.start()
    got = [reader.recv() for _ in range(len(MESSAGES) + 1)]
    t.join()
    a.close()
    b.close()
    assert got == MESSAGES + [big]
