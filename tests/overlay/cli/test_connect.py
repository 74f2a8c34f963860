"""The CLI's bridge to the client: options from the registry, and rows with or without a progress bar."""

from __future__ import annotations

import io

import pytest
from oai_usage import UsageClient
from oai_usage.cli import connect as fetch
from oai_usage.endpoints import ENDPOINTS

from tests.overlay.cli.conftest import NOW


def test_options_come_from_the_registry() -> None:
    images = fetch.endpoint_options("images")
    assert images.group_by == ENDPOINTS["images"].group_by
    assert set(images.list_filters["sizes"]) >= {"1024x1024", "256x256"}
    assert images.list_filters["project_ids"] == ()
    assert fetch.endpoint_options("completions").has_batch and not images.has_batch
    assert fetch.endpoint_options("costs").bucket_widths == ("1d",)


def test_a_week_of_minutes_is_expected_to_take_seven_pages(sandbox_client: UsageClient) -> None:
    start = int(NOW.timestamp()) - 7 * 86400
    query = sandbox_client.query("moderations", start_time=start, end_time=int(NOW.timestamp()), bucket_width="1m")
    assert query.planned_pages == 7


def test_the_progress_bar_shows_on_a_terminal_and_changes_no_row(
    sandbox_client: UsageClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    params = {"start_time": NOW.replace(day=21), "end_time": NOW, "bucket_width": "1m"}  # three pages
    plain = list(fetch.rows_with_progress(sandbox_client, "moderations", params))

    terminal = io.StringIO()
    monkeypatch.setattr(terminal, "isatty", lambda: True, raising=False)
    monkeypatch.setattr("sys.stderr", terminal)
    with_bar = list(fetch.rows_with_progress(sandbox_client, "moderations", params))
    assert with_bar == plain
    assert "moderations: pages" in terminal.getvalue()


def test_a_mistake_is_raised_before_any_row_is_asked_for(sandbox_client: UsageClient) -> None:
    from oai_usage import ValidationError

    with pytest.raises(ValidationError, match="group_by"):
        fetch.rows_with_progress(sandbox_client, "images", {"start_time": NOW, "group_by": ["line_item"]})
