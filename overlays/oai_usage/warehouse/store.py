"""The DuckDB warehouse: one table per endpoint, a state table, and the one transaction that replaces a range.

Tables: `usage_<endpoint>` (e.g. `usage_completions`) and `costs`, each with `organization`, `width`, `grouping`
(the group_by dimensions joined by commas, '' for none), `bucket_start`, `bucket_end` (UTC, as TIMESTAMP),
`result_index` (the result's place in its bucket, so rows come back in the API's order), every API field of the
endpoint's rows (costs: `amount_value`, `amount_currency`, ...) and `extra` (undeclared fields, as JSON).
A row is identified by (organization, width, grouping, bucket_start, group keys); rows are only ever written by
`replace_range`, which deletes a unit's buckets from a start time on and inserts the new ones, so none repeats.

`sync_state` has one row per (organization, endpoint, width, grouping): `covered_from` (the first bucket kept),
`watermark` (the end of the data fetched: every bucket before it is stored) and `last_sync`.

The name directory (projects, API keys, users and service accounts): tables `names_projects`, `names_api_keys`,
`names_users` keyed by (organization, id) and `names_state`, written by their own step of a sync; see names.py.
"""

from __future__ import annotations

import contextlib
import json
import operator
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ..endpoints import ENDPOINTS
from ..jsoncodec import dumps_column
from ..rows import columns as row_columns
from ..timeparse import to_utc
from . import WarehouseError, require_duckdb
from .config import ConfigError

SCHEMA_VERSION = 1
KEY_COLUMNS = ("organization", "width", "grouping", "bucket_start", "bucket_end", "result_index")
_STRINGS = frozenset(
    {"project_id", "user_id", "api_key_id", "model", "service_tier", "api_source", "source", "size",
     "vector_store_id", "context_level", "line_item", "amount_currency", "quantity_unit", "organization_id"}
)  # fmt: skip
_FLOATS = frozenset({"amount_value", "quantity"})
WRITE_WAIT = 120.0
"""Seconds a writer's open retries while readers hold the file (each reader holds it for one report or export)."""
READ_WAIT = 60.0
"""Seconds a reader's open retries (besides its --wait) while a writer holds the file (one chunk's transaction)."""
RETRY_SECONDS = 0.05
LINGER_SECONDS = 0.05
"""A writer keeps the file open this long after a write, for the next one (opening costs ~25 ms)..."""
HOLD_SECONDS = 0.25
"""...but never longer than this since it opened it: a reader waits at most about this, plus one transaction."""
SESSION_ROWS = 5_000
"""...nor once it has written this many rows since it opened it: until the close (a checkpoint), DuckDB holds every
row written in memory, uncompressed."""
SLICE_ROWS = 500
"""Rows per INSERT statement. DuckDB reads a statement's JSON columns into lists, about 3 KB a row of working memory
that its allocator keeps until the file is closed: 4,000-row statements (a page) cost about 13 MB, 500-row ones 2.5."""
WRITER_ROW_GROUP = 2_048
"""Rows per row group the writer writes (DuckDB's default is 122,880; 2,048, one vector, is the least it takes).
A checkpoint (every close of the file) rewrites, decompressed, the row group that new rows were appended to: with
the default that was up to 122,880 rows of every column, 40 MB once a table held that many rows, and 16,384 rows
still added about 5 MB to every close of a long history; 2,048 rows make it negligible. The price is a larger file
(a year of the default plan: 33 MB instead of 21); readers read any row group size as fast."""


NAME_TABLES: dict[str, str] = {
    "names_projects": "id VARCHAR NOT NULL, name VARCHAR, status VARCHAR",
    "names_api_keys": "id VARCHAR NOT NULL, name VARCHAR, project_id VARCHAR, owner_type VARCHAR, owner_name VARCHAR",
    "names_users": "id VARCHAR NOT NULL, email VARCHAR, name VARCHAR, kind VARCHAR",
}
"""Each names table's own columns (besides organization and synced_at); written by names.py."""


def create_name_tables(con: Any) -> None:
    """Create the names tables and `names_state` (inside the caller's transaction)."""
    for table, columns in NAME_TABLES.items():
        con.execute(
            f"CREATE TABLE IF NOT EXISTS {table} (organization VARCHAR NOT NULL, {columns}, "
            "synced_at TIMESTAMP NOT NULL, PRIMARY KEY (organization, id))"
        )
    con.execute(
        "CREATE TABLE IF NOT EXISTS names_state (organization VARCHAR NOT NULL, kind VARCHAR NOT NULL, "
        "listed_at TIMESTAMP NOT NULL, PRIMARY KEY (organization, kind))"
    )


def rollback(con: Any) -> None:
    """Undo the open transaction, if any: a signal can land after COMMIT (nothing left to undo, the write stands),
    and an interrupted query may have ended the transaction already; the error on the way out stays the one raised."""
    duckdb = require_duckdb()
    with contextlib.suppress(duckdb.Error):
        con.execute("ROLLBACK")


def table_name(endpoint: str) -> str:
    """`costs`, or `usage_<endpoint>`."""
    if endpoint not in ENDPOINTS:
        raise KeyError(endpoint)
    return "costs" if endpoint == "costs" else f"usage_{endpoint}"


def field_columns(endpoint: str) -> tuple[str, ...]:
    """The endpoint's API fields, as its rows carry them (bucket_start/bucket_end left out)."""
    return tuple(c for c in row_columns(ENDPOINTS[endpoint]) if c not in ("bucket_start", "bucket_end"))


def column_type(name: str) -> str:
    if name == "batch":
        return "BOOLEAN"
    if name in _FLOATS:
        return "DOUBLE"
    if name in _STRINGS:
        return "VARCHAR"
    return "BIGINT"  # counters: tokens, requests, images, characters, seconds, bytes, sessions


def _json_type(name: str) -> str:
    """The DuckDB type one column's values are read as from their JSON array."""
    if name in ("bucket_start", "bucket_end"):
        return "BIGINT"  # microseconds since the epoch, made TIMESTAMP by the SELECT
    if name == "result_index":
        return "INTEGER"
    return "VARCHAR" if name == "extra" else column_type(name)


def _select_item(name: str, number: int) -> str:
    """The SELECT item that reads one column's values from parameter `number` (a JSON array), one row each
    (the columns of one INSERT are zipped by `unnest`)."""
    values = f"unnest(from_json(${number}, '[\"{_json_type(name)}\"]'))"
    return f"make_timestamp({values})" if name in ("bucket_start", "bucket_end") else values


class RowBatch:
    """Rows of one endpoint on their way into the warehouse, held compactly: each page's rows as one JSON array per
    column (what the INSERT reads), not as a dict per row.

    JSON arrays because DuckDB parses them in C++: several times cheaper than a Python list, whose every value is
    converted one by one while the GIL is held, and a few bytes a value where a dict row costs about 1.5 KB. A
    page's rows are cut into slices of at most SLICE_ROWS rows, one INSERT each, so DuckDB's working memory is
    bounded by a slice, not by the page or the range. Times travel as microseconds since the epoch."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self.fields = field_columns(endpoint)
        self.columns = ("bucket_start", "bucket_end", "result_index", *self.fields, "extra")
        self._declared = frozenset({"bucket_start", "bucket_end", *self.fields})
        self.slices: list[tuple[int, list[str]]] = []
        self.rows = 0

    def __len__(self) -> int:
        return self.rows

    def add_buckets(self, buckets: Iterable[Any]) -> None:
        """Add a page's buckets as the client's rows path reads them (`start_time`, `end_time` as Unix seconds,
        `rows`)."""
        starts: list[int] = []
        ends: list[int] = []
        places: list[int] = []
        rows: list[dict[str, Any]] = []
        for bucket in buckets:
            count = len(bucket.rows)
            if count:
                starts += [bucket.start_time * 1_000_000] * count
                ends += [bucket.end_time * 1_000_000] * count
                places += range(count)
                rows += bucket.rows
        self._add(starts, ends, places, rows)

    def add_rows(self, rows: Iterable[dict[str, Any]]) -> None:
        """Add rows with their `bucket_start` and `bucket_end` (datetimes, aware or naive UTC), in the API's order."""
        starts: list[int] = []
        ends: list[int] = []
        places: list[int] = []
        kept: list[dict[str, Any]] = []
        index, previous = 0, None
        for row in rows:
            bucket = row["bucket_start"]
            index = index + 1 if bucket == previous else 0
            previous = bucket
            starts.append(_micros(bucket))
            ends.append(_micros(row["bucket_end"]))
            places.append(index)
            kept.append(row)
        self._add(starts, ends, places, kept)

    def _add(self, starts: list[int], ends: list[int], places: list[int], rows: list[dict[str, Any]]) -> None:
        """Encode the rows as slices of at most SLICE_ROWS rows (their places in their buckets already counted)."""
        for at in range(0, len(rows), SLICE_ROWS):
            upto = at + SLICE_ROWS
            self._add_slice(starts[at:upto], ends[at:upto], places[at:upto], rows[at:upto])

    def _add_slice(self, starts: list[int], ends: list[int], places: list[int], rows: list[dict[str, Any]]) -> None:
        declared = self._declared
        extras: list[str | None] = []
        for row in rows:
            if declared.issuperset(row):  # the common case, without building a set per row
                extras.append(None)
                continue
            undeclared = row.keys() - declared
            extras.append(json.dumps({k: row[k] for k in undeclared}, sort_keys=True, default=str))
        encoded = [dumps_column(column, floats=False) for column in (starts, ends, places)]
        encoded += [dumps_column(_column(rows, name), floats=name in _FLOATS) for name in self.fields]
        encoded.append(dumps_column(extras, floats=False))
        self.slices.append((len(rows), encoded))
        self.rows += len(rows)


def _column(rows: list[dict[str, Any]], name: str) -> list[Any]:
    """One column of the rows (None where a row lacks it): in C when every row has it, as the client's rows do."""
    try:
        return list(map(operator.itemgetter(name), rows))
    except KeyError:
        return [row.get(name) for row in rows]


def _micros(moment: datetime) -> int:
    return int((moment - (_EPOCH if moment.tzinfo is None else _EPOCH_UTC)) // _MICROSECOND)


_EPOCH = datetime(1970, 1, 1)
_EPOCH_UTC = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def naive_utc(moment: datetime) -> datetime:
    """A TIMESTAMP value: the moment in UTC without its zone (naive means UTC already)."""
    return to_utc(moment).replace(tzinfo=None)


def _attach(duckdb: Any, path: Path) -> Any:
    """A writer's connection: the file attached with WRITER_ROW_GROUP rows per row group (an option of ATTACH,
    not of connect) and made the default database, so every statement reads and writes it as if connected to it."""
    con = duckdb.connect(":memory:")
    try:
        quoted = str(path).replace("'", "''")
        con.execute(f"ATTACH '{quoted}' AS warehouse (ROW_GROUP_SIZE {WRITER_ROW_GROUP})")
        con.execute("USE warehouse")
    except BaseException:
        con.close()
        raise
    return con


@dataclass(frozen=True)
class UnitState:
    """What is stored of one (organization, endpoint, width, grouping)."""

    covered_from: datetime
    watermark: datetime
    last_sync: datetime


class Warehouse:
    """A DuckDB database file holding the history.

    Readers never wait on a writer for longer than a moment: a writer (`read_only=False`, one at a time under the
    sync lock, see lock.py) opens the file only for its writes (a chunk, the names; a burst of writes shares one
    open, for at most HOLD_SECONDS and SESSION_ROWS), keeps its `sync_state` in memory, and closes the file between
    writes, so `report --db` and `export` open it read-only and read the last committed state; readers
    (`read_only=True`) share the file with each other and keep it open for their whole read. DuckDB's own file lock
    (exclusive for a writer's open, shared for a reader's) keeps them apart; whoever finds it taken retries until it
    is free (a writer up to WRITE_WAIT seconds, a reader up to READ_WAIT plus its `wait`)."""

    def __init__(self, path: str | Path, *, read_only: bool = False, wait: float = 0.0) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self._wait = max(wait, 0.0) + (READ_WAIT if read_only else WRITE_WAIT)
        self._guard = threading.RLock()
        self._con: Any = None
        self._depth = 0
        self._opened_at = 0.0
        self._written = 0  # rows written since the file was opened (SESSION_ROWS)
        self._timer: threading.Timer | None = None
        # The writer's copy of sync_state: it is the only writer (the sync lock), so its state reads need not open
        # the file; None when unknown (a reader, or after a write that failed part way: read from the file then).
        self._states: dict[tuple[str, str, str, str], UnitState] | None = None
        self._pinned = read_only  # a reader keeps the file open for its whole read: one consistent state
        try:
            with self.session():
                self._check_ours()
                if not read_only:
                    self._create()
                    self._states = {(o, e, w, g): s for o, e, w, g, s in self._read_states()}
        except BaseException:
            self.close()
            raise

    def _open(self) -> Any:
        """Connect, retrying while another process holds the file (a writer's chunk, a reader when writing)."""
        duckdb = require_duckdb()
        deadline = time.monotonic() + self._wait
        while True:
            try:
                if self.read_only:
                    return duckdb.connect(str(self.path), read_only=True)
                return _attach(duckdb, self.path)
            except duckdb.Error as exc:
                reason = str(exc).splitlines()[0]
                lowered = reason.lower()  # another process's lock; this process's writer (_attach) or reader
                busy = any(s in lowered for s in ("lock", "different configuration", "already attached"))
                if busy and time.monotonic() < deadline:
                    time.sleep(RETRY_SECONDS)
                    continue
                if busy:
                    raise WarehouseError(f"{self.path} is open in another program: {reason}") from None
                raise ConfigError(
                    f"{self.path}: cannot open it as a DuckDB database: {reason}", param="database"
                ) from None

    @contextlib.contextmanager
    def session(self) -> Iterator[Any]:
        """The open connection for the block: a writer opens the file for the outermost block and closes it after
        (its changes are then in the file, and readers may open it); nested blocks share the connection."""
        with self._guard:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if self._con is None:
                self._con = self._open()
                self._opened_at = time.monotonic()
                self._written = 0
            self._depth += 1
            failed = False
            try:
                yield self._con
            except BaseException:
                failed = True
                raise
            finally:
                self._depth -= 1
                if self._depth == 0 and not self._pinned:
                    held = time.monotonic() - self._opened_at
                    if failed or held >= HOLD_SECONDS or self._written >= SESSION_ROWS:
                        self._release()
                    else:  # a burst of writes (units finishing together) shares one open, for a moment
                        self._timer = threading.Timer(LINGER_SECONDS, self._idle)
                        self._timer.daemon = True
                        self._timer.start()

    def _idle(self) -> None:
        with self._guard:
            if self._depth == 0 and not self._pinned:
                self._release()

    def _release(self) -> None:
        """Close the file (a writer's changes are then in it, and readers may open it). Under the guard."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        con, self._con = self._con, None
        if con is not None:
            con.close()

    def _check_ours(self) -> None:
        """Refuse, before any change, a DuckDB file of something else (it may have a `costs` table of its own) and
        one written by a newer oai-usage (its tables may mean something this version does not know)."""
        tables = [t for (t,) in self._con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_catalog = current_database() "
            "AND table_schema = 'main' ORDER BY 1"
        ).fetchall()]  # fmt: skip
        if not tables:
            return
        found = self._con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() if (
            "meta" in tables) else None  # fmt: skip
        if found is None or not str(found[0]).isdigit():
            shown = ", ".join(tables[:5]) + (", ..." if len(tables) > 5 else "")
            raise ConfigError(f"{self.path}: a DuckDB database that oai-usage did not create (tables: {shown}); "
                              "give a new file or one oai-usage sync wrote", param="database")  # fmt: skip
        if int(found[0]) > SCHEMA_VERSION:
            raise WarehouseError(f"{self.path}: schema version {found[0]}, newer than this oai-usage reads "
                                 f"({SCHEMA_VERSION}); upgrade oai-usage")  # fmt: skip

    def close(self) -> None:
        with self._guard:
            self._pinned = False
            if self._depth == 0:
                self._release()

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def connection(self) -> Any:
        """The open connection; outside a session, one opened now and kept until close() (tests, ad hoc reads: a
        writer holding it keeps readers out until then)."""
        self._pinned = True  # first: a lingering connection is then kept, not closed under the caller
        con = self._con
        if con is not None:
            return con  # without the guard: a unit may be writing with it (Ctrl-C interrupts that write)
        with self._guard:
            if self._con is None:
                self._con = self._open()
            return self._con

    def interrupt(self) -> None:
        """Interrupt the query under way, if a connection is open (Ctrl-C, SIGTERM: the write rolls back)."""
        con = self._con
        if con is not None:
            con.interrupt()

    def _create(self) -> None:
        con = self._con
        con.execute("BEGIN")
        con.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
        con.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
        con.execute(
            "CREATE TABLE IF NOT EXISTS sync_state (organization VARCHAR, endpoint VARCHAR, width VARCHAR, "
            "grouping VARCHAR, covered_from TIMESTAMP NOT NULL, watermark TIMESTAMP NOT NULL, "
            "last_sync TIMESTAMP NOT NULL, PRIMARY KEY (organization, endpoint, width, grouping))"
        )
        for endpoint in ENDPOINTS:
            fields = ", ".join(f"{c} {column_type(c)}" for c in field_columns(endpoint))
            table = table_name(endpoint)
            con.execute(
                f"CREATE TABLE IF NOT EXISTS {table} (organization VARCHAR NOT NULL, "
                "width VARCHAR NOT NULL, grouping VARCHAR NOT NULL, bucket_start TIMESTAMP NOT NULL, "
                f"bucket_end TIMESTAMP NOT NULL, result_index INTEGER NOT NULL, {fields}, extra VARCHAR)"
            )
            for name in field_columns(endpoint):  # a field the spec gained since the table was made
                con.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {name} {column_type(name)}")
        create_name_tables(con)
        con.execute("COMMIT")

    def _cached(self) -> dict[tuple[str, str, str, str], UnitState] | None:
        return None if self._pinned else self._states

    def state(self, organization: str, endpoint: str, width: str, grouping: str) -> UnitState | None:
        cached = self._cached()
        if cached is not None:
            return cached.get((organization, endpoint, width, grouping))
        with self.session() as con:
            found = con.execute(
                "SELECT covered_from, watermark, last_sync FROM sync_state "
                "WHERE organization = ? AND endpoint = ? AND width = ? AND grouping = ?",
                [organization, endpoint, width, grouping],
            ).fetchone()
        if found is None:
            return None
        return UnitState(to_utc(found[0]), to_utc(found[1]), to_utc(found[2]))

    def states(self) -> list[tuple[str, str, str, str, UnitState]]:
        """Every unit's state: (organization, endpoint, width, grouping, state)."""
        cached = self._cached()
        if cached is not None:
            return [(*key, cached[key]) for key in sorted(cached)]
        return self._read_states()

    def _read_states(self) -> list[tuple[str, str, str, str, UnitState]]:
        with self.session() as con:
            rows = con.execute(
                "SELECT organization, endpoint, width, grouping, covered_from, watermark, last_sync FROM sync_state "
                "ORDER BY organization, endpoint, width, grouping"
            ).fetchall()
        return [(o, e, w, g, UnitState(to_utc(c), to_utc(m), to_utc(s))) for o, e, w, g, c, m, s in rows]

    def replace_range(
        self,
        organization: str,
        endpoint: str,
        width: str,
        grouping: str,
        start: datetime,
        rows: Sequence[dict[str, Any]] | RowBatch,
        *,
        covered_from: datetime,
        watermark: datetime,
        synced_at: datetime,
        end: datetime | None = None,
    ) -> None:
        """In ONE transaction: delete the unit's buckets starting in [start, end) (end None: from start on),
        insert `rows` (every bucket fetched for that range: dict rows, or a RowBatch of the endpoint) and move the
        unit's state. All or nothing."""
        table = table_name(endpoint)
        key = [organization, width, grouping, naive_utc(start)]
        where = "organization = ? AND width = ? AND grouping = ? AND bucket_start >= ?"
        if end is not None:
            where += " AND bucket_start < ?"
            key.append(naive_utc(end))
        if isinstance(rows, RowBatch):
            if rows.endpoint != endpoint:
                raise ValueError(f"rows of {rows.endpoint} given for {endpoint}")
            batch = rows
        else:
            batch = RowBatch(endpoint)
            batch.add_rows(rows)
        unit = (organization, endpoint, width, grouping)
        try:
            with self.session() as con:
                self._replace(con, table, where, key, batch, unit, (covered_from, watermark, synced_at))
                self._written += batch.rows
        except BaseException:
            self._states = None  # a failure after COMMIT may have stored the write: read the state from the file
            raise
        if self._states is not None:
            self._states[unit] = UnitState(*(to_utc(naive_utc(m)) for m in (covered_from, watermark, synced_at)))

    @staticmethod
    def _replace(con: Any, table: str, where: str, key: list[Any], batch: RowBatch,
                 unit: tuple[str, str, str, str], marks: tuple[datetime, datetime, datetime]) -> None:  # fmt: skip
        organization, endpoint, width, grouping = unit
        covered_from, watermark, synced_at = marks
        names = batch.columns
        insert = (
            f"INSERT INTO {table} (organization, width, grouping, {', '.join(names)}) SELECT $1, $2, $3, "
            + ", ".join(_select_item(n, i + 4) for i, n in enumerate(names))
        )
        con.execute("BEGIN")
        try:
            con.execute(f"DELETE FROM {table} WHERE {where}", key)
            for _count, values in batch.slices:  # one statement per slice: DuckDB's working memory is one slice's
                con.execute(insert, [organization, width, grouping, *values])
            con.execute(
                "INSERT OR REPLACE INTO sync_state VALUES (?, ?, ?, ?, ?, ?, ?)",
                [organization, endpoint, width, grouping, naive_utc(covered_from), naive_utc(watermark),
                 naive_utc(synced_at)],
            )  # fmt: skip
            con.execute("COMMIT")
        except BaseException:
            rollback(con)
            raise

    def rows(
        self,
        organizations: Sequence[str],
        endpoint: str,
        width: str,
        grouping: str,
        start: datetime,
        end: datetime,
    ) -> Iterator[dict[str, Any]]:
        """Stored rows of buckets starting in [start, end), as the client's rows (aware UTC times), in the API's
        order (per organization: bucket, then place in the bucket)."""
        fields = field_columns(endpoint)
        # A database an older oai-usage made, opened read-only, lacks the columns the spec gained since (e.g. the
        # costs `organization_id`): they read as null, and a value kept in `extra` back then still comes through.
        with self.session() as con:
            present = self._columns(table_name(endpoint))
            selected = ", ".join(c if c in present else f"NULL AS {c}" for c in fields)
            marks = ", ".join("?" for _ in organizations)
            cursor = con.cursor()  # its own cursor: other reads on the connection do not end this one
            if not self.read_only:
                cursor.execute("USE warehouse")  # a cursor starts in the writer's in-memory database (_attach)
            cursor.execute(
                f"SELECT bucket_start, bucket_end, {selected}, extra FROM {table_name(endpoint)} "
                f"WHERE organization IN ({marks}) AND width = ? AND grouping = ? AND bucket_start >= ? "
                "AND bucket_start < ? ORDER BY organization, bucket_start, result_index",
                [*organizations, width, grouping, naive_utc(start), naive_utc(end)],
            )
            names = ("bucket_start", "bucket_end", *fields)
            aware: dict[datetime, datetime] = {}  # a bucket's times repeat on each of its rows: convert them once
            try:
                while batch := cursor.fetchmany(10000):
                    for record in batch:
                        row = dict(zip(names, record[:-1], strict=True))
                        start, end = row["bucket_start"], row["bucket_end"]
                        row["bucket_start"] = aware.get(start) or aware.setdefault(start, to_utc(start))
                        row["bucket_end"] = aware.get(end) or aware.setdefault(end, to_utc(end))
                        if record[-1]:
                            row.update(json.loads(record[-1]))
                        yield row
            finally:
                cursor.close()

    def _columns(self, table: str) -> frozenset[str]:
        """The columns `table` has in this database (one made by an older oai-usage may have fewer)."""
        with self.session() as con:
            found = con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_catalog = current_database() "
                "AND table_schema = 'main' AND table_name = ?",
                [table],
            ).fetchall()
        return frozenset(c for (c,) in found)

    def organizations(self) -> list[str]:
        cached = self._cached()
        if cached is not None:
            return sorted({key[0] for key in cached})
        with self.session() as con:
            found = con.execute("SELECT DISTINCT organization FROM sync_state ORDER BY 1").fetchall()
        return [o for (o,) in found]
