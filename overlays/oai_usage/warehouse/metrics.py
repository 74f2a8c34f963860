"""The warehouse's figures as Prometheus metrics: the text exposition format, version 0.0.4.

Every metric is a gauge (billing figures are revised late: a counter of them would go backwards or double count),
named `oai_usage_...` with its unit last (`_usd`, `_seconds`, `_tokens`), one `organization` label per profile
the warehouse holds, and no dates, e-mails or user IDs as labels: the day a `last_day` gauge is about is itself a
gauge (`oai_usage_last_day_timestamp_seconds`). `METRICS` lists the families with their labels (docs/metrics.md
says the same).

The figures are the report's: month to date and the last complete UTC day from the same stored units that
`report --db` reads (costs by project and line item; completions and embeddings), the month-end projection by
the report's method, as of the time the report would have (the organization's last common sync, cut to the hour).
Spend is summed in USD only (costs in another currency are left out). Reading takes no lock: a reader opens the
file read-only and reads the last committed state, also while a sync runs.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from ..report.build import GroupingUnavailable
from .report_rows import CoverageError, WarehouseRows
from .store import Warehouse

__all__ = [
    "CONTENT_TYPE",
    "METRICS",
    "PREFIX",
    "Family",
    "MetricSpec",
    "Sample",
    "collect",
    "escape_help",
    "escape_label_value",
    "exposition",
    "render",
    "stored_limits",
]

log = logging.getLogger("oai_usage.warehouse")

PREFIX = "oai_usage_"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
"""The HTTP Content-Type of the text exposition format."""

CURRENCY = "usd"
VOLUME_ENDPOINTS = ("completions", "embeddings")
"""The endpoints whose tokens are counted (the report's volume)."""
TOKEN_TYPES = (("input", "input_tokens"), ("output", "output_tokens"))
"""`token_type` label value -> the usage rows' field."""

_ORG = ("organization",)
_PROJECT = ("organization", "project_id", "project_name")


@dataclass(frozen=True)
class MetricSpec:
    """One metric family: its name, labels and HELP text (every one is a gauge)."""

    name: str
    labels: tuple[str, ...]
    help: str
    type: str = "gauge"


METRICS: tuple[MetricSpec, ...] = (
    MetricSpec(f"{PREFIX}organization_spend_month_to_date_usd", _ORG,
               "Spend of the organization this UTC month so far, in USD (as of the data end)."),
    MetricSpec(f"{PREFIX}project_spend_month_to_date_usd", _PROJECT,
               "Spend of a project this UTC month so far, in USD (project_id (none): spend no project carries)."),
    MetricSpec(f"{PREFIX}organization_spend_projected_month_end_usd", _ORG,
               "The organization's spend projected to the end of the UTC month, in USD (the report's method: "
               "weekday and weekend pace of the 28 days before today)."),
    MetricSpec(f"{PREFIX}project_spend_projected_month_end_usd", _PROJECT,
               "A project's spend projected to the end of the UTC month, in USD (the report's method)."),
    MetricSpec(f"{PREFIX}organization_spend_limit_usd", _ORG,
               "The organization's monthly spend limit, in USD, as read by the last sync (absent: none known)."),
    MetricSpec(f"{PREFIX}project_spend_limit_usd", _PROJECT,
               "A project's monthly spend limit, in USD, as read by the last sync (absent: none known)."),
    MetricSpec(f"{PREFIX}last_day_spend_usd", (*_PROJECT, "model"),
               "Spend of the last complete UTC day (see oai_usage_last_day_timestamp_seconds) per project and model "
               "(a line item's model; tools and storage: (no model)), in USD."),
    MetricSpec(f"{PREFIX}last_day_tokens", (*_PROJECT, "model", "token_type"),
               "Tokens of the last complete UTC day per project, model and token type (input, output), from the "
               "completions and embeddings usage."),
    MetricSpec(f"{PREFIX}last_day_timestamp_seconds", _ORG,
               "Start of the last complete UTC day the last_day gauges are about, in Unix seconds."),
    MetricSpec(f"{PREFIX}data_end_timestamp_seconds", _ORG,
               "The time the figures are as of (the organization's last common sync, cut to the hour), in Unix "
               "seconds."),
    MetricSpec(f"{PREFIX}last_sync_timestamp_seconds", _ORG,
               "The organization's last sync of the warehouse (its most recent unit), in Unix seconds."),
)  # fmt: skip
_SPECS = {spec.name: spec for spec in METRICS}


@dataclass(frozen=True)
class Sample:
    """One line of a family: its label values (in the family's label order) and its value."""

    labels: tuple[str, ...]
    value: float


@dataclass
class Family:
    """A metric family and its samples."""

    spec: MetricSpec
    samples: list[Sample] = field(default_factory=list)

    def add(self, value: float, *labels: str) -> None:
        if len(labels) != len(self.spec.labels):
            raise ValueError(f"{self.spec.name}: {len(labels)} label values for {len(self.spec.labels)} labels")
        self.samples.append(Sample(tuple(labels), float(value)))


class _ReportMath(NamedTuple):
    projected_month_end: Callable[[Mapping[date, float], date], float]
    """The report's month-end projection of daily spend (UTC date -> USD; absent days are 0) as of `today`."""
    fetch_start: Callable[[date], date]
    """The first day the projection reads (the month's first or the 28-day basis's, whichever is earlier)."""
    model_of: Callable[[str | None], str]
    """A costs line item's model, as the report's spend by model has it."""
    unattributed: str
    """The report's key for spend no project carries."""


def _report_math() -> _ReportMath:
    """THE adapter to the report's figures in `oai_usage.report` (the month-end projection, a line item's model): the
    one place that reaches them. The report counts in exact Decimal; the gauges are floats."""
    from ..report import labels, limits

    def projected_month_end(daily: Mapping[date, float], today: date) -> float:
        exact = {day: Decimal(repr(amount)) for day, amount in daily.items()}
        actual, projected = limits.running_totals(exact, today)
        return float(projected[limits.month_end(today)] if projected else actual[today])

    return _ReportMath(projected_month_end, limits.fetch_start, labels.model_of, labels.UNATTRIBUTED)


# --- the text format ------------------------------------------------------------------------------------------------

_LABEL_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n"}


def escape_label_value(text: str) -> str:
    """A label value as the format writes it between double quotes: backslash, quote and newline escaped."""
    return re.sub(r'[\\"\n]', lambda m: _LABEL_ESCAPES[m.group()], text)


def escape_help(text: str) -> str:
    """A HELP text as the format writes it: backslash and newline escaped."""
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def _number(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value == int(value) and abs(value) < 2**53:
        return str(int(value))
    return repr(value)


def render(families: Iterable[Family]) -> str:
    """The text exposition (version 0.0.4) of `families`: HELP and TYPE lines, then one line per sample."""
    lines: list[str] = []
    for family in families:
        spec = family.spec
        lines.append(f"# HELP {spec.name} {escape_help(spec.help)}")
        lines.append(f"# TYPE {spec.name} {spec.type}")
        for sample in family.samples:
            pairs = ",".join(f'{k}="{escape_label_value(v)}"' for k, v in zip(spec.labels, sample.labels, strict=True))
            lines.append(f"{spec.name}{{{pairs}}} {_number(sample.value)}")
    return "\n".join(lines) + "\n" if lines else ""


# --- the figures ----------------------------------------------------------------------------------------------------


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _seconds(moment: datetime) -> float:
    return moment.astimezone(UTC).timestamp()


def _usd(row: Mapping[str, Any]) -> bool:
    return str(row.get("amount_currency") or CURRENCY).lower() == CURRENCY


def _rows(source: WarehouseRows, endpoint: str, groupings: Sequence[tuple[str, ...]], start: datetime,
          end: datetime, *, strict: bool = False) -> tuple[tuple[str, ...], list[dict[str, Any]]] | None:  # fmt: skip
    """The rows of the first of `groupings` the warehouse holds over [start, end), with that grouping; when it holds
    none of them, None (logged), or with `strict` the last CoverageError."""
    reasons: list[str] = []
    for grouping in groupings:
        params = {"bucket_width": "1d", "group_by": list(grouping), "start_time": start, "end_time": end}
        try:
            return grouping, list(source(endpoint, params))
        except (CoverageError, GroupingUnavailable) as exc:  # not held: the next grouping may be
            reasons.append(str(exc))
    if strict:
        raise CoverageError(reasons[-1] if reasons else f"no grouping of {endpoint}")
    log.warning("metrics: %s left out: %s", endpoint, reasons[-1] if reasons else "no grouping")
    return None


def stored_limits(warehouse: Warehouse, organization: str) -> dict[str, Decimal]:
    """The USD spend limits the last sync stored for `organization` ('' the organization's own, else the project
    ID); empty when the warehouse keeps none."""
    from .limits import read_limits

    return {scope: amount for scope, (amount, currency) in read_limits(warehouse, organization).items()
            if currency.lower() == CURRENCY}  # fmt: skip


def _organization(warehouse: Warehouse, organization: str, names: Mapping[str, str], out: Mapping[str, Family],
                  clean: Callable[[str], str]) -> None:  # fmt: skip
    """Every family's samples for one organization."""
    math_ = _report_math()
    source = WarehouseRows(warehouse, [organization])
    data_end = source.data_end()
    today = data_end.date()
    last_day = today - timedelta(days=1)
    org = clean(organization)
    out[f"{PREFIX}data_end_timestamp_seconds"].add(_seconds(data_end), org)
    syncs = [s.last_sync for o, *_, s in warehouse.states() if o == organization]
    if syncs:
        out[f"{PREFIX}last_sync_timestamp_seconds"].add(_seconds(max(syncs)), org)
    out[f"{PREFIX}last_day_timestamp_seconds"].add(_seconds(_midnight(last_day)), org)

    def project_labels(project_id: str) -> tuple[str, str, str]:
        return org, clean(project_id), clean(names.get(project_id, ""))

    # Costs by project and line item (the report's unit) from the projection's first day to the data end; when the
    # warehouse does not reach that far back (a short history), what it can answer: the month to date without the
    # projection, or the last day alone.
    month = today.replace(day=1)
    unit = ("project_id", "line_item")
    attempts = (
        (min(math_.fetch_start(today), month), ""),
        (min(month, last_day), "the month-end projection"),
        (last_day, "the month to date and the month-end projection"),
    )
    found: tuple[tuple[str, ...], list[dict[str, Any]]] | None = None
    left_out, reason = "", ""
    for first, missing in attempts:
        try:
            found = _rows(source, "costs", [unit], _midnight(first), data_end, strict=True)
        except CoverageError as exc:
            reason = reason or str(exc)
            continue
        left_out = missing
        break
    if found is None:
        log.warning("metrics: %s: spend left out: %s", organization, reason)
    elif left_out:
        log.warning("metrics: %s: %s left out: %s", organization, left_out, reason)
    projecting, month_to_date = not left_out, "month to date" not in left_out
    limits = stored_limits(warehouse, organization)
    if found is not None:
        daily: dict[str, dict[date, float]] = {"": {}}  # '' the organization, else the project
        last: dict[tuple[str, str], float] = {}
        for row in found[1]:
            if not _usd(row):
                continue
            day = row["bucket_start"].astimezone(UTC).date()
            amount = float(row.get("amount_value") or 0.0)
            project = str(row.get("project_id") or math_.unattributed)
            for key in ("", project):
                per = daily.setdefault(key, {})
                per[day] = per.get(day, 0.0) + amount
            if day == last_day:
                model = math_.model_of(row.get("line_item"))
                last[(project, model)] = last.get((project, model), 0.0) + amount
        projects = sorted((set(daily) - {""}) | (set(limits) - {""}))
        for key in ["", *projects]:
            per = daily.get(key, {})
            mtd = sum(v for d, v in per.items() if month <= d <= today)
            scope = "organization" if key == "" else "project"
            labels = (org,) if key == "" else project_labels(key)
            if month_to_date:
                out[f"{PREFIX}{scope}_spend_month_to_date_usd"].add(mtd, *labels)
            if projecting:
                out[f"{PREFIX}{scope}_spend_projected_month_end_usd"].add(
                    math_.projected_month_end(per, today), *labels
                )
        for (project, model), amount in sorted(last.items()):
            out[f"{PREFIX}last_day_spend_usd"].add(amount, *project_labels(project), clean(model))
    for scope, limit in sorted(limits.items()):
        if scope == "":
            out[f"{PREFIX}organization_spend_limit_usd"].add(float(limit), org)
        else:
            out[f"{PREFIX}project_spend_limit_usd"].add(float(limit), *project_labels(scope))

    # Tokens of the last complete day, per project and model: the daily unit by every dimension when kept (the
    # default plan's), else by model alone (project (none)).
    tokens: dict[tuple[str, str, str], int] = {}
    for endpoint in VOLUME_ENDPOINTS:
        from .. import endpoint_info

        every = tuple(endpoint_info(endpoint).group_by)
        got = _rows(source, endpoint, [every, ("project_id", "model"), ("model",)], _midnight(last_day),
                    _midnight(today))  # fmt: skip
        if got is None:
            continue
        for row in got[1]:
            project = str(row.get("project_id") or math_.unattributed)
            model = str(row.get("model") or math_.unattributed)
            for token_type, name in TOKEN_TYPES:
                kept = (project, model, token_type)
                tokens[kept] = tokens.get(kept, 0) + int(row.get(name) or 0)
    for (project, model, token_type), count in sorted(tokens.items()):
        out[f"{PREFIX}last_day_tokens"].add(count, *project_labels(project), clean(model), token_type)


def collect(warehouse: Warehouse, organizations: Sequence[str] | None = None, *,
            clean: Callable[[str], str] = str) -> list[Family]:  # fmt: skip
    """Every family (in `METRICS` order) for `organizations` (default: every one the warehouse holds); label values
    pass through `clean` (the CLI's escaping of names for a terminal)."""
    from .names import project_names

    held = warehouse.organizations()
    chosen = held if organizations is None else [o for o in organizations if o in held]
    out = {spec.name: Family(spec) for spec in METRICS}
    for organization in chosen:
        _organization(warehouse, organization, project_names(warehouse, [organization]), out, clean)
    return [out[spec.name] for spec in METRICS]


def exposition(warehouse: Warehouse, organizations: Sequence[str] | None = None, *,
               clean: Callable[[str], str] = str) -> str:  # fmt: skip
    """`render(collect(...))`: the text a scrape or the textfile collector reads."""
    return render(collect(warehouse, organizations, clean=clean))
