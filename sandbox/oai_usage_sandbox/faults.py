"""Fault injection: a deterministic sequence, from (fault_seed, request number), of which requests fail and how."""

from __future__ import annotations

import json
import threading

from .config import SandboxConfig
from .rng import pick, unit

STATUS_FAULTS: dict[str, int] = {
    "rate_limit": 429,
    "server_error_json": 500,
    "server_error_html": 500,
    "bad_gateway": 502,
    "unavailable": 503,
    "unknown_520": 520,
}
"""Faults answered with a complete HTTP response; the others (drop, slow, truncate) act on the connection."""

_HTML = (
    "<html><head><title>{status} {reason}</title></head>"
    "<body><center><h1>{status} {reason}</h1></center><hr><center>sandbox</center></body></html>"
)
_REASONS = {429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


class FaultPicker:
    """Hands out the fault (or None) for each successive request; thread-safe, same sequence for the same seed."""

    def __init__(self, config: SandboxConfig) -> None:
        self._config = config
        self._lock = threading.Lock()
        self._n = 0

    def next(self) -> str | None:
        """The fault for the next request."""
        with self._lock:
            n = self._n
            self._n += 1
        cfg = self._config
        if cfg.fault_rate <= 0 or not cfg.faults or unit(cfg.fault_seed, n, 1) >= cfg.fault_rate:
            return None
        return cfg.faults[pick(len(cfg.faults), cfg.fault_seed, n, 2)]


def fault_response(kind: str, retry_after: int) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, headers and body of a status fault, JSON envelope or an HTML error page as proxies send."""
    status = STATUS_FAULTS[kind]
    headers: list[tuple[str, str]] = []
    if kind == "rate_limit":
        headers.append(("retry-after", str(retry_after)))
        error = {
            "message": f"Rate limit reached for requests. Please try again in {retry_after}s.",
            "type": "requests",
            "param": None,
            "code": "rate_limit_exceeded",
        }
    elif kind in ("server_error_html", "bad_gateway", "unknown_520"):
        reason = _REASONS.get(status, "Unknown Error")
        body = _HTML.format(status=status, reason=reason).encode()
        return status, [("content-type", "text/html; charset=utf-8"), *headers], body
    else:
        error = {
            "message": "The server had an error while processing your request. Sorry about that!",
            "type": "server_error",
            "param": None,
            "code": None,
        }
    body = json.dumps({"error": error}).encode()
    return status, [("content-type", "application/json"), *headers], body
