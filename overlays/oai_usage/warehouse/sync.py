"""Incremental sync: what to fetch for each unit of the plan, fetched whole (resumed on faults), then stored in
one transaction.

For each (endpoint, width, grouping) of the plan, per organization:

- first run: fetch from `since` (aligned down to the width's grid: minute, hour or UTC midnight) to now;
- later runs: fetch from the watermark minus the width's grace window (aligned down, never before the first
  bucket kept) to now, and replace those buckets: data older than the grace window was final when it was
  fetched and is never fetched again; newer buckets were still being revised and are read again;
- an earlier `since` than the history kept backfills the older range as well.

A range is cut into chunks of a few pages (one query each; an error part way is resumed from its `resume` point,
a few times). A chunk's rows are stored batch by batch as they arrive (BATCH_ROWS, cut at a page boundary, so a
batch holds whole buckets): one transaction deletes the batch's buckets, inserts its rows and moves the
watermark to the end of its last bucket. A sync holds one batch per unit, whatever the range, and a sync killed at
any moment leaves every batch either fully old or fully new; the next run starts from the last committed
watermark.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from ..client import UsageClient
from ..clock import system_now
from ..errors import APIConnectionError, DecodeError, OaiUsageError, RateLimitError, ServerError
from .config import SyncConfig, Unit, parse_span
from .store import RowBatch, Warehouse

log = logging.getLogger("oai_usage.warehouse")

WIDTH_SECONDS = {"1m": 60, "1h": 3600, "1d": 86400}
PAGE_BUCKETS = {"1m": 1440, "1h": 168, "1d": 31, "costs": 180}
CHUNK_PAGES = {"1m": 2, "1h": 8, "1d": 8, "costs": 4}
"""Pages per chunk (one query each; its rows are stored batch by batch, see BATCH_ROWS)."""
GROUPED_COSTS_PAGE = 31
"""Days per page of grouped costs (the API allows 180): a page is decoded whole, and 180 days of costs by project
and line item (or finer) is tens of thousands of rows; 31 days, as a page of daily usage, keeps a sync's memory
independent of the range for a few more requests (costs in total keep 180 days a page)."""
PAGES_AT_ONCE = 1
"""Pages of one unit's query fetched at once: units run side by side (UNITS_AT_ONCE) and share the key's pacer, so
the rate is used without a unit fetching ahead; a page fetched ahead would be held, decoded, until its turn."""
BATCH_ROWS = 5_000
"""Rows a unit fetches before it stores them in one transaction (at the next page boundary): what bounds a sync's
memory, UNITS_AT_ONCE batches of at most this plus a page, whatever the range. DuckDB holds a transaction's rows
uncompressed until the file is closed (see store.SESSION_ROWS): 5,000 rows where 20,000 used to be lowered a
year-long first sync's peak by about 10 MB, for the same CPU."""
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
    batches: int = 0  # transactions that stored rows of this unit (a chunk's rows go in batches)


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
    width = _bucket_width(unit)
    if state_from is None or watermark is None:
        return [(floor_to(want_from, width), None)]
    ranges: list[tuple[datetime, datetime | None]] = []
    older = floor_to(want_from, width)
    if older < state_from:
        ranges.append((older, state_from))
    start = max(floor_to(watermark - grace, width), state_from)
    ranges.append((min(start, floor_to(now, width)), None))
    return ranges


def _bucket_width(unit: Unit) -> str:
    """The width of the unit's buckets (costs come in days)."""
    return "1d" if unit.endpoint == "costs" else unit.width


def _page_key(unit: Unit) -> str:
    """The unit's key in PAGE_BUCKETS and CHUNK_PAGES: "costs", or its width."""
    return "costs" if unit.endpoint == "costs" else unit.width


def _page_limit(unit: Unit) -> int | None:
    """The `limit` a unit's requests send, when not the width's largest page: grouped costs (GROUPED_COSTS_PAGE)."""
    return GROUPED_COSTS_PAGE if unit.endpoint == "costs" and unit.group_by else None


def _chunks(start: datetime, end: datetime, unit: Unit) -> list[tuple[datetime, datetime]]:
    key = _page_key(unit)
    step = timedelta(seconds=WIDTH_SECONDS[_bucket_width(unit)] * PAGE_BUCKETS[key] * CHUNK_PAGES[key])
    chunks: list[tuple[datetime, datetime]] = []
    while start < end:
        chunks.append((start, min(start + step, end)))
        start += step
    return chunks


class BatchedFetch:
    """Every row of one query, as RowBatches of about `batch_rows` rows cut at page boundaries (so each holds whole
    buckets), resuming from the error's resume point after a transient failure (up to `attempts` times).

    Iterating yields (batch, covered_to, final): covered_to is the end of the last bucket served so far (Unix
    seconds; None when no bucket was), final is True for the last batch (possibly empty). A sync stores each
    batch before the next is read, so a unit holds at most one batch, whatever the range: memory is flat in the size
    of the history. `resumed` counts the resumes. A server's Retry-After holds the resume's requests as it holds
    every request of the key (the client's pacer); a wait longer than MAX_RESUME_WAIT is not resumed. Anything
    else, or too many failures, raises (what was not yielded is not stored then)."""

    def __init__(self, client: UsageClient, endpoint: str, params: dict[str, Any], *, batch_rows: int | None = None,
                 attempts: int = RESUME_ATTEMPTS) -> None:  # fmt: skip
        self.client = client
        self.endpoint = endpoint
        self.params = params
        self.batch_rows = BATCH_ROWS if batch_rows is None else batch_rows
        self.attempts = attempts
        self.resumed = 0

    def __iter__(self) -> Iterator[tuple[RowBatch, int | None, bool]]:
        query = self.client.query(self.endpoint, **self.params).with_concurrency(PAGES_AT_ONCE)
        current = query
        batch = RowBatch(self.endpoint)
        covered: int | None = None
        for attempt in range(self.attempts + 1):
            try:
                for page in current.row_pages():
                    if page.data:
                        batch.add_buckets(page.data)
                        covered = page.data[-1].end_time
                    del page  # its rows are in the batch: not held while the next page is fetched
                    if batch.rows >= self.batch_rows:
                        yield batch, covered, False
                        batch = RowBatch(self.endpoint)
                yield batch, covered, True
                return
            except _TRANSIENT as exc:
                if exc.resume is None or attempt == self.attempts:
                    raise
                wait = getattr(exc, "retry_after", None) or 0.0
                if wait > MAX_RESUME_WAIT:
                    raise
                log.info("%s: %s; resuming (%d/%d)%s", self.endpoint, type(exc).__name__, attempt + 1, self.attempts,
                         f" in {wait:g} s (Retry-After)" if wait else "")  # fmt: skip
                self.resumed += 1
                current = query.resume(exc.resume)  # its first request waits out the Retry-After in the client's pacer
        raise AssertionError("unreachable")  # pragma: no cover


def fetch_batches(client: UsageClient, endpoint: str, params: dict[str, Any]) -> BatchedFetch:
    """The rows of one chunk's query, batch by batch (see BatchedFetch)."""
    return BatchedFetch(client, endpoint, params)


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
    lock: AbstractContextManager[Any] | None = None,
    stopped: Callable[[], bool] | None = None,
    on_chunk: Callable[[UnitReport], None] | None = None,
) -> UnitReport:
    """Bring one unit up to `now`: fetch each chunk batch by batch, storing each batch in one transaction (under
    `lock`, when units run side by side: the fetches overlap, the database is used by one of them at a time)."""
    guard = lock if lock is not None else nullcontext()
    report = UnitReport(organization, unit.endpoint, unit.width, unit.grouping)
    with guard:
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
            limit = _page_limit(unit)
            if limit is not None:
                params["limit"] = limit
            if start >= stop:
                continue
            if stopped is not None and stopped():
                return report  # another unit failed, or the command was interrupted: stop between chunks
            fetch = fetch_batches(client, unit.endpoint, params)
            begin = start
            for batch, covered_to, final in fetch:
                # A batch ends where its last bucket ends; the last one at the chunk's end (or where the server's
                # data stops: a last bucket clipped at the server's now, short of `stop`).
                piece_end = stop if final or covered_to is None else datetime.fromtimestamp(covered_to, UTC)
                if range_end is None:  # the newest range: it moves the watermark
                    new_from = covered if covered is not None else range_start
                    served = stop if covered_to is None else datetime.fromtimestamp(covered_to, UTC)
                    watermark = (min(stop, served) if last else stop) if final else piece_end
                else:  # a backfill before the history kept: the history starts earlier once it is all in
                    assert state is not None
                    new_from = range_start if (last and final) else state.covered_from
                    watermark = state.watermark
                with guard:
                    if stopped is not None and stopped():
                        return report  # stopped while this batch was fetched: nothing half-done, nothing stored
                    warehouse.replace_range(
                        organization, unit.endpoint, unit.width, unit.grouping, begin, batch,
                        covered_from=new_from, watermark=watermark, synced_at=(clock or _wall)(),
                        end=None if (range_end is None and last and final) else piece_end,
                    )  # fmt: skip
                    state = warehouse.state(organization, unit.endpoint, unit.width, unit.grouping)
                report.rows += len(batch)
                report.batches += 1
                begin = piece_end
                if on_chunk is not None:
                    on_chunk(report)
            report.resumed += fetch.resumed
            report.ranges.append((start, stop))
            if range_end is not None and last:
                covered = range_start
    return report


def estimated_pages(unit: Unit, start: datetime, end: datetime) -> int:
    """The requests a first fetch of the unit over [start, end) needs: its buckets over the width's page size."""
    seconds, per_page = WIDTH_SECONDS[_bucket_width(unit)], _page_limit(unit) or PAGE_BUCKETS[_page_key(unit)]
    buckets = max(1, math.ceil((end - start).total_seconds() / seconds))
    return math.ceil(buckets / per_page)


def longest_first(
    units: Sequence[Unit], config: SyncConfig, now: datetime, since: datetime | None = None
) -> list[Unit]:
    """The units by the requests a first sync of each needs, most first (more dimensions first among equals: more
    rows a page); `since` overrides the plan's history lengths, as in `sync`."""

    def work(unit: Unit) -> tuple[int, int]:
        return -estimated_pages(unit, history_start(unit, config, now, since), now), -len(unit.group_by)

    return sorted(units, key=work)


def history_start(unit: Unit, config: SyncConfig, now: datetime, since: datetime | None) -> datetime:
    """Where the unit's history starts: `since` when given, else its own history length (or the sync's) before now."""
    return since if since is not None else span_start(unit.since or config.since, now)


def _wall() -> datetime:
    return system_now()


class SyncProgress(Protocol):
    """What a sync tells as it goes (the command line draws it on a terminal); called from the units' threads."""

    def start(self, organization: str, units: int) -> None: ...

    def chunk(self, unit: UnitReport) -> None: ...

    def unit_done(self, unit: UnitReport) -> None: ...


UNITS_AT_ONCE = 4
"""Units of one organization synced side by side: their requests share the client's pacer (one allowance per
key), so more units at once does not mean more requests a second, only that the allowance is used while one
unit stores a chunk or decodes a page. Each holds a page and a batch: 4 keep a year's first sync some 10-20 MB
lower than 8 did, and one unit alone still fetches faster than a 600-a-minute key allows (bench.memory,
bench.backfill)."""


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
    lock: AbstractContextManager[Any] | None = None,
    units_at_once: int | None = None,
    stop: threading.Event | None = None,
    progress: SyncProgress | None = None,
) -> SyncReport:
    """Sync every unit of the plan for one organization up to `now` (the end of every fetch), `units_at_once` at a
    time (default UNITS_AT_ONCE). `lock` guards the database when other organizations sync into it at the same time;
    `stop`, shared with them, stops every unit between chunks; `progress` hears of each chunk and unit.

    `since` (an aware datetime) overrides the plan's history lengths for a first run or an earlier backfill.
    Raises the first error (in plan order) a unit cannot get past (after retries and resumes); no unit starts
    after an error, the units already running finish, and every unit's committed chunks stay stored.
    """
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    guard = lock if lock is not None else threading.Lock()
    client.sync_clock()  # one light request first, unless one was answered: the server's clock and rate limit
    units = config.units(endpoints)
    if progress is not None:
        progress.start(organization, len(units))
    stop = stop if stop is not None else threading.Event()  # set: no unit starts or stores another chunk

    def run(unit: Unit) -> UnitReport | None:
        if stop.is_set():
            return None
        start = history_start(unit, config, now, since)
        grace = config.grace_for(unit.endpoint, unit.width)
        try:
            done = sync_unit(warehouse, client, unit, organization, now=now, want_from=start, grace=grace,
                             clock=clock, lock=guard, stopped=stop.is_set,
                             on_chunk=progress.chunk if progress else None)  # fmt: skip
            if progress is not None:
                progress.unit_done(done)
        except BaseException as exc:
            stop.set()
            if isinstance(exc, OaiUsageError):
                log.info("%s %s %s: stopped: %s", unit.endpoint, unit.width, unit.grouping or "-", exc)
            raise
        log.info("%s %s by %s: %d rows", unit.endpoint, unit.width, unit.grouping or "-", done.rows)
        return done

    report = SyncReport()
    failure: BaseException | None = None
    workers = max(1, UNITS_AT_ONCE if units_at_once is None else units_at_once)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="oai_usage_sync") as pool:
        # The longest units start first, so that none of them is left running alone at the end (a unit's pages come
        # one after another); results and the first error are still taken in plan order.
        started = {unit: pool.submit(run, unit) for unit in longest_first(units, config, now, since)}
        futures = [started[unit] for unit in units]
        try:
            for future in futures:
                try:
                    done = future.result()
                except Exception as exc:  # the first in plan order is raised once every unit has settled
                    failure = failure or exc
                    continue
                if done is not None:
                    report.units.append(done)
        except BaseException:  # Ctrl-C or SIGTERM in this thread: no unit goes on, a write under way rolls back
            stop.set()
            warehouse.interrupt()  # a signal reaches only this thread, not a query run by a unit
            raise
    if failure is not None:
        raise failure
    return report
