"""Internal: the values the alert rules read and write: daily spend series and findings.

A `SpendHistory` holds, for each dimension (project, model, line item, API key), each item's spend per UTC day and
its name; the rules turn it into `Finding`s, immutable and each with a stable `key` (rule, where, threshold,
period) so that a notifier sends it once per period.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date
from types import MappingProxyType
from typing import Any

__all__ = ["DIMENSIONS", "NO_MODEL", "RULES", "SEVERITIES", "Finding", "SpendHistory", "model_of"]

DIMENSIONS = ("project", "model", "line_item", "api_key")
"""What a daily spend series is kept for: projects, models (from line items), line items and API keys."""
RULES = ("limits", "unusual", "new", "stale")
"""The rules `oai-usage check` evaluates (all by default)."""
SEVERITIES = ("info", "warning", "critical")
"""A finding's severity, least to most urgent."""
NO_MODEL = "(no model)"
"""The model of a line item that names none (tools, storage), as the report says it."""

_ID_COLUMNS = {"project": "project_id", "line_item": "line_item", "api_key": "api_key_id"}


def model_of(line_item: str | None) -> str:
    """The model a costs line item is for: its text before the first comma (the report's rule); none: NO_MODEL."""
    model, comma, _ = (line_item or "").partition(",")
    return model.strip() if comma and model.strip() else NO_MODEL


@dataclass(frozen=True)
class SpendHistory:
    """Spend per UTC day of each project, model, line item and API key (in one currency), with their names.

    `daily[dimension][id][day]` is the spend; an absent day spent nothing. `names[dimension][id]` is a name for
    people ("" when unknown: messages then show the ID). Build it with `SpendHistory.from_rows`.
    """

    daily: Mapping[str, Mapping[str, Mapping[date, float]]]
    names: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    currency: str = "usd"
    start: date | None = None  # the first day the figures cover (None: unknown, as far back as they go)

    @classmethod
    def from_rows(
        cls,
        rows: Iterable[Mapping[str, Any]],
        *,
        names: Mapping[str, Mapping[str, str]] | None = None,
        currency: str = "usd",
        start: date | None = None,
    ) -> SpendHistory:
        """From daily costs rows (`client.costs(..., bucket_width="1d", group_by=[...]).rows()` or the warehouse's):
        each row's amount counts for its project, its line item, the line item's model and its API key (those of
        them the grouping has). Rows in another currency are left out. `start`: the first day the rows cover."""
        daily: dict[str, dict[str, dict[date, float]]] = {d: {} for d in DIMENSIONS}
        for row in rows:
            if str(row.get("amount_currency") or "usd").lower() != currency:
                continue
            amount = float(row.get("amount_value") or 0.0)
            day = row["bucket_start"].astimezone(UTC).date()
            for dimension in DIMENSIONS:
                if dimension == "model":
                    item = model_of(row.get("line_item")) if row.get("line_item") is not None else None
                else:
                    value = row.get(_ID_COLUMNS[dimension])
                    item = str(value) if value is not None and value != "" else None
                if item is None:
                    continue
                series = daily[dimension].setdefault(item, {})
                series[day] = series.get(day, 0.0) + amount
        frozen = {d: MappingProxyType({i: MappingProxyType(s) for i, s in items.items()}) for d, items in daily.items()}
        return cls(MappingProxyType(frozen), MappingProxyType(dict(names or {})), currency, start)

    def name(self, dimension: str, item: str) -> str:
        """The name of an item ("" when unknown); a model's or line item's name is itself."""
        if dimension in ("model", "line_item"):
            return item
        return self.names.get(dimension, {}).get(item, "")

    def series(self, dimension: str) -> Mapping[str, Mapping[date, float]]:
        """Each item of `dimension` and its spend per day."""
        return self.daily.get(dimension, {})


@dataclass(frozen=True)
class Finding:
    """One rule that fired: what, where (with names), how much, the baseline it was compared with.

    `key` is stable for the same finding in the same period (a month for limits, a day otherwise): a notifier
    sends a finding once per key.
    """

    rule: str  # one of RULES
    severity: str  # one of SEVERITIES
    what: str  # one line for people, names included
    dimension: str  # "organization", "project", "model", "line_item", "api_key" or "warehouse"
    id: str
    name: str
    amount: float  # how much: the spend (or share, or hours) the rule judged
    baseline: float | None  # what it was compared with (a median, a limit, an age allowed)
    basis: str  # the baseline in words: its method and days
    period: str  # "2026-11" (a month) or "2026-11-23" (a day)
    threshold: str = ""  # a limit's threshold ("80"), "" for the other rules
    unit: str = "usd"  # of amount and baseline: a currency, or "hours"
    organization: str = ""  # the profile (organization) it is about, "" for the only one
    details: Mapping[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """The finding's identity for "once per period": organization, rule, where, threshold, period."""
        parts = (self.organization, self.rule, self.dimension, self.id, self.threshold, self.period)
        return ":".join(parts)

    @property
    def where(self) -> str:
        """Where, for people: the dimension and the name, with the ID when they differ."""
        label = self.dimension.replace("_", " ")
        if self.name and self.name != self.id:
            return f"{label} {self.name} ({self.id})"
        return f"{label} {self.id}"

    def as_dict(self) -> dict[str, Any]:
        """The finding as JSON-ready values (for `--format json` and webhooks)."""
        return {
            "key": self.key,
            "rule": self.rule,
            "severity": self.severity,
            "what": self.what,
            "organization": self.organization or None,
            "dimension": self.dimension,
            "id": self.id,
            "name": self.name,
            "amount": self.amount,
            "baseline": self.baseline,
            "basis": self.basis,
            "unit": self.unit,
            "period": self.period,
            "threshold": self.threshold or None,
            "details": dict(self.details),
        }
