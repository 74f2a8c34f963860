"""Internal: the alert rules, pure functions of daily figures (the tests check them against hand-computed values).

* limits: a limit's month to date (or its month-end projection) past a threshold (80 / 90 / 100 %); once a month
  per limit and threshold.
* unusual: a day's spend far above a robust baseline of the item's own history: the median and MAD of the same
  kind of day (weekday or weekend day) over the basis days before it; it must clear the median by `unusual_factor`
  robust deviations (1.4826 x MAD, at least 5 % of the median), be `unusual_min_ratio` times the median, and reach
  `unusual_min_amount`. An item with a median of 0 is not judged (see `new`).
* new: an item that spends at least `new_min_amount` on the day judged and spent nothing over the basis days
  before it (only judged when the history covers them).
* stale: the warehouse's last sync older than `stale_after`.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from functools import partial

from .model import RULES, SEVERITIES, Finding, SpendHistory, model_of
from .settings import CheckSettings, stale_seconds

__all__ = [
    "MAD_SCALE",
    "LimitUse",
    "basis_days",
    "evaluate_rules",
    "limit_findings",
    "money",
    "new_spenders",
    "stale_findings",
    "unusual_days",
]

MAD_SCALE = 1.4826
"""MAD x this estimates a standard deviation for normally distributed spend (the robust deviation)."""
MIN_SCALE_SHARE = 0.05
"""The robust deviation is at least this share of the median: a perfectly flat history does not fire on a cent."""


def money(amount: float, currency: str = "usd") -> str:
    """An amount for people: `$1,234.50` in dollars, `1,234.50 EUR` in another currency."""
    return f"${amount:,.2f}" if currency.lower() == "usd" else f"{amount:,.2f} {currency.upper()}"


def _weekend(day: date) -> bool:
    return day.weekday() >= 5


def basis_days(day: date, days: int) -> list[date]:
    """The days of the baseline of `day`: those of the `days` before it that are of its kind (weekday or weekend)."""
    return [d for d in (day - timedelta(days=n) for n in range(days, 0, -1)) if _weekend(d) == _weekend(day)]


def _label(dimension: str, item: str, name: str) -> str:
    label = dimension.replace("_", " ")
    return f"{label} {name} ({item})" if name and name != item else f"{label} {item}"


def unusual_days(history: SpendHistory, days: Iterable[date], settings: CheckSettings | None = None,
                 *, organization: str = "", roll_up: bool = True) -> list[Finding]:  # fmt: skip
    """The unusual days among `days` of each item of the settings' dimensions, most unusual first (by ratio to
    the median). Also what the report lists as its unusual days. `roll_up`: a line item whose model is unusual
    the same day is named in the model's finding (`details["line_items"]`), not in one of its own."""
    settings = settings or CheckSettings()
    found: list[Finding] = []
    for day in days:
        basis = basis_days(day, settings.unusual_basis_days)
        if history.start is not None and basis and basis[0] < history.start:
            continue  # the history does not reach back over the basis
        kind = "weekend days" if _weekend(day) else "weekdays"
        for dimension in settings.unusual_dimensions:
            for item, daily in history.series(dimension).items():
                spent = daily.get(day, 0.0)
                if spent < settings.unusual_min_amount or not basis:
                    continue
                values = [daily.get(d, 0.0) for d in basis]
                median = statistics.median(values)
                if median <= 0:
                    continue
                mad = statistics.median(abs(v - median) for v in values)
                scale = max(MAD_SCALE * mad, MIN_SCALE_SHARE * median)
                deviations = (spent - median) / scale
                ratio = spent / median
                if deviations < settings.unusual_factor or ratio < settings.unusual_min_ratio:
                    continue
                name = history.name(dimension, item)
                where = _label(dimension, item, name)
                span = f"{len(basis)} {kind} {basis[0]} to {basis[-1]}"
                cur = history.currency
                found.append(Finding(
                    rule="unusual",
                    severity="warning",
                    what=f"unusual day: {where} spent {money(spent, cur)} on {day} ({day:%A}), {ratio:.1f}x its "
                    f"median of {money(median, cur)} over the {span} (MAD {money(mad, cur)})",
                    dimension=dimension,
                    id=item,
                    name=name,
                    amount=spent,
                    baseline=median,
                    basis=f"median of the {span}; MAD {mad:.2f}",
                    period=day.isoformat(),
                    unit=cur,
                    organization=organization,
                    details={"day": day.isoformat(), "median": median, "mad": mad, "ratio": ratio,
                             "deviations": deviations, "basis_days": len(basis)},
                ))  # fmt: skip
    found = _rolled_up(found) if roll_up else found
    found.sort(key=lambda f: (-float(f.details["ratio"]), f.dimension, f.id))
    return found


def _rolled_up(found: list[Finding]) -> list[Finding]:
    """Line items whose model is unusual the same day are said once, in the model's finding (`details.line_items`):
    one spike is one message per project and model, not one per price point."""
    models = {(f.period, f.id) for f in found if f.dimension == "model"}
    items: dict[tuple[str, str], list[str]] = {}
    kept: list[Finding] = []
    for finding in found:
        model = (finding.period, model_of(finding.id))
        if finding.dimension == "line_item" and model in models:
            items.setdefault(model, []).append(finding.id)
        else:
            kept.append(finding)
    return [
        replace(f, details={**f.details, "line_items": sorted(items[(f.period, f.id)])})
        if f.dimension == "model" and (f.period, f.id) in items
        else f
        for f in kept
    ]


def new_spenders(history: SpendHistory, day: date, settings: CheckSettings | None = None,
                 *, organization: str = "") -> list[Finding]:  # fmt: skip
    """Items of the settings' new dimensions that spend on `day` and spent nothing over the basis days before it."""
    settings = settings or CheckSettings()
    first = day - timedelta(days=settings.unusual_basis_days)
    if history.start is not None and history.start > first:
        return []
    found: list[Finding] = []
    for dimension in settings.new_dimensions:
        for item, daily in history.series(dimension).items():
            spent = daily.get(day, 0.0)
            if spent < settings.new_min_amount or spent <= 0:
                continue
            if any(amount > 0 for d, amount in daily.items() if first <= d < day):
                continue
            name = history.name(dimension, item)
            found.append(Finding(
                rule="new",
                severity="info",
                what=f"new: {_label(dimension, item, name)} started spending: {money(spent, history.currency)} on "
                f"{day}, nothing over the {settings.unusual_basis_days} days before ({first} to "
                f"{day - timedelta(days=1)})",
                dimension=dimension,
                id=item,
                name=name,
                amount=spent,
                baseline=0.0,
                basis=f"no spend from {first} to {day - timedelta(days=1)}",
                period=day.isoformat(),
                unit=history.currency,
                organization=organization,
                details={"day": day.isoformat()},
            ))  # fmt: skip
    found.sort(key=lambda f: (-f.amount, f.dimension, f.id))
    return found


@dataclass(frozen=True)
class LimitUse:
    """A spend limit and this month's spend against it, as the report computes them (its projection)."""

    dimension: str  # "organization" or "project"
    id: str
    name: str
    limit: float
    month_to_date: float
    projected: float
    used: float | None  # share of the limit; None: a $0 limit with spend
    projected_share: float | None
    reached_on: date | None
    currency: str = "usd"
    method: str = ""  # the projection's method, in words
    as_of: datetime | None = None  # when the limit was read: None live, the last sync's time from the warehouse


def _percent(share: float | None) -> float:
    return float("inf") if share is None else share * 100


def limit_findings(limits: Sequence[LimitUse], today: date, settings: CheckSettings | None = None,
                   *, organization: str = "") -> list[Finding]:  # fmt: skip
    """For each limit: the highest threshold its month to date passed, and (with `limit_projection`) a higher one
    its month-end projection passes; each once a month."""
    settings = settings or CheckSettings()
    month = f"{today:%Y-%m}"
    found: list[Finding] = []
    for line in limits:
        where = _label(line.dimension, line.id, line.name) if line.dimension != "organization" else "the organization"
        cur = line.currency
        used = _percent(line.used)
        passed = [t for t in settings.limit_thresholds if used >= t]
        top = passed[-1] if passed else None
        shown = "over $0" if line.used is None else f"{used:.1f}%"
        common = {"limit": line.limit, "month_to_date": line.month_to_date, "projected_month_end": line.projected,
                  "reached_on": line.reached_on.isoformat() if line.reached_on else None, "month": month}  # fmt: skip
        read = ""
        if line.as_of is not None:
            common["limit_as_of"] = line.as_of.isoformat()
            read = f" (the limit as of the last sync, {line.as_of.astimezone(UTC):%Y-%m-%d %H:%M}Z)"
        # what both findings of a limit share: the rule, whose limit, against what, in which period
        limit_finding = partial(Finding, rule="limits", dimension=line.dimension, id=line.id, name=line.name,
                                baseline=line.limit, period=month, unit=cur, organization=organization)  # fmt: skip
        if top is not None:
            found.append(limit_finding(
                severity="critical" if used >= 100 else "warning",
                what=f"limit: {where} has used {shown} of its {money(line.limit, cur)} monthly limit "
                f"({money(line.month_to_date, cur)} so far in {month}; threshold {top:g}%)",
                amount=line.month_to_date,
                basis=f"the {money(line.limit, cur)} monthly spend limit{read}; month to date, {month}",
                threshold=f"{top:g}",
                details={**common, "share": line.used},
            ))  # fmt: skip
        if not settings.limit_projection:
            continue
        projected = _percent(line.projected_share)
        ahead = [t for t in settings.limit_thresholds if projected >= t and (top is None or t > top)]
        if not ahead:
            continue
        mark = ahead[-1]
        when = f"; reached on {line.reached_on}" if line.reached_on else ""
        pshown = "over $0" if line.projected_share is None else f"{projected:.1f}%"
        found.append(limit_finding(
            severity="warning" if projected >= 100 else "info",
            what=f"limit: {where} is projected to spend {money(line.projected, cur)} by the end of {month}, {pshown} "
            f"of its {money(line.limit, cur)} monthly limit (threshold {mark:g}%{when})",
            amount=line.projected,
            basis=f"the {money(line.limit, cur)} monthly spend limit{read}; the report's month-end projection (the "
            "mean spend per weekday and per weekend day over the 28 days before today, for each day left)",
            threshold=f"projected-{mark:g}",
            details={**common, "share": line.projected_share, "method": line.method},
        ))  # fmt: skip
    return found


def stale_findings(last_sync: datetime | None, now: datetime, settings: CheckSettings | None = None,
                   *, organization: str = "", where: str = "") -> list[Finding]:  # fmt: skip
    """The warehouse's last sync older than `stale_after`: `last_sync` is the end of the data it fetched (None: it
    was never synced)."""
    settings = settings or CheckSettings()
    allowed = stale_seconds(settings.stale_after, "stale_after")
    age = None if last_sync is None else (now - last_sync).total_seconds()
    if age is not None and age <= allowed:
        return []
    hours = None if age is None else age / 3600
    said = "was never synced"
    if last_sync is not None:
        said = f"holds data up to {last_sync:%Y-%m-%d %H:%M}Z (its last sync), {hours:.1f} h ago"
    return [Finding(
        rule="stale",
        severity="warning",
        what=f"stale: the warehouse {where or ''} {said} (allowed: {settings.stale_after})".replace("  ", " "),
        dimension="warehouse",
        id=where or "warehouse",
        name="",
        amount=float("inf") if hours is None else hours,
        baseline=allowed / 3600,
        basis=f"stale_after = {settings.stale_after}",
        period=now.date().isoformat(),
        unit="hours",
        organization=organization,
        details={"last_sync": last_sync.isoformat() if last_sync else None},
    )]  # fmt: skip


def evaluate_rules(
    history: SpendHistory | None,
    *,
    today: date,
    settings: CheckSettings | None = None,
    limits: Sequence[LimitUse] | None = None,
    last_sync: datetime | None = None,
    now: datetime | None = None,
    organization: str = "",
    warehouse: str = "",
) -> tuple[Finding, ...]:
    """Every enabled rule over what is given (a rule without its input is skipped): the day judged by `unusual`
    and `new` is the last whole UTC day before `today`; `stale` needs `now` and is judged only with `warehouse`."""
    settings = settings or CheckSettings()
    day = today - timedelta(days=1)
    found: list[Finding] = []
    if "limits" in settings.rules and limits is not None:
        found += limit_findings(limits, today, settings, organization=organization)
    if "unusual" in settings.rules and history is not None:
        found += unusual_days(history, [day], settings, organization=organization)
    if "new" in settings.rules and history is not None:
        found += new_spenders(history, day, settings, organization=organization)
    if "stale" in settings.rules and warehouse and now is not None:
        found += stale_findings(last_sync, now, settings, organization=organization, where=warehouse)
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    order = {r: i for i, r in enumerate(RULES)}
    return tuple(sorted(found, key=lambda f: (-rank[f.severity], order[f.rule])))
