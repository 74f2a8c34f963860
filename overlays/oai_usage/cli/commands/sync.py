"""Internal: `oai-usage sync`: keep a local history, an incremental sync of the chosen organizations into a DuckDB
warehouse, under the database lock; one summary line per organization on stdout."""

from __future__ import annotations

import argparse
import contextlib
import contextvars
import sys
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ... import errors
from .. import dates
from ..database import database_errors, database_path, load_sync_config
from ..exit_codes import CliError
from ..options import Connection, Database, add_database, add_profile, comma_list
from ..output import visible
from .base import CommandSet

if TYPE_CHECKING:
    from ... import UsageClient
    from ...warehouse.config import Profile
    from ...warehouse.names import NamesReport
    from ...warehouse.sync import SyncReport

__all__ = ["PROFILES_AT_ONCE", "Options", "register", "run"]


def register(commands: CommandSet) -> None:
    sync = commands.add("sync", "keep a local history: incremental sync into a DuckDB warehouse", sys.modules[__name__])
    if not commands.wanted("sync"):
        return
    add_database(sync)
    add_profile(sync, all_profiles=True, profile_help="the organization (a profile of oai-usage.toml)")
    sync.add_argument("--since", help="history to backfill on a first run (default: the plan's, 30d); an earlier "
                      f"date than the history kept backfills it; {dates.ALLOWED}")  # fmt: skip
    sync.add_argument("--endpoints", type=comma_list, action="extend", metavar="A,B",
                      help="only these endpoints (default: config)")  # fmt: skip
    sync.add_argument("--no-names", action="store_true", help="do not fetch the name directory (projects, API "
                      "keys, users); the names stored before are kept (config: names = false)")  # fmt: skip


@dataclass(frozen=True)
class Options:
    """What a sync was asked: where from (connection, profiles), into what (database), how much."""

    now: datetime
    connection: Connection
    database: Database
    profile: str | None
    all_profiles: bool
    since: str | None
    endpoints: tuple[str, ...] | None
    no_names: bool

    @classmethod
    def from_args(cls, args: argparse.Namespace, now: datetime) -> Options:
        return cls(now=now, connection=Connection.from_args(args), database=Database.from_args(args),
                   profile=args.profile, all_profiles=args.all_profiles, since=args.since,
                   endpoints=tuple(args.endpoints) if args.endpoints else None, no_names=args.no_names)  # fmt: skip


T = TypeVar("T")

PROFILES_AT_ONCE = 8
"""Organizations synced side by side by `sync --all-profiles` (each with its own key, so its own allowance)."""


def _outcome(future: Future[T]) -> T | Exception:
    """The future's result, or the API or key error it raised (other errors propagate)."""
    try:
        return future.result()
    except (errors.OaiUsageError, errors.MissingAdminKeyError, CliError) as exc:
        return exc


class _Progress:
    """A sync's progress on stderr, one line per organization: units done, the unit and chunk at hand, rows so far.
    Drawn only on a terminal (and not with -v, whose log lines say the same); thread-safe (rich's Progress is)."""

    def __init__(self, console: Any) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("units"),
                            TimeElapsedColumn(), console=console, transient=True)  # fmt: skip
        self._tasks: dict[str, Any] = {}
        self._rows: dict[str, int] = {}
        self._seen: dict[int, int] = {}
        self._lock = threading.Lock()

    def start(self, organization: str, units: int) -> None:
        with self._lock:
            self._rows[organization] = 0
            self._tasks[organization] = self.bar.add_task(visible(organization), total=units)

    def chunk(self, unit: Any) -> None:
        """A chunk of `unit` is stored: the organization's rows grow by what the unit stored since its last chunk."""
        with self._lock:
            self._rows[unit.organization] += unit.rows - self._seen.get(id(unit), 0)
            self._seen[id(unit)] = unit.rows
            rows = self._rows[unit.organization]
        where = f"{unit.endpoint} {unit.width} {unit.grouping or '-'}"
        self.bar.update(
            self._tasks[unit.organization], description=f"{visible(unit.organization)}: {rows} rows, {where}"
        )

    def unit_done(self, unit: Any) -> None:
        self.bar.update(self._tasks[unit.organization], advance=1)


def _progress(options: Options) -> _Progress | None:
    if options.connection.verbose or not sys.stderr.isatty():
        return None
    from rich.console import Console

    return _Progress(Console(file=sys.stderr))


def _remove_if_first(path: Path, fresh: list[Path]) -> None:
    """A first sync that stored nothing leaves nothing: the database, its WAL and its lock file, when this run made
    them (`fresh`: missing before it) and no chunk was committed. A first sync stopped part way keeps what it
    committed (the next run resumes from it)."""
    if path not in fresh:
        return  # an existing history: whatever failed, what it held stays
    import duckdb

    try:
        with duckdb.connect(str(path), read_only=True) as con:
            found = con.execute("SELECT count(*) FROM sync_state").fetchone()
        if found and found[0]:
            return
    except duckdb.Error:
        pass  # not even the tables were made: nothing to keep
    for made in fresh:
        with contextlib.suppress(OSError):
            made.unlink()


def run(options: Options) -> int:
    """Sync the chosen profiles under the database lock; one summary line per profile on stdout."""
    from ... import ENDPOINT_NAMES as ENDPOINTS
    from ... import one_job
    from ...warehouse import require_duckdb
    from ...warehouse.config import RESERVED_PROFILE as SANDBOX_ORGANIZATION
    from ...warehouse.config import ConfigError
    from ...warehouse.limits import sync_limits
    from ...warehouse.lock import database_lock, lock_path
    from ...warehouse.names import sync_names
    from ...warehouse.store import Warehouse
    from ...warehouse.sync import sync
    from .. import connect
    from ..malloc import share_one_arena

    require_duckdb("sync")
    share_one_arena()  # before the units' and DuckDB's threads start: they share one heap
    now = options.now.replace(microsecond=0)  # whole seconds: the API's unit, and the watermark's
    config = load_sync_config(options.database.config)
    for name in options.endpoints or ():
        if name not in ENDPOINTS:
            raise ConfigError(f"--endpoints: unknown endpoint {name!r}; allowed: {', '.join(ENDPOINTS)}")
    if options.all_profiles and options.profile:
        raise ConfigError("--profile and --all-profiles cannot be combined; use one")
    if options.connection.sandbox:
        if options.profile or options.all_profiles:
            raise ConfigError("--sandbox syncs the synthetic organization 'sandbox'; leave out --profile")
        profiles = [SANDBOX_ORGANIZATION]
    else:
        profiles = list(config.profiles) if options.all_profiles else [config.profile(options.profile).name]
    _since(options.since, now)  # a mistake in --since costs no API call
    path = database_path(options.database, config, must_exist=False)
    failed = 0
    lock, stop = threading.Lock(), threading.Event()

    def one(name: str) -> tuple[SyncReport, NamesReport | None]:
        # the sandbox is no profile (the name is reserved): its client ignores the one given
        with _client(options.connection, config.profiles.get(name) or config.profile(None), now) as client:
            # Each organization's server states its own now: the fetches end there, grace windows count back
            # from there, and `since` (e.g. 90d) is counted from there.
            served = connect.server_now(client, options.connection, now)
            since = _since(options.since, served)
            endpoints = list(options.endpoints) if options.endpoints else None
            done = sync(warehouse, client, config, name, now=served, since=since, endpoints=endpoints, lock=lock,
                        stop=stop, progress=shown)  # fmt: skip
            names = None if options.no_names or not config.names else sync_names(
                warehouse, client, name, synced_at=served, lock=lock)  # fmt: skip
            if names is not None:  # the spend limits of the organization and its active projects (for `metrics`)
                sync_limits(warehouse, client, name, synced_at=served, lock=lock)
            return done, names

    fresh = [f for f in (path, path.with_name(path.name + ".wal"), lock_path(path)) if not f.exists()]
    shown = _progress(options)
    try:
        # One job: the organizations side by side, and the clients of one key share one pacer (one allowance).
        with one_job(), database_lock(path, wait=options.database.wait, what="sync"), database_errors(path), \
                Warehouse(path) as warehouse:  # fmt: skip
            with (shown.bar if shown else contextlib.nullcontext()), \
                    ThreadPoolExecutor(max_workers=min(len(profiles), PROFILES_AT_ONCE)) as pool:  # fmt: skip
                # each in a copy of this context: the job's pacers (`one_job`) reach the clients made in the threads
                futures = {name: pool.submit(contextvars.copy_context().run, one, name) for name in profiles}
                try:
                    outcomes: dict[str, tuple[SyncReport, NamesReport | None] | Exception] = {}
                    for name, future in futures.items():
                        outcome = _outcome(future)
                        outcomes[name] = outcome
                except BaseException:  # Ctrl-C or SIGTERM: every unit stops, a write under way rolls back
                    stop.set()
                    warehouse.interrupt()
                    raise
            for name, outcome in outcomes.items():
                if isinstance(outcome, BaseException):
                    if len(profiles) == 1:
                        raise outcome
                    failed += 1
                    said = str(outcome)
                    named = said if said.startswith(f"profile {name}: ") else f"profile {name}: {said}"
                    print(f"oai-usage: error: {visible(named)}", file=sys.stderr)
                    continue
                done, names = outcome
                named = f", {names.total} names" if names is not None and names.failed is None else ""
                resumed = f", {done.resumed} resumed" if done.resumed else ""
                print(f"synced {name}: {len(done.units)} units, {done.rows} rows fetched{resumed}{named} into "
                      f"{visible(str(path))}")  # fmt: skip
    except BaseException:
        _remove_if_first(path, fresh)
        raise
    if failed == len(profiles):
        _remove_if_first(path, fresh)
    return 1 if failed else 0


def _client(connection: Connection, profile: Profile, now: datetime) -> UsageClient:
    from .. import connect

    if connection.sandbox:
        return connect.open_client(connection, now)
    return connect.profile_client(connection, profile)


def _since(since: str | None, now: datetime) -> datetime | None:
    if not since:
        return None
    moment = dates.parse_when(since, now=now, option="--since")
    if moment >= now:
        from ...warehouse.config import ConfigError

        raise ConfigError(f"--since {since}: must be before now ({now:%Y-%m-%dT%H:%M:%SZ})")
    return moment
