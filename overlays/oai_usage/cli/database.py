"""Internal: the warehouse as the commands open it: the config file, the database path (`--db`, the config's, the
default, or the sandbox's), and DuckDB or file-system failures as one line.

DuckDB is imported only here and under `oai_usage.warehouse`, when a warehouse command runs.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..warehouse.config import SyncConfig
    from .options import Database

__all__ = ["SANDBOX_DATABASE", "database_errors", "database_path", "load_sync_config"]

SANDBOX_DATABASE = "sandbox.duckdb"
"""`--sandbox sync` and `--sandbox export` without --db use this file beside the default database, not the real one."""


def load_sync_config(config: str | None) -> SyncConfig:
    """oai-usage.toml: `config` (--config), else the usual places."""
    from ..warehouse.config import find_config, load_config

    return load_config(find_config(config))


def database_path(database: Database, config: SyncConfig, *, must_exist: bool) -> Path:
    """The database file: --db, else (with --sandbox) the sandbox's beside the default, else the config's or the
    default; a ConfigError naming --db for a path that cannot be one."""
    import os

    from ..warehouse.config import ConfigError, default_database

    if database.db:
        path = Path(os.path.expanduser(database.db))  # as the config's `database`: a cron or systemd line has no shell
    elif database.sandbox:  # synthetic figures never land in the real history by default
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
        if database.db:
            raise ConfigError(f"--db {path}: the directory {path.parent} does not exist")
        path.parent.mkdir(parents=True, exist_ok=True)  # the default data directory
    return path


@contextmanager
def database_errors(path: Path) -> Iterator[None]:
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
