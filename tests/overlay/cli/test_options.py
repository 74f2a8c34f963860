"""The shared options: one comma-list rule, one range reader, each option declared once."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

import pytest
from oai_usage.cli import dates
from oai_usage.cli.exit_codes import EXIT_USAGE, CliError
from oai_usage.cli.main import build_parser
from oai_usage.cli.options import Connection, comma_list, parse_range

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "items"),
    [("a,b", ["a", "b"]), (" a , b ", ["a", "b"]), ("a,,b,", ["a", "b"]), ("", []), (",", [])],
)
def test_a_comma_list_drops_empty_items_and_spaces(text: str, items: list[str]) -> None:
    assert comma_list(text) == items


@pytest.mark.parametrize(
    "argv",
    [
        ["usage", "completions", "--project-ids", "proj_a,,proj_b"],
        ["costs", "--project-ids", "proj_a,,proj_b"],
        ["report", "--project-ids", "proj_a,,proj_b"],
    ],
)
def test_every_id_list_reads_empty_items_the_same_way(argv: list[str]) -> None:
    args = build_parser(argv).parse_args(argv)
    assert args.project_ids == ["proj_a", "proj_b"]


def test_sync_endpoints_read_as_the_id_lists() -> None:
    argv = ["sync", "--endpoints", "costs,,completions"]
    assert build_parser(argv).parse_args(argv).endpoints == ["costs", "completions"]


def test_a_range_ends_now_by_default() -> None:
    found = parse_range("7d", None, now=NOW, tz=UTC)
    assert (found.start, found.end) == (datetime(2026, 11, 14, tzinfo=UTC), NOW)  # 7d: today and the 6 days before


def test_an_end_before_the_start_is_a_cli_error_exiting_2() -> None:
    with pytest.raises(CliError, match=r"^--end \(2026-11-01T00:00:00Z\) must be after --start") as caught:
        parse_range("2026-11-02", "2026-11-01", now=NOW, tz=UTC)
    assert caught.value.exit_code == EXIT_USAGE


def test_a_bad_start_names_the_option() -> None:
    with pytest.raises(dates.DateError, match="--start"):
        parse_range("yesterday-ish", None, now=NOW, tz=UTC)


def test_a_connection_is_read_from_the_parsed_arguments() -> None:
    args = argparse.Namespace(sandbox=True, base_url=None, allow_insecure_http=False, verbose=1, profile=None)
    assert Connection.from_args(args) == Connection(sandbox=True, verbose=1)


def _declared(parser: argparse.ArgumentParser) -> list[str]:
    return [flag for action in parser._actions for flag in action.option_strings]


def test_no_command_declares_an_option_twice() -> None:
    parser = build_parser()
    (commands,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    for name, sub in commands.choices.items():
        flags = _declared(sub)
        assert len(flags) == len(set(flags)), name
