"""What a reader must know to read the report's figures right, as data (`Caveat`), and its wording (`text`).

A caveat is a kind and its facts (dates, currencies, names, shares); renderers word it with `text` (the one
English wording, also in the JSON's `caveats`) or in their own way from the facts. The kinds are `KINDS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from types import MappingProxyType
from typing import Any

__all__ = ["KINDS", "METHOD", "Caveat", "share_text", "text"]

METHOD = (
    "Projection: the spend of this month's whole UTC days so far, plus, for today and each remaining day of the "
    "month, the mean spend of that kind of day (weekday or weekend) over the 28 whole UTC days before today "
    "(today counts at least its spend so far); the limit is reached on the first day the running total meets it."
)
"""How the month-end projection is made (the `limits_method` caveat)."""

KINDS = (
    "no_data",
    "currencies",
    "partial_day",
    "previous_same_time",
    "whole_day_change",
    "utc_days",
    "no_previous_data",
    "previous_data_late",
    "project_filter",
    "end_after_now",
    "limits_method",
    "limits_pace",
    "limits_close",
    "limit_org_unreadable",
    "limits_projects_unreadable",
    "limits_other_currencies",
    "limits_failed",
    "limits_not_in_warehouse",
    "limits_from_warehouse",
    "groupings_not_in_warehouse",
    "unusual_not_judged",
)
"""Every kind of caveat, in the order a report states them."""


@dataclass(frozen=True)
class Caveat:
    """One thing to know: its `kind` (one of `KINDS`) and its `facts` (read-only)."""

    kind: str
    facts: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown caveat kind {self.kind!r}; allowed: {', '.join(KINDS)}")
        object.__setattr__(self, "facts", MappingProxyType(dict(self.facts)))


def share_text(share: float | None, digits: int = 1) -> str:
    """A share of a limit for people: `42.0%`, or `over $0` for a $0 limit with spend (no finite share)."""
    return "over $0" if share is None else f"{share:.{digits}%}"


def _day(value: date | datetime) -> str:
    return value.isoformat() if not isinstance(value, datetime) else f"{value:%Y-%m-%d %H:%M}"


def text(caveat: Caveat) -> str:
    """The caveat in one English sentence (what every report format shows)."""
    f = caveat.facts
    kind = caveat.kind
    if kind == "no_data":
        return "This period has no data: no costs and no completions or embeddings usage."
    if kind == "currencies":
        names = ", ".join(c.upper() for c in f["currencies"])
        return (f"Costs come in {len(f['currencies'])} currencies ({names}): each total is per currency, none is "
                "converted or added to another.")  # fmt: skip
    if kind == "partial_day":
        return f"{_day(f['day'])} is a partial day ({f['part']} {f['zone']})."
    if kind == "previous_same_time":
        return (
            f"The previous period stops at the same time of day, {_day(f['cut'])} {f['zone']}, for a "
            "like-for-like change of tokens and requests; its spend counts that whole UTC day (costs are daily)."
        )
    if kind == "whole_day_change":
        return (f"The spend change leaves out the day in progress: it compares the whole UTC days {f['days'][0]} to "
                f"{f['days'][1]} with {f['previous_days'][0]} to {f['previous_days'][1]}.")  # fmt: skip
    if kind == "utc_days":
        how = " (each local date shows the spend of the same UTC date)" if f["local"] else ""
        return (f"Spend is counted in whole UTC days, as the Costs API has it: {f['days'][0]} to {f['days'][1]}{how}, "
                f"compared with {f['previous_days'][0]} to {f['previous_days'][1]}; a day in progress shows its spend "
                "so far.")  # fmt: skip
    if kind == "no_previous_data":
        return "The previous period has no data: there is no change to show."
    if kind == "previous_data_late":
        return (f"The previous period starts {f['starts']} but its data starts {f['data_starts']}: it has data on only "
                f"{f['covered']} of its {f['days']} days, so the change overstates growth.")  # fmt: skip
    if kind == "project_filter":
        return (f"Only the projects {', '.join(f['projects'])}: every figure is of these projects (the spend limits "
                "of the organization compare with its whole spend).")  # fmt: skip
    if kind == "end_after_now":
        return f"The period asked for ends {f['asked_end']}, after now: it is shown up to now, {f['end']}."
    if kind == "limits_method":
        return METHOD
    if kind == "limits_pace":
        return (f"Pace of the organization over {f['basis'][0]} to {f['basis'][1]}: {f['weekday']:,.2f} per weekday, "
                f"{f['weekend']:,.2f} per weekend day ({f['currency'].upper()}).")  # fmt: skip
    if kind == "limits_close":
        names = ", ".join(f"{name} ({share_text(share, 0)})" for name, share in f["projects"])
        return f"Projects projected to reach at least 80% of their limit this month: {names}."
    if kind == "limit_org_unreadable":
        return "The organization's spend limit is not readable with this key (403): it is left out."
    if kind == "limits_projects_unreadable":
        return "Some projects' spend limits are not readable with this key (403): they are left out."
    if kind == "limits_other_currencies":
        return (f"Spend limits in {', '.join(f['currencies'])} are left out: spend is summed in "
                f"{f['currency'].upper()}.")  # fmt: skip
    if kind == "limits_failed":
        return "The spend limits could not be read: they are left out."
    if kind == "limits_not_in_warehouse":
        return ("The warehouse keeps no spend limits for this report (a sync stores them along with the names; several "
                "organizations together have no one limit): a report from the API shows them.")  # fmt: skip
    if kind == "limits_from_warehouse":
        return (f"Spend limits as the last sync read them ({_day(f['as_of'])} UTC); the month to date and the "
                "projection come from the warehouse's daily costs.")  # fmt: skip
    if kind == "unusual_not_judged":
        return (f"Unusual days are not judged: their history (daily costs by project and line item from "
                f"{f['from']}) is not available ({f['reason']}).")  # fmt: skip
    # groupings_not_in_warehouse
    return (
        f"The warehouse's plan keeps no {', '.join(f['breakdowns'])} for this period: a report from the API shows "
        "them, or add their groupings to the plan and sync."
    )
