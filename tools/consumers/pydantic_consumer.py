"""A Python consumer of openapi.yaml built only from the contract: pydantic models from datamodel-code-generator.

The models are generated with unknown fields forbidden (`extra='forbid'`) and strict types, and every page the
server returns is validated with `model_validate_json(..., strict=True)`: a key the contract does not declare, a
required key that is missing, a null where none is allowed or a wrong type fails the run. It runs the queries of
queries.json, follows every page and prints `{operation: {pages, buckets, results, sum}}` as JSON on stdout; then the
`admin_queries` (following `after=last_id` while `has_more`), printed as `{operation: {pages, items, sum}}`.

    python tools/consumers/pydantic_consumer.py --base-url URL --queries tools/consumers/queries.json [--models-dir DIR]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import yaml

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "openapi.yaml"
GENERATOR = "datamodel-code-generator"
GENERATOR_VERSION = "0.89.0"
# The options another team would pick for strict models of this contract.
CODEGEN_OPTIONS = [
    "--input-file-type", "openapi",
    "--output-model-type", "pydantic_v2.BaseModel",
    "--extra-fields", "forbid",
    "--strict-types", "str", "int", "float", "bool",
    "--target-python-version", "3.11",
    "--use-annotated",
    "--use-standard-collections",
    "--use-union-operator",
    "--enum-field-as-literal", "all",
    "--disable-timestamp",
    "--formatters", "builtin",
]  # fmt: skip
MAX_PAGES = 10_000
OPEN_ENUM_FIELDS = ("api_source", "quantity_unit")


def generate_models(folder: Path) -> ModuleType:
    """Run the pinned datamodel-codegen on openapi.yaml and import the result."""
    from importlib.metadata import version

    found = version(GENERATOR)
    if found != GENERATOR_VERSION:
        sys.exit(f"pydantic consumer: {GENERATOR} {found} is installed; {GENERATOR_VERSION} is pinned")
    output = folder / "usage_models.py"
    codegen = Path(sys.executable).parent / "datamodel-codegen"
    subprocess.run([str(codegen), "--input", str(SPEC), "--output", str(output), *CODEGEN_OPTIONS], check=True)
    spec = importlib.util.spec_from_file_location("usage_models", output)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["usage_models"] = module
    spec.loader.exec_module(module)
    return module


def cached_models(folder: Path) -> ModuleType:
    """The models generated in `folder` by an earlier run on the same spec and options, else generated there now."""
    import hashlib

    stamp = folder / "spec.sha256"
    digest = hashlib.sha256(SPEC.read_bytes() + json.dumps([GENERATOR_VERSION, CODEGEN_OPTIONS]).encode()).hexdigest()
    if not (stamp.is_file() and stamp.read_text() == digest and (folder / "usage_models.py").is_file()):
        folder.mkdir(parents=True, exist_ok=True)
        stamp.unlink(missing_ok=True)
        generate_models(folder)
        stamp.write_text(digest)
        return sys.modules["usage_models"]
    spec = importlib.util.spec_from_file_location("usage_models", folder / "usage_models.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["usage_models"] = module
    spec.loader.exec_module(module)
    return module


def page_models(models: ModuleType) -> dict[str, Any]:
    """Path -> generated page model, read from each operation's 200 response in openapi.yaml."""
    contract = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    out: dict[str, Any] = {}
    for path, item in contract["paths"].items():
        ref = item["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        out[path] = getattr(models, ref.rsplit("/", 1)[1])
    return out


def dotted(row: Any, path: str) -> float:
    value = row
    for part in path.split("."):
        value = getattr(value, part, None)
        if value is None:
            return 0
    return float(value) if isinstance(value, float) else int(value)


def result_required(path: str) -> list[str]:
    """The `required` keys of the result type of a usage or costs path, as openapi.yaml lists them."""
    contract = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    schemas = contract["components"]["schemas"]
    ref = contract["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    bucket = schemas[schemas[ref.rsplit("/", 1)[1]]["properties"]["data"]["items"]["$ref"].rsplit("/", 1)[1]]
    result = schemas[bucket["properties"]["results"]["items"]["$ref"].rsplit("/", 1)[1]]
    required: list[str] = result.get("required", [])
    return required


def check_strictness(model: Any, body: bytes, where: str, required: list[str]) -> None:
    """Controls on a real page: an undeclared key and a missing required key are refused; an unknown open-enum
    value is accepted."""
    from pydantic import ValidationError

    page = json.loads(body)
    rows = [row for bucket in page["data"] for row in bucket["results"]]
    if not rows:
        return
    extra = json.loads(body)
    next(row for bucket in extra["data"] for row in bucket["results"])["undeclared_field"] = 1
    missing = json.loads(body)
    first = next(row for bucket in missing["data"] for row in bucket["results"])
    # A required key, a counter every sample carries rather than `object` when there is one: absent must fail.
    first.pop(([key for key in first if key in required and key != "object"] or ["object"])[0])
    for name, broken in (("an undeclared field", extra), ("a missing required field", missing)):
        try:
            model.model_validate_json(json.dumps(broken), strict=True)
        except ValidationError:
            continue
        raise RuntimeError(f"{where}: the generated models accepted {name}; they are not strict")
    # Open enums stay open: a value outside `x-known-values` must still validate.
    future = json.loads(body)
    row = next(row for bucket in future["data"] for row in bucket["results"])
    opened = [key for key in OPEN_ENUM_FIELDS if key in row]
    for key in opened:
        row[key] = "a_value_from_the_future"
    if opened:
        model.model_validate_json(json.dumps(future), strict=True)


def run(base_url: str, queries: list[dict[str, Any]], models: ModuleType) -> dict[str, dict[str, float]]:
    pages_by_path = page_models(models)
    key = os.environ.get("OPENAI_ADMIN_KEY", "sk-admin-consumers")
    out: dict[str, dict[str, float]] = {}
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {key}"}, timeout=60) as http:
        for query in queries:
            model = pages_by_path[query["path"]]
            totals: dict[str, float] = {"pages": 0, "buckets": 0, "results": 0, "sum": 0}
            cursor: str | None = None
            while True:
                params = dict(query["params"]) | ({"page": cursor} if cursor else {})
                response = http.get(query["path"].lstrip("/"), params=params)
                response.raise_for_status()
                page = model.model_validate_json(response.content, strict=True)
                if totals["pages"] == 0:
                    check_strictness(model, response.content, query["operation"], result_required(query["path"]))
                totals["pages"] += 1
                for bucket in page.data:
                    totals["buckets"] += 1
                    for row in bucket.results:
                        totals["results"] += 1
                        totals["sum"] += dotted(row, query["sum_field"])
                if not page.has_more:
                    break
                if not page.next_page or page.next_page == cursor or totals["pages"] >= MAX_PAGES:
                    raise RuntimeError(f"{query['operation']}: bad cursor after page {totals['pages']}")
                cursor = page.next_page
            out[query["operation"]] = totals
    return out


def check_item_strictness(model: Any, body: bytes, where: str) -> None:
    """Controls on a real Admin answer: an undeclared key on an item (or the object itself) is refused."""
    from pydantic import ValidationError

    broken = json.loads(body)
    target = broken["data"][0] if isinstance(broken.get("data"), list) and broken["data"] else broken
    target["undeclared_field"] = 1
    try:
        model.model_validate_json(json.dumps(broken), strict=True)
    except ValidationError:
        return
    raise RuntimeError(f"{where}: the generated models accepted an undeclared field; they are not strict")


def run_admin(base_url: str, queries: list[dict[str, Any]], models: ModuleType) -> dict[str, dict[str, float]]:
    """The Admin queries: a paged one follows `after=last_id` while `has_more`; a single object counts one item."""
    by_path = page_models(models)
    key = os.environ.get("OPENAI_ADMIN_KEY", "sk-admin-consumers")
    out: dict[str, dict[str, float]] = {}
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {key}"}, timeout=60) as http:
        for query in queries:
            model = by_path[query["path"]]
            path = query["path"].format(**query["path_params"]).lstrip("/")
            params = {k: str(v).lower() if isinstance(v, bool) else v for k, v in query["params"].items()}
            totals: dict[str, float] = {"pages": 0, "items": 0, "sum": 0}
            seen: set[str] = set()
            after: str | None = None
            while True:
                response = http.get(path, params=params | ({"after": after} if after else {}))
                response.raise_for_status()
                answer = model.model_validate_json(response.content, strict=True)
                if totals["pages"] == 0:
                    check_item_strictness(model, response.content, query["operation"])
                totals["pages"] += 1
                items = answer.data if query["paged"] else [answer]
                for item in items:
                    item_id = getattr(item, "id", None)
                    if item_id is not None and item_id in seen:
                        raise RuntimeError(f"{query['operation']}: {item_id} came twice")
                    seen.add(item_id or "")
                    totals["items"] += 1
                    totals["sum"] += dotted(item, query["sum_field"])
                if not query["paged"] or not answer.has_more:
                    break
                if not answer.last_id or answer.last_id == after or totals["pages"] >= MAX_PAGES:
                    raise RuntimeError(f"{query['operation']}: bad last_id after page {totals['pages']}")
                after = answer.last_id
            out[query["operation"]] = totals
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--queries", required=True, type=Path)
    parser.add_argument(
        "--models-dir", type=Path, help="generate the models here once, reuse them while the spec is the same"
    )
    args = parser.parse_args(argv)
    spec = json.loads(args.queries.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        models = cached_models(args.models_dir) if args.models_dir else generate_models(Path(tmp))
        totals = run(args.base_url, spec["queries"], models) | run_admin(args.base_url, spec["admin_queries"], models)
    print(json.dumps(totals))
    return 0


if __name__ == "__main__":
    sys.exit(main())
