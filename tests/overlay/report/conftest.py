"""The report library's tests run on the sandbox in process, at the CLI tests' pinned "now"."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from oai_usage import UsageClient

from tests.overlay.cli.conftest import NOW
from tests.overlay.warehouse.conftest import sandbox_client


@pytest.fixture(scope="module")
def client() -> Iterator[UsageClient]:
    with sandbox_client(NOW) as found:
        yield found
