"""One CLI error type carries its exit code; the library's errors map to codes in one table in `cli/main.py`."""

from __future__ import annotations

import pytest
from oai_usage import errors
from oai_usage.cli.dates import DateError
from oai_usage.cli.exit_codes import EXIT_API, EXIT_USAGE, CliError
from oai_usage.cli.main import exit_code
from oai_usage.cli.paths import OutputIOError, OutputPathError
from oai_usage.warehouse import WarehouseError
from oai_usage.warehouse.config import ConfigError
from oai_usage.warehouse.lock import LockBusyError


def test_a_cli_error_exits_with_the_code_it_carries() -> None:
    assert exit_code(CliError("--port 80: cannot listen", 3)) == 3
    assert exit_code(CliError("--end must be after --start")) == EXIT_USAGE


@pytest.mark.parametrize("mistake", [DateError("--start: cannot read 'x'"), OutputPathError("-o /nope/x: no dir")])
def test_the_cli_s_own_mistakes_are_cli_errors_exiting_2(mistake: CliError) -> None:
    assert isinstance(mistake, CliError) and exit_code(mistake) == EXIT_USAGE


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (errors.ValidationError("limit: must be 1 to 31", param="limit"), EXIT_USAGE),
        (ConfigError("'gamma': no such profile", param="profile"), EXIT_USAGE),
        (errors.MissingAdminKeyError("no admin key"), EXIT_USAGE),
        (errors.MissingDependencyError("--plot needs matplotlib"), EXIT_USAGE),
        (errors.ServerError("busy", status_code=503), EXIT_API),
        (WarehouseError("usage.duckdb: disk full"), EXIT_API),
        (LockBusyError("usage.duckdb is in use by pid 7"), EXIT_API),
        (OutputIOError(28, "-o out.csv: No space left on device"), EXIT_API),
    ],
)
def test_library_errors_map_to_their_exit_codes(error: Exception, code: int) -> None:
    assert exit_code(error) == code


def test_a_bug_has_no_exit_code_and_raises() -> None:
    assert exit_code(KeyError("bucket_start")) is None


def test_the_cli_names_the_option_behind_a_warehouse_value() -> None:
    from oai_usage.cli.main import error_line

    said = error_line(ConfigError("/tmp/x.duckdb: not a regular file", param="database"))
    assert said == "--db /tmp/x.duckdb: not a regular file"


def test_the_cli_adds_the_way_round_a_busy_database() -> None:
    from oai_usage.cli.main import error_line

    said = error_line(LockBusyError("usage.duckdb is in use by pid 7; try again later or wait longer for it"))
    assert said.endswith("wait longer for it (--wait SECONDS)")
