"""`oai-usage check`: evaluate the alert rules, say each finding, send new ones, exit non-zero when one fires.

Exit codes (also in docs/alerts.md): 0 nothing fired; 3 at least one finding (`EXIT_FINDINGS`); 4 findings, and a
notification target failed (`EXIT_NOTIFY_FAILED`: its findings are sent again next run); errors as every command:
1 (the API, the database, a file), 2 (a mistake in the options or the config).
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import IO, Any

EXIT_FINDINGS = 3
EXIT_NOTIFY_FAILED = 4
FORMATS = ("table", "json")
HELP = "evaluate alert rules (limits, unusual days, new spenders, stale data); exit 3 when one fires"


@dataclass(frozen=True)
class CheckOptions:
    """Everything `check` reads from its command line, in one frozen value (built by `options_from`)."""

    now: datetime
    sandbox: bool = False
    base_url: str | None = None
    allow_insecure_http: bool = False
    profile: str | None = None
    config: str | None = None
    db: str | None = None
    wait: float = 0.0
    notify: tuple[str, ...] = ()
    state: str | None = None
    dry_run: bool = False
    format: str = "table"

    def namespace(self) -> argparse.Namespace:
        """The options as the shared CLI helpers (client, warehouse) read them."""
        return argparse.Namespace(sandbox=self.sandbox, base_url=self.base_url, profile=self.profile,
                                  allow_insecure_http=self.allow_insecure_http, config=self.config, db=self.db,
                                  wait=self.wait, all_profiles=False, verbose=0)  # fmt: skip


def register(commands: Any) -> argparse.ArgumentParser:
    """Add `check` and its options to the CLI's subcommands; the parser is returned for the global options."""
    from ..sync import wait_seconds

    parser: argparse.ArgumentParser = commands.add_parser("check", help=HELP)
    parser.add_argument("--db", metavar="PATH", help="judge the warehouse's figures (oai-usage sync) instead of the "
                        "API's; adds the stale-data rule; spend limits are live data and are not judged")  # fmt: skip
    parser.add_argument("--profile", metavar="NAME", help="the organization: a profile of oai-usage.toml (its key "
                        "variable and its [profiles.NAME.check] rules)")  # fmt: skip
    parser.add_argument("--config", metavar="FILE", help="oai-usage.toml (default: ./oai-usage.toml, then "
                        "$XDG_CONFIG_HOME/oai-usage/oai-usage.toml): the [check] rules")  # fmt: skip
    parser.add_argument("--wait", type=wait_seconds, default=0.0, metavar="SECONDS",
                        help="with --db: wait up to SECONDS for a sync holding the database")  # fmt: skip
    parser.add_argument("--notify", action="append", default=[], metavar="URL",
                        help="send each new finding to this Apprise URL (repeatable; also `notify` in [check]): "
                        "json://host/path, slack://..., mailto://...; needs oai-usage[alerts]")  # fmt: skip
    parser.add_argument("--state", metavar="FILE", help="what was sent already (default: oai-usage-check-state.json "
                        "beside the config file, else in $XDG_STATE_HOME/oai-usage/)")  # fmt: skip
    parser.add_argument("--dry-run", action="store_true", help="say the findings, send nothing, change no state")
    parser.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    return parser


def options_from(args: argparse.Namespace, now: datetime) -> CheckOptions:
    """The one place the parsed command line becomes `CheckOptions`."""
    return CheckOptions(now=now, sandbox=bool(args.sandbox), base_url=args.base_url,
                        allow_insecure_http=bool(args.allow_insecure_http), profile=args.profile, config=args.config,
                        db=args.db, wait=args.wait, notify=tuple(args.notify), state=args.state, dry_run=args.dry_run,
                        format=args.format)  # fmt: skip


@dataclass(frozen=True)
class _Outcome:
    findings: tuple[Any, ...]
    as_of: datetime
    source: str
    organization: str
    notes: tuple[str, ...]


def run(options: CheckOptions) -> int:
    """Evaluate, print, notify; the exit code says whether a rule fired (3) or a target failed (4)."""
    from ...alerts import NotifyState, check_targets, default_state_path, notify_findings
    from ...warehouse.config import find_config, load_config

    config_path = find_config(options.config)
    config = load_config(config_path)
    if options.sandbox and options.profile:
        from ...errors import ValidationError

        raise ValidationError("--sandbox runs the synthetic organization: leave out --profile", param="--profile")
    settings = config.check_for(options.profile)
    urls = tuple(dict.fromkeys((*options.notify, *settings.notify)))
    check_targets(urls)  # a bad URL or a missing apprise costs no API call
    state = None
    if urls and not options.dry_run:
        state = NotifyState.load(options.state or settings.state or default_state_path(config_path))
    outcome = _from_warehouse(options, settings) if options.db else _from_api(options, settings)
    delivery = None
    if state is not None:
        delivery = notify_findings(outcome.findings, urls, state, today=outcome.as_of.date())
    code = EXIT_NOTIFY_FAILED if delivery is not None and delivery.failed else EXIT_FINDINGS if outcome.findings else 0
    from ..output import open_output

    with open_output(None) as out:
        if options.format == "json":
            _write_json(out, outcome, delivery, code)
        else:
            _write_table(out, outcome, delivery, urls, options.dry_run)
    return code


def _from_api(options: CheckOptions, settings: Any) -> _Outcome:
    from ...alerts import evaluate_rules, live_history, live_limits
    from .. import fetch
    from ..organization import load_directory

    args = options.namespace()
    with fetch.open_client(args, options.now) as client:
        now = fetch.server_now(client, args, options.now)
        limits_wanted = "limits" in settings.rules
        directory = load_directory(client)
        history = live_history(client, now, settings, directory, limits=limits_wanted)
        limits, notes = live_limits(client, now, directory) if limits_wanted else (None, [])
    organization = options.profile or ""
    findings = evaluate_rules(history, today=now.astimezone(UTC).date(), settings=settings, limits=limits,
                              organization=organization)  # fmt: skip
    return _Outcome(findings, now, "api", organization, tuple(notes))


def _from_warehouse(options: CheckOptions, settings: Any) -> _Outcome:
    from ... import endpoint_info
    from ...alerts import evaluate_rules, history_start, stored_names, warehouse_history
    from ...warehouse.report_rows import CoverageError
    from ..sync import report_source

    args = options.namespace()
    notes: list[str] = []
    with report_source(args) as (source, data_now):
        today = data_now.astimezone(UTC).date()
        start = history_start(today, settings, limits=False)
        names = stored_names(source.warehouse, source.organizations)
        history = None
        if {"unusual", "new"} & set(settings.rules):
            groupings = (tuple(endpoint_info("costs").group_by), ("project_id", "line_item"))
            errors: list[CoverageError] = []
            for grouping in groupings:  # every dimension (the default plan's 1d "all"), else the report's unit
                try:
                    history = warehouse_history(source, grouping, start, data_now, names)
                    break
                except CoverageError as exc:
                    errors.append(exc)
            else:
                raise errors[0]
            if "api_key_id" not in grouping:
                notes.append("The warehouse keeps no daily costs by API key: new API keys are not judged (add "
                             'group_by = "all" for costs 1d to the plan).')  # fmt: skip
        marks = [s.last_sync for org, *_, s in source.warehouse.states() if org in source.organizations]
        last_sync = max(marks) if marks else None
        organization = ",".join(source.organizations)
        warehouse = str(source.warehouse.path)
    if "limits" in settings.rules:
        notes.append("Spend limits are live data, not kept in the warehouse: the limit rule is judged without --db.")
    findings = evaluate_rules(history, today=today, settings=settings, last_sync=last_sync, now=options.now,
                              organization=organization, warehouse=warehouse)  # fmt: skip
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
            out.write(f"{'':17} line items: {visible(', '.join(items))}\n")
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
