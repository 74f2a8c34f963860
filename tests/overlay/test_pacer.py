"""The request-rate pacer of one key: learns the stated limit, spaces starts, pauses everyone on Retry-After, halves
a rate the server throttles without saying, and is shared by the clients of one job."""

from __future__ import annotations

import pytest
from oai_usage import UsageClient, one_job
from oai_usage.limiter import RATE_MARGIN, Permit, RatePacer, pacer_for

from tests.overlay.payloads import KEY


class Steps:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


def _limit(per_minute: int) -> dict[str, str]:
    return {"x-ratelimit-limit-requests": str(per_minute)}


def test_an_unknown_rate_is_not_paced() -> None:
    pacer = RatePacer(Steps())
    assert [pacer.reserve()[0] for _ in range(5)] == [0.0] * 5


def test_a_stated_limit_spaces_the_starts_evenly() -> None:
    clock = Steps()
    pacer = RatePacer(clock)
    _, permit = pacer.reserve()
    pacer.observe(permit, 200, _limit(600), None)
    waits = [pacer.reserve()[0] for _ in range(4)]
    step = 60 / 600 * RATE_MARGIN
    assert waits == pytest.approx([0.0, step, 2 * step, 3 * step])


def test_time_passing_uses_up_the_waits() -> None:
    clock = Steps()
    pacer = RatePacer(clock)
    pacer.observe(pacer.reserve()[1], 200, _limit(60), None)
    pacer.reserve()
    clock.now += 5.0
    assert pacer.reserve()[0] == 0.0


def test_a_retry_after_pauses_every_request_of_the_key_but_the_retry() -> None:
    clock = Steps()
    pacer = RatePacer(clock)
    _, permit = pacer.reserve()
    pacer.observe(permit, 429, {}, 3.0)
    assert pacer.reserve()[0] == pytest.approx(3.0)  # any other request
    assert pacer.reserve(skip_pause=True)[0] == 0.0  # the refused one, which its retry loop made wait already


def test_throttles_of_one_round_count_once() -> None:
    clock = Steps()
    pacer = RatePacer(clock)
    permits = [pacer.reserve()[1] for _ in range(3)]
    pacer.observe(permits[0], 429, {}, 2.0)
    clock.now += 2.5
    for permit in permits[1:]:
        pacer.observe(permit, 429, {}, 2.0)  # sent with the first: already answered by its pause
    assert pacer.reserve()[0] == 0.0


def test_a_throttle_without_a_stated_limit_or_a_wait_halves_the_rate_sent() -> None:
    clock = Steps()
    pacer = RatePacer(clock)
    permits = []
    for _ in range(20):  # 20 requests over 2 s: 10 a second
        permits.append(pacer.reserve()[1])
        clock.now += 0.1
    pacer.observe(permits[-1], 429, {}, None)
    assert pacer.interval == pytest.approx(1 / 5)
    pacer.observe(Permit(pacer.epoch), 200, {}, None)
    assert pacer.interval < 1 / 5  # successes raise the rate again, additively


def test_a_stated_limit_wins_over_a_guess() -> None:
    clock = Steps()
    pacer = RatePacer(clock)
    pacer.observe(pacer.reserve()[1], 429, {}, None)
    pacer.observe(pacer.reserve()[1], 200, _limit(1200), None)
    assert pacer.interval == pytest.approx(60 / 1200 * RATE_MARGIN)


def test_one_job_shares_a_pacer_per_key_and_server() -> None:
    with one_job():
        first = pacer_for("https://api.openai.com/v1", KEY)
        assert pacer_for("https://api.openai.com/v1", KEY) is first
        assert pacer_for("https://api.openai.com/v1", KEY + "x") is not first
        assert pacer_for("http://127.0.0.1:9/v1", KEY) is not first


def test_outside_a_job_each_client_paces_alone(clean_env: pytest.MonkeyPatch) -> None:
    with UsageClient(KEY) as one, UsageClient(KEY) as two:
        assert one._transport.pacer is not two._transport.pacer
    with one_job(), UsageClient(KEY) as one, UsageClient(KEY) as two:
        assert one._transport.pacer is two._transport.pacer
