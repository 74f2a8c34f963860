"""`oai-usage metrics` in a real monitoring stack: a Prometheus server (Debian's `prometheus`, which the tests env
installs: tools/ci/install-debian.sh) scrapes `metrics --serve` every second, and its HTTP API answers with the
figures of `report --db` on the same sandbox warehouse; the example alert rules load in that server and pass
`promtool check rules`; the Grafana dashboard queries only metrics the exposition has."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from oai_usage.warehouse.metrics import METRICS

REPO = Path(__file__).resolve().parents[3]
RULES = REPO / "contrib" / "prometheus" / "oai-usage-rules.yml"
DASHBOARD = REPO / "contrib" / "grafana" / "oai-usage-dashboard.json"
NOW = "2026-11-24T15:30:00Z"
MONTH_START = "2026-11-01"
LAST_DAY = "2026-11-23"
CLI = [sys.executable, "-c", "from oai_usage.cli.main import main; main()"]


def _binary(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (Debian's prometheus package: tools/ci/install-debian.sh prometheus)")
    return found


def _env(home: Path) -> dict[str, str]:
    """The environment of the child processes: no key, base URL or time zone of the developer's; no config file."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "OAI_USAGE_TZ"))}
    env["XDG_CONFIG_HOME"] = str(home / "config")
    env["XDG_DATA_HOME"] = str(home / "data")
    return env


def _cli(home: Path, *argv: str) -> str:
    done = subprocess.run([*CLI, *argv], capture_output=True, text=True, cwd=home, env=_env(home), timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A sandbox warehouse synced at a pinned time (the report's endpoints): (its folder, the database)."""
    home = tmp_path_factory.mktemp("metrics-prom")
    db = home / "usage.duckdb"
    _cli(home, "--sandbox", "--now", NOW, "sync", "--db", str(db), "--endpoints", "costs,completions,embeddings")
    return home, db


@pytest.fixture(scope="module")
def report(synced: tuple[Path, Path]) -> dict[str, Any]:
    """`report --db` of the month so far, as JSON."""
    home, db = synced
    text = _cli(home, "report", "--db", str(db), "--start", MONTH_START, "--format", "json")
    found: dict[str, Any] = json.loads(text)
    return found


@pytest.fixture(scope="module")
def live(synced: tuple[Path, Path]) -> dict[str, Any]:
    """The live report's spend limits and month-end projection, at the time of the sync (the sandbox's API)."""
    home, _ = synced
    found: dict[str, Any] = json.loads(_cli(home, "--sandbox", "--now", NOW, "report", "--format", "json"))["limits"]
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=5) as answer:
        return json.loads(answer.read())


@pytest.fixture(scope="module")
def serving(synced: tuple[Path, Path]) -> Iterator[str]:
    """`metrics --serve 0` on the warehouse: its host:port (said on stderr)."""
    home, db = synced
    proc = subprocess.Popen([*CLI, "metrics", "--db", str(db), "--serve", "0"], stderr=subprocess.PIPE, text=True,
                            cwd=home, env=_env(home))  # fmt: skip
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        found = re.search(r"http://([\d.]+:\d+)/metrics", line)
        assert found, line
        yield found.group(1)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def prometheus(synced: tuple[Path, Path], serving: str) -> Iterator[str]:
    """A Prometheus server scraping `serving` every second, with the example rules: its base URL."""
    binary = _binary("prometheus")
    home, _ = synced
    config = home / "prometheus.yml"
    config.write_text(
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
        f"rule_files:\n  - {json.dumps(str(RULES))}\n"
        "scrape_configs:\n  - job_name: oai-usage\n    scrape_interval: 1s\n"
        f"    static_configs:\n      - targets: [{json.dumps(serving)}]\n",
        encoding="utf-8",
    )
    port = _free_port()
    log = (home / "prometheus.log").open("w")
    proc = subprocess.Popen([binary, f"--config.file={config}", f"--storage.tsdb.path={home / 'tsdb'}",
                             f"--web.listen-address=127.0.0.1:{port}"], stdout=log, stderr=log)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/-/ready", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            assert proc.poll() is None, (home / "prometheus.log").read_text()
            assert time.monotonic() < deadline, "prometheus did not get ready in 60 s"
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _query(base: str, promql: str) -> list[dict[str, Any]]:
    """The instant vector `promql` gives, once a scrape has filled it (up to 30 s)."""
    deadline = time.monotonic() + 30
    while True:
        answer = _get(f"{base}/api/v1/query?" + urllib.parse.urlencode({"query": promql}))
        assert answer["status"] == "success", answer
        result: list[dict[str, Any]] = answer["data"]["result"]
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.5)


def test_prometheus_finds_each_projects_month_to_date_of_report_db(prometheus: str, report: dict[str, Any]) -> None:
    result = _query(prometheus, 'oai_usage_project_spend_month_to_date_usd{organization="sandbox"}')
    scraped = {r["metric"]["project_id"]: float(r["value"][1]) for r in result}
    expected = report["spend"]["by_project"]["usd"]
    assert expected and set(expected) <= set(scraped)
    assert {p: scraped[p] for p in expected} == pytest.approx(expected, rel=1e-9)
    assert all(v == 0 for p, v in scraped.items() if p not in expected)  # a project spending only before the month


def test_prometheus_finds_the_organizations_month_to_date_of_report_db(prometheus: str, report: dict[str, Any]) -> None:
    result = _query(prometheus, "oai_usage_organization_spend_month_to_date_usd")
    assert [r["metric"]["organization"] for r in result] == ["sandbox"]
    assert float(result[0]["value"][1]) == pytest.approx(report["spend"]["total"]["usd"], rel=1e-9)


def test_prometheus_sums_the_last_days_spend_to_report_dbs_day(prometheus: str, report: dict[str, Any]) -> None:
    result = _query(prometheus, "sum(oai_usage_last_day_spend_usd)")
    assert float(result[0]["value"][1]) == pytest.approx(report["spend"]["daily"]["usd"][LAST_DAY], rel=1e-9)


def test_prometheus_sums_the_last_days_tokens_to_report_dbs_day(prometheus: str, report: dict[str, Any]) -> None:
    result = _query(prometheus, "sum(oai_usage_last_day_tokens)")
    assert int(result[0]["value"][1]) == report["volume"]["daily_tokens"][LAST_DAY]


def _by_project(result: list[dict[str, Any]]) -> dict[str, float]:
    return {r["metric"]["project_id"]: float(r["value"][1]) for r in result}


def test_prometheus_finds_the_live_reports_spend_limits(prometheus: str, live: dict[str, Any]) -> None:
    projects = _by_project(_query(prometheus, "oai_usage_project_spend_limit_usd"))
    assert projects and projects == {p["scope"]: p["limit"] for p in live["projects"]}
    organization = _query(prometheus, "oai_usage_organization_spend_limit_usd")
    assert float(organization[0]["value"][1]) == live["organization"]["limit"]


def test_prometheus_finds_the_live_reports_projection_of_each_limited_project(
    prometheus: str, live: dict[str, Any]
) -> None:
    projected = _by_project(_query(prometheus, "oai_usage_project_spend_projected_month_end_usd"))
    expected = {p["scope"]: p["projected_month_end"] for p in live["projects"]}
    assert {p: projected[p] for p in expected} == pytest.approx(expected, rel=1e-9)
    organization = _query(prometheus, "oai_usage_organization_spend_projected_month_end_usd")
    assert float(organization[0]["value"][1]) == pytest.approx(live["organization"]["projected_month_end"], rel=1e-9)


def test_prometheus_evaluates_the_projected_share_rule_as_the_live_report(
    prometheus: str, live: dict[str, Any]
) -> None:
    shares = _by_project(_query(prometheus, "oai_usage:project_spend_limit_projected:ratio"))
    expected = {p["scope"]: p["projected_share"] for p in live["projects"]}
    assert shares == pytest.approx(expected, abs=1e-6)  # the report rounds the spend to cents first


def test_the_example_rules_load_in_the_server(prometheus: str) -> None:
    groups = _get(f"{prometheus}/api/v1/rules")["data"]["groups"]
    names = {rule["name"] for group in groups for rule in group["rules"]}
    assert {"OaiUsageProjectLimitUsed", "OaiUsageOrganizationLimitProjected", "OaiUsageSyncStale"} <= names
    assert all(rule["health"] != "err" for group in groups for rule in group["rules"])


def test_promtool_accepts_the_example_rules() -> None:
    done = subprocess.run([_binary("promtool"), "check", "rules", str(RULES)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SUCCESS" in done.stdout


def test_promtool_refuses_a_broken_copy_of_the_rules(tmp_path: Path) -> None:
    broken = tmp_path / "rules.yml"
    broken.write_text(RULES.read_text(encoding="utf-8").replace(">= 0.8", ">= = 0.8", 1), encoding="utf-8")
    done = subprocess.run([_binary("promtool"), "check", "rules", str(broken)], capture_output=True, text=True)
    assert done.returncode != 0


def _metric_names(promql: str) -> set[str]:
    """The metric names a PromQL expression reads (`oai_usage_...` words; recording rules `oai_usage:...` aside)."""
    return set(re.findall(r"\boai_usage_[a-z0-9_]+\b", promql))


def test_the_dashboard_queries_only_metrics_the_exposition_has() -> None:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    queries = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
    queries += [v.get("query", {}).get("query", "") if isinstance(v.get("query"), dict) else str(v.get("query", ""))
                for v in dashboard.get("templating", {}).get("list", [])]  # fmt: skip
    used = set().union(*(_metric_names(q) for q in queries))
    assert len(queries) >= 6 and used
    assert used <= {spec.name for spec in METRICS}


def test_every_dashboard_query_finds_data_in_the_server(prometheus: str) -> None:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    queries = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
    for query in queries:
        assert _query(prometheus, query.replace("$organization", ".*")), query


def test_the_rules_read_only_metrics_the_exposition_has() -> None:
    assert _metric_names(RULES.read_text(encoding="utf-8")) <= {spec.name for spec in METRICS}
