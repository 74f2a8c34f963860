"""Read operations, parameters and examples out of openapi.yaml for the generated-layer tests."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from tests.conftest import load_spec

SPEC = load_spec()


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    """Follow a local `$ref` (one level is all this spec uses at a time)."""
    while "$ref" in node:
        target: Any = SPEC
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


@dataclass(frozen=True)
class Operation:
    """One GET operation of the contract and where the generator put it."""

    operation_id: str
    path: str
    parameters: list[dict[str, Any]]
    page_schema: str
    example: dict[str, Any]
    tag: str = "Usage"

    @property
    def module(self) -> ModuleType:
        snake = "".join("_" + c.lower() if c.isupper() else c for c in self.operation_id)
        return importlib.import_module(f"oai_usage_api.api.{self.tag.lower()}.{snake}")

    @property
    def page_class(self) -> type[Any]:
        snake = "".join("_" + c.lower() if c.isupper() else c for c in self.page_schema).lstrip("_")
        module = importlib.import_module(f"oai_usage_api.models.{snake}")
        cls: type[Any] = getattr(module, self.page_schema)
        return cls

    def result_schema(self) -> dict[str, Any]:
        bucket = resolve(SPEC["components"]["schemas"][self.page_schema]["properties"]["data"]["items"])
        return resolve(bucket["properties"]["results"]["items"])


def operations(tag: str = "Usage") -> list[Operation]:
    """The GET operations of one tag: `Usage` (usage and costs, bucketed pages) or `Admin` (the read-only lists)."""
    ops = []
    for path, item in SPEC["paths"].items():
        get = item["get"]
        if get["tags"] != [tag]:
            continue
        content = get["responses"]["200"]["content"]["application/json"]
        ops.append(
            Operation(
                operation_id=get["operationId"],
                path=path,
                parameters=[resolve(p) for p in get["parameters"]],
                page_schema=content["schema"]["$ref"].rsplit("/", 1)[1],
                example=content["example"],
                tag=tag,
            )
        )
    return ops


OPERATIONS = operations()
ADMIN_OPERATIONS = operations("Admin")


def sample_arguments(op: Operation) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Keyword arguments covering every parameter, and the query pairs they must produce."""
    kwargs: dict[str, Any] = {}
    expected: list[tuple[str, str]] = []
    for param in op.parameters:
        name, schema = param["name"], resolve(param["schema"])
        if schema["type"] == "array":
            items = resolve(schema["items"])
            values = items["enum"][-2:] if "enum" in items else [f"{name}_1", f"{name}+2/="]
            kwargs[name] = list(values)
            expected += [(name, v) for v in values]
        elif schema["type"] == "integer":
            value = 1793491200 if name == "start_time" else 1794096000 if name == "end_time" else 5
            kwargs[name] = value
            expected.append((name, str(value)))
        elif schema["type"] == "boolean":
            kwargs[name] = True
            expected.append((name, "true"))
        elif "enum" in schema:
            kwargs[name] = schema["enum"][-1]
            expected.append((name, schema["enum"][-1]))
        else:
            kwargs[name] = "page_AAB+c/d=="
            expected.append((name, "page_AAB+c/d=="))
    return kwargs, expected
