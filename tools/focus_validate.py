"""`tox -e focus`: the FinOps Foundation's validator (focus-validator) on a FOCUS export of a year of sandbox costs.

Writes the export as `oai-usage export --focus` does (the same functions), as CSV and as Parquet, runs the
validator on each with the rule set of FOCUS_VERSION (offline: `--block-download`), reads its JUnit XML and fails
on any failed or errored rule; a copy with lower-case currency codes must fail (the check can fail). One reading
of the validator's own logic is applied: a rule that is one alternative of an OR rule (e.g. InvoiceId "null when
not invoiced" OR "not null when invoiced") counts as met when that OR rule passed; the validator reports the other
alternative's failure too. Every such case is printed.

The validator opens its rules' CSV files relative to the working directory, so it runs from the folder that holds
the installed `focus_validator` package.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from oai_usage import UsageClient
from oai_usage.warehouse.focus import COLUMNS, FOCUS_VERSION, FocusAccount, focus_rows, write_focus
from oai_usage_sandbox import SandboxConfig, SandboxTransport

NOW = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)
START = datetime(2025, 11, 1, tzinfo=UTC)
END = datetime(2026, 11, 1, tzinfo=UTC)  # a year of whole months
CRITERIA = ("USAGE_MEASUREMENT_SUPPORTED", "SUB_ACCOUNT_SUPPORTED")
"""What OpenAI's Costs API supports among the validator's applicability criteria (docs/warehouse.md, "FOCUS export")."""


def export(folder: Path) -> list[Path]:
    """A year of sandbox costs (by project and line item) as FOCUS CSV and Parquet files in `folder`."""
    moment = int(NOW.timestamp())
    transport = SandboxTransport(SandboxConfig(now=moment, history_days=400))
    with UsageClient("sk-admin-sandbox", base_url="https://sandbox.oai-usage.invalid/v1", transport=transport,
                     clock=lambda: float(moment)) as client:  # fmt: skip
        costs = list(client.query("costs", start_time=START, end_time=END, group_by=["project_id", "line_item"]).rows())
        names = {pid: info.name for pid, info in client.directory().projects.items()}
    rows = focus_rows(costs, FocusAccount(None, None), names)
    currency = [name for name, _ in COLUMNS].index("BillingCurrency")
    broken = [(*r[:currency], str(r[currency]).lower(), *r[currency + 1 :]) for r in rows[:200]]
    write_focus(broken, folder / "broken.csv")  # the check must be able to fail: lower-case currency codes
    days = sorted({c["bucket_start"] for c in costs})
    print(f"focus: {len(rows)} FOCUS {FOCUS_VERSION} rows on {len(days)} days from {days[0]:%Y-%m-%d} to "
          f"{days[-1]:%Y-%m-%d}")  # fmt: skip
    assert days[0] == START and (END - days[-1]).days == 1, "the sandbox did not serve a whole year"
    paths = [folder / "year.csv", folder / "year.parquet"]
    for path in paths:
        write_focus(rows, path)
    return paths


def validator_home() -> Path:
    spec = importlib.util.find_spec("focus_validator")
    assert spec is not None and spec.origin, "focus-validator is not installed (tox -e focus installs it)"
    return Path(spec.origin).resolve().parent.parent


def validator(*args: str) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).with_name("focus-validator")), "--block-download", *args]
    return subprocess.run(command, cwd=validator_home(), capture_output=True, text=True, timeout=600, check=False)


def rule_set() -> str:
    """The validator's rule set for FOCUS_VERSION (e.g. 1.2.0.1), which must be the newest it ships."""
    found = validator("--supported-versions")
    line = next((x for x in (found.stdout + found.stderr).splitlines() if "Supported local versions" in x), "")
    versions = sorted(json.loads(line.split(":", 1)[1].replace("'", '"')), key=lambda v: [int(p) for p in v.split(".")])
    assert versions, f"the validator lists no rule set: {found.stdout}{found.stderr}"
    newest = str(versions[-1])
    assert newest.startswith(FOCUS_VERSION + "."), f"the validator's newest rule set is {newest}, not {FOCUS_VERSION}"
    return newest


def or_alternatives(version: str) -> dict[str, str]:
    """Rule ID -> the OR rule it is an alternative of, from the validator's rule model."""
    model = json.loads((validator_home() / "focus_validator" / "rules" / f"model-{version}.json").read_text())
    found: dict[str, str] = {}
    for rule_id, rule in model["ModelRules"].items():
        requirement: dict[str, Any] = rule.get("ValidationCriteria", {}).get("Requirement", {})
        if requirement.get("CheckFunction") == "OR":
            for item in requirement.get("Items", []):
                if item.get("CheckFunction") == "CheckModelRule":
                    found[item["ModelRuleId"]] = rule_id
    return found


def verdict(xml: Path, alternatives: dict[str, str]) -> tuple[list[str], list[str], dict[str, str]]:
    """(failed rules, tolerated OR alternatives, the suite's counts) from the JUnit XML."""
    root = ET.parse(xml).getroot()
    status: dict[str, str] = {}
    messages: dict[str, str] = {}
    for case in root.iter("testcase"):
        rule = (case.get("name") or "").split(" :: ")[0]
        tags = {child.tag for child in case}
        bad = next((child for child in case if child.tag in ("failure", "error")), None)
        status[rule] = "failed" if bad is not None else "skipped" if "skipped" in tags else "passed"
        if bad is not None:
            messages[rule] = f"{bad.tag}: {bad.get('message')}"
    failed, tolerated = [], []
    for rule, state in sorted(status.items()):
        if state != "failed":
            continue
        parent = alternatives.get(rule)
        if parent is not None and status.get(parent) == "passed":
            tolerated.append(f"{rule} ({messages[rule]}): an alternative of {parent}, which passed")
        else:
            failed.append(f"{rule}: {messages[rule]}")
    counts = {k: root.get(k, "?") for k in ("tests", "failures", "errors", "skipped")}
    counts["passed"] = str(sum(1 for s in status.values() if s == "passed"))
    return failed, tolerated, counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", metavar="DIR", help="write the exports and reports here (default: a temp folder)")
    args = parser.parse_args()
    began = time.monotonic()
    version = rule_set()
    alternatives = or_alternatives(version)
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(args.keep or temp)
        folder.mkdir(parents=True, exist_ok=True)
        bad = 0
        for path in [*export(folder), folder / "broken.csv"]:
            xml = path.with_suffix(path.suffix + ".junit.xml")
            done = validator("--data-file", str(path), "--validate-version", version, "--output-type", "unittest",
                             "--output-destination", str(xml),
                             "--applicability-criteria", ",".join(CRITERIA))  # fmt: skip
            if done.returncode != 0 or not xml.is_file():
                print(f"focus: the validator failed on {path.name} (exit {done.returncode}):\n{done.stderr[-4000:]}")
                return 1
            failed, tolerated, counts = verdict(xml, alternatives)
            if path.name == "broken.csv":
                caught = [line for line in failed if line.startswith("BillingCurrency")]
                print(f"focus: broken.csv (lower-case currency codes): {len(failed)} failed rules, "
                      f"{len(caught)} on BillingCurrency, as it must")  # fmt: skip
                bad += 0 if caught else 1
                continue
            print(f"focus: {path.name}: rule set {version}, " + ", ".join(f"{k} {v}" for k, v in counts.items()))
            for line in tolerated:
                print(f"  tolerated: {line}")
            for line in failed:
                print(f"  FAILED: {line}")
            if int(counts["passed"]) < 100:
                print(f"  FAILED: only {counts['passed']} rules passed")
                bad += 1
            bad += len(failed)
    print(f"focus: {'FAILED' if bad else 'valid'} ({time.monotonic() - began:.1f} s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
