"""Every command module keeps the contract: `register`, a frozen `Options` read from the Namespace in one place,
`run(options) -> int`; the parser is built from the modules alone."""

from __future__ import annotations

import dataclasses
import inspect
from types import ModuleType
from typing import Any

import pytest
from oai_usage.cli.main import MODULES, build_parser


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__.rpartition(".")[2])
def test_a_command_module_registers_reads_and_runs(module: ModuleType) -> None:
    assert callable(module.register) and callable(module.run)
    options: Any = module.Options
    reader = inspect.signature(options.from_args)
    assert list(reader.parameters) == ["args", "now"]
    assert dataclasses.is_dataclass(options) and all(f.init for f in dataclasses.fields(options))
    assert module.Options.__dataclass_params__.frozen


def test_every_command_of_the_parser_runs_through_its_module() -> None:
    parser = build_parser()
    for argv in (["costs"], ["projects"], ["keys"], ["sync"], ["export", "--parquet", "p"], ["completion", "bash"]):
        args = parser.parse_args(argv)
        assert args.command_module in MODULES, argv


def test_a_command_line_builds_only_the_options_of_its_command() -> None:
    parser = build_parser(["costs"])
    args = parser.parse_args(["costs", "--start", "3d"])
    assert args.start == "3d"
    with pytest.raises(SystemExit):
        parser.parse_args(["sync", "--db", "x.duckdb"])  # sync's options were not built
