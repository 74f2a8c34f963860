"""Generate the code that follows the registry: the typed per-endpoint client methods (overlays/oai_usage/params.py
and methods.py) and the CLI's list of usage subcommands (overlays/oai_usage/cli/endpoint_names.py).

    python tools/gen_methods.py          # rewrite the three files
    python tools/gen_methods.py --check  # fail when they differ from what the registry gives (tox -e drift)

For each registry entry: a `TypedDict` of its keyword arguments (names, `Literal` types and optionality read from
the generated `_get_kwargs` signature; the cursor left out: the client follows it) and one method on the sync and
one on the async mixin, returning a `Query`/`AsyncQuery` of the entry's bucket model. Adding an endpoint is then
the spec, a regeneration, one registry entry, this command and tests. The output is formatted as `ruff format`
formats it, so the check needs no ruff.
"""

from __future__ import annotations

import argparse
import ast
import inspect
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PARAMS = ROOT / "overlays" / "oai_usage" / "params.py"
METHODS = ROOT / "overlays" / "oai_usage" / "methods.py"
CLI_NAMES = ROOT / "overlays" / "oai_usage" / "cli" / "endpoint_names.py"
LINE = 120

for folder in ("generated", "overlays"):
    if str(ROOT / folder) not in sys.path:
        sys.path.insert(0, str(ROOT / folder))


def _annotations(module: object) -> dict[str, str]:
    """Each `_get_kwargs` parameter's annotation as written in the generated source, `| Unset` removed."""
    source = inspect.getsource(module._get_kwargs)  # type: ignore[attr-defined]
    function = ast.parse(source).body[0]
    assert isinstance(function, ast.FunctionDef)
    found: dict[str, str] = {}
    for arg in function.args.kwonlyargs:
        assert arg.annotation is not None
        arms = [arm.strip() for arm in ast.unparse(arg.annotation).split("|") if arm.strip() != "Unset"]
        (found[arg.arg],) = arms
    return found


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def _type(kind: str, written: str) -> str:
    if kind == "time":
        return "TimeLike"
    if written.startswith("list[") and written.endswith("]"):
        return f"Sequence[{written[5:-1]}]"
    return written


def _summary(module: object) -> str:
    doc = inspect.getdoc(module.sync) or ""  # type: ignore[attr-defined]
    return doc.splitlines()[0].strip().rstrip(".") if doc else ""


def _method(name: str, params: str, returns: str, doc: tuple[str, str], prefix: str) -> list[str]:
    one = f"    def {name}(self, **params: Unpack[{params}]) -> {prefix}Query[{returns}]:"
    if len(one) <= LINE:
        head = [one]
    else:
        head = [
            f"    def {name}(",
            f"        self, **params: Unpack[{params}]",
            f"    ) -> {prefix}Query[{returns}]:",
        ]
    summary, path = doc
    one_doc = f'        """{summary} (GET {path})."""'
    docs = [one_doc] if len(one_doc) <= LINE else [f'        """{summary}.', "", f'        GET {path}."""']
    return [*head, *docs, f'        return self._query(ENDPOINTS["{name}"], params)', ""]


def render() -> dict[Path, str]:
    """The text of params.py and methods.py for the registry as it is now."""
    from oai_usage.endpoints import ENDPOINTS

    model_names: set[str] = set()
    buckets: set[str] = set()
    typed: list[str] = []
    sync: list[str] = []
    asynchronous: list[str] = []
    table: list[str] = []
    for endpoint in ENDPOINTS.values():
        written = _annotations(endpoint.module)
        params_name = f"{_camel(endpoint.name)}Params"
        bucket = endpoint.bucket.__name__
        buckets.add(bucket)
        typed += [f"class {params_name}(TypedDict, total=False):"]
        for name, spec in endpoint.params.items():
            if spec.kind == "cursor":
                continue
            kind = _type(spec.kind, written[name])
            for word in kind.replace("[", " ").replace("]", " ").replace(",", " ").split():
                if word[0].isupper() and word not in ("Sequence", "TimeLike"):
                    model_names.add(word)
            typed.append(f"    {name}: {f'Required[{kind}]' if spec.required else kind}")
        typed += ["", ""]
        doc = (_summary(endpoint.module), endpoint.path)
        sync += _method(endpoint.name, params_name, bucket, doc, "")
        asynchronous += _method(endpoint.name, params_name, bucket, doc, "Async")
        table.append(f'    "{endpoint.name}": {params_name},')
    imports = ["from oai_usage_api.models import ("] + [f"    {n}," for n in sorted(model_names)] + [")"]
    literal_names = sorted(n for n in model_names if n not in buckets)
    bucket_imports = ["from oai_usage_api.models import ("] + [f"    {n}," for n in sorted(buckets)] + [")"]
    params_all = ["PARAMS_BY_ENDPOINT", *(f"{_camel(e)}Params" for e in ENDPOINTS)]
    params_all.sort(key=_ruff_order)
    params = [
        '"""Internal: generated by tools/gen_methods.py from the endpoint registry. Do not edit; rerun the tool.',
        "",
        "The keyword arguments of each endpoint method, for type checkers and editors. Names are the API's own;",
        "enum-valued arguments use the generated `Literal` types, so a type checker flags a `group_by` value an",
        "endpoint does not support; at run time `validation.py` checks the same rules (and more) from the registry.",
        "",
        "No `from __future__ import annotations` here: with string annotations, Python 3.11 cannot see `Required`",
        "at run time and would report no required keys.",
        '"""',
        "",
        "from collections.abc import Sequence",
        "from typing import Required, TypedDict",
        "",
        *(["from oai_usage_api.models import ("] + [f"    {n}," for n in literal_names] + [")"]),
        "",
        "from .timeparse import TimeLike",
        "",
        *_all(params_all),
        "",
        "",
        *typed,
        "PARAMS_BY_ENDPOINT: dict[str, type] = {",
        *table,
        "}",
        '"""The keyword-arguments `TypedDict` of each endpoint, by method name."""',
    ]
    methods = [
        '"""Internal: generated by tools/gen_methods.py from the endpoint registry. Do not edit; rerun the tool.',
        "",
        "The per-endpoint methods of `UsageClient` (`SyncMethods`) and `AsyncUsageClient` (`AsyncMethods`): typed",
        "signatures (`params.py`) over one untyped call, `_query(endpoint, params)`, which each client defines.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "from collections.abc import Mapping",
        "from typing import Any, TypeVar, Unpack",
        "",
        *bucket_imports,
        "",
        "from .endpoints import ENDPOINTS, Endpoint",
        "from .params import (",
        *(f"    {_camel(e)}Params," for e in sorted(ENDPOINTS, key=_camel)),
        ")",
        "from .query import AsyncQuery, Query",
        "",
        *_all(["AsyncMethods", "SyncMethods"]),
        "",
        'B = TypeVar("B")',
        "",
        "",
        "class SyncMethods:",
        '    """One method per endpoint, each returning a lazy `Query` (mixed into `UsageClient`)."""',
        "",
        "    def _query(self, endpoint: Endpoint[B], params: Mapping[str, Any]) -> Query[B]:",
        "        raise NotImplementedError",
        "",
        *sync,
        "",
        "class AsyncMethods:",
        '    """One method per endpoint, each returning a lazy `AsyncQuery` (mixed into `AsyncUsageClient`)."""',
        "",
        "    def _query(self, endpoint: Endpoint[B], params: Mapping[str, Any]) -> AsyncQuery[B]:",
        "        raise NotImplementedError",
        "",
        *asynchronous,
    ]
    del imports
    return {PARAMS: _text(params), METHODS: _text(methods), CLI_NAMES: _cli_names(ENDPOINTS.values())}


def _cli_names(endpoints: Iterable[Any]) -> str:
    """The usage endpoints as plain strings, so the CLI's parser and completions load no generated code."""
    names = [e.name for e in endpoints if e.path.startswith("/organization/usage/")]
    lines = [
        '"""Internal: generated by tools/gen_methods.py from the registry; never edit by hand.',
        "",
        "The usage endpoints `oai-usage usage ENDPOINT` offers, as plain names: `--help` and the completion scripts",
        'need them without loading the registry and the generated package."""',
        "",
        *_all(["USAGE_ENDPOINTS"]),
        "",
        "USAGE_ENDPOINTS = (",
        *(f'    "{name}",' for name in names),
        ")",
    ]
    return _text(lines)


def _ruff_order(name: str) -> tuple[int, str]:
    return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)  # as ruff's RUF022 sorts __all__


def _all(names: list[str]) -> list[str]:
    return ["__all__ = ["] + [f'    "{n}",' for n in sorted(names, key=_ruff_order)] + ["]"]


def _text(lines: list[str]) -> str:
    return "\n".join(lines).rstrip("\n") + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="fail when methods.py is not what the registry gives")
    args = parser.parse_args(argv)
    stale = 0
    for target, text in render().items():
        name = target.relative_to(ROOT)
        if not args.check:
            target.write_text(text, encoding="utf-8")
            print(f"gen_methods: wrote {name}")
        elif not target.exists() or target.read_text(encoding="utf-8") != text:
            print(f"gen_methods: {name} is stale; run python tools/gen_methods.py", file=sys.stderr)
            stale += 1
        else:
            print(f"gen_methods: {name} matches the registry")
    return 1 if stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
