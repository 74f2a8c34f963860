"""`python -m oai_usage_sandbox`: serve the sandbox over HTTP (options in `options`, reused by the CLI)."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

from .options import build_arg_parser, config_from_args
from .server import MissingServerError, serve

__all__ = ["build_arg_parser", "config_from_args", "main"]  # the first two re-exported for older imports


def main(argv: Sequence[str] | None = None) -> int:
    """Parse options and serve until interrupted."""
    args = build_arg_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        config = config_from_args(args)
    except ValueError as exc:
        print(f"oai_usage_sandbox: {exc}", file=sys.stderr)
        return 2
    try:
        serve(config, args.host, args.port)
    except MissingServerError as exc:
        print(f"oai_usage_sandbox: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
