"""The shared AIMD limiter: halve on throttling (once per round), grow slowly on success, cap in-flight slots."""

from __future__ import annotations

import asyncio
import threading

import httpx
import pytest
from oai_usage.auth import Credentials, SecretKey
from oai_usage.limiter import AIMD, Permit, TaskLimiter, ThreadLimiter
from oai_usage.retry import RetryPolicy
from oai_usage.transport import DEFAULT_TIMEOUT, RequestSpec, SyncTransport
from pytest_httpx import HTTPXMock

from tests.overlay.payloads import BASE, KEY, page


def test_the_allowance_starts_at_the_maximum() -> None:
    assert AIMD(8).allowed == 8


def test_a_throttle_halves_the_allowance() -> None:
    state = AIMD(8)
    assert state.throttled(Permit(state.epoch))
    assert state.allowed == 4


def test_throttles_from_requests_sent_together_halve_once() -> None:
    state = AIMD(8)
    permits = [Permit(state.epoch) for _ in range(5)]
    halvings = [state.throttled(p) for p in permits]
    assert halvings == [True, False, False, False, False]
    assert state.allowed == 4


def test_the_allowance_never_drops_below_one() -> None:
    state = AIMD(2)
    for _ in range(5):
        state.throttled(Permit(state.epoch))
    assert state.allowed == 1


def test_successes_grow_the_allowance_back_to_the_maximum_and_no_further() -> None:
    state = AIMD(4)
    state.throttled(Permit(state.epoch))
    state.success()
    state.success()
    assert state.allowed == 2  # 2 + 1/2 + 1/2.5
    state.success()
    assert state.allowed == 3
    for _ in range(50):
        state.success()
    assert state.allowed == 4


@pytest.mark.parametrize(("status", "allowed"), [(429, 4), (503, 4), (500, 8), (200, 8)])
def test_only_throttling_statuses_lower_the_allowance(status: int, allowed: int) -> None:
    state = AIMD(8)
    state.report(Permit(0), status)
    assert state.allowed == allowed


def test_a_maximum_below_the_minimum_is_refused() -> None:
    with pytest.raises(ValueError, match="maximum"):
        AIMD(0)


def test_threads_never_hold_more_slots_than_allowed() -> None:
    limiter = ThreadLimiter(3)
    release = threading.Event()
    entered = threading.Semaphore(0)

    def work() -> None:
        with limiter.slot():
            entered.release()
            release.wait(5)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for _ in range(3):
        assert entered.acquire(timeout=5)
    assert not entered.acquire(timeout=0.05)  # the fourth waits for a slot
    assert limiter.in_flight == 3
    release.set()
    for thread in threads:
        thread.join(5)
    assert (limiter.peak, limiter.in_flight) == (3, 0)


async def test_tasks_never_hold_more_slots_than_allowed() -> None:
    limiter = TaskLimiter(2)
    release = asyncio.Event()

    async def work() -> None:
        async with limiter.slot():
            await release.wait()

    tasks = [asyncio.create_task(work()) for _ in range(5)]
    await asyncio.sleep(0)
    assert limiter.in_flight == 2
    release.set()
    await asyncio.gather(*tasks)
    assert (limiter.peak, limiter.in_flight) == (2, 0)


async def test_a_throttle_reported_to_tasks_lowers_what_they_may_hold() -> None:
    limiter = TaskLimiter(4)
    async with limiter.slot() as permit:
        limiter.report(permit, 429)
    assert limiter.state.allowed == 2


def test_a_429_seen_by_the_transport_backs_the_whole_fetch_off(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(status_code=429, headers={"retry-after-ms": "1"})
    httpx_mock.add_response(json=page([]))
    transport = SyncTransport(
        httpx.Client(),
        owns_http=True,
        credentials=Credentials(SecretKey(KEY)),
        base_url=BASE,
        timeout=DEFAULT_TIMEOUT,
        policy=RetryPolicy(max_retries=1),
        sleep=lambda _: None,
    )
    limiter = ThreadLimiter(8)
    transport.send(RequestSpec("GET", "/organization/costs", {"start_time": 0}), limiter)
    transport.close()
    assert limiter.state.allowed == 4  # halved by the 429, then one success adds a quarter
    assert limiter.in_flight == 0
