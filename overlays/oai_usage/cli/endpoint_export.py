"""Internal: `oai-usage usage ENDPOINT` and `oai-usage costs`: one endpoint's rows over a range, in every format."""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..timeparse import iso_datetime
from . import dates, output, paths
from .options import (
    ID_LISTS,
    Connection,
    add_csv_raw,
    add_format,
    add_id_lists,
    add_output,
    add_profile,
    add_range,
    comma_list,
    one_value,
    parse_range,
)

__all__ = ["UNSPLIT_LISTS", "RowsOptions", "add_endpoint_options", "write_endpoint_rows"]

log = logging.getLogger("oai_usage.cli")

UNSPLIT_LISTS = frozenset({"line_items"})
"""List filters whose values may contain commas (costs line items are named like "gpt-image-1, 1024x1792"): each flag
is one value, never split."""


def add_endpoint_options(parser: argparse.ArgumentParser, endpoint: str) -> None:
    """The range, the endpoint's query options (from the registry), the output options and the profile."""
    from . import connect  # the endpoint registry (generated models): only for the command being run

    add_range(parser, default_start="7d")
    spec = connect.endpoint_options(endpoint)
    parser.add_argument("--bucket-width", choices=spec.bucket_widths, help="bucket width (API default 1d)")
    group_help = "group by these dimensions, in this order (repeatable): " + ", ".join(spec.group_by)
    parser.add_argument("--group-by", type=comma_list, action="extend", metavar="A,B", help=group_help)
    parser.add_argument("--limit", type=int, help="buckets per page (default: the largest the width allows)")
    for name, allowed in spec.list_filters.items():
        flag = f"--{name.replace('_', '-')}"
        if name in ID_LISTS and not allowed:
            add_id_lists(parser, [name])
            continue
        if name in UNSPLIT_LISTS:
            hint = "one value per flag, never split on commas (repeat the flag for more)"
            parser.add_argument(flag, dest=name, type=one_value, action="extend", metavar="VALUE", help=hint)
            continue
        hint = "comma-separated, repeatable; " + (f"one of {', '.join(allowed)}" if allowed else "IDs or names")
        parser.add_argument(flag, dest=name, type=comma_list, action="extend", metavar="A,B", help=hint)
    if spec.has_batch:
        parser.add_argument("--batch", choices=["true", "false"], help="only batch (true) or only non-batch (false)")
    add_format(parser, output.FORMATS)
    add_output(parser)
    parser.add_argument("--keep-empty", action="store_true",
                        help="an empty bucket gives one row (empty dimensions, zeros) instead of none")  # fmt: skip
    parser.add_argument("--ids", action="store_true", help="tables show project, key and user IDs, not names")
    parser.add_argument("--names", action="store_true",
                        help="csv/json/jsonl: add project_name, api_key_name, user_email after the IDs")  # fmt: skip
    add_csv_raw(parser)
    add_profile(parser)


@dataclass(frozen=True)
class RowsOptions:
    """What `usage ENDPOINT` and `costs` were asked."""

    endpoint: str
    now: datetime
    connection: Connection
    start: str
    end: str | None
    tz: str | None
    bucket_width: str | None
    group_by: tuple[str, ...]
    limit: int | None
    filters: tuple[tuple[str, tuple[str, ...]], ...]  # the endpoint's list filters given, in the registry's order
    batch: bool | None
    format: str
    output: str | None
    keep_empty: bool
    ids: bool
    names: bool
    csv_raw: bool

    @classmethod
    def from_args(cls, args: argparse.Namespace, now: datetime) -> RowsOptions:
        from . import connect

        endpoint = "costs" if args.command == "costs" else args.endpoint
        spec = connect.endpoint_options(endpoint)
        filters = tuple((name, tuple(getattr(args, name))) for name in spec.list_filters if getattr(args, name, None))
        batch = getattr(args, "batch", None)
        return cls(
            endpoint=endpoint,
            now=now,
            connection=Connection.from_args(args),
            start=args.start,
            end=args.end,
            tz=args.tz,
            bucket_width=args.bucket_width,
            group_by=tuple(args.group_by or ()),
            limit=args.limit,
            filters=filters,
            batch=None if batch is None else batch == "true",
            format=args.format,
            output=args.output,
            keep_empty=args.keep_empty,
            ids=args.ids,
            names=args.names,
            csv_raw=args.csv_raw,
        )


def _query_params(options: RowsOptions, start: datetime, end: datetime) -> dict[str, Any]:
    params: dict[str, Any] = {"start_time": start, "end_time": end}
    if options.bucket_width:
        params["bucket_width"] = options.bucket_width
    if options.group_by:
        params["group_by"] = list(options.group_by)
    if options.limit is not None:
        params["limit"] = options.limit
    for name, values in options.filters:
        params[name] = list(values)
    if options.batch is not None:
        params["batch"] = options.batch
    return params


def write_endpoint_rows(options: RowsOptions) -> int:
    """Fetch the endpoint's rows over the range (counted from the server's now) and write them."""
    from . import connect

    endpoint, now = options.endpoint, options.now
    tz = dates.zone(options.tz)
    parse_range(options.start, options.end, now=now, tz=tz)  # a mistake in the range costs no API call
    paths.check_targets(("-o", options.output))  # nor does a path mistake
    with connect.open_client(options.connection, now) as client:
        now = connect.server_now(client, options.connection, now)
        asked = parse_range(options.start, options.end, now=now, tz=tz)  # counted from the server's now
        start, end = asked.start, asked.end
        params = _query_params(options, start, end)
        _ids_for_names(client, params)
        if options.keep_empty:
            from .empty import rows_keeping_empty

            rows = rows_keeping_empty(client, endpoint, params)
        else:
            rows = connect.rows_with_progress(client, endpoint, params)
        columns = connect.columns(endpoint)
        group_by = params.get("group_by")
        rows, columns, group_by = _with_names(options, client, rows, columns, group_by)
        if tz is not UTC:  # UTC instants stay; local times are added beside them
            rows, columns = dates.with_local_times(rows, tz), (*columns, *dates.LOCAL_COLUMNS)
        with output.open_output(options.output) as out:
            title = "costs" if endpoint == "costs" else f"{endpoint} usage"
            count = output.write_rows(options.format, rows, out, columns, title=title, group_by=group_by,
                                      csv_raw=options.csv_raw)  # fmt: skip
    served = min(end, now)
    if end > now:
        print(f"oai-usage: note: the range ends in the future ({iso_datetime(end)}); it is served up to now "
              f"({iso_datetime(now)})", file=sys.stderr)  # fmt: skip
    if count == 0:
        print(f"oai-usage: no data for {title} from {iso_datetime(start)} to {iso_datetime(served)}", file=sys.stderr)
    log.info("wrote %d rows", count)
    return 0


def _ids_for_names(client: Any, params: dict[str, Any]) -> None:
    """The ID filters take names too (a project's or key's name, a user's e-mail or name): each becomes its ID, so no
    name is ever sent as an ID. The directory is read only when a value is not an ID (and kept for --names)."""
    from .organization import ID_FILTERS, load_directory, resolve_ids

    wanted = [name for name in ID_FILTERS if params.get(name)]
    names = [v for name in wanted for v in params[name] if not v.startswith(ID_FILTERS[name].prefix)]
    directory = load_directory(client) if names else None
    for name in wanted:
        params[name] = resolve_ids(directory, name, params[name], f"--{name.replace('_', '-')}")


def _with_names(
    options: RowsOptions, client: Any, rows: Any, columns: tuple[str, ...], group_by: list[str] | None
) -> tuple[Any, tuple[str, ...], list[str] | None]:
    """Tables name projects, keys and users (unless --ids); --names adds name columns to csv/json/jsonl."""
    from .organization import NAME_COLUMNS, load_directory, named_columns, named_group_by, named_rows

    table = options.format == "table"
    if (table and options.ids) or (not table and not options.names) or not set(group_by or ()) & set(NAME_COLUMNS):
        return rows, columns, group_by
    directory = load_directory(client)
    if table:
        return named_rows(rows, directory, replace=True), named_columns(columns, replace=True), named_group_by(group_by)
    return named_rows(rows, directory, replace=False), named_columns(columns, replace=False), group_by
