"""An emulator of the OpenAI Usage and Costs API over a synthetic organization: HTTP server or in-process transport."""

from __future__ import annotations

from .config import FAULT_NAMES, SandboxConfig
from .core import Sandbox, SandboxResponse
from .server import serve_in_thread
from .transport import AsyncSandboxTransport, SandboxTransport

__all__ = [
    "FAULT_NAMES",
    "AsyncSandboxTransport",
    "Sandbox",
    "SandboxConfig",
    "SandboxResponse",
    "SandboxTransport",
    "serve_in_thread",
]
