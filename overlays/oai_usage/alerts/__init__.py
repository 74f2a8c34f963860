"""Alerts: rules over daily spend that say when something needs a person, and notifications that say it once.

    from oai_usage import CheckSettings, SpendHistory, evaluate_rules
    history = SpendHistory.from_rows(client.costs(start_time=..., bucket_width="1d",
                                                  group_by=["project_id", "line_item", "api_key_id"]).rows())
    for finding in evaluate_rules(history, today=today, settings=CheckSettings()):
        print(finding.what)                      # what, where (names), how much, the baseline

Rules (`RULES`): a spend limit used or projected past a threshold (`limit_findings`, the report's month-end
projection), an unusual day against a robust baseline (`unusual_days`: median and MAD of the same kind of day),
something new that starts spending (`new_spenders`), and a warehouse not synced for too long (`stale_findings`).
From the warehouse (`warehouse_costs`, `warehouse_history`), the limits are those the last sync stored
(`stored_limit_uses`, with the same projection). Findings are immutable, with a stable `key` per period;
`notify_findings` sends each once per period through Apprise (the `alerts` extra), keeping what it sent in a
`NotifyState` file. Nothing here prints.
"""

from __future__ import annotations

from .model import DIMENSIONS, NO_MODEL, RULES, SEVERITIES, Finding, SpendHistory, model_of
from .notify import (
    Delivery,
    NotifyState,
    NotifyStateError,
    check_targets,
    default_state_path,
    mask_key_like,
    message,
    notify_findings,
    require_apprise,
    target_label,
)
from .rules import (
    LimitUse,
    basis_days,
    evaluate_rules,
    limit_findings,
    money,
    new_spenders,
    stale_findings,
    unusual_days,
)
from .settings import SETTINGS, CheckSettings, parse_check_settings, stale_seconds
from .sources import (
    history_start,
    live_history,
    live_limits,
    stored_limit_uses,
    stored_names,
    warehouse_costs,
    warehouse_history,
)

__all__ = [
    "DIMENSIONS",
    "NO_MODEL",
    "RULES",
    "SETTINGS",
    "SEVERITIES",
    "CheckSettings",
    "Delivery",
    "Finding",
    "LimitUse",
    "NotifyState",
    "NotifyStateError",
    "SpendHistory",
    "basis_days",
    "check_targets",
    "default_state_path",
    "evaluate_rules",
    "history_start",
    "limit_findings",
    "live_history",
    "live_limits",
    "mask_key_like",
    "message",
    "model_of",
    "money",
    "new_spenders",
    "notify_findings",
    "parse_check_settings",
    "require_apprise",
    "stale_findings",
    "stale_seconds",
    "stored_limit_uses",
    "stored_names",
    "target_label",
    "unusual_days",
    "warehouse_costs",
    "warehouse_history",
]
