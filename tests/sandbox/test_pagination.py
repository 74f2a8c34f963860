"""Page sizes per bucket width (from the spec's x-bucket-limits) and opaque cursors."""

from __future__ import annotations

from typing import Any

import pytest
from oai_usage_sandbox import Sandbox, SandboxConfig

from .conftest import DAY, NOW, TODAY, call, ok, usage

FAR = TODAY - 100 * DAY


def limits(spec: dict[str, Any], component: str) -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = spec["components"]["parameters"][component]["x-bucket-limits"]
    return table


@pytest.mark.parametrize("width", ["1d", "1h", "1m"])
def test_usage_default_page_size_per_width(sandbox: Sandbox, spec: dict[str, Any], width: str) -> None:
    page = ok(sandbox, usage("completions"), [("start_time", FAR), ("bucket_width", width)])
    assert len(page["data"]) == limits(spec, "UsageLimit")[width]["default"]


@pytest.mark.parametrize("width", ["1d", "1h", "1m"])
def test_usage_maximum_page_size_per_width(sandbox: Sandbox, spec: dict[str, Any], width: str) -> None:
    maximum = limits(spec, "UsageLimit")[width]["maximum"]
    page = ok(sandbox, usage("embeddings"), [("start_time", FAR), ("bucket_width", width), ("limit", maximum)])
    assert len(page["data"]) == maximum


@pytest.mark.parametrize("width", ["1d", "1h", "1m"])
def test_usage_limit_above_maximum_is_rejected(sandbox: Sandbox, spec: dict[str, Any], width: str) -> None:
    maximum = limits(spec, "UsageLimit")[width]["maximum"]
    status, body = call(
        sandbox, usage("embeddings"), [("start_time", FAR), ("bucket_width", width), ("limit", maximum + 1)]
    )
    assert (status, body["error"]["param"]) == (400, "limit")


def test_costs_default_and_maximum_page_size(sandbox: Sandbox, spec: dict[str, Any]) -> None:
    table = limits(spec, "CostsLimit")["1d"]
    assert len(ok(sandbox, "/v1/organization/costs", [("start_time", FAR)])["data"]) == table["default"]
    status, _ = call(
        sandbox, "/v1/organization/costs", [("start_time", FAR - 200 * DAY), ("limit", table["maximum"] + 1)]
    )
    assert status == 400


def test_limit_zero_is_rejected(sandbox: Sandbox) -> None:
    status, body = call(sandbox, usage("completions"), [("start_time", FAR), ("limit", 0)])
    assert (status, body["error"]["param"]) == (400, "limit")


def test_first_page_has_more_and_a_cursor(sandbox: Sandbox) -> None:
    page = ok(sandbox, usage("completions"), [("start_time", TODAY - 10 * DAY), ("end_time", TODAY), ("limit", 4)])
    assert page["has_more"] is True
    assert page["next_page"].startswith("page_")


def test_last_page_has_null_cursor(sandbox: Sandbox) -> None:
    page = ok(sandbox, usage("completions"), [("start_time", TODAY - 4 * DAY), ("end_time", TODAY), ("limit", 4)])
    assert (page["has_more"], page["next_page"]) == (False, None)


def test_following_cursors_yields_the_same_buckets_as_one_big_page(sandbox: Sandbox) -> None:
    query = [("start_time", TODAY - 10 * DAY + 777), ("end_time", TODAY), ("group_by", "model")]
    whole = ok(sandbox, usage("completions"), [*query, ("limit", 31)])
    pages = [ok(sandbox, usage("completions"), [*query, ("limit", 3)])]
    while pages[-1]["has_more"]:
        pages.append(ok(sandbox, usage("completions"), [*query, ("limit", 3), ("page", pages[-1]["next_page"])]))
    assert [b for p in pages for b in p["data"]] == whole["data"]
    assert [len(p["data"]) for p in pages] == [3, 3, 3, 1]


def test_malformed_cursor_is_rejected_on_page(sandbox: Sandbox) -> None:
    status, body = call(sandbox, usage("completions"), [("start_time", FAR), ("page", "page_notbase64!")])
    assert (status, body["error"]["param"], body["error"]["type"]) == (400, "page", "invalid_request_error")


def test_cursor_of_another_query_is_rejected(sandbox: Sandbox) -> None:
    first = ok(sandbox, usage("completions"), [("start_time", FAR), ("limit", 2)])
    status, body = call(sandbox, usage("embeddings"), [("start_time", FAR), ("page", first["next_page"])])
    assert (status, body["error"]["param"]) == (400, "page")


def test_cursor_survives_a_different_limit(sandbox: Sandbox) -> None:
    first = ok(sandbox, usage("completions"), [("start_time", FAR), ("limit", 2)])
    second = ok(sandbox, usage("completions"), [("start_time", FAR), ("limit", 5), ("page", first["next_page"])])
    assert second["data"][0]["start_time"] == FAR + 2 * DAY


def _follow(sandbox: Sandbox, path: str, query: list[tuple[str, object]]) -> list[dict[str, Any]]:
    pages = [ok(sandbox, path, query)]
    while pages[-1]["has_more"]:
        pages.append(ok(sandbox, path, [*query, ("page", pages[-1]["next_page"])]))
    return [b for p in pages for b in p["data"]]


def test_costs_pages_of_an_unaligned_range_are_the_whole_days_of_one_page(sandbox: Sandbox) -> None:
    query: list[tuple[str, object]] = [("start_time", TODAY - 10 * DAY + 63_000), ("end_time", TODAY - DAY + 5)]
    whole = ok(sandbox, "/v1/organization/costs", [*query, ("limit", 31)])["data"]
    assert _follow(sandbox, "/v1/organization/costs", [*query, ("limit", 3)]) == whole
    assert (whole[0]["start_time"], whole[-1]["end_time"], len(whole)) == (TODAY - 10 * DAY, TODAY, 10)


def test_usage_pages_without_end_time_stop_at_now(sandbox: Sandbox) -> None:
    query: list[tuple[str, object]] = [("start_time", NOW - 30 * 3600 + 7), ("bucket_width", "1h")]
    whole = ok(sandbox, usage("embeddings"), [*query, ("limit", 168)])["data"]
    assert _follow(sandbox, usage("embeddings"), [*query, ("limit", 4)]) == whole
    assert (whole[0]["start_time"], whole[-1]["end_time"]) == ((NOW - 30 * 3600 + 7) // 60 * 60, NOW)  # minute floor


def test_a_cursor_keeps_working_while_the_wall_clock_moves_on(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [float(NOW)]
    monkeypatch.setattr("oai_usage_sandbox.config.system_time", lambda: clock[0])
    sandbox = Sandbox(SandboxConfig(seed=7))
    query: list[tuple[str, object]] = [("start_time", NOW - 10 * 3600), ("bucket_width", "1h"), ("limit", 4)]
    first = ok(sandbox, usage("completions"), query)
    clock[0] += 7200  # two hours later: the cursor still ends where the first page resolved "now"
    pages = [first, ok(sandbox, usage("completions"), [*query, ("page", first["next_page"])])]
    while pages[-1]["has_more"]:
        pages.append(ok(sandbox, usage("completions"), [*query, ("page", pages[-1]["next_page"])]))
    assert pages[-1]["data"][-1]["end_time"] == NOW
