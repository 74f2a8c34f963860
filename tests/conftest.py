"""Fixtures shared by every test folder: the contract itself, loaded once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
SPEC_PATH = REPO / "openapi.yaml"


def load_spec() -> dict[str, Any]:
    """openapi.yaml as a dict (the same file other language teams generate from)."""
    with SPEC_PATH.open(encoding="utf-8") as fh:
        spec: dict[str, Any] = yaml.safe_load(fh)
    return spec


@pytest.fixture(scope="session")
def spec() -> dict[str, Any]:
    return load_spec()
