"""Internal: `oai-usage metrics`: the warehouse's figures in the Prometheus text format, printed, written atomically
for the node exporter's textfile collector (`-o FILE`), or served over HTTP (`--serve PORT`, GET /metrics).

Every read opens the warehouse read-only and closes it after: no lock is taken, a sync may run meanwhile (a
scrape reads its last committed state), and the server holds nothing between scrapes.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ..database import database_errors, database_path, load_sync_config
from ..options import Database, add_database, add_output, add_profile
from ..output import open_output, visible
from .base import CommandSet

__all__ = ["CLIENT_TIMEOUT", "DEFAULT_HOST", "PATH", "Options", "make_server", "read_metrics", "register", "run"]

log = logging.getLogger("oai_usage.cli")

DEFAULT_HOST = "127.0.0.1"
PATH = "/metrics"
CLIENT_TIMEOUT = 30.0
"""Seconds a client may take to send its request or to take the answer: a stalled one is dropped, never kept."""
HELP = "print the warehouse's figures as Prometheus metrics (-o FILE for the textfile collector, --serve PORT)"


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number from 0 to 65535 (0: any free port)")
    return value


def register(commands: CommandSet) -> None:
    parser = commands.add("metrics", HELP, sys.modules[__name__])
    if not commands.wanted("metrics"):
        return
    add_database(parser, db_help="the warehouse to read (default: $XDG_DATA_HOME/oai-usage/usage.duckdb); read-only, "
                 "no lock: a sync may run meanwhile")  # fmt: skip
    add_profile(parser, all_profiles=True,
                profile_help="the organization (a profile the warehouse holds; default: the only one it holds)",
                all_profiles_help="every organization the warehouse holds, each labelled")  # fmt: skip
    add_output(parser)
    parser.add_argument("--serve", type=_port, metavar="PORT", help="serve GET /metrics over HTTP on PORT "
                        "(0: any free port, said on stderr), reading the warehouse at each scrape")  # fmt: skip
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"with --serve: the address to listen on (default: "
                        f"{DEFAULT_HOST}, this machine only)")  # fmt: skip


@dataclass(frozen=True)
class Options:
    """What `metrics` was asked: the warehouse and its organizations, and where the text goes."""

    now: datetime
    database: Database
    profile: str | None = None
    all_profiles: bool = False
    output: str | None = None
    serve: int | None = None
    host: str = DEFAULT_HOST

    @classmethod
    def from_args(cls, args: argparse.Namespace, now: datetime) -> Options:
        return cls(now=now, database=Database.from_args(args), profile=args.profile, all_profiles=args.all_profiles,
                   output=args.output, serve=args.serve, host=args.host)  # fmt: skip


def _chosen(held: list[str], options: Options, path: Any) -> list[str]:
    """The organizations to show: --profile, every one (--all-profiles), or the only one held."""
    from ...warehouse.report_rows import CoverageError

    if options.profile and options.all_profiles:
        from ...errors import ValidationError

        raise ValidationError("--profile and --all-profiles cannot be combined; use one", param="--profile")
    if options.profile:
        if options.profile not in held:
            raise CoverageError(f"--profile {options.profile}: {path} holds no data for it; it holds: "
                                f"{', '.join(held) or 'nothing yet'}")  # fmt: skip
        return [options.profile]
    if not options.all_profiles and len(held) > 1:
        raise CoverageError(f"--db {path} holds {len(held)} organizations ({', '.join(held)}): choose one with "
                            "--profile NAME, or --all-profiles for each (labelled by organization)")  # fmt: skip
    if not held:
        raise CoverageError(f"{path} holds no data yet; run oai-usage sync first")
    return held


def read_metrics(options: Options) -> str:
    """The exposition text, read now from the warehouse (opened read-only, closed after)."""
    from ...warehouse import require_duckdb
    from ...warehouse.metrics import exposition
    from ...warehouse.store import Warehouse

    require_duckdb("metrics")
    config = load_sync_config(options.database.config)
    path = database_path(options.database, config, must_exist=True)
    with database_errors(path), Warehouse(path, read_only=True, wait=options.database.wait) as warehouse:
        chosen = _chosen(warehouse.organizations(), options, path)
        return exposition(warehouse, chosen, clean=_shown)


def _shown(text: str) -> str:
    """A label value: escaped for a terminal, and no key a server echoed into a stored name (no client is live)."""
    from ...alerts import mask_key_like

    return mask_key_like(visible(text))


def run(options: Options) -> int:
    if options.serve is not None and options.output is not None:
        from ...errors import ValidationError

        raise ValidationError("-o and --serve cannot be combined: write a file, or serve it", param="--serve")
    if options.serve is None and options.host != DEFAULT_HOST:
        from ...errors import ValidationError

        raise ValidationError("--host goes with --serve", param="--host")
    if options.output not in (None, "-"):
        from ..paths import check_target

        check_target(options.output, "-o")  # a path mistake costs no read
    text = read_metrics(options)  # also before serving: a wrong --db or --profile is one line and exit 2, now
    if options.serve is None:
        with open_output(options.output) as out:
            out.write(text)
        return 0
    server = make_server(options.host, options.serve, lambda: read_metrics(options))
    host, port = str(server.server_address[0]), server.server_address[1]
    shown = f"[{host}]" if ":" in host else host  # an IPv6 address in a URL
    print(f"oai-usage: serving http://{visible(shown)}:{port}{PATH} (Ctrl-C to stop)", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0


class _Handler(BaseHTTPRequestHandler):
    """GET (and HEAD) /metrics; 404 for any other path, 405 for any other method. Read-only."""

    server: _Server
    server_version = "oai-usage"
    sys_version = ""
    timeout = CLIENT_TIMEOUT

    def version_string(self) -> str:
        return self.server_version

    def _answer(self, body: bytes) -> None:
        from ...warehouse.metrics import CONTENT_TYPE

        path = self.path.split("?", 1)[0]
        if path != PATH:
            self._plain(404, f"not found: the metrics are at {PATH}\n")
            return
        try:
            text = self.server.read()
        except Exception as exc:  # one line to the scraper and the log; the server keeps serving
            log.warning("metrics: a scrape failed: %s", str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
            self._plain(500, f"oai-usage metrics failed: {visible(str(exc))}\n")
            return
        data = text.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", CONTENT_TYPE)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _plain(self, code: int, text: str, allow: bool = False) -> None:
        data = text.encode("utf-8")
        self.send_response(code)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        if allow:
            self.send_header("Allow", "GET, HEAD")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def do_GET(self) -> None:
        self._answer(b"body")

    def do_HEAD(self) -> None:
        self._answer(b"")

    def _refuse(self) -> None:
        self._plain(405, "method not allowed: GET /metrics only\n", allow=True)

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_TRACE = do_CONNECT = _refuse

    def log_message(self, format: str, *args: Any) -> None:
        log.info("metrics: %s %s", self.address_string(), format % args)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], read: Callable[[], str], timeout: float = CLIENT_TIMEOUT) -> None:
        self.read = read
        super().__init__(address, type("_TimedHandler", (_Handler,), {"timeout": timeout}))

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client gone or too slow mid-answer: one log line, never a traceback on stderr."""
        failure = sys.exc_info()[1]
        log.info("metrics: a connection from %s ended early: %s", client_address[0], type(failure).__name__)


def make_server(host: str, port: int, read: Callable[[], str], *,
                timeout: float = CLIENT_TIMEOUT) -> ThreadingHTTPServer:  # fmt: skip
    """An HTTP server of `read()`'s text at GET /metrics (bound, not yet serving), each client in a thread of its
    own and dropped when it stalls for `timeout` seconds; a CliError for an address that cannot be used."""
    import socket

    from ..exit_codes import CliError

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise CliError(f"--host {host}: cannot resolve it ({exc.strerror or exc})") from None
    family = infos[0][0]
    server_class = type("_BoundServer", (_Server,), {"address_family": family})
    try:
        return server_class((host, port), read, timeout)  # type: ignore[no-any-return]
    except OSError as exc:
        raise CliError(f"--serve {port}: cannot listen on {host}:{port}: {exc.strerror or exc}") from None
