"""Generate the code that follows the registry: the typed per-endpoint client methods (overlays/oai_usage/params.py
and methods.py), the Admin list and spend-limit methods (list_methods.py) and the CLI's list of usage subcommands
(overlays/oai_usage/cli/endpoint_names.py).

    python tools/gen_methods.py          # rewrite the four files
    python tools/gen_methods.py --check  # fail when they differ from what the registry gives (tox -e drift)

For each registry entry: a `TypedDict` of its keyword arguments (names, `Literal` types and optionality read from
the generated `_get_kwargs` signature; the cursor left out: the client follows it) and one method on the sync and
one on the async mixin, returning a `Query`/`AsyncQuery` of the entry's bucket model. Adding an endpoint is then
the spec, a regeneration, one registry entry, this command and tests. The output is formatted as `ruff format`
formats it, so the check needs no ruff.

For each Admin list (`LISTS`) and spend limit: one method on `ListMethods` and one on `AsyncListMethods`, with
the path parameters positional and the others keyword-only (read from `_get_kwargs` as the registry reads them),
over the hand-written calls of `lists.ListCalls`/`lists.AsyncListCalls`; the docstring is the spec's summary and
description (less the paging, which the client does).
"""

from __future__ import annotations

import argparse
import ast
import inspect
import sys
import textwrap
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PARAMS = ROOT / "overlays" / "oai_usage" / "params.py"
METHODS = ROOT / "overlays" / "oai_usage" / "methods.py"
CLI_NAMES = ROOT / "overlays" / "oai_usage" / "cli" / "endpoint_names.py"
LIST_METHODS = ROOT / "overlays" / "oai_usage" / "list_methods.py"
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
    return {
        PARAMS: _text(params),
        METHODS: _text(methods),
        LIST_METHODS: _list_methods(),
        CLI_NAMES: _cli_names(ENDPOINTS.values()),
    }


# --- The Admin lists and spend limits -------------------------------------------------------------------------------

# The Python type of each kind of Admin parameter, as the client takes it (`validate_list` checks the values).
_LIST_TYPES = {"bool": "bool", "enums": "str", "strings": "list[str]", "limit": "int"}
_SPEND_LIMIT_NOTE = "A `SpendLimit` in dollars (the API's cents / 100), or None when none is set."
_PAGING = "Pages with an object-id cursor"  # where the spec's descriptions of the lists start on paging


def _url(module: object) -> str:
    """The path template `_get_kwargs` formats (e.g. "/organization/projects/{project_id}/users")."""
    tree = ast.parse(inspect.getsource(module._get_kwargs))  # type: ignore[attr-defined]
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value == "url":
                    text = value.func.value if isinstance(value, ast.Call) else value  # type: ignore[attr-defined]
                    assert isinstance(text, ast.Constant) and isinstance(text.value, str)
                    return text.value
    raise AssertionError(f"no url in {module}")


def _description(module: object) -> str:
    """The operation's description from the generated docstring (after the summary, before `Args:`), one line."""
    doc = inspect.getdoc(module.sync) or ""  # type: ignore[attr-defined]
    body = doc.split("\n\n", 1)[1] if "\n\n" in doc else ""
    body = body.split("\nArgs:", 1)[0].split("\nRaises:", 1)[0].replace("-\n", "-")  # words the generator broke at "-"
    return " ".join(body.split()).split(_PAGING, 1)[0].strip()


def _docstring(summary: str, path: str, more: str) -> list[str]:
    """A method docstring as ruff format leaves it: the summary with the route, then `more` wrapped."""
    first = f'        """{summary} (GET {path}).'
    if not more:
        return [first + '"""']
    lines = textwrap.wrap(more, LINE - 8 - 3, break_long_words=False, break_on_hyphens=False)
    lines[-1] += '"""'
    return [first, "", *(f"        {line}" for line in lines)]


def _call(head: str, args: list[str], tail: str, indent: str) -> list[str]:
    """`head` + args + `tail` as ruff format lays it out: one line, else the arguments on one indented line, else
    one argument per line with a trailing comma."""
    one = f"{indent}{head}{', '.join(args)}{tail}"
    if len(one) <= LINE:
        return [one]
    inner = f"{indent}    {', '.join(args)}"
    if len(inner) <= LINE:
        return [f"{indent}{head}", inner, f"{indent}{tail}"]
    lines = [f"{indent}{head}", *(f"{indent}    {arg}," for arg in args), f"{indent}{tail}"]
    assert all(len(line) <= LINE for line in lines), lines
    return lines


def _list_method(
    head: str, signature: list[str], returns: str, doc: list[str], call: str, args: list[str]
) -> list[str]:
    """One method: `head` is "def name" or "async def name"; its body returns `call(args)`."""
    return [
        *_call(f"{head}(", ["self", *signature], f") -> {returns}:", "    "),
        *doc,
        *_call(f"return {call}(", args, ")", "        "),
        "",
    ]


def _list_methods() -> str:
    """The text of list_methods.py for the Admin registry as it is now."""
    from oai_usage.endpoints import LISTS, ORGANIZATION_SPEND_LIMIT, PROJECT_SPEND_LIMIT

    limits = {"ORGANIZATION_SPEND_LIMIT": ORGANIZATION_SPEND_LIMIT, "PROJECT_SPEND_LIMIT": PROJECT_SPEND_LIMIT}
    sync: list[str] = []
    asynchronous: list[str] = []
    for endpoint in LISTS.values():
        specs = [spec for spec in endpoint.params.values() if spec.kind != "cursor"]
        specs.sort(key=lambda spec: (spec.kind != "path", spec.kind == "limit"))  # path first, limit last
        path = [f"{s.name}: str" for s in specs if s.kind == "path"]
        keywords = [f"{s.name}: {_LIST_TYPES[s.kind]} | None = None" for s in specs if s.kind != "path"]
        signature = [*path, "*", *keywords] if keywords else path
        given = "{" + ", ".join(f'"{s.name}": {s.name}' for s in specs) + "}"
        doc = _docstring(_summary(endpoint.module), _url(endpoint.module), _description(endpoint.module))
        arguments = [f'"{endpoint.name}"', given]
        sync += _list_method(f"def {endpoint.name}", signature, "ListQuery", doc, "self._list", arguments)
        asynchronous += _list_method(f"def {endpoint.name}", signature, "AsyncListQuery", doc, "self._list", arguments)
    for constant, limit in limits.items():
        names = list(inspect.signature(limit.module._get_kwargs).parameters)
        given = "{" + ", ".join(f'"{n}": {n}' for n in names) + "}"
        doc = _docstring(_summary(limit.module), _url(limit.module), _SPEND_LIMIT_NOTE)
        signature = [f"{n}: str" for n in names]
        arguments = [constant, given]
        sync += _list_method(f"def {limit.name}", signature, "SpendLimit | None", doc, "self._spend_limit", arguments)
        asynchronous += _list_method(
            f"async def {limit.name}", signature, "SpendLimit | None", doc, "await self._spend_limit", arguments
        )
    lines = [
        '"""Internal: generated by tools/gen_methods.py from the Admin registry. Do not edit; rerun the tool.',
        "",
        "The Admin reads of `UsageClient` (`ListMethods`) and `AsyncUsageClient` (`AsyncListMethods`): one method per",
        "list and spend limit of the registry (`endpoints.LISTS`, the two `SpendLimitEndpoint`s), over the calls both",
        "clients share (`lists.ListCalls`, `lists.AsyncListCalls`).",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        f"from .endpoints import {', '.join(sorted(limits))}",
        "from .lists import AsyncListCalls, AsyncListQuery, ListCalls, ListQuery, SpendLimit",
        "",
        *_all(["AsyncListMethods", "ListMethods"]),
        "",
        "",
        "class ListMethods(ListCalls):",
        '    """The Admin reads of `UsageClient`: lazy list queries and the spend limits."""',
        "",
        *sync,
        "",
        "class AsyncListMethods(AsyncListCalls):",
        '    """The Admin reads of `AsyncUsageClient`: as `ListMethods`, with `async for` and awaited limits."""',
        "",
        *asynchronous,
    ]
    return _text(lines)


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
    parser.add_argument("--check", action="store_true", help="fail when a file differs from the registry")
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
