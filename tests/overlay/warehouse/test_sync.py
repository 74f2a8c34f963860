"""Incremental sync against the sandbox with late revisions on: idempotent, grace-window re-reads only,
convergence to a fresh fetch (also with injected faults), old buckets final."""

from __future__ import annotations

import weakref
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from oai_usage import OaiUsageError, RateLimitError, UsageClient
from oai_usage.warehouse import sync as warehouse_sync
from oai_usage.warehouse.store import Warehouse, table_name
from oai_usage.warehouse.sync import fetch_batches, floor_to, sync

from .conftest import KEY, SMALL, START, Counter, sandbox_client, table_rows

STEPS = (timedelta(minutes=7), timedelta(minutes=26), timedelta(hours=3, minutes=1), timedelta(days=1, hours=2))
FINAL = {"usage_revision_minutes": 0, "costs_revision_hours": 0}  # every bucket at its final value


Rows = list[dict[str, Any]]


def _fresh(warehouse: Warehouse, now: datetime, **config: Any) -> dict[tuple[str, str, str], tuple[Rows, Rows]]:
    """For every stored unit: (stored rows, rows of one fresh fetch of the same range at `now`)."""
    found: dict[tuple[str, str, str], tuple[Rows, Rows]] = {}
    with sandbox_client(now, **config) as client:
        for org, endpoint, width, grouping, state in warehouse.states():
            params: dict[str, Any] = {"start_time": state.covered_from, "end_time": state.watermark,
                                      "bucket_width": width}  # fmt: skip
            if grouping:
                params["group_by"] = grouping.split(",")
            fresh = list(client.query(endpoint, **params).rows())
            stored = list(warehouse.rows([org], endpoint, width, grouping, state.covered_from, state.watermark))
            found[(endpoint, width, grouping)] = (stored, fresh)
    return found


def test_a_first_sync_stores_exactly_what_one_fetch_returns(db: Path) -> None:
    with Warehouse(db) as warehouse, sandbox_client(START) as client:
        sync(warehouse, client, SMALL, "acme", now=START)
        pairs = _fresh(warehouse, START)
    assert len(pairs) == 5
    for unit, (stored, fresh) in pairs.items():
        assert fresh, unit
        assert stored == fresh, unit


def test_two_syncs_in_a_row_leave_the_same_rows_and_no_duplicates(db: Path) -> None:
    with Warehouse(db) as warehouse:
        with sandbox_client(START) as client:
            sync(warehouse, client, SMALL, "acme", now=START)
        before = {e: table_rows(warehouse, e) for e in SMALL.endpoints}
        with sandbox_client(START) as client:
            sync(warehouse, client, SMALL, "acme", now=START)
        assert {e: table_rows(warehouse, e) for e in SMALL.endpoints} == before
        for endpoint in SMALL.endpoints:
            dims = "project_id, line_item" if endpoint == "costs" else "model, project_id"
            repeated = warehouse.connection.execute(
                f"SELECT count(*) FROM (SELECT organization, width, grouping, bucket_start, {dims} "
                f"FROM {table_name(endpoint)} WHERE grouping <> 'api_key_id,model,project_id,size,source,user_id' "
                "GROUP BY ALL HAVING count(*) > 1)"
            ).fetchone()
            assert repeated == (0,), endpoint


def test_a_sync_right_after_sends_only_the_grace_windows_requests(db: Path) -> None:
    first, second = Counter(), Counter()
    with Warehouse(db) as warehouse:
        with sandbox_client(START, first) as client:
            sync(warehouse, client, SMALL, "acme", now=START)
        later = START + timedelta(seconds=40)
        with sandbox_client(later, second) as client:
            done = sync(warehouse, client, SMALL, "acme", now=later)
    assert first.requests > len(SMALL.units())  # the backfill takes several pages (1m: 2 days of minutes)
    assert second.requests == 1 + len(SMALL.units())  # the clock's probe, then one page per unit: the grace window
    starts = {(u.endpoint, u.width): u.ranges[0][0] for u in done.units}
    assert starts[("completions", "1m")] == floor_to(START - timedelta(minutes=15), "1m")
    assert starts[("completions", "1h")] == floor_to(START - timedelta(hours=2), "1h")
    assert starts[("completions", "1d")] == floor_to(START - timedelta(days=2), "1d")
    assert starts[("costs", "1d")] == floor_to(START - timedelta(days=2), "1d")


def test_repeated_syncs_converge_to_a_fresh_fetch_and_old_buckets_are_final(db: Path) -> None:
    """Revisions on: each sync re-reads its grace window; buckets older than it already hold their final value;
    after the last sync the tables equal one fresh fetch exactly."""
    final_time = START + sum(STEPS, timedelta()) + timedelta(days=3)
    with Warehouse(db) as warehouse:
        now = START
        for step in (timedelta(0), *STEPS):
            now += step
            with sandbox_client(now) as client:
                sync(warehouse, client, SMALL, "acme", now=now)
            for (endpoint, width, _), (stored, _fresh_rows) in _fresh(warehouse, now).items():
                assert stored == _fresh_rows, (now, endpoint, width)
            # what lies before the grace window equals the final data, fetched long after
            for (endpoint, width, _), (stored, final_rows) in _fresh(warehouse, final_time, **FINAL).items():
                settled = floor_to(now - SMALL.grace_for(endpoint, width), "1d" if endpoint == "costs" else width)
                old = [r for r in stored if r["bucket_end"] <= settled]
                assert old == [r for r in final_rows if r["bucket_end"] <= settled], (now, endpoint, width)


def test_a_quarter_of_requests_faulted_still_converges(db: Path) -> None:
    kinds = ("rate_limit", "server_error_json", "bad_gateway", "drop", "truncate", "unavailable")
    faults: dict[str, Any] = {"fault_rate": 0.25, "faults": kinds, "retry_after_seconds": 0}
    now, failures = START, 0
    with Warehouse(db) as warehouse:
        for index, step in enumerate((timedelta(0), *STEPS)):
            now += step
            for attempt in range(6):  # a sync that gives up is simply run again: it resumes from its watermark
                seed = index * 10 + attempt  # max_retries=0: every fault reaches the sync, which resumes the fetch
                with sandbox_client(now, max_retries=0, fault_seed=seed, **faults) as client:
                    try:
                        failures += sync(warehouse, client, SMALL, "acme", now=now).resumed
                        break
                    except OaiUsageError:
                        failures += 1
            else:
                pytest.fail("six syncs in a row failed")
        for unit, (stored, fresh) in _fresh(warehouse, now).items():
            assert stored == fresh, unit
    assert failures > 0  # faults did reach the sync: resumed, or the whole sync re-run


def test_a_sync_after_the_clock_went_back_drops_the_future_buckets_and_converges(db: Path) -> None:
    ahead = START + timedelta(days=1, hours=5)  # a first sync on a machine whose clock ran a day ahead
    with Warehouse(db) as warehouse:
        with sandbox_client(ahead, usage_revision_minutes=0, costs_revision_hours=0) as client:
            sync(warehouse, client, SMALL, "acme", now=ahead)
        with sandbox_client(START, usage_revision_minutes=0, costs_revision_hours=0) as client:
            sync(warehouse, client, SMALL, "acme", now=START)
        for _org, endpoint, width, grouping, state in warehouse.states():
            assert state.watermark == START, (endpoint, width, grouping)
            later = warehouse.connection.execute(
                f"SELECT count(*) FROM {table_name(endpoint)} WHERE bucket_start >= ?", [START.replace(tzinfo=None)]
            ).fetchone()
            assert later == (0,), (endpoint, width, grouping)


# --- Issue 26: the chunk resume waits the server's Retry-After, as the client's retries do --------------------------


def _costs_buckets(start: int, end: int) -> list[dict[str, Any]]:
    return [{"object": "bucket", "start_time": t, "end_time": min(t + 86400, end),
             "results": [{"object": "organization.costs.result", "amount": {"value": 12.5, "currency": "usd"},
                          "line_item": None, "project_id": None}]}
            for t in range(start, end, 86400)]  # fmt: skip


def _costs_page(request: httpx.Request) -> httpx.Response:
    start, end = int(request.url.params["start_time"]), int(request.url.params["end_time"])
    body = {"object": "page", "data": _costs_buckets(start, end), "has_more": False, "next_page": None}
    return httpx.Response(200, json=body)


def test_the_chunk_resume_waits_the_retry_after_of_the_429_that_stopped_it() -> None:
    events: list[tuple[str, float]] = []
    limited = 3  # three 429s: the first request and the client's two retries

    def server(request: httpx.Request) -> httpx.Response:
        nonlocal limited
        events.append(("request", 0.0))
        if limited:
            limited -= 1
            return httpx.Response(429, headers={"Retry-After": "3"},
                                  json={"error": {"message": "Rate limit reached", "type": "requests"}})  # fmt: skip
        return _costs_page(request)

    http = httpx.Client(transport=httpx.MockTransport(server))
    client = UsageClient(KEY, base_url="https://api.openai.com/v1", http_client=http, max_retries=2,
                         sleep=lambda s: events.append(("client sleeps", s)))  # fmt: skip
    start = floor_to(START - timedelta(days=3), "1d")
    params = {"start_time": start, "end_time": start + timedelta(days=3), "bucket_width": "1d"}
    with client:
        fetch = fetch_batches(client, "costs", params)
        batches = list(fetch)
    assert fetch.resumed == 1 and sum(len(batch) for batch, _, _ in batches) == 3
    kinds = [kind for kind, _ in events]
    assert kinds == ["request", "client sleeps", "request", "client sleeps", "request", "client sleeps", "request"]
    assert [s for kind, s in events if kind == "client sleeps"] == [3.0, 3.0, pytest.approx(3.0, abs=0.5)]
    # the last wait is the key's pause, held for the resumed query's first request


def test_a_retry_after_longer_than_a_resume_waits_stops_the_sync() -> None:
    def server(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, headers={"Retry-After": "3600"}, json={"error": {"message": "slow down"}})

    requests: list[httpx.Request] = []
    http = httpx.Client(transport=httpx.MockTransport(server), event_hooks={"request": [requests.append]})
    client = UsageClient(KEY, base_url="https://api.openai.com/v1", http_client=http, max_retries=0)
    params = {"start_time": START - timedelta(days=2), "end_time": START, "bucket_width": "1d"}
    with client, pytest.raises(RateLimitError):
        list(fetch_batches(client, "costs", params))
    assert len(requests) == 1  # no resume: an hour's wait is not a fault to ride out


def test_a_sync_stored_in_small_batches_equals_one_storing_each_chunk_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored: dict[int, dict[str, list[tuple[Any, ...]]]] = {}
    batches: dict[int, int] = {}
    marks: dict[int, list[tuple[Any, ...]]] = {}
    for batch_rows in (10**9, 25):
        monkeypatch.setattr(warehouse_sync, "BATCH_ROWS", batch_rows)
        with Warehouse(tmp_path / f"b{batch_rows}.duckdb") as warehouse:
            with sandbox_client(START, usage_revision_minutes=0, costs_revision_hours=0) as client:
                report = sync(warehouse, client, SMALL, "acme", now=START)
            batches[batch_rows] = sum(u.batches for u in report.units)
            stored[batch_rows] = {e: table_rows(warehouse, e) for e in SMALL.endpoints}
            marks[batch_rows] = [(*unit, s.covered_from, s.watermark) for *unit, s in warehouse.states()]
    assert batches[25] > batches[10**9]  # the rows of a chunk went in several transactions
    assert stored[25] == stored[10**9] and any(stored[25].values())
    assert marks[25] == marks[10**9]


# --- Issue 20: a unit holds one page at a time --------------------------------------------------------------------


def test_a_units_fetch_lets_each_page_go_once_its_rows_are_in_the_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    import oai_usage.query

    decoded: list[weakref.ref[Any]] = []
    alive_at_each_request: list[list[bool]] = []
    decode = oai_usage.query.decode_rows_page  # type: ignore[attr-defined]

    def noted(*args: Any, **kwargs: Any) -> Any:
        page = decode(*args, **kwargs)
        decoded.append(weakref.ref(page))
        return page

    def server(request: httpx.Request) -> httpx.Response:  # one day a page, chained by next_page
        alive_at_each_request.append([ref() is not None for ref in decoded])
        day = int(request.url.params.get("page", request.url.params["start_time"]))
        end = int(request.url.params["end_time"])
        more = day + 86400 < end
        body = {"object": "page", "data": _costs_buckets(day, day + 86400), "has_more": more,
                "next_page": str(day + 86400) if more else None}  # fmt: skip
        return httpx.Response(200, json=body)

    monkeypatch.setattr(oai_usage.query, "decode_rows_page", noted)
    http = httpx.Client(transport=httpx.MockTransport(server))
    client = UsageClient(KEY, base_url="https://api.openai.com/v1", http_client=http, max_retries=0)
    start = floor_to(START - timedelta(days=3), "1d")
    with client:
        rows = sum(len(batch) for batch, _, _ in fetch_batches(client, "costs", {
            "start_time": start, "end_time": start + timedelta(days=3), "bucket_width": "1d", "limit": 1}))  # fmt: skip
    assert rows == 3
    assert alive_at_each_request == [[], [False], [False, False]]  # the batch holds the rows, not the pages
