"""Raw ASGI app over the core, acting out connection faults on the wire (drop, slow, truncated body)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl

from .config import SandboxConfig
from .core import Sandbox, SandboxResponse

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

log = logging.getLogger(__name__)


def _abort(send: Send) -> bool:
    """Close the client connection under uvicorn's feet (no ASGI message can); False if the server is not uvicorn."""
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None:
        log.warning("cannot close the connection on this ASGI server; sending the response instead")
        return False
    cycle.disconnected = True  # type: ignore[union-attr]  # keeps uvicorn from answering 500 after we return
    transport.close()
    return True


class SandboxApp:
    """ASGI 3 application serving the sandbox at `/v1/organization/...` (and without the `/v1` prefix)."""

    def __init__(self, config: SandboxConfig | None = None, *, sandbox: Sandbox | None = None) -> None:
        self.sandbox = sandbox or Sandbox(config or SandboxConfig())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        cfg = self.sandbox.config
        if cfg.latency_ms:
            await asyncio.sleep(cfg.latency_ms / 1000)
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", [])}
        resp = await asyncio.to_thread(self.sandbox.serve, scope["method"], scope["path"], query, headers)
        await self._send(resp, send)

    async def _send(self, resp: SandboxResponse, send: Send) -> None:
        cfg = self.sandbox.config
        if resp.fault == "drop" and _abort(send):
            return
        if resp.fault == "slow":
            await asyncio.sleep(cfg.slow_seconds)
        headers = [(k.encode(), v.encode()) for k, v in resp.headers]
        headers.append((b"content-length", str(len(resp.body)).encode()))
        await send({"type": "http.response.start", "status": resp.status, "headers": headers})
        if resp.fault == "truncate":
            await send({"type": "http.response.body", "body": resp.body[: len(resp.body) // 2], "more_body": True})
            if _abort(send):
                return
        await send({"type": "http.response.body", "body": resp.body})

    @staticmethod
    async def _lifespan(receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
