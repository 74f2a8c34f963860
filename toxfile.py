"""tox's inline plugin: where `tox -e focus` finds a Python 3.12 (focus-validator 2.2 needs 3.12 or newer).

`base_python` of that env is `{env:OAI_USAGE_PYTHON312:python3.12}`. A `python3.12` on PATH is often pyenv's shim,
which refuses to run unless 3.12 is the selected version, so before tox reads its envs this sets
OAI_USAGE_PYTHON312 (when unset) to the newest pyenv 3.12 binary: under $PYENV_ROOT, else `pyenv root`, else
~/.pyenv. Without pyenv it stays unset, and tox looks for python3.12 on PATH as usual.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from tox.plugin import impl

if TYPE_CHECKING:
    from tox.config.sets import ConfigSet
    from tox.session.state import State

VARIABLE = "OAI_USAGE_PYTHON312"


def _pyenv_root() -> Path | None:
    if os.environ.get("PYENV_ROOT"):
        return Path(os.environ["PYENV_ROOT"])
    pyenv = shutil.which("pyenv")
    if pyenv:
        try:
            found = subprocess.run([pyenv, "root"], capture_output=True, text=True, timeout=10, check=True)
        except (OSError, subprocess.SubprocessError):
            found = None
        if found is not None and found.stdout.strip():
            return Path(found.stdout.strip())
    home = Path.home() / ".pyenv"
    return home if home.is_dir() else None


def pyenv_python312() -> str | None:
    """The newest `<pyenv root>/versions/3.12.N/bin/python3.12` that exists, or None."""
    root = _pyenv_root()
    if root is None:
        return None
    found: list[tuple[int, Path]] = []
    for folder in (root / "versions").glob("3.12.*"):
        match = re.fullmatch(r"3\.12\.(\d+)", folder.name)
        binary = folder / "bin" / "python3.12"
        if match and binary.is_file() and os.access(binary, os.X_OK):
            found.append((int(match.group(1)), binary))
    return str(max(found)[1]) if found else None


@impl
def tox_add_core_config(core_conf: ConfigSet, state: State) -> None:
    if not os.environ.get(VARIABLE):
        binary = pyenv_python312()
        if binary:
            os.environ[VARIABLE] = binary
