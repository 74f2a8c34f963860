"""The public surface is visible and kept: what `oai_usage.__all__` lists is importable and documented, every
other library module says it is internal, the CLI uses only the public names, and only the registry and the
schema reader know the generated package."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import re
from pathlib import Path
from typing import Any

import oai_usage
import pytest

from tests.conftest import load_script

LIBRARY = Path(oai_usage.__file__).resolve().parent  # the installed package (tox: a wheel in site-packages)
REPO = Path(__file__).resolve().parents[2]  # the checkout, where tools/ lives
PUBLIC_MODULES = ("errors", "timeparse", "clock", "report")  # importable as modules too: their __all__ is public
SEAM = {"endpoints.py", "schema.py"}  # the only hand-written modules that import the generated package
GENERATED = {"params.py", "methods.py"}  # written by tools/gen_methods.py from the registry (drift-checked)


def _attribute_docs(module: Any) -> set[str]:
    """Module-level names followed by a string statement (an attribute docstring) in `module`'s source."""
    tree = ast.parse(inspect.getsource(module))
    documented: set[str] = set()
    for before, after in zip(tree.body, tree.body[1:], strict=False):
        if (
            isinstance(before, ast.Assign | ast.AnnAssign)
            and isinstance(after, ast.Expr)
            and isinstance(after.value, ast.Constant)
            and isinstance(after.value.value, str)
        ):
            targets = before.targets if isinstance(before, ast.Assign) else [before.target]
            documented.update(t.id for t in targets if isinstance(t, ast.Name))
    return documented


def _is_documented(owner: Any, name: str, value: Any) -> bool:
    if inspect.isclass(value) or inspect.isfunction(value):
        return bool(vars(value).get("__doc__") if inspect.isclass(value) else value.__doc__)
    home = importlib.import_module(getattr(value, "__module__", None) or owner.__name__)
    return name in _attribute_docs(owner) or name in _attribute_docs(home)


def _library_modules() -> list[str]:
    return sorted(p.stem for p in LIBRARY.glob("*.py") if p.stem not in ("__init__", "__main__"))


@pytest.mark.parametrize("name", sorted(oai_usage.__all__))
def test_every_public_name_is_importable_and_documented(name: str) -> None:
    value = getattr(oai_usage, name)
    if name == "__version__":
        assert re.fullmatch(r"\d+\.\d+\.\d+\S*", value)
        return
    if inspect.ismodule(value):  # a public subpackage (`report`): documented by its docstring
        assert "Internal" not in (value.__doc__ or "Internal"), name
        return
    module = importlib.import_module(value.__module__) if hasattr(value, "__module__") else None
    owners = [m for m in (module, *(importlib.import_module(f"oai_usage.{n}") for n in _library_modules())) if m]
    assert any(_is_documented(owner, name, value) for owner in owners if name in vars(owner)), name


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_public_modules_list_importable_documented_names(module_name: str) -> None:
    module = importlib.import_module(f"oai_usage.{module_name}")
    assert module.__all__
    for name in module.__all__:
        assert _is_documented(module, name, getattr(module, name)) or name.isupper() or name == "TimeLike", name


@pytest.mark.parametrize("module_name", _library_modules())
def test_every_other_module_says_it_is_internal_and_lists_its_names(module_name: str) -> None:
    module = importlib.import_module(f"oai_usage.{module_name}")
    if module_name.startswith("_"):
        return  # private by its name
    assert isinstance(getattr(module, "__all__", None), list), f"{module_name} has no __all__"
    for name in module.__all__:
        assert hasattr(module, name), f"{module_name}.__all__ names {name}, which it does not define"
    if module_name not in PUBLIC_MODULES:
        assert "Internal" in (module.__doc__ or ""), f"{module_name} does not say it is internal"


def _library_imports(path: Path) -> list[tuple[str, tuple[str, ...]]]:
    """(module below oai_usage, names) for each `from ..x import names` in a module of the `cli` package."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level == 2 or (node.level == 0 and (node.module or "").split(".")[0] == "oai_usage"):
            below = (node.module or "") if node.level == 2 else (node.module or "").partition(".")[2]
            found.append((below, tuple(alias.name for alias in node.names)))
    return found


@pytest.mark.parametrize("path", sorted((LIBRARY / "cli").glob("*.py")), ids=lambda p: p.name)
def test_the_cli_uses_only_the_public_api(path: Path) -> None:
    for module, names in _library_imports(path):
        if module == "":
            allowed = set(oai_usage.__all__) | set(PUBLIC_MODULES)
            assert set(names) <= allowed, f"{path.name}: from .. import {names}"
        elif module in PUBLIC_MODULES:
            public = set(importlib.import_module(f"oai_usage.{module}").__all__)
            assert set(names) <= public, f"{path.name}: from ..{module} import {names}"
        else:
            # the sync command's warehouse is a library subpackage of its own, built on the public client API
            assert module.split(".")[0] == "warehouse", f"{path.name} reaches into oai_usage.{module}"


def test_only_the_registry_and_the_schema_reader_import_the_generated_package() -> None:
    importers = set()
    for path in LIBRARY.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            modules = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom) and node.level == 0
                else []
            )
            if any(m.split(".")[0] == "oai_usage_api" for m in modules):
                importers.add(str(path.relative_to(LIBRARY)))
    assert importers == SEAM | GENERATED
    for name in GENERATED:
        assert (LIBRARY / name).read_text(encoding="utf-8").startswith('"""Internal: generated by tools/gen_methods.py')


def test_the_generated_client_methods_match_the_registry() -> None:
    """The drift check of tools/gen_methods.py (also run by `tox -e drift`): params.py and methods.py are current."""
    tool = load_script("tools/gen_methods.py", "gen_methods")
    for target, text in tool.render().items():
        assert target.read_text(encoding="utf-8") == text, f"{target.name} is stale: run python tools/gen_methods.py"


def test_dir_shows_every_public_name_before_any_is_loaded() -> None:
    assert set(oai_usage.__all__) <= set(dir(oai_usage))
