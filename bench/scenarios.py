"""The ranges measured: fixed, so every case of one run asks the sandbox for the same data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

NOW = 1796083200  # 2026-12-01T00:00:00Z: the sandbox's "now", so the data never changes between runs
DAY = 86400
HISTORY_DAYS = 400  # the sandbox keeps this much history: enough for the year-long memory check


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    days: int
    bucket_width: str
    group_by: tuple[str, ...]

    @property
    def start_time(self) -> int:
        return NOW - self.days * DAY

    def params(self) -> dict[str, Any]:
        """Keyword arguments shared by every client (`limit` left to each)."""
        params: dict[str, Any] = {"start_time": self.start_time, "end_time": NOW, "bucket_width": self.bucket_width}
        if self.group_by:
            params["group_by"] = list(self.group_by)
        return params

    @property
    def max_limit(self) -> int:
        return {"1d": 31, "1h": 168, "1m": 1440}[self.bucket_width]


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario("hourly30", "30 days of 1h buckets by model and project", 30, "1h", ("model", "project_id")),
        Scenario("minute7", "7 days of 1m buckets", 7, "1m", ()),
        Scenario(
            "hourly91",
            "3 months of 1h buckets by model and project (rows, streamed)",
            91,
            "1h",
            ("model", "project_id"),
        ),
        Scenario(
            "hourly182",
            "6 months of 1h buckets by model and project (rows, streamed)",
            182,
            "1h",
            ("model", "project_id"),
        ),
        Scenario(
            "hourly365",
            "12 months of 1h buckets by model and project (rows, streamed)",
            365,
            "1h",
            ("model", "project_id"),
        ),
    )
}
