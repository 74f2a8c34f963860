"""Run schemathesis against a live sandbox: every response must conform to openapi.yaml. Exit status = failures.

Starts the sandbox (uvicorn) on a free loopback port in a background thread, then runs the schemathesis CLI on it.

Choices:
* `--checks all`, with `positive_data_acceptance` told that 400 is an acceptable answer to schema-valid input: the
  spec cannot express cross-parameter rules (a `limit` valid for `1m` is too big for `1d`; `end_time` must follow
  `start_time`; a `page` cursor must come from the same query), so the sandbox rightly answers some valid-looking
  requests with 400, and the 400 body itself is still checked against the spec's BadRequest response.
* `negative_data_rejection` stays on: malformed input (non-integers, unknown enum values) must be a 4xx.
* `ignored_auth` stays on: requests without the bearer key must get 401.
* Examples are bounded (`generation.max-examples`) so the run takes well under three minutes on two cores.
* `now` is pinned so the data, and therefore any failure, is reproducible.
* The Admin operations' path parameters are pinned per operation to ids that exist in the sandbox's organization
  (read from its directory, so a seed change cannot make them stale): random ids would only ever exercise the 404
  branch. Query parameters are still generated.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from oai_usage_sandbox import SandboxConfig, serve_in_thread

REPO = Path(__file__).resolve().parent.parent

CONFIG_TOML = """
[generation]
max-examples = {examples}
database = "none"

[checks.positive_data_acceptance]
expected-statuses = ["2xx", "400", "401", "403", "404"]
"""


def admin_path_parameters(config: SandboxConfig) -> str:
    """`[[operations]]` tables pinning each Admin operation's path parameters to real objects of the sandbox."""
    from oai_usage_sandbox.directory import directory_for

    d = directory_for(config.seed, config.scale)
    project = next(p for p in d.projects if not p.archived and p.limit_cents is not None)
    key = d.project_keys(project.id)[0]
    member = d.members[project.id][0][0]
    account = d.service_accounts[project.id][0].id
    org_alert = next(a for a in d.alerts if a.project_id is None).id
    project_alert = next(a for a in d.alerts if a.project_id == project.id).id
    pinned = {
        "retrieveProject": {"project_id": project.id},
        "listProjectApiKeys": {"project_id": project.id},
        "retrieveProjectApiKey": {"project_id": project.id, "api_key_id": key.id},
        "listProjectServiceAccounts": {"project_id": project.id},
        "retrieveProjectServiceAccount": {"project_id": project.id, "service_account_id": account},
        "listProjectUsers": {"project_id": project.id},
        "retrieveProjectUser": {"project_id": project.id, "user_id": member},
        "retrieveUser": {"user_id": member},
        "retrieveAdminApiKey": {"key_id": d.admin_keys[0]["id"]},
        "getProjectSpendLimit": {"project_id": project.id},
        "listProjectSpendAlerts": {"project_id": project.id},
        "retrieveProjectSpendAlert": {"project_id": project.id, "alert_id": project_alert},
        "retrieveOrganizationSpendAlert": {"alert_id": org_alert},
    }
    # `after`/`before` of each list drawn mostly from that list's own ids, so generated requests page through it
    lists = {
        "listProjects": [p.id for p in d.projects],
        "listUsers": [u.id for u in d.users],
        "listProjectApiKeys": [k.id for k in d.project_keys(project.id)],
        "listProjectServiceAccounts": [sa.id for sa in d.service_accounts[project.id]],
        "listProjectUsers": [m[0] for m in d.members[project.id]],
        "listAdminApiKeys": [k["id"] for k in d.admin_keys],
        "listOrganizationSpendAlerts": [a.id for a in d.alerts if a.project_id is None],
        "listProjectSpendAlerts": [a.id for a in d.alerts if a.project_id == project.id],
    }
    tables = []
    for operation_id, ids in lists.items():
        quoted = ", ".join(f'"{i}"' for i in ids)
        tables.append(f"[dictionaries.{operation_id}]\nvalues = [{quoted}]\n")
    cursors: dict[str, str] = {}
    for operation_id in lists:
        binding = f'{{ dictionary = "{operation_id}", probability = 0.9 }}'
        cursors[operation_id] = f'"query.after" = {binding}'
        if "SpendAlerts" in operation_id:
            cursors[operation_id] += f', "query.before" = {binding}'
    for operation_id in lists:
        pinned.setdefault(operation_id, {})
    for operation_id, values in pinned.items():
        pairs = [f'"path.{name}" = "{value}"' for name, value in values.items()]
        inline = ", ".join(pairs + ([cursors[operation_id]] if operation_id in cursors else []))
        tables.append(f'[[operations]]\ninclude-operation-id = "{operation_id}"\nparameters = {{ {inline} }}\n')
    return "\n".join(tables)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=100, help="examples per operation and phase (default 100)")
    parser.add_argument("--workers", default="2", help="schemathesis workers (default 2)")
    parser.add_argument("--seed", type=int, default=0, help="hypothesis seed (default 0)")
    args = parser.parse_args(argv)
    config = SandboxConfig(seed=0, now=1_793_491_200 + 3 * 86_400 + 12_345)
    schemathesis = Path(sys.executable).with_name("schemathesis")
    command = str(schemathesis) if schemathesis.exists() else "schemathesis"
    with tempfile.TemporaryDirectory() as tmp, serve_in_thread(config) as base_url:
        toml = Path(tmp) / "schemathesis.toml"
        toml.write_text(
            CONFIG_TOML.format(examples=args.examples) + "\n" + admin_path_parameters(config), encoding="utf-8"
        )
        cmd = [
            command,
            "--config-file",
            str(toml),
            "run",
            str(REPO / "openapi.yaml"),
            "--url",
            base_url,
            "-H",
            "Authorization: Bearer sk-admin-sandbox",
            "--checks",
            "all",
            "--workers",
            args.workers,
            "--seed",
            str(args.seed),
            "--request-timeout",
            "30",
        ]
        print("+", " ".join(cmd), flush=True)
        env = {**os.environ, "SCHEMATHESIS_HOOKS": ""}
        # cwd=tmp: schemathesis keeps a crash cache in ./.schemathesis, which must not land in the repository
        return subprocess.run(cmd, check=False, env=env, cwd=tmp).returncode


if __name__ == "__main__":
    raise SystemExit(main())
