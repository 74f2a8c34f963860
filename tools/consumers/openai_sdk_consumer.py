"""The official SDK (`openai` 3.57, pinned) as a consumer of the sandbox's Admin read operations.

Built with `_strict_response_validation=True`, the SDK validates every response with its own pydantic models instead
of constructing them leniently; on top of that every model it returns must carry no field its model does not
declare (`model_extra` empty, recursively). It runs the `admin_queries` of queries.json with the SDK's own methods,
following all pages with the SDK's own paginator (`iter_pages`), and prints `{operation: {pages, items, sum}}` as
JSON on stdout. Usage endpoints are not its job (the benchmark covers them).

    python tools/consumers/openai_sdk_consumer.py --base-url URL --queries tools/consumers/queries.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

SDK_VERSION = "3.57."


def unknown_fields(model: Any, at: str = "$") -> Iterator[str]:
    """Paths of fields a model (or a model nested in it) received but does not declare."""
    from pydantic import BaseModel

    if isinstance(model, BaseModel):
        for key in model.model_extra or {}:
            yield f"{at}.{key}"
        for name in type(model).model_fields:
            yield from unknown_fields(getattr(model, name), f"{at}.{name}")
    elif isinstance(model, list):
        for i, item in enumerate(model):
            yield from unknown_fields(item, f"{at}[{i}]")


def calls(client: Any) -> dict[str, Callable[..., Any]]:
    """Operation name (openapi.yaml's operationId) -> the SDK method that performs it."""
    org = client.admin.organization
    return {
        "listProjects": org.projects.list,
        "listUsers": org.users.list,
        "listProjectApiKeys": org.projects.api_keys.list,
        "listProjectServiceAccounts": org.projects.service_accounts.list,
        "listProjectUsers": org.projects.users.list,
        "listAdminApiKeys": org.admin_api_keys.list,
        "listOrganizationSpendAlerts": org.spend_alerts.list,
        "listProjectSpendAlerts": org.projects.spend_alerts.list,
        "getOrganizationSpendLimit": org.spend_limit.retrieve,
        "getProjectSpendLimit": org.projects.spend_limit.retrieve,
    }


def run(base_url: str, queries: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    import openai

    if not openai.__version__.startswith(SDK_VERSION):
        sys.exit(f"openai sdk consumer: openai {openai.__version__} is installed; {SDK_VERSION}* is pinned")
    key = os.environ.get("OPENAI_ADMIN_KEY", "sk-admin-consumers")
    client = openai.OpenAI(
        api_key=key, admin_api_key=key, base_url=base_url, max_retries=0, _strict_response_validation=True
    )
    methods = calls(client)
    out: dict[str, dict[str, float]] = {}
    for query in queries:
        op = query["operation"]
        method = methods.get(op)
        if method is None:
            raise RuntimeError(f"{op}: the SDK has no method for this operation")
        args = list(query["path_params"].values())
        result = method(*args, **query["params"])
        totals: dict[str, float] = {"pages": 0, "items": 0, "sum": 0}
        pages = result.iter_pages() if query["paged"] else [result]
        seen: set[str] = set()
        for page in pages:
            totals["pages"] += 1
            items = page.data if query["paged"] else [page]
            for item in items:
                extra = list(unknown_fields(item))
                if extra:
                    raise RuntimeError(f"{op}: fields the SDK's models do not declare: {extra}")
                item_id = getattr(item, "id", None)
                if item_id is not None:
                    if item_id in seen:
                        raise RuntimeError(f"{op}: {item_id} came twice")
                    seen.add(item_id)
                totals["items"] += 1
                totals["sum"] += int(getattr(item, query["sum_field"]) or 0)
        out[op] = totals
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--queries", required=True, type=Path)
    args = parser.parse_args(argv)
    queries = json.loads(args.queries.read_text(encoding="utf-8"))["admin_queries"]
    print(json.dumps(run(args.base_url, queries)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
