"""Internal: the settings of the alert rules (`[check]` of oai-usage.toml, per profile), with their defaults.

    [check]                          # every profile
    limit_thresholds = [80, 90, 100]
    notify = ["json://alerts.example.com/hook"]
    [profiles.acme.check]            # this profile: overrides the keys it sets
    unusual_min_amount = 50

Every mistake is a ValidationError naming the setting and what is allowed (exit 2 in the CLI).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

from ..errors import ValidationError
from .model import DIMENSIONS, RULES

__all__ = ["MAX_BASIS_DAYS", "SETTINGS", "CheckSettings", "parse_check_settings", "stale_seconds"]

_SPAN = re.compile(r"^(\d+)\s*([mhdw])$")
_UNIT = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
MAX_BASIS_DAYS = 366
"""The longest basis of the unusual rule: a year of daily history."""


@dataclass(frozen=True)
class CheckSettings:
    """What the rules compare with. The defaults suit a daily cron job on a mid-sized organization."""

    rules: tuple[str, ...] = RULES
    """The rules evaluated: limits, unusual, new, stale."""
    limit_thresholds: tuple[float, ...] = (80.0, 90.0, 100.0)
    """Percentages of a limit: each one used (or projected) fires once per month."""
    limit_projection: bool = True
    """Also fire when the month-end projection passes a threshold that the month to date has not."""
    unusual_dimensions: tuple[str, ...] = ("project", "model", "line_item")
    """What an unusual day is looked for in."""
    unusual_basis_days: int = 28
    """Days of history before the day judged; only those of the same kind (weekday or weekend day) count."""
    unusual_factor: float = 6.0
    """How many robust deviations (1.4826 x the MAD) above the median a day must be."""
    unusual_min_ratio: float = 2.0
    """... and how many times the median, at least."""
    unusual_min_amount: float = 10.0
    """... and at least this much (in the currency): cents never page anyone."""
    new_dimensions: tuple[str, ...] = ("model", "line_item", "api_key")
    """What a newcomer is looked for in: spend on the day judged, none in the basis days before it."""
    new_min_amount: float = 1.0
    """The least spend of a newcomer on its first day that is reported."""
    stale_after: str = "26h"
    """With --db: the last sync may be at most this old (15m, 2h, 26h, 2d)."""
    notify: tuple[str, ...] = ()
    """Apprise URLs the findings are sent to (besides --notify)."""
    state: str | None = None
    """The state file of "sent once per period" (default: beside the config file, else the user's state folder)."""

    def merged(self, raw: Mapping[str, Any], where: str) -> CheckSettings:
        """These settings with the keys of `raw` (a `[check]` table) applied on top."""
        return replace(self, **_parsed(raw, where))


SETTINGS: tuple[str, ...] = tuple(f.name for f in fields(CheckSettings))
"""The keys a `[check]` table may set."""


def stale_seconds(text: str, where: str = "stale_after") -> int:
    """A span (15m, 2h, 26h, 2d, 1w) in seconds; ValidationError naming `where` otherwise."""
    match = _SPAN.match(str(text).strip().lower())
    if not match or int(match.group(1)) < 1:
        raise ValidationError(f"{where}: {text!r} is not a span; use a positive number and a unit: 15m, 2h, 26h, 2d",
                              param=where)  # fmt: skip
    return int(match.group(1)) * _UNIT[match.group(2)]


def parse_check_settings(raw: Mapping[str, Any] | None, where: str = "[check]",
                         base: CheckSettings | None = None) -> CheckSettings:  # fmt: skip
    """`raw` (a `[check]` table as TOML reads it) over `base` (default: the defaults), checked."""
    return (base or CheckSettings()).merged(raw or {}, where)


def _parsed(raw: Mapping[str, Any], where: str) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        raise ValidationError(f"{where}: must be a table of settings; allowed: {', '.join(SETTINGS)}", param=where)
    out: dict[str, Any] = {}
    for name, value in raw.items():
        setting = f"{where}.{name}" if where else str(name)
        if name not in SETTINGS:
            raise ValidationError(f"{where}: unknown setting {name!r}; allowed: {', '.join(SETTINGS)}", param=setting)
        out[name] = _value(name, value, setting)
    return out


def _names(value: Any, allowed: Sequence[str], setting: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError(f"{setting}: a list of names; allowed: {', '.join(allowed)}", param=setting)
    for item in value:
        if item not in allowed:
            raise ValidationError(f"{setting}: unknown {item!r}; allowed: {', '.join(allowed)}", param=setting)
    return tuple(dict.fromkeys(value))


def _number(value: Any, setting: str, *, low: float = 0.0, high: float = math.inf, whole: bool = False) -> float:
    kinds = (int,) if whole else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or not low <= value <= high or not math.isfinite(value):
        kind = "a whole number" if whole else "a number"
        upto = f" and at most {high:g}" if math.isfinite(high) else ""
        raise ValidationError(f"{setting}: {value!r}; must be {kind} of at least {low:g}{upto}", param=setting)
    return float(value)


def _value(name: str, value: Any, setting: str) -> Any:
    if name == "rules":
        return _names(value, RULES, setting)
    if name in ("unusual_dimensions", "new_dimensions"):
        return _names(value, DIMENSIONS, setting)
    if name == "limit_thresholds":
        if not isinstance(value, list) or not value:
            raise ValidationError(f"{setting}: a non-empty list of percentages, such as [80, 90, 100]", param=setting)
        shares = sorted({_number(v, setting, low=1.0) for v in value})
        if shares[-1] > 1000:
            raise ValidationError(f"{setting}: {shares[-1]:g} is above 1000 %; use percentages (80 for 80 %)",
                                  param=setting)  # fmt: skip
        return tuple(shares)
    if name == "limit_projection":
        if not isinstance(value, bool):
            raise ValidationError(f"{setting}: true or false", param=setting)
        return value
    if name == "unusual_basis_days":
        return int(_number(value, setting, low=7, high=MAX_BASIS_DAYS, whole=True))
    if name in ("unusual_factor", "unusual_min_ratio"):
        return _number(value, setting, low=1.0)
    if name in ("unusual_min_amount", "new_min_amount"):
        return _number(value, setting)
    if name == "stale_after":
        stale_seconds(value, setting)
        return str(value)
    if name == "notify":
        if not isinstance(value, list) or not all(isinstance(v, str) and "://" in v for v in value):
            raise ValidationError(f'{setting}: a list of Apprise URLs, such as ["json://host/path"]', param=setting)
        return tuple(value)
    if name == "state":
        if not isinstance(value, str) or not value:
            raise ValidationError(f"{setting}: a file path (a string)", param=setting)
        return value
    raise AssertionError(name)  # every field is handled above
