"""Run the ASGI app on uvicorn: blocking for the CLI, or in a background thread for tests and other languages' CI."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from .app import SandboxApp
from .config import SandboxConfig
from .core import Sandbox

if TYPE_CHECKING:
    import uvicorn

log = logging.getLogger(__name__)


class MissingServerError(RuntimeError):
    """uvicorn, needed only to serve over HTTP (the in-process transports do without), is not installed."""


def _server(config: SandboxConfig, host: str, port: int, sandbox: Sandbox | None = None) -> uvicorn.Server:
    try:
        import uvicorn
    except ImportError:
        raise MissingServerError(
            "serving the sandbox over HTTP needs uvicorn: pip install 'oai-usage[sandbox]' (or pip install uvicorn)"
        ) from None
    uv = uvicorn.Config(
        SandboxApp(config, sandbox=sandbox),
        host=host,
        port=port,
        log_level="warning",
        lifespan="off",
        access_log=False,
        date_header=False,  # the app sends its own: the sandbox's now, pinned or not
    )
    return uvicorn.Server(uv)


def _bound_port(server: uvicorn.Server) -> int:
    for srv in server.servers:
        for sock in srv.sockets:
            return int(sock.getsockname()[1])
    raise RuntimeError("uvicorn is not listening")


@contextmanager
def serve_in_thread(
    config: SandboxConfig | None = None, host: str = "127.0.0.1", port: int = 0, *, sandbox: Sandbox | None = None
) -> Iterator[str]:
    """Serve in a daemon thread (port 0 = any free port) and yield the base URL `http://HOST:PORT/v1`.

    Pass `sandbox` to serve a given instance (and read its `faults_served` afterwards).
    """
    server = _server(sandbox.config if sandbox else config or SandboxConfig(), host, port, sandbox)
    thread = threading.Thread(target=server.run, name="oai-usage-sandbox", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("sandbox server failed to start")
        time.sleep(0.01)
    url = f"http://{host}:{_bound_port(server)}/v1"
    log.info("sandbox serving %s", url)
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def serve(config: SandboxConfig, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve in the foreground until interrupted, logging the base URL once listening."""
    server = _server(config, host, port)
    original = server.startup

    async def startup(sockets: object = None) -> None:
        await original(sockets=sockets)  # type: ignore[arg-type]
        if server.started:
            log.info("OpenAI Usage API sandbox serving http://%s:%d/v1", host, _bound_port(server))

    server.startup = startup  # type: ignore[method-assign]
    server.run()
