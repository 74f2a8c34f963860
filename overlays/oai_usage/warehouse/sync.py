"""Incremental sync: what to fetch for each unit of the plan, fetched whole (resumed on faults), then stored in
one transaction.

For each (endpoint, width, grouping) of the plan, per organization:

- first run: fetch from `since` (aligned down to the width's grid: minute, hour or UTC midnight) to now;
- later runs: fetch from the watermark minus the width's grace window (aligned down, never before the first
  bucket kept) to now, and replace those buckets: data older than the grace window was final when it was
  fetched and is never fetched again; newer buckets were still being revised and are read again;
- an earlier `since` than the history kept backfills the older range as well.

A range is cut into chunks of a few pages. Each chunk is fetched completely (an error part way is resumed from
its `resume` point, a few times) before one transaction deletes the chunk's buckets and inserts the new rows and
moves the watermark; a sync killed at any moment leaves every chunk either fully old or fully new, and the next
run starts from the last committed watermark.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from ..client import UsageClient
from ..errors import APIConnectionError, DecodeError, OaiUsageError, RateLimitError, ServerError
from .config import SyncConfig, Unit, parse_span
from .store import Warehouse

log = logging.getLogger("oai_usage.warehouse")

WIDTH_SECONDS = {"1m": 60, "1h": 3600, "1d": 86400}
PAGE_BUCKETS = {"1m": 1440, "1h": 168, "1d": 31, "costs": 180}
CHUNK_PAGES = {"1m": 2, "1h": 8, "1d": 8, "costs": 4}
"""Pages per chunk (one transaction each): bounds the rows held in memory before they are stored."""
RESUME_ATTEMPTS = 3
MAX_RESUME_WAIT = 60.0
"""The longest Retry-After a resume waits (the client's own `max_retry_after`); a longer one stops the sync."""
_TRANSIENT = (APIConnectionError, ServerError, RateLimitError, DecodeError)


@dataclass
class UnitReport:
    """What one unit's sync did."""

    organization: str
    endpoint: str
    width: str
    grouping: str
    ranges: list[tuple[datetime, datetime]] = field(default_factory=list)
    rows: int = 0
    resumed: int = 0


@dataclass
class SyncReport:
    """What one sync did, unit by unit."""

    units: list[UnitReport] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(u.rows for u in self.units)

    @property
    def resumed(self) -> int:
        return sum(u.resumed for u in self.units)


def floor_to(moment: datetime, width: str) -> datetime:
    """The start of the bucket of `width` (1m, 1h, 1d; costs are 1d) holding `moment`, in UTC."""
    step = WIDTH_SECONDS[width]
    seconds = int(moment.timestamp()) // step * step
    return datetime.fromtimestamp(seconds, UTC)


def span_start(text: str, now: datetime, setting: str = "since") -> datetime:
    """The start of a span by the CLI's range rule: `30d` is today so far and the 29 whole days before it."""
    amount, unit = parse_span(text, setting)
    if unit in ("d", "w"):
        days = amount * (7 if unit == "w" else 1)
        return floor_to(now, "1d") - timedelta(days=days - 1)
    width = "1h" if unit == "h" else "1m"
    return floor_to(now, width) - timedelta(seconds=(amount - 1) * WIDTH_SECONDS[width])


def plan_ranges(
    unit: Unit, state_from: datetime | None, watermark: datetime | None, want_from: datetime, now: datetime,
    grace: timedelta,
) -> list[tuple[datetime, datetime | None]]:  # fmt: skip
    """The ranges to fetch, oldest first: (start, end) with end None for "to now"."""
    width = "1d" if unit.endpoint == "costs" else unit.width
    if state_from is None or watermark is None:
        return [(floor_to(want_from, width), None)]
    ranges: list[tuple[datetime, datetime | None]] = []
    older = floor_to(want_from, width)
    if older < state_from:
        ranges.append((older, state_from))
    start = max(floor_to(watermark - grace, width), state_from)
    ranges.append((min(start, floor_to(now, width)), None))
    return ranges


def _chunks(start: datetime, end: datetime, unit: Unit) -> list[tuple[datetime, datetime]]:
    key = "costs" if unit.endpoint == "costs" else unit.width
    step = timedelta(seconds=WIDTH_SECONDS["1d" if key == "costs" else key] * PAGE_BUCKETS[key] * CHUNK_PAGES[key])
    chunks: list[tuple[datetime, datetime]] = []
    while start < end:
        chunks.append((start, min(start + step, end)))
        start += step
    return chunks


def fetch_all(client: UsageClient, endpoint: str, params: dict[str, Any], attempts: int = RESUME_ATTEMPTS,
              sleep: Callable[[float], None] = time.sleep) -> tuple[list[dict[str, Any]], int]:  # fmt: skip
    """Every row of a query, resuming from the error's resume point after a transient failure (up to `attempts`
    times); (rows, resumes). A server's Retry-After (the error's `retry_after`) is waited before the resume, as the
    client's own retries wait it; a wait longer than MAX_RESUME_WAIT is not resumed. Anything else, or too many
    failures, raises (nothing is stored then)."""
    query = client.query(endpoint, **params)
    current = query
    rows: list[dict[str, Any]] = []
    for attempt in range(attempts + 1):
        try:
            for page in current.row_pages():
                for bucket in page.data:
                    rows.extend(bucket.rows)
            return rows, attempt
        except _TRANSIENT as exc:
            if exc.resume is None or attempt == attempts:
                raise
            wait = getattr(exc, "retry_after", None) or 0.0
            if wait > MAX_RESUME_WAIT:
                raise
            log.info("%s: %s; resuming (%d/%d)%s", endpoint, type(exc).__name__, attempt + 1, attempts,
                     f" in {wait:g} s (Retry-After)" if wait else "")  # fmt: skip
            if wait:
                sleep(wait)
            current = query.resume(exc.resume)
    raise AssertionError("unreachable")  # pragma: no cover


def sync_unit(
    warehouse: Warehouse,
    client: UsageClient,
    unit: Unit,
    organization: str,
    *,
    now: datetime,
    want_from: datetime,
    grace: timedelta,
    clock: Callable[[], datetime] | None = None,
) -> UnitReport:
    """Bring one unit up to `now`: fetch each chunk whole, then store it in one transaction."""
    report = UnitReport(organization, unit.endpoint, unit.width, unit.grouping)
    state = warehouse.state(organization, unit.endpoint, unit.width, unit.grouping)
    covered = state.covered_from if state else None
    ranges = plan_ranges(unit, covered, state.watermark if state else None, want_from, now, grace)
    for range_start, range_end in ranges:
        end = range_end or now
        chunks = _chunks(range_start, end, unit) or [(range_start, end)]
        for index, (start, stop) in enumerate(chunks):
            last = index == len(chunks) - 1
            params: dict[str, Any] = {"start_time": start, "end_time": stop, "bucket_width": unit.width}
            if unit.group_by:
                params["group_by"] = list(unit.group_by)
            if start >= stop:
                continue
            rows, resumed = fetch_all(client, unit.endpoint, params)
            report.resumed += resumed
            report.rows += len(rows)
            report.ranges.append((start, stop))
            if range_end is None:  # the newest range: it moves the watermark
                new_from = covered if covered is not None else range_start
                watermark = stop
            else:  # a backfill before the history kept: the history starts earlier once it is all in
                assert state is not None
                new_from = range_start if last else state.covered_from
                watermark = state.watermark
            warehouse.replace_range(
                organization, unit.endpoint, unit.width, unit.grouping, start, rows,
                covered_from=new_from, watermark=watermark, synced_at=(clock or _wall)(),
                end=None if (range_end is None and last) else stop,
            )  # fmt: skip
            if range_end is not None and last:
                covered = range_start
            state = warehouse.state(organization, unit.endpoint, unit.width, unit.grouping)
    return report


def _wall() -> datetime:
    return datetime.now(UTC)


def sync(
    warehouse: Warehouse,
    client: UsageClient,
    config: SyncConfig,
    organization: str,
    *,
    now: datetime,
    since: datetime | None = None,
    endpoints: Sequence[str] | None = None,
    clock: Callable[[], datetime] | None = None,
) -> SyncReport:
    """Sync every unit of the plan for one organization up to `now` (the end of every fetch).

    `since` (an aware datetime) overrides the plan's history lengths for a first run or an earlier backfill.
    Raises the first error a unit cannot get past (after retries and resumes); units done before stay stored.
    """
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    report = SyncReport()
    for unit in config.units(endpoints):
        want_from = since if since is not None else span_start(unit.since or config.since, now)
        grace = config.grace_for(unit.endpoint, unit.width)
        try:
            done = sync_unit(warehouse, client, unit, organization, now=now, want_from=want_from, grace=grace,
                             clock=clock)  # fmt: skip
        except OaiUsageError as exc:
            log.info("%s %s %s: stopped: %s", unit.endpoint, unit.width, unit.grouping or "-", exc)
            raise
        report.units.append(done)
        log.info("%s %s by %s: %d rows", unit.endpoint, unit.width, unit.grouping or "-", done.rows)
    return report
