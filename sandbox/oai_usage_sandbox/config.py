"""Sandbox settings: one frozen value that fully determines what the sandbox serves."""

from __future__ import annotations

import time
from dataclasses import dataclass

from .ratelimit import RATE_LIMIT_SCOPES

FAULT_NAMES: tuple[str, ...] = (
    "rate_limit",
    "server_error_json",
    "server_error_html",
    "bad_gateway",
    "unavailable",
    "unknown_520",
    "drop",
    "slow",
    "truncate",
)
"""Every fault the sandbox can inject, in a fixed order (the fault picker relies on it)."""

ADMIN_OPERATION_IDS: tuple[str, ...] = (
    "listProjects", "retrieveProject", "listUsers", "retrieveUser", "listProjectApiKeys", "retrieveProjectApiKey",
    "listProjectServiceAccounts", "retrieveProjectServiceAccount", "listProjectUsers", "retrieveProjectUser",
    "listAdminApiKeys", "retrieveAdminApiKey", "getOrganizationSpendLimit", "getProjectSpendLimit",
    "listOrganizationSpendAlerts", "retrieveOrganizationSpendAlert", "listProjectSpendAlerts",
    "retrieveProjectSpendAlert",
)  # fmt: skip
"""The Admin read operations (openapi.yaml operationIds) that `forbidden_operations` may name."""

SHAPE_NAMES: tuple[str, ...] = ("current", "legacy")
"""The response shapes (`--shape`): `current` is every key of openapi.yaml, `legacy` the older real one."""

ADMIN_KEY_PREFIX = "sk-admin-"
MAX_USAGE_REVISION_MINUTES = 24 * 60
MAX_COSTS_REVISION_HOURS = 7 * 24
MAX_SPIKE_FACTOR = 1000


def system_time() -> float:
    """The wall clock, read where "now" is not pinned: the sandbox's one reading of it (tests pin it here)."""
    return time.time()


@dataclass(frozen=True)
class SandboxConfig:
    """What to serve and how badly: seed and scale pick the organization, the rest shapes the transport."""

    seed: int = 0
    scale: int = 1
    latency_ms: int = 0
    fault_rate: float = 0.0
    fault_seed: int = 0
    faults: tuple[str, ...] = FAULT_NAMES
    now: int | None = None
    history_days: int = 120
    slow_seconds: float = 2.0
    retry_after_seconds: int = 1
    usage_revision_minutes: int = 15
    """Usage data of the last N closed minutes is still growing toward its final value (0: final at once)."""
    costs_revision_hours: int = 36
    """Costs of the last N hours are still growing toward their final value (0: final at once)."""
    forbidden_operations: tuple[str, ...] = ()
    """Admin operations (operationIds) answered with 403, as for an Admin key without that scope."""
    shape: str = "current"
    """`current` (every key of openapi.yaml) or `legacy` (the older shape real captures show: no token breakdowns,
    `service_tier` or `api_source`; costs with `organization_id` and without the newer keys; see `shapes`)."""
    rate_limit: int = 0
    """Requests a minute per key (or organization, see `rate_limit_scope`); past it, 429. 0: no limit."""
    rate_limit_scope: str = "key"
    """What one rate-limit bucket counts: each API key (`key`) or each `OpenAI-Organization` (`organization`)."""
    spikes: tuple[tuple[int, str, int], ...] = ()
    """(UTC day as Unix days, project id, factor): that project's traffic and costs on that day are multiplied by
    the factor (a whole number, so 1m, 1h and 1d sums still agree): an unusual day for alert tests."""
    project_limits: tuple[tuple[str, int], ...] = ()
    """(project id, cents): that project's monthly spend limit, instead of the synthetic one."""

    def __post_init__(self) -> None:
        if self.scale < 1:
            raise ValueError("scale must be >= 1")
        if not 0.0 <= self.fault_rate <= 1.0:
            raise ValueError("fault_rate must be between 0 and 1")
        if self.latency_ms < 0:
            raise ValueError("latency_ms must be >= 0")
        if self.history_days < 1:
            raise ValueError("history_days must be >= 1")
        if not 0 <= self.usage_revision_minutes <= MAX_USAGE_REVISION_MINUTES:
            raise ValueError(f"usage_revision_minutes must be between 0 and {MAX_USAGE_REVISION_MINUTES}")
        if not 0 <= self.costs_revision_hours <= MAX_COSTS_REVISION_HOURS:
            raise ValueError(f"costs_revision_hours must be between 0 and {MAX_COSTS_REVISION_HOURS}")
        refused = set(self.forbidden_operations) - set(ADMIN_OPERATION_IDS)
        if refused:
            raise ValueError(f"unknown Admin operations in forbidden_operations: {sorted(refused)}")
        if self.shape not in SHAPE_NAMES:
            raise ValueError(f"shape must be one of {', '.join(SHAPE_NAMES)}, got {self.shape!r}")
        if self.rate_limit < 0:
            raise ValueError("rate_limit must be >= 0 (requests a minute; 0: no limit)")
        if self.rate_limit_scope not in RATE_LIMIT_SCOPES:
            raise ValueError(f"rate_limit_scope must be one of {', '.join(RATE_LIMIT_SCOPES)}")
        for _, _, factor in self.spikes:
            if not 1 <= factor <= MAX_SPIKE_FACTOR:
                raise ValueError(f"a spike's factor must be a whole number from 1 to {MAX_SPIKE_FACTOR}")
        if any(cents < 0 for _, cents in self.project_limits):
            raise ValueError("a project limit must be >= 0 cents")
        unknown = set(self.faults) - set(FAULT_NAMES)
        if unknown:
            raise ValueError(f"unknown faults: {sorted(unknown)}")

    def current_time(self) -> int:
        """The sandbox's notion of now: the configured instant, else the wall clock."""
        return self.now if self.now is not None else int(system_time())
