"""Internal: the report's JSON: its shape (`report_dict`) and a writer that prints a Decimal as its exact digits.

`json` would print a Decimal only through a float (binary, rounded to 17 digits); `dumps` writes it as the number
it is (`12.345`, never `12.345000000000001`), with no exponent.
"""

from __future__ import annotations

import json
import math
import secrets
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .caveats import text
from .labels import MODEL_RULE, UNATTRIBUTED

if TYPE_CHECKING:
    from .limits import LimitLine, LimitStatus

__all__ = ["breakdown_dict", "dumps", "limits_dict", "report_dict"]


def _number(value: Decimal) -> str:
    text_ = format(value, "f")
    return "0" if value.is_zero() else text_


def dumps(data: Any, *, indent: int | None = 2) -> str:
    """`data` as JSON: Decimals as exact numbers, datetimes and dates as ISO text, a float that is not finite as
    null (JSON has no NaN)."""
    marker = secrets.token_hex(8)
    numbers: list[str] = []

    def ready(value: Any) -> Any:
        if isinstance(value, Mapping):
            return {str(k): ready(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [ready(v) for v in value]
        if isinstance(value, Decimal):
            if not value.is_finite():
                return None
            numbers.append(_number(value))
            return f"{marker}{len(numbers) - 1}{marker}"
        if isinstance(value, datetime | date):
            return value.isoformat()
        if isinstance(value, float) and not math.isfinite(value):
            return None
        return value

    out = json.dumps(ready(data), indent=indent, allow_nan=False)
    for index, number in enumerate(numbers):
        out = out.replace(f'"{marker}{index}{marker}"', number, 1)
    return out


def limits_dict(status: LimitStatus) -> dict[str, Any]:
    """The limits section: month, method and each limit's figures."""
    from .caveats import METHOD

    def line(item: LimitLine) -> dict[str, Any]:
        return {
            "scope": item.scope,
            "name": item.name,
            "limit": item.limit,
            "month_to_date": item.month_to_date,
            "used": item.used,
            "projected_month_end": item.projected,
            "projected_share": item.projected_share,
            "reached_on": item.reached_on.isoformat() if item.reached_on else None,
            "pace_per_weekday": item.pace.weekday,
            "pace_per_weekend_day": item.pace.weekend,
        }

    return {
        "month": f"{status.today:%Y-%m}",
        "today": status.today.isoformat(),
        "currency": status.currency,
        "days": "UTC",
        "method": METHOD,
        "organization": line(status.organization) if status.organization else None,
        "projects": [line(p) for p in status.projects],
    }


def breakdown_dict(breakdown: Any, name: str) -> dict[str, Any] | None:
    """A breakdown as {unit: [{key, name, <measure>, previous, share, change}]} (None when the source lacks it)."""
    if breakdown is None:
        return None
    return {
        unit: [{"id": s.key, name: s.label if s.label != s.key else "", breakdown.measure: s.value,
                "previous": s.previous, "share": s.share, "change": s.change} for s in entries]
        for unit, entries in breakdown.entries.items()
    }  # fmt: skip


def report_dict(report: Any) -> dict[str, Any]:
    """The JSON shape of a `Report` (dates as ISO strings, money per currency as Decimal)."""
    currencies = report.currencies
    zero = Decimal(0)
    keys = breakdown_dict(report.spend_by_api_key, "name")
    users = breakdown_dict(report.tokens_by_user, "email")
    data: dict[str, Any] = {
        "period": {"start": report.start.isoformat(), "end": report.end.isoformat(), "time_zone": report.zone,
                   "days": len(report.days),
                   "partial_days": {d.isoformat(): n for d, n in report.partial_days().items()}},
        "previous_period": {"start": report.previous_start.isoformat(), "end": report.previous_stop.isoformat(),
                            "days": report.previous_days(),
                            "first_day_with_data": report.previous_first_data.isoformat()
                            if report.previous_first_data else None},
        "currencies": currencies,
        "spend": {
            "total": {c: report.spend.get(c, zero) for c in currencies},
            "previous": {c: report.previous_spend.get(c, zero) for c in currencies},
            "change": {c: report.spend_change(c) for c in currencies},
            "by_project": {c: dict(report.spend_by_project.get(c, {})) for c in currencies},
            "by_line_item": {c: dict(report.spend_by_line_item.get(c, {})) for c in currencies},
            "by_model": {c: report.model_breakdown(c) for c in currencies},
            "model_rule": MODEL_RULE,
            "by_api_key": None if keys is None else {c: keys.get(c, []) for c in currencies},
            "daily": {c: {d.isoformat(): v for d, v in report.daily_spend(c).items()} for c in currencies},
            "days": "UTC",
            "source": report.money_source,
        },
        "volume": {
            "tokens": report.total_tokens,
            "previous_tokens": report.previous_tokens,
            "tokens_change": report.change(report.total_tokens, report.previous_tokens),
            "requests": report.total_requests,
            "previous_requests": report.previous_requests,
            "requests_change": report.change(report.total_requests, report.previous_requests),
            "top_models": [
                {"model": m.model, "input_tokens": m.input_tokens, "output_tokens": m.output_tokens,
                 "tokens": m.tokens, "requests": m.requests}
                for m in report.models
            ],
            "by_user": None if users is None else users.get("", []),
            "daily_tokens": {d.isoformat(): v for d, v in report.daily_tokens().items()},
            "days": report.zone,
            "source": report.volume_source,
        },
        "project_names": {p: report.names.get(p, "") for c in currencies for p in report.spend_by_project.get(c, {})
                          if p != UNATTRIBUTED},
        "project_filter": list(report.project_filter),
        "limits": limits_dict(report.limits) if report.limits is not None else None,
        "unusual_days": report.unusual_days.as_dict() if report.unusual_days is not None else None,
        "caveats": [text(c) for c in report.caveats()],
    }  # fmt: skip
    if report.organizations:
        one = len(report.organizations) == 1
        data |= {"organization": report.organizations[0] if one else "total",
                 "organizations": list(report.organizations)}  # fmt: skip
    return data
