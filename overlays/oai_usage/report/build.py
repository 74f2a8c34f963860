"""Internal (public through `oai_usage.report`): building a `Report` from rows: the report's queries, answered by any
`RowSource` (the API through a client, or the warehouse), folded into figures.

Queries: costs by project and line item (both periods, whole UTC days, and the unusual days' basis days before the
period); costs by API key (both periods); usage of completions and embeddings by model (the period) and ungrouped
(the previous period); usage by user (both periods).
A source that does not hold a grouping raises `GroupingUnavailable`; the breakdown is then left out with a caveat.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, tzinfo
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from ..alerts.settings import CheckSettings
from ..errors import ValidationError
from .caveats import Caveat
from .figures import UNATTRIBUTED, Breakdown, ModelVolume, Report, model_of
from .limits import LimitStatus, limit_status
from .money import ZERO, amount_of, currency_of
from .periods import Periods, days_between, periods
from .unusual import UnusualDays, basis_query, judge_unusual

if TYPE_CHECKING:
    from ..client import UsageClient
    from ..directory import Directory

__all__ = [
    "MONEY_SOURCE",
    "VOLUME_ENDPOINTS",
    "VOLUME_SOURCE",
    "VOLUME_SOURCE_HOURLY",
    "ClientRows",
    "GroupingUnavailable",
    "ReportBuilder",
    "RowSource",
    "build",
    "from_rows",
]

Row = Mapping[str, Any]
MONEY_SOURCE = "GET /v1/organization/costs (bucket_width=1d, group_by=project_id,line_item)"
"""Where the report's money comes from."""
VOLUME_ENDPOINTS = ("completions", "embeddings")
"""The usage endpoints whose results count tokens per model."""
VOLUME_SOURCE = "GET /v1/organization/usage/{completions,embeddings} (bucket_width=1d, group_by=model)"
"""Where the report's volume comes from (UTC days)."""
VOLUME_SOURCE_HOURLY = "GET /v1/organization/usage/{completions,embeddings} (bucket_width=1h, group_by=model)"
"""Where the report's volume comes from (local days, built from hourly buckets)."""


class GroupingUnavailable(LookupError):
    """A row source does not hold a query's grouping (e.g. a warehouse whose plan does not keep it)."""


@runtime_checkable
class RowSource(Protocol):
    """Answers one of the report's queries, (endpoint, API parameters), with flat rows (`Query.rows()`'s layout:
    `bucket_start`, then the result's fields). May raise GroupingUnavailable for a grouping it does not hold."""

    def __call__(self, endpoint: str, params: Mapping[str, Any], /) -> Iterable[Row]: ...


class ClientRows:
    """The live API as a RowSource: each query through `client.query(endpoint, **params).rows()`, with
    `project_ids` (when given) added to every query."""

    def __init__(self, client: UsageClient, project_ids: Sequence[str] = ()) -> None:
        self.client = client
        self.project_ids = list(project_ids)

    def __call__(self, endpoint: str, params: Mapping[str, Any], /) -> Iterable[Row]:
        chosen = {"project_ids": self.project_ids} if self.project_ids else {}
        return self.client.query(endpoint, **{**params, **chosen}).rows()


@dataclass
class ReportBuilder:
    """The figures while rows are folded in (mutable); `freeze()` gives the immutable Report."""

    periods: Periods
    money_source: str = MONEY_SOURCE
    volume_source: str = VOLUME_SOURCE
    spend: dict[str, Decimal] = field(default_factory=dict)
    previous_spend: dict[str, Decimal] = field(default_factory=dict)
    by_project: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    by_item: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    by_model: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    previous_by_model: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    daily_by_project: dict[str, dict[date, dict[str, Decimal]]] = field(default_factory=dict)
    previous_daily: dict[str, dict[date, Decimal]] = field(default_factory=dict)
    by_key: dict[str, dict[str, Decimal]] | None = field(default_factory=dict)
    previous_by_key: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    by_user: dict[str, dict[str, int]] | None = field(default_factory=dict)
    previous_by_user: dict[str, dict[str, int]] = field(default_factory=dict)
    total_tokens: int = 0
    previous_tokens: int = 0
    total_requests: int = 0
    previous_requests: int = 0
    models: dict[str, ModelVolume] = field(default_factory=dict)
    daily_tokens: dict[date, dict[str, int]] = field(default_factory=dict)
    previous_first_data: date | None = None
    notes: list[Caveat] = field(default_factory=list)

    def _seen_before(self, day: date) -> None:
        if self.previous_first_data is None or day < self.previous_first_data:
            self.previous_first_data = day

    def add_costs(self, rows: Iterable[Row]) -> None:
        """Costs rows of the period: totals per currency, by project, line item, model and UTC day."""
        for row in rows:
            amount, cur, day = amount_of(row), currency_of(row), row["bucket_start"].astimezone(UTC).date()
            project = row.get("project_id") or UNATTRIBUTED
            self.spend[cur] = self.spend.get(cur, ZERO) + amount
            _add(self.by_project.setdefault(cur, {}), project, amount)
            _add(self.by_item.setdefault(cur, {}), row.get("line_item") or UNATTRIBUTED, amount)
            _add(self.by_model.setdefault(cur, {}), model_of(row.get("line_item")), amount)
            _add(self.daily_by_project.setdefault(cur, {}).setdefault(day, {}), project, amount)

    def add_previous_spend(self, rows: Iterable[Row]) -> None:
        """Costs rows of the previous period: its spend per currency, by model and by UTC day."""
        for row in rows:
            amount, cur, day = amount_of(row), currency_of(row), row["bucket_start"].astimezone(UTC).date()
            self.previous_spend[cur] = self.previous_spend.get(cur, ZERO) + amount
            _add(self.previous_by_model.setdefault(cur, {}), model_of(row.get("line_item")), amount)
            _add(self.previous_daily.setdefault(cur, {}), day, amount)
            self._seen_before(day)

    def add_usage(self, rows: Iterable[Row]) -> None:
        """Usage rows of the period (completions, embeddings; once per endpoint): volume per model and local day."""
        tz = self.periods.tz
        for row in rows:
            name = row.get("model") or UNATTRIBUTED
            was = self.models.get(name, ModelVolume(name))
            inputs, outputs = int(row.get("input_tokens") or 0), int(row.get("output_tokens") or 0)
            requests = int(row.get("num_model_requests") or 0)
            self.models[name] = ModelVolume(name, was.input_tokens + inputs, was.output_tokens + outputs,
                                            was.requests + requests)  # fmt: skip
            self.total_tokens += inputs + outputs
            self.total_requests += requests
            _add(self.daily_tokens.setdefault(row["bucket_start"].astimezone(tz).date(), {}), name, inputs + outputs)

    def add_previous_volume(self, rows: Iterable[Row]) -> None:
        """Usage rows of the previous period: its tokens and requests (once per endpoint)."""
        for row in rows:
            self.previous_tokens += int(row.get("input_tokens") or 0) + int(row.get("output_tokens") or 0)
            self.previous_requests += int(row.get("num_model_requests") or 0)
            self._seen_before(row["bucket_start"].astimezone(self.periods.tz).date())

    def freeze(self, **labels: Any) -> Report:
        """The immutable Report of the figures so far (`labels`: names, show_names, project_filter, limits,
        organizations, key_names, user_emails)."""
        p = self.periods
        key_names: Mapping[str, str] = labels.pop("key_names", {})
        user_emails: Mapping[str, str] = labels.pop("user_emails", {})
        keys = None if self.by_key is None else Breakdown.of("api_key_id", "spend", self.by_key, self.previous_by_key,
                                                             key_names)  # fmt: skip
        users = None if self.by_user is None else Breakdown.of("user_id", "tokens", self.by_user,
                                                               self.previous_by_user, user_emails)  # fmt: skip
        return Report(
            start=p.start, end=p.end, previous_start=p.previous_start, previous_end=p.previous_end,
            money_start=p.money_start, money_end=p.money_end, previous_money=p.previous_money, tz=p.tz,
            spend=dict(self.spend), previous_spend=dict(self.previous_spend),
            spend_by_project=_ranked(self.by_project), spend_by_line_item=_ranked(self.by_item),
            spend_by_model=_ranked(self.by_model), previous_spend_by_model=self.previous_by_model,
            daily_spend_by_project=self.daily_by_project, previous_daily_spend=self.previous_daily,
            spend_by_api_key=keys, tokens_by_user=users,
            total_tokens=self.total_tokens, previous_tokens=self.previous_tokens,
            total_requests=self.total_requests, previous_requests=self.previous_requests,
            models=tuple(sorted(self.models.values(), key=lambda m: (-m.tokens, -m.requests, m.model))),
            daily_tokens_by_model=self.daily_tokens, previous_first_data=self.previous_first_data,
            money_source=self.money_source, volume_source=self.volume_source,
            notes=(*self.notes, *labels.pop("notes", ())), **labels,
        )  # fmt: skip


def _add(totals: dict[Any, Any], key: Any, amount: Any) -> None:
    totals[key] = totals.get(key, 0) + amount


def _ranked(data: Mapping[str, Mapping[str, Decimal]]) -> dict[str, dict[str, Decimal]]:
    return {c: dict(sorted(v.items(), key=lambda kv: (-kv[1], kv[0]))) for c, v in sorted(data.items())}


def _fold(builder: ReportBuilder, rows: RowSource, width: str) -> list[Row]:
    """The report's queries, answered by `rows`, folded into `builder`; the period's costs rows (by project and
    line item) are returned."""
    p = builder.periods
    now_money = {"start_time": p.money_start, "end_time": p.money_end}
    before_money = {"start_time": p.previous_money[0], "end_time": p.previous_money[1]}
    costs = {"bucket_width": "1d", "group_by": ["project_id", "line_item"]}
    current = list(rows("costs", {**costs, **now_money}))
    builder.add_costs(current)
    builder.add_previous_spend(rows("costs", {**costs, **before_money}))  # by line item too: spend by model
    now_range = {"start_time": p.start, "end_time": p.end}
    before_range = {"start_time": p.previous_start, "end_time": p.previous_end}
    for endpoint in VOLUME_ENDPOINTS:
        builder.add_usage(rows(endpoint, {"bucket_width": width, "group_by": ["model"], **now_range}))
        builder.add_previous_volume(rows(endpoint, {"bucket_width": width, **before_range}))
    missing: list[str] = []
    try:
        by_key = {"bucket_width": "1d", "group_by": ["api_key_id"]}
        builder.by_key = _money_by(rows("costs", {**by_key, **now_money}), "api_key_id")
        builder.previous_by_key = _money_by(rows("costs", {**by_key, **before_money}), "api_key_id")
    except GroupingUnavailable:
        builder.by_key = None
        missing.append("spend by API key (costs by api_key_id)")
    try:
        by_user: dict[str, dict[str, int]] = {"": {}}
        before_user: dict[str, dict[str, int]] = {"": {}}
        for endpoint in VOLUME_ENDPOINTS:
            query = {"bucket_width": width, "group_by": ["user_id"]}
            _tokens_by(rows(endpoint, {**query, **now_range}), by_user[""])
            _tokens_by(rows(endpoint, {**query, **before_range}), before_user[""])
        builder.by_user, builder.previous_by_user = by_user, before_user
    except GroupingUnavailable:
        builder.by_user = None
        missing.append(f"tokens by user (completions and embeddings {width} by user_id)")
    if missing:
        builder.notes.append(Caveat("groupings_not_in_warehouse", {"breakdowns": tuple(missing)}))
    return current


def _unusual(builder: ReportBuilder, rows: RowSource, current: list[Row], settings: CheckSettings,
             names: Mapping[str, str]) -> UnusualDays | None:  # fmt: skip
    """The unusual days of the period's whole UTC days (the day in progress is not judged), from the period's costs
    and those of the basis days before it; None, with a caveat, when the source cannot answer the basis query."""
    p = builder.periods
    days = days_between(p.money_start, p.money_end, UTC)
    if days and p.money_end.astimezone(UTC).time() != time():
        days = days[:-1]
    query = basis_query(days[0], p.money_start, settings) if days else None
    before: list[Row] = []
    if query is not None:
        try:
            before = list(rows("costs", query))
        except (GroupingUnavailable, ValidationError) as exc:  # e.g. a warehouse synced for a shorter span
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            builder.notes.append(Caveat("unusual_not_judged", {"reason": reason,
                                                               "from": query["start_time"].date()}))  # fmt: skip
            return None
    return judge_unusual([*before, *current], days, settings, names)


def _money_by(rows: Iterable[Row], column: str) -> dict[str, dict[str, Decimal]]:
    out: dict[str, dict[str, Decimal]] = {}
    for row in rows:
        _add(out.setdefault(currency_of(row), {}), row.get(column) or UNATTRIBUTED, amount_of(row))
    return out


def _tokens_by(rows: Iterable[Row], into: dict[str, int]) -> None:
    for row in rows:
        tokens = int(row.get("input_tokens") or 0) + int(row.get("output_tokens") or 0)
        _add(into, row.get("user_id") or UNATTRIBUTED, tokens)


def _check_range(start: datetime, end: datetime, now: datetime) -> None:
    for name, value in (("start", start), ("end", end), ("now", now)):
        if value.tzinfo is None:
            raise ValidationError(f"{name} must be an aware datetime (with a time zone), got {value!r}", param=name)
    if start > now:
        raise ValidationError(f"start ({start.isoformat()}) is after now ({now.isoformat()}): there is no data yet",
                              param="start")  # fmt: skip
    if end <= start:
        raise ValidationError(f"end ({end.isoformat()}) must be after start ({start.isoformat()})", param="end")


def from_rows(
    rows: RowSource,
    *,
    start: datetime,
    end: datetime,
    now: datetime,
    tz: tzinfo = UTC,
    unusual: CheckSettings | None = None,
    **labels: Any,
) -> Report:
    """The report of [start, end) (cut at `now`) from `rows`; the caller adds labels (names, limits, ...).
    `unusual`: the settings its unusual days are judged with (default: `check`'s defaults).

    A source with an `expect(earliest)` method (the warehouse) is told first how far back the queries reach.
    """
    _check_range(start, end, now)
    p = periods(start, end, now, tz)
    width = "1d" if tz is UTC else "1h"  # local days are built from hourly buckets
    builder = ReportBuilder(p, volume_source=VOLUME_SOURCE if width == "1d" else VOLUME_SOURCE_HOURLY)
    expect: Callable[[datetime], None] | None = getattr(rows, "expect", None)
    if expect is not None:
        expect(min(p.previous_start, p.previous_money[0]))
    if end > now:
        builder.notes.append(Caveat("end_after_now", {"asked_end": _iso(end), "end": _iso(p.end)}))
    current = _fold(builder, rows, width)
    found = _unusual(builder, rows, current, unusual or CheckSettings(), labels.get("names", {}))
    return builder.freeze(unusual_days=found, **labels)


def _iso(moment: datetime) -> str:
    from ..timeparse import iso_datetime

    return iso_datetime(moment)


def _people(directory: Directory | None) -> dict[str, str]:
    """User ID -> e-mail (a service account, which has none: its name)."""
    if directory is None:
        return {}
    accounts = {u.id: u.name for u in directory.service_accounts.values()}
    return accounts | {u.id: u.email for u in directory.users.values()}


def build(
    client: UsageClient,
    *,
    start: datetime,
    end: datetime | None = None,
    tz: tzinfo = UTC,
    project_ids: Sequence[str] = (),
    limits: bool = True,
    directory: Directory | None = None,
    names: bool = True,
    now: datetime | None = None,
    rows: RowSource | None = None,
    unusual: CheckSettings | None = None,
) -> Report:
    """The spend report of [start, end) (end: now) from the live API: spend (per currency, by project, line item,
    model and API key), volume (by model and user), the previous period, and (`limits`) the month to date against
    the spend limits. `directory` (default: `client.directory()`) names projects, keys and users; `now` defaults to
    the server's clock; `rows` replaces the client's queries (e.g. to show progress); `unusual`: the settings of
    the unusual days (default: `check`'s defaults)."""
    moment = now if now is not None else client.sync_clock().replace(microsecond=0)
    chosen = list(project_ids)
    if directory is None and (names or limits):
        directory = client.directory()
    source = rows if rows is not None else ClientRows(client, chosen)
    status: LimitStatus | None = limit_status(client, moment, directory, chosen or None) if limits else None
    return from_rows(
        source, start=start, end=end if end is not None else moment, now=moment, tz=tz,
        names={p.id: p.name for p in directory.projects.values()} if directory is not None else {},
        key_names={k.id: k.name for k in directory.api_keys.values()} if directory is not None else {},
        user_emails=_people(directory),
        show_names=names, project_filter=tuple(chosen), limits=status, unusual=unusual,
    )  # fmt: skip
