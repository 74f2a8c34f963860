"""Tests of the consumers' tools (tools/consumers), which are scripts, not packages: `load` imports one by path."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[3]


def load(relative: str, name: str) -> ModuleType:
    """The script at REPO/`relative`, imported as the module `name` (registered, so dataclasses and pickling work)."""
    spec = importlib.util.spec_from_file_location(name, REPO / relative)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module
