"""`oai-usage check`: evaluate the alert rules, say each finding, send new ones, exit non-zero when one fires.

Exit codes (also in docs/alerts.md): 0 nothing fired; 3 at least one finding (`EXIT_FINDINGS`); 4 findings, and a
notification target failed (`EXIT_NOTIFY_FAILED`: its findings are sent again next run); errors as every command:
1 (the API, the database, a file), 2 (a mistake in the options or the config).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import IO, Any

from ..options import Connection, Database, add_database, add_format, add_profile
from .base import CommandSet

__all__ = ["EXIT_FINDINGS", "EXIT_NOTIFY_FAILED", "Options", "register", "run"]

EXIT_FINDINGS = 3
"""A rule fired (and every notification asked for went out, or none was asked for)."""
EXIT_NOTIFY_FAILED = 4
"""A rule fired and a notification target failed: its findings are sent again next run."""
FORMATS = ("table", "json")
HELP = "evaluate alert rules (limits, unusual days, new spenders, stale data); exit 3 when one fires"


def register(commands: CommandSet) -> None:
    check = commands.add("check", HELP, sys.modules[__name__])
    if not commands.wanted("check"):
        return
    add_database(check, db_help="judge the warehouse's figures (oai-usage sync) instead of the API's; adds the "
                 "stale-data rule; spend limits are those the last sync read",
                 wait_help="with --db: wait up to SECONDS for a sync holding the database")  # fmt: skip
    add_profile(check, profile_help="the organization: a profile of oai-usage.toml (its key variable and its "
                "[profiles.NAME.check] rules)")  # fmt: skip
    check.add_argument("--notify", action="append", default=[], metavar="URL",
                       help="send each new finding to this Apprise URL (repeatable; also `notify` in [check]): "
                       "json://host/path, slack://..., mailto://...; needs oai-usage[alerts]")  # fmt: skip
    check.add_argument("--state", metavar="FILE", help="what was sent already (default: oai-usage-check-state.json "
                       "beside the config file, else in $XDG_STATE_HOME/oai-usage/)")  # fmt: skip
    check.add_argument("--dry-run", action="store_true", help="say the findings, send nothing, change no state")
    add_format(check, FORMATS)


@dataclass(frozen=True)
class Options:
    """What `check` was asked: where the figures come from, where findings go, how they are said."""

    now: datetime
    connection: Connection
    database: Database
    notify: tuple[str, ...] = ()
    state: str | None = None
    dry_run: bool = False
    format: str = "table"

    @classmethod
    def from_args(cls, args: argparse.Namespace, now: datetime) -> Options:
        return cls(now=now, connection=Connection.from_args(args), database=Database.from_args(args),
                   notify=tuple(args.notify), state=args.state, dry_run=args.dry_run, format=args.format)  # fmt: skip


@dataclass(frozen=True)
class _Outcome:
    findings: tuple[Any, ...]
    as_of: datetime
    source: str
    organization: str
    notes: tuple[str, ...]


def run(options: Options) -> int:
    """Evaluate, print, notify; the exit code says whether a rule fired (3) or a target failed (4)."""
    from ...alerts import NotifyState, check_targets, default_state_path, notify_findings
    from ...warehouse.config import find_config, load_config

    config_path = find_config(options.connection.config)
    config = load_config(config_path)
    if options.connection.sandbox and options.connection.profile:
        from ...errors import ValidationError

        raise ValidationError("--sandbox runs the synthetic organization: leave out --profile", param="--profile")
    if options.state is not None and not options.state.strip():
        from ...errors import ValidationError

        raise ValidationError("--state: a file path, not an empty one", param="--state")
    settings = config.check_for(options.connection.profile)
    urls = tuple(dict.fromkeys((*options.notify, *settings.notify)))
    check_targets(urls)  # a bad URL or a missing apprise costs no API call
    with contextlib.ExitStack() as stack:
        state = None
        if urls and not options.dry_run:  # one run at a time sends: a second one waits, then sends nothing twice
            path = options.state or settings.state or default_state_path(config_path)
            state = stack.enter_context(NotifyState.held(path))
        outcome = _from_warehouse(options, settings) if options.database.db else _from_api(options, settings)
        delivery = None
        if state is not None:
            delivery = notify_findings(outcome.findings, urls, state, today=outcome.as_of.date())
    code = EXIT_NOTIFY_FAILED if delivery is not None and delivery.failed else EXIT_FINDINGS if outcome.findings else 0
    import io

    from ...alerts import mask_key_like
    from ..output import open_output

    said = io.StringIO()
    if options.format == "json":
        _write_json(said, outcome, delivery, code)
    else:
        _write_table(said, outcome, delivery, urls, options.dry_run)
    with open_output(None) as out:  # names read back from a warehouse may hold a key a server echoed: masked
        out.write(mask_key_like(said.getvalue()))
    return code


def _from_api(options: Options, settings: Any) -> _Outcome:
    from ...alerts import evaluate_rules, live_history, live_limits
    from .. import connect
    from ..organization import load_directory

    with connect.open_client(options.connection, options.now) as client:
        now = connect.server_now(client, options.connection, options.now)
        limits_wanted = "limits" in settings.rules
        directory = load_directory(client)
        history = live_history(client, now, settings, directory, limits=limits_wanted)
        limits, notes = live_limits(client, now, directory) if limits_wanted else (None, [])
    # the finding keys name the organization: the synthetic one never shares "sent" marks with a real one
    from ...warehouse.config import RESERVED_PROFILE

    organization = RESERVED_PROFILE if options.connection.sandbox else options.connection.profile or ""
    findings = evaluate_rules(history, today=now.astimezone(UTC).date(), settings=settings, limits=limits,
                              organization=organization)  # fmt: skip
    return _Outcome(findings, now, "api", organization, tuple(notes))


@contextmanager
def _warehouse_rows(options: Options) -> Iterator[tuple[Any, datetime]]:
    """The warehouse rows of one organization (--profile, or the only one held) and the time of their data (the
    last common sync), read without a lock, as `report --db` reads them."""
    from ...warehouse import require_duckdb
    from ...warehouse.report_rows import CoverageError, WarehouseRows
    from ...warehouse.store import Warehouse
    from ..database import database_errors, database_path, load_sync_config

    require_duckdb("check --db")
    path = database_path(options.database, load_sync_config(options.database.config), must_exist=True)
    profile = options.connection.profile
    with database_errors(path), Warehouse(path, read_only=True, wait=options.database.wait) as warehouse:
        held = warehouse.organizations()
        if profile and profile not in held:
            raise CoverageError(f"--profile {profile}: {path} holds no data for it; it holds: "
                                f"{', '.join(held) or 'nothing yet'}")  # fmt: skip
        if not profile and len(held) > 1:
            raise CoverageError(f"--db {path} holds {len(held)} organizations ({', '.join(held)}): choose one with "
                                "--profile NAME")  # fmt: skip
        source = WarehouseRows(warehouse, [profile] if profile else held)
        yield source, source.data_end()


def _from_warehouse(options: Options, settings: Any) -> _Outcome:
    from ... import endpoint_info
    from ...alerts import (
        SpendHistory,
        evaluate_rules,
        history_start,
        stored_limit_uses,
        stored_names,
        warehouse_costs,
    )
    from ...report import GroupingUnavailable
    from ...warehouse.limits import limits_read_at, read_limits
    from ...warehouse.report_rows import CoverageError

    notes: list[str] = []
    with _warehouse_rows(options) as (source, data_now):
        today = data_now.astimezone(UTC).date()
        organization = ",".join(source.organizations)
        names = stored_names(source.warehouse, source.organizations)
        judged = {"unusual", "new"} & set(settings.rules)
        stored: dict[str, Any] = {}
        read_at = None
        if "limits" in settings.rules:  # the limits the last sync read (one organization: see _warehouse_rows)
            stored = read_limits(source.warehouse, source.organizations[0])
            read_at = limits_read_at(source.warehouse, source.organizations[0])
            if read_at is None:
                notes.append("The warehouse keeps no spend limits (none set, or not synced since limits are kept): "
                             "the limit rule is judged from the API without --db.")  # fmt: skip
        history = limits = None
        if judged or stored:
            # every dimension (the default plan's 1d "all"), else the report's unit; from the projection's first day
            # (with limits), else from the first day the other rules read
            groupings = (tuple(endpoint_info("costs").group_by), ("project_id", "line_item"))
            starts = dict.fromkeys([history_start(today, settings, limits=bool(stored)),
                                    history_start(today, settings, limits=False)])  # fmt: skip
            errors: list[Exception] = []
            attempts = [(s, g) for s in starts for g in groupings]
            for start, grouping in attempts:
                try:
                    rows = warehouse_costs(source, grouping, start, data_now)
                    break
                except (CoverageError, GroupingUnavailable) as exc:  # not held: the next one may be
                    errors.append(exc)
            else:
                raise errors[0]
            if stored and start > history_start(today, settings, limits=True):
                notes.append(f"{str(errors[-1]).splitlines()[0]}: the spend limits are not judged.")
                stored = {}
            if judged:
                history = SpendHistory.from_rows(rows, names=names, start=start)
                if "api_key_id" not in grouping:
                    notes.append("The warehouse keeps no daily costs by API key: new API keys are not judged (add "
                                 'group_by = "all" for costs 1d to the plan).')  # fmt: skip
            if stored:
                limits, said = stored_limit_uses(rows, stored, today, names["project"], read_at)
                notes += said
        # the end of the data its last sync fetched (the server's now then): what "stale" is about
        marks = [s.watermark for org, *_, s in source.warehouse.states() if org in source.organizations]
        last_sync = max(marks) if marks else None
        warehouse = str(source.warehouse.path)
    findings = evaluate_rules(history, today=today, settings=settings, limits=limits, last_sync=last_sync,
                              now=options.now, organization=organization, warehouse=warehouse)  # fmt: skip
    return _Outcome(findings, data_now, "warehouse", organization, tuple(notes))


def _write_table(out: IO[str], outcome: _Outcome, delivery: Any, urls: tuple[str, ...], dry_run: bool) -> None:
    from ...alerts import target_label
    from ..output import visible

    judged = outcome.as_of.astimezone(UTC).date() - timedelta(days=1)
    whose = f" for {visible(outcome.organization)}" if outcome.organization else ""
    count = len(outcome.findings)
    moment = f"{outcome.as_of.astimezone(UTC):%Y-%m-%d %H:%M}Z"
    plural = "s" if count != 1 else ""
    out.write(f"oai-usage check{whose}: {count} finding{plural} (as of {moment} from the {outcome.source}; day "
              f"judged {judged})\n")  # fmt: skip
    for finding in outcome.findings:
        out.write(f"{finding.severity.upper():8} {finding.rule:8} {visible(finding.what)}\n")
        out.write(f"{'':17} baseline: {visible(finding.basis)}\n")
        items = finding.details.get("line_items")
        if items:
            parts = [item.partition(",")[2].strip() or item for item in items]  # the model is said already
            out.write(f"{'':17} line items: {visible('; '.join(parts))}\n")
    for note in outcome.notes:
        out.write(f"note: {visible(note)}\n")
    if dry_run and urls:
        out.write(f"notifications: none sent (--dry-run); targets: {', '.join(map(target_label, urls))}\n")
    elif delivery is not None:
        targets = ", ".join(sorted({t for _, t in delivery.sent})) or "none"
        out.write(f"notifications: {len(delivery.sent)} sent ({targets}), {delivery.earlier} sent before")
        if delivery.failed:
            out.write(f"; FAILED: {', '.join(delivery.failed)} (sent again next run)")
        out.write("\n")


def _write_json(out: IO[str], outcome: _Outcome, delivery: Any, code: int) -> None:
    from ..output import json_ready

    data = {
        "as_of": outcome.as_of.astimezone(UTC).isoformat(),
        "day_judged": (outcome.as_of.astimezone(UTC).date() - timedelta(days=1)).isoformat(),
        "source": outcome.source,
        "organization": outcome.organization or None,
        "findings": [f.as_dict() for f in outcome.findings],
        "notes": list(outcome.notes),
        "notifications": delivery.as_dict() if delivery is not None else None,
        "exit_code": code,
    }
    out.write(json.dumps(json_ready(data), indent=2, allow_nan=False) + "\n")
