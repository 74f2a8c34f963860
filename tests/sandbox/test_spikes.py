"""The alert knobs of the sandbox: `--spike DAY:PROJECT:FACTOR` multiplies one project's day, and nothing else;
`--project-limit PROJECT=DOLLARS` sets a project's spend limit."""

from __future__ import annotations

import argparse

import pytest
from oai_usage_sandbox import Sandbox, SandboxConfig
from oai_usage_sandbox.directory import directory_for
from oai_usage_sandbox.options import build_arg_parser, config_from_args

from .conftest import DAY, NOW, TODAY, ok

SPIKED = TODAY - 2 * DAY


def _project() -> str:
    return directory_for(0, 1).projects[0].id


def _costs(sandbox: Sandbox, start: int, end: int, width: str = "1d") -> dict[tuple[int, str], float]:
    params: list[tuple[str, object]] = [("start_time", start), ("end_time", end), ("group_by", "project_id"),
                                        ("limit", 180)]  # fmt: skip
    if width != "1d":
        params.append(("bucket_width", width))
    spend: dict[tuple[int, str], float] = {}
    for bucket in ok(sandbox, "/v1/organization/costs", params)["data"]:
        for row in bucket["results"]:
            key = (bucket["start_time"] // DAY * DAY, row["project_id"])
            spend[key] = spend.get(key, 0.0) + row["amount"]["value"]
    return spend


def _spiked(factor: int = 5) -> Sandbox:
    return Sandbox(SandboxConfig(now=NOW, costs_revision_hours=0, spikes=((SPIKED // DAY, _project(), factor),)))


def test_a_spike_multiplies_that_projects_day_by_its_factor() -> None:
    plain = _costs(Sandbox(SandboxConfig(now=NOW, costs_revision_hours=0)), SPIKED - DAY, SPIKED + 2 * DAY)
    spiked = _costs(_spiked(), SPIKED - DAY, SPIKED + 2 * DAY)
    project = _project()
    assert spiked[(SPIKED, project)] == pytest.approx(5 * plain[(SPIKED, project)], rel=1e-9)
    assert {k: v for k, v in spiked.items() if k != (SPIKED, project)} == pytest.approx(
        {k: v for k, v in plain.items() if k != (SPIKED, project)}
    )


def test_a_spiked_day_sums_the_same_from_hours() -> None:
    sandbox = _spiked()
    daily = _costs(sandbox, SPIKED, SPIKED + DAY)
    usage = ok(sandbox, "/v1/organization/usage/completions", [("start_time", SPIKED), ("end_time", SPIKED + DAY),
                                                               ("project_ids", _project())])  # fmt: skip
    hourly = ok(sandbox, "/v1/organization/usage/completions", [("start_time", SPIKED), ("end_time", SPIKED + DAY),
                                                                ("project_ids", _project()), ("bucket_width", "1h"),
                                                                ("limit", 24)])  # fmt: skip
    day_requests = sum(r["num_model_requests"] for b in usage["data"] for r in b["results"])
    assert day_requests == sum(r["num_model_requests"] for b in hourly["data"] for r in b["results"]) > 0
    assert daily[(SPIKED, _project())] > 0


def test_a_project_limit_replaces_the_synthetic_one() -> None:
    project = directory_for(0, 1).projects[-1].id
    sandbox = Sandbox(SandboxConfig(now=NOW, project_limits=((project, 123_456),)))
    limit = ok(sandbox, f"/v1/organization/projects/{project}/spend_limit")
    assert limit["threshold_amount"] == 123_456


def _options(*argv: str) -> argparse.Namespace:
    return build_arg_parser(argparse.ArgumentParser()).parse_args(list(argv))


def test_the_options_read_day_project_factor_and_dollars() -> None:
    # 2026-11-23 is day 20780 of the Unix epoch
    config = config_from_args(_options("--spike", "2026-11-23:proj_abc:8", "--project-limit", "proj_abc=1500.5"))
    assert config.spikes == ((20780, "proj_abc", 8),) and config.project_limits == (("proj_abc", 150050),)


@pytest.mark.parametrize("bad", ["2026-11-23:proj_abc", "23/11/2026:proj_abc:8", "2026-11-23:abc:8",
                                 "2026-11-23:proj_abc:1.5", "2026-11-23:proj_abc:0"])  # fmt: skip
def test_a_bad_spike_is_refused(bad: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        _options("--spike", bad)
    assert "--spike" in capsys.readouterr().err
