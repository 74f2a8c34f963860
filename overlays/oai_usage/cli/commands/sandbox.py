"""Internal: `oai-usage sandbox`: serve the sandbox API over HTTP (for other clients) until interrupted."""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from ... import errors
from ..exit_codes import CliError
from .base import CommandSet

if TYPE_CHECKING:
    from oai_usage_sandbox import SandboxConfig

__all__ = ["Options", "check_port", "register", "run"]


def register(commands: CommandSet) -> None:
    sandbox = commands.add("sandbox", "serve the sandbox API over HTTP (for other clients)", sys.modules[__name__],
                           global_options=False)  # fmt: skip
    if commands.wanted("sandbox"):
        from oai_usage_sandbox.options import build_arg_parser as sandbox_options

        sandbox_options(sandbox)


@dataclass(frozen=True)
class Options:
    """The sandbox's configuration, where to listen, and the log level."""

    config: SandboxConfig
    host: str
    port: int
    level: int

    @classmethod
    def from_args(cls, args: argparse.Namespace, now: datetime) -> Options:
        from oai_usage_sandbox.options import config_from_args

        try:
            config = config_from_args(args)
            level = logging.getLevelName(args.log_level.upper())
            if not isinstance(level, int):
                raise ValueError(f"--log-level: unknown level {args.log_level!r}; use DEBUG, INFO, WARNING or ERROR")
        except ValueError as exc:
            raise CliError(str(exc)) from None
        return cls(config, args.host, args.port, level)


def run(options: Options) -> int:
    """Serve the sandbox over HTTP until interrupted; it logs the URL it serves."""
    from oai_usage_sandbox.server import MissingServerError, serve

    logging.getLogger().setLevel(min(options.level, logging.getLogger().level))
    check_port(options.host, options.port)
    try:
        serve(options.config, options.host, options.port)
    except MissingServerError as exc:  # the sandbox never imports the library: its error becomes the library's one
        raise errors.MissingDependencyError(str(exc)) from None
    return 0


def check_port(host: str, port: int) -> None:
    """A busy or unusable address is a user mistake: one line and exit 2 (not uvicorn's log and exit 3)."""
    import socket

    if port == 0:
        return
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise CliError(f"--host {host}: cannot resolve it ({exc.strerror or exc})") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind(address)
        except OSError as exc:
            raise CliError(f"--port {port}: cannot listen on {host}:{port}: {exc.strerror or exc}") from None
