"""Regenerate generated/oai_usage_api from openapi.yaml, or check that the committed copy matches.

`python tools/regenerate.py` rebuilds the package from scratch (never `--overwrite`, which leaves
stale files behind). `python tools/regenerate.py --check` generates into a temporary folder and
fails on any byte of difference: the golden-record check run in CI.

The generator reads openapi.yaml as it is: its `required` lists are the evidence-backed ones (see
`x-evidence` on each schema), so the generated models need no tolerant copy of the spec.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "generated" / "oai_usage_api"
PINNED = {"openapi-python-client": "0.29.1", "ruff": "0.17.6"}
IGNORED = {"__pycache__", ".ruff_cache", ".mypy_cache"}


def _check_pins() -> None:
    """Refuse to run with other generator or ruff versions: their output bytes differ."""
    from importlib.metadata import PackageNotFoundError, version

    for name, wanted in PINNED.items():
        try:
            found = version(name)
        except PackageNotFoundError:
            sys.exit(f"regenerate: {name}=={wanted} is not installed (use `tox -e generate`)")
        if found != wanted:
            sys.exit(f"regenerate: {name} {found} is installed; {wanted} is pinned")


def generate(output: Path) -> None:
    """Run openapi-python-client with the project config into `output`, which must not exist."""
    bindir = str(Path(sys.executable).parent)
    env = dict(os.environ, PATH=bindir + os.pathsep + os.environ.get("PATH", ""))
    _run(output, ROOT / "openapi.yaml", bindir, env)
    # --meta none writes no py.typed; the package ships type hints, so mark it.
    (output / "py.typed").write_text("")


def _run(output: Path, spec: Path, bindir: str, env: dict[str, str]) -> None:
    cmd = [
        str(Path(bindir) / "openapi-python-client"),
        "generate",
        "--path",
        str(spec),
        "--config",
        str(ROOT / "generator-config.yaml"),
        "--meta",
        "none",
        "--output-path",
        str(output),
        "--fail-on-warning",
    ]
    subprocess.run(cmd, check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)


def differences(left: Path, right: Path) -> list[str]:
    """Relative paths that differ, exist only on one side, or differ in content."""
    out: list[str] = []
    cmp = filecmp.dircmp(left, right, ignore=list(IGNORED))

    def walk(c: filecmp.dircmp[str], prefix: str) -> None:
        out.extend(f"only in committed: {prefix}{n}" for n in c.left_only)
        out.extend(f"only in regenerated: {prefix}{n}" for n in c.right_only)
        for name in c.common_files:
            a, b = Path(c.left, name), Path(c.right, name)
            if a.read_bytes() != b.read_bytes():
                out.append(f"differs: {prefix}{name}")
        for name, sub in c.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(cmp, "")
    return sorted(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if generated/ differs from a fresh run")
    args = parser.parse_args(argv)
    _check_pins()
    if not args.check:
        if TARGET.exists():
            shutil.rmtree(TARGET)
        generate(TARGET)
        print(f"regenerated {TARGET.relative_to(ROOT)}")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "oai_usage_api"
        generate(fresh)
        if not TARGET.exists():
            print("drift: generated/oai_usage_api is missing; run `tox -e generate`")
            return 1
        diff = differences(TARGET, fresh)
    if diff:
        print("drift: generated/oai_usage_api does not match openapi.yaml + generator-config.yaml:")
        print("\n".join(f"  {line}" for line in diff))
        print("run `tox -e generate` and commit the result; never edit generated/ by hand")
        return 1
    print("drift: none; generated/oai_usage_api matches a fresh generation byte for byte")
    return 0


if __name__ == "__main__":
    sys.exit(main())
