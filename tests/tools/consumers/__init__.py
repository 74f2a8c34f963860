"""Tests of the consumers' tools (tools/consumers), which are scripts, not packages: `load` imports one by path."""

from __future__ import annotations

from tests.conftest import REPO
from tests.conftest import load_script as load

__all__ = ["REPO", "load"]
