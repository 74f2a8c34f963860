"""Reading one body without I/O: what `BodyBuffer` keeps of a success and of an error, and where it stops."""

from __future__ import annotations

import httpx
import pytest
from oai_usage.body import BodyBuffer, TooLarge


def buffer(
    status: int, *, max_bytes: int = 100, deadline: float | None = None, headers: dict[str, str] | None = None
) -> BodyBuffer:
    response = httpx.Response(status, headers=headers or {})
    return BodyBuffer(response, max_bytes=max_bytes, deadline=deadline, clock=lambda: 5.0, started=0.0)


def test_a_success_is_kept_whole_up_to_the_cap() -> None:
    body = buffer(200)
    assert [body.add(b'{"data": '), body.add(b"[]}")] == [False, False]
    assert body.content() == b'{"data": []}'


def test_a_success_past_the_cap_is_too_large() -> None:
    body = buffer(200, max_bytes=10)
    body.add(b"0123456789")
    with pytest.raises(TooLarge):
        body.add(b"x")


def test_a_declared_length_past_the_cap_is_refused_before_any_body() -> None:
    with pytest.raises(TooLarge):
        buffer(200, max_bytes=10, headers={"content-length": "11"})


def test_an_error_body_is_read_only_as_far_as_its_message_needs() -> None:
    body = buffer(500, max_bytes=10)  # the cap is for successes: an error reads its first 64 KiB
    assert body.add(b"e" * 60_000) is False
    assert body.add(b"e" * 10_000) is True
    assert len(body.content()) == 64 * 1024


def test_a_chunk_after_the_deadline_is_a_read_timeout() -> None:
    body = buffer(200, deadline=4.0)  # the clock reads 5 s since the start
    with pytest.raises(httpx.ReadTimeout, match="longer than 4 s"):
        body.add(b"{}")
