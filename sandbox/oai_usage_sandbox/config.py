"""Sandbox settings: one frozen value that fully determines what the sandbox serves."""

from __future__ import annotations

import time
from dataclasses import dataclass

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

ADMIN_KEY_PREFIX = "sk-admin-"


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

    def __post_init__(self) -> None:
        if self.scale < 1:
            raise ValueError("scale must be >= 1")
        if not 0.0 <= self.fault_rate <= 1.0:
            raise ValueError("fault_rate must be between 0 and 1")
        if self.latency_ms < 0:
            raise ValueError("latency_ms must be >= 0")
        if self.history_days < 1:
            raise ValueError("history_days must be >= 1")
        unknown = set(self.faults) - set(FAULT_NAMES)
        if unknown:
            raise ValueError(f"unknown faults: {sorted(unknown)}")

    def current_time(self) -> int:
        """The sandbox's notion of now: the configured instant, else the wall clock."""
        return self.now if self.now is not None else int(time.time())
