#!/usr/bin/env bash
# One command before a commit: format, lint and types, offline, with the pinned ruff and mypy of the dev venv.
#
#   tools/precommit.sh          # format the hand-written code, then lint and type-check it (what `tox -e lint` checks)
#   tools/precommit.sh --check  # change nothing: fail if formatting is needed (CI's behaviour)
#
# It uses .venv (or $OAI_USAGE_VENV) and never downloads anything; install the pins once with
#   .venv/bin/pip install -e '.[dev]'     (ruff==0.17.6, mypy==2.4.1, types-python-dateutil, types-PyYAML, types-jsonschema)
# To run it on every commit: ln -s ../../tools/precommit.sh .git/hooks/pre-commit
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
venv="${OAI_USAGE_VENV:-$root/.venv}"
paths=(overlays sandbox tests tools bench)  # generated/ is excluded in pyproject: never edited by hand

for tool in ruff mypy; do
    if [[ ! -x "$venv/bin/$tool" ]]; then
        echo "precommit: $venv/bin/$tool is missing; install the pins: $venv/bin/pip install -e '.[dev]'" >&2
        exit 2
    fi
done
want_ruff="0.17.6"
have_ruff="$("$venv/bin/ruff" --version | awk '{print $2}')"
if [[ "$have_ruff" != "$want_ruff" ]]; then
    echo "precommit: ruff $have_ruff found, the project pins $want_ruff" >&2
    exit 2
fi

if [[ "${1:-}" == "--check" ]]; then
    echo "== ruff format --check"
    "$venv/bin/ruff" format --check "${paths[@]}"
else
    echo "== ruff format"
    "$venv/bin/ruff" format "${paths[@]}"
fi
echo "== ruff check"
"$venv/bin/ruff" check "${paths[@]}"
echo "== mypy --strict"
"$venv/bin/mypy" --strict overlays/oai_usage sandbox/oai_usage_sandbox tests bench tools/timeshift
echo "precommit: all clean"
