"""`oai-usage sync`, `oai-usage export --parquet` and `report --db`: the command line of the warehouse.

DuckDB is imported only here and under `oai_usage.warehouse`, when one of these commands runs.
"""

from __future__ import annotations

import argparse
import contextlib
import contextvars
import math
import os
import signal
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, TypeVar

from .. import errors
from . import dates
from .output import visible

if TYPE_CHECKING:
    from .. import UsageClient
    from ..warehouse.config import Profile, SyncConfig
    from ..warehouse.names import NamesReport
    from ..warehouse.report_rows import WarehouseRows
    from ..warehouse.sync import SyncReport

SANDBOX_DATABASE = "sandbox.duckdb"
"""`--sandbox sync` and `--sandbox export` without --db use this file beside the default database, not the real one."""


def wait_seconds(text: str) -> float:
    """--wait: a number of seconds, 0 or more (`nan` would wait for ever, a negative number means nothing)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (0 <= value <= 86400):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds from 0 to 86400")
    return value


def add_db_options(parser: argparse.ArgumentParser, *, profiles: bool = True) -> None:
    """--db, --config, --wait (and --profile/--all-profiles) shared by sync, export and report --db."""
    parser.add_argument("--db", metavar="PATH", help="the DuckDB file (default: $XDG_DATA_HOME/oai-usage/usage.duckdb)")
    parser.add_argument("--config", metavar="FILE", help="oai-usage.toml (default: ./oai-usage.toml, then "
                        "$XDG_CONFIG_HOME/oai-usage/oai-usage.toml)")  # fmt: skip
    parser.add_argument("--wait", type=wait_seconds, default=0.0, metavar="SECONDS",
                        help="wait up to SECONDS for another sync of the database (default: exit at once)")  # fmt: skip
    if profiles:
        parser.add_argument("--profile", metavar="NAME", help="the organization (a profile of oai-usage.toml)")
        parser.add_argument("--all-profiles", action="store_true", help="every profile of oai-usage.toml")


def add_sync_options(parser: argparse.ArgumentParser) -> None:
    add_db_options(parser)
    parser.add_argument("--since", help="history to backfill on a first run (default: the plan's, 30d); an earlier "
                        f"date than the history kept backfills it; {dates.ALLOWED}")  # fmt: skip
    parser.add_argument("--endpoints", type=lambda t: [p.strip() for p in t.split(",") if p.strip()],
                        action="extend", metavar="A,B", help="only these endpoints (default: config)")  # fmt: skip
    parser.add_argument("--no-names", action="store_true", help="do not fetch the name directory (projects, API "
                        "keys, users); the names stored before are kept (config: names = false)")  # fmt: skip


def add_export_options(parser: argparse.ArgumentParser) -> None:
    add_db_options(parser, profiles=False)
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--parquet", metavar="DIR",
                        help="write a Hive-partitioned Parquet dataset (endpoint=, date=) into DIR")  # fmt: skip
    target.add_argument("--focus", metavar="FILE", help="write daily costs as a FOCUS 1.2 dataset: FILE.csv or "
                        "FILE.parquet (see --live, --start, --end)")  # fmt: skip


def add_report_db_options(parser: argparse.ArgumentParser) -> None:
    """report --db PATH [--profile NAME] [--config FILE] [--wait S]: the report from the warehouse, no API call."""
    parser.add_argument("--db", metavar="PATH", help="report from this warehouse (oai-usage sync), with no API call: "
                        "figures and names as of the last sync; spend limits are live data, left out")  # fmt: skip
    parser.add_argument("--config", metavar="FILE", help="oai-usage.toml (for --db's default path)")
    parser.add_argument("--wait", type=wait_seconds, default=0.0, metavar="SECONDS",
                        help="with --db: wait up to SECONDS for a sync holding the database")  # fmt: skip
    parser.add_argument("--profile", metavar="NAME", help="with --db: the organization (default: the only one it "
                        "holds)")  # fmt: skip
    parser.add_argument("--all-profiles", action="store_true", help="with --db: each organization it holds, and "
                        "their total")  # fmt: skip


def _config(args: argparse.Namespace) -> SyncConfig:
    from ..warehouse.config import find_config, load_config

    return load_config(find_config(getattr(args, "config", None)))


def _database(args: argparse.Namespace, config: SyncConfig, *, must_exist: bool) -> Path:
    from ..warehouse.config import ConfigError, default_database

    if args.db:
        path = Path(os.path.expanduser(args.db))  # as the config's `database`: a cron or systemd line has no shell
    elif getattr(args, "sandbox", False):  # synthetic figures never land in the real history by default
        path = default_database().with_name(SANDBOX_DATABASE)
    else:
        path = default_database(config)
    if path.is_dir():
        raise ConfigError(f"--db {path}: a directory; give the database file")
    if path.exists() and not path.is_file():  # a fifo would hang DuckDB's open; /dev/null would get a lock beside it
        raise ConfigError(f"--db {path}: not a regular file; give the database file")
    if must_exist and not path.is_file():
        raise ConfigError(f"--db {path}: no such database; run oai-usage sync first")
    if not path.parent.is_dir():
        if args.db:
            raise ConfigError(f"--db {path}: the directory {path.parent} does not exist")
        path.parent.mkdir(parents=True, exist_ok=True)  # the default data directory
    return path


def _client(args: argparse.Namespace, profile: Profile, now: datetime) -> UsageClient:
    from . import fetch

    if args.sandbox:
        return fetch.open_client(args, now)
    return fetch.profile_client(args, profile)


def _since(args: argparse.Namespace, now: datetime) -> datetime | None:
    if not args.since:
        return None
    since = dates.parse_when(args.since, now=now, option="--since")
    if since >= now:
        from ..warehouse.config import ConfigError

        raise ConfigError(f"--since {args.since}: must be before now ({now:%Y-%m-%dT%H:%M:%SZ})")
    return since


@contextmanager
def _database_errors(path: Path) -> Iterator[None]:
    """A DuckDB or file-system failure under a command (disk full, I/O error) as one line, exit 1, not a traceback.

    DuckDB runs Python's signal handlers inside a query and swallows what they raise: a Ctrl-C or SIGTERM during a
    write comes out as RuntimeError("Query interrupted") (the transaction is rolled back). The signal received is
    noted here and raised again as itself (KeyboardInterrupt: exit 130; SIGTERM's and SIGHUP's handler: exit 143,
    129)."""
    import duckdb

    from ..warehouse import WarehouseError

    received: list[int] = []
    previous: dict[int, Any] = {}

    def note(signum: int, frame: FrameType | None) -> None:
        received.append(signum)
        handler = previous.get(signum)
        if callable(handler):
            handler(signum, frame)
        elif signum == signal.SIGINT:
            raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        for wanted in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            handler = signal.getsignal(wanted)
            if callable(handler):  # leave an ignored or default (fatal) signal as it is
                previous[wanted] = handler
                signal.signal(wanted, note)
    try:
        yield
    except duckdb.Error as exc:
        raise WarehouseError(f"{path}: {str(exc).splitlines()[0]}") from None
    except BrokenPipeError:
        raise
    except OSError as exc:  # the export's directories: disk full, permission, a name taken under us
        raise WarehouseError(f"{exc.filename or path}: {exc.strerror or exc}") from None
    except RuntimeError as exc:
        if not received or "interrupted" not in str(exc).lower():
            raise
        last = received[-1]
        on_term = previous.get(last)
        if last in (signal.SIGTERM, signal.SIGHUP) and callable(on_term):
            on_term(last, None)  # raises the CLI's Terminated
        raise KeyboardInterrupt from None
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


T = TypeVar("T")

PROFILES_AT_ONCE = 8
"""Organizations synced side by side by `sync --all-profiles` (each with its own key, so its own allowance)."""


def _outcome(future: Future[T]) -> T | Exception:
    """The future's result, or the API or key error it raised (other errors propagate)."""
    try:
        return future.result()
    except (errors.OaiUsageError, errors.MissingAdminKeyError) as exc:
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


def _progress(args: argparse.Namespace) -> _Progress | None:
    if args.verbose or not sys.stderr.isatty():
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


def run_sync(args: argparse.Namespace, now: datetime) -> int:
    """Sync the chosen profiles under the database lock; one summary line per profile on stdout."""
    from .. import ENDPOINT_NAMES as ENDPOINTS
    from .. import one_job
    from ..warehouse import require_duckdb
    from ..warehouse.config import RESERVED_PROFILE as SANDBOX_ORGANIZATION
    from ..warehouse.config import ConfigError
    from ..warehouse.lock import database_lock, lock_path
    from ..warehouse.names import sync_names
    from ..warehouse.store import Warehouse
    from ..warehouse.sync import sync
    from . import fetch

    require_duckdb("sync")
    now = now.replace(microsecond=0)  # whole seconds: the API's unit, and the watermark's
    config = _config(args)
    for name in args.endpoints or ():
        if name not in ENDPOINTS:
            raise ConfigError(f"--endpoints: unknown endpoint {name!r}; allowed: {', '.join(ENDPOINTS)}")
    if args.all_profiles and args.profile:
        raise ConfigError("--profile and --all-profiles cannot be combined; use one")
    if args.sandbox:
        if args.profile or args.all_profiles:
            raise ConfigError("--sandbox syncs the synthetic organization 'sandbox'; leave out --profile")
        profiles = [SANDBOX_ORGANIZATION]
    else:
        profiles = list(config.profiles) if args.all_profiles else [config.profile(args.profile).name]
    _since(args, now)  # a mistake in --since costs no API call
    path = _database(args, config, must_exist=False)
    failed = 0
    lock, stop = threading.Lock(), threading.Event()

    def one(name: str) -> tuple[SyncReport, NamesReport | None]:
        # the sandbox is no profile (the name is reserved): its client ignores the one given
        with _client(args, config.profiles.get(name) or config.profile(None), now) as client:
            # Each organization's server states its own now: the fetches end there, grace windows count back
            # from there, and `since` (e.g. 90d) is counted from there.
            served = fetch.server_now(client, args, now)
            since = _since(args, served)
            done = sync(warehouse, client, config, name, now=served, since=since, endpoints=args.endpoints,
                        lock=lock, stop=stop, progress=shown)  # fmt: skip
            names = None if args.no_names or not config.names else sync_names(
                warehouse, client, name, synced_at=served, lock=lock)  # fmt: skip
            return done, names

    fresh = [f for f in (path, path.with_name(path.name + ".wal"), lock_path(path)) if not f.exists()]
    shown = _progress(args)
    try:
        # One job: the organizations side by side, and the clients of one key share one pacer (one allowance).
        with one_job(), database_lock(path, wait=args.wait, what="sync"), _database_errors(path), \
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


def run_export(args: argparse.Namespace, now: datetime) -> int:
    from ..warehouse import require_duckdb
    from ..warehouse.export import export_parquet
    from ..warehouse.store import Warehouse

    require_duckdb("export")
    config = _config(args)
    path = _database(args, config, must_exist=True)
    target = Path(args.parquet)
    # A reader takes no lock of its own: it reads the last committed state, beside a sync (see store.Warehouse).
    with _database_errors(path), Warehouse(path, read_only=True, wait=args.wait) as warehouse:
        counts = export_parquet(warehouse, target)
    rows = {k: c for k, c in counts.items() if not k.startswith("names_")}
    names = sum(c for k, c in counts.items() if k.startswith("names_"))
    print(f"exported {sum(rows.values())} rows of {sum(1 for c in rows.values() if c)} endpoints"
          + (f" and {names} names" if names else "") + f" to {visible(str(target))}")  # fmt: skip
    return 0


@contextmanager
def report_source(args: argparse.Namespace) -> Iterator[tuple[WarehouseRows, datetime]]:
    """The warehouse rows of one organization for `report --db`, and the time of their data (the last sync).

    The organization is `--profile`, or the only one the database holds; with several and no `--profile`, a
    ConfigError naming them (exit 2): figures of two organizations are never added up unasked (`--all-profiles`
    shows each and their total, see report_sources). No lock is taken: the last committed state is read, also
    while a sync runs."""
    from ..warehouse.report_rows import CoverageError, WarehouseRows

    with _open_for_report(args) as (warehouse, path):
        held = warehouse.organizations()
        if args.profile and args.profile not in held:
            raise CoverageError(f"--profile {args.profile}: {path} holds no data for it; it holds: "
                                f"{', '.join(held) or 'nothing yet'}")  # fmt: skip
        if not args.profile and len(held) > 1:
            raise CoverageError(f"--db {path} holds {len(held)} organizations ({', '.join(held)}): choose one with "
                                "--profile NAME, or --all-profiles for each and their total")  # fmt: skip
        source = WarehouseRows(warehouse, [args.profile] if args.profile else held)
        yield source, source.data_end()


@contextmanager
def report_sources(args: argparse.Namespace) -> Iterator[tuple[list[WarehouseRows], WarehouseRows, datetime]]:
    """`report --db --all-profiles`: the rows of each organization the database holds, the rows of all of them
    (their total), and the time of the data: the last sync common to all, so every part covers the same period."""
    from ..warehouse.report_rows import WarehouseRows

    if args.profile:
        from ..warehouse.config import ConfigError

        raise ConfigError("--profile and --all-profiles cannot be combined; use one")
    with _open_for_report(args) as (warehouse, _path):
        held = warehouse.organizations()
        total = WarehouseRows(warehouse, held)
        data_now = total.data_end()
        yield [WarehouseRows(warehouse, [org]) for org in held], total, data_now


@contextmanager
def _open_for_report(args: argparse.Namespace) -> Iterator[tuple[Any, Path]]:
    from ..warehouse import require_duckdb
    from ..warehouse.store import Warehouse

    require_duckdb("report --db")
    config = _config(args)
    path = _database(args, config, must_exist=True)
    with _database_errors(path), Warehouse(path, read_only=True, wait=args.wait) as warehouse:
        yield warehouse, path


def name_report(source: WarehouseRows, args: argparse.Namespace) -> dict[str, Any]:
    """The labels of a `report --db`: the names stored by the last sync (projects, API keys, users' e-mails), as the
    live report has the directory's (tables show IDs with --ids), whose figures, and the caveat that spend limits
    stay out (live data)."""
    from ..report import Caveat

    return {**source.labels(), "show_names": not getattr(args, "ids", False),
            "organizations": tuple(source.organizations), "notes": (Caveat("limits_not_in_warehouse"),)}  # fmt: skip
