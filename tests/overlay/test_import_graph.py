"""No import cycles in the library or the sandbox, counting every import: module level, inside functions, and
under `if TYPE_CHECKING:` (a cycle a type checker follows is still a knot for the reader).

The graph is read with `ast` from the sources, so an import that only runs on some path is an edge too.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = {"oai_usage": ROOT / "overlays" / "oai_usage", "oai_usage_sandbox": ROOT / "sandbox" / "oai_usage_sandbox"}


def _modules(name: str, folder: Path) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in sorted(folder.rglob("*.py")):
        parts = [name, *path.relative_to(folder).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES: dict[str, Path] = {m: p for name, folder in PACKAGES.items() for m, p in _modules(name, folder).items()}


def _package_of(module: str) -> str:
    path = MODULES[module]
    return module if path.name == "__init__.py" else module.rpartition(".")[0]


def _imports(module: str) -> Iterator[str]:
    """Every project module `module` imports, wherever the import statement stands."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in MODULES:
                    yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = _package_of(module)
                for _ in range(node.level - 1):
                    base = base.rpartition(".")[0]
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            for alias in node.names:
                if f"{target}.{alias.name}" in MODULES:  # `from . import errors`: the submodule
                    yield f"{target}.{alias.name}"
                elif target in MODULES and MODULES[target].name != "__init__.py":
                    yield target


def graph() -> dict[str, set[str]]:
    return {module: set(_imports(module)) - {module} for module in MODULES}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component: list[str] = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_the_walk_sees_the_modules_and_their_imports() -> None:
    edges = graph()
    assert "oai_usage.decode" in edges and "oai_usage_sandbox.org" in edges
    assert "oai_usage.readers" in edges["oai_usage.decode"]
    assert "oai_usage_sandbox.pricing" in edges["oai_usage_sandbox.org"]


def test_the_cycle_finder_finds_a_cycle_through_a_type_checking_import() -> None:
    source = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .b import B\n"
    tree = ast.parse(source)
    assert any(isinstance(node, ast.ImportFrom) and node.module == "b" for node in ast.walk(tree))
    assert cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_no_import_cycles(package: str) -> None:
    knots = [c for c in cycles(graph()) if c[0].split(".")[0] == package]
    assert knots == []


def _imports_argparse(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(alias.name == "argparse" for alias in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and node.module == "argparse":
            return True
    return False


def test_the_walk_sees_an_argparse_import() -> None:
    assert _imports_argparse(MODULES["oai_usage.cli.options"])
    assert not _imports_argparse(MODULES["oai_usage.decode"])


def test_only_the_command_line_imports_argparse() -> None:
    """Argument parsing is the CLI's business: the library and the warehouse take typed values, never a Namespace."""
    outside = [m for m, path in MODULES.items() if m.startswith("oai_usage.") and not m.startswith("oai_usage.cli.")
               and _imports_argparse(path)]  # fmt: skip
    assert outside == []


def test_only_the_command_line_imports_the_command_line() -> None:
    """The library, the warehouse and the alerts never reach into `oai_usage.cli` (the CLI renders the library's
    values, not the other way round)."""

    def cli(module: str) -> bool:
        return module == "oai_usage.cli" or module.startswith("oai_usage.cli.")

    edges = graph()
    outside = sorted(f"{m} -> {t}" for m, targets in edges.items() if m.split(".")[0] == "oai_usage" and not cli(m)
                     for t in targets if cli(t))  # fmt: skip
    assert outside == []
