"""Optional extras stay optional: the client, the in-process sandbox and the CLI's --sandbox run without them."""

from __future__ import annotations

import subprocess
import sys
import textwrap

# Run in a fresh interpreter where these imports fail, as on a machine that installed only the core.
BLOCK = """
import sys
class _Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {blocked!r}:
            raise ImportError("blocked for this test: " + name)
        return None
sys.meta_path.insert(0, _Block())
"""


def _python(code: str, blocked: set[str]) -> subprocess.CompletedProcess[str]:
    script = BLOCK.format(blocked=blocked) + textwrap.dedent(code)
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False)


def test_the_client_imports_no_optional_library() -> None:
    done = _python(
        """
        import oai_usage, oai_usage_sandbox
        heavy = {"pandas", "matplotlib", "uvicorn", "numpy", "openai", "apprise"} & set(sys.modules)
        print(sorted(heavy))
        """,
        blocked=set(),
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_main_job_runs_without_uvicorn_pandas_or_matplotlib() -> None:
    done = _python(
        """
        from oai_usage.cli.main import run
        raise SystemExit(run(["--sandbox", "report", "--since", "3d", "--format", "json"]))
        """,
        blocked={"uvicorn", "pandas", "matplotlib"},
    )
    assert done.returncode == 0, done.stderr
    assert '"total"' in done.stdout


def test_serving_without_uvicorn_says_what_to_install() -> None:
    done = _python(
        """
        from oai_usage.cli.main import run
        raise SystemExit(run(["sandbox", "--port", "0"]))
        """,
        blocked={"uvicorn"},
    )
    assert done.returncode == 2
    assert "pip install 'oai-usage[sandbox]'" in done.stderr
    assert "Traceback" not in done.stderr


def test_check_runs_without_apprise_until_a_notification_is_asked_for() -> None:
    done = _python(
        """
        from oai_usage.cli.main import run
        code = run(["--sandbox", "--now", "2026-11-24T15:30:00Z", "check", "--format", "json"])
        notify = run(["--sandbox", "check", "--notify", "json://127.0.0.1:9/hook"])
        raise SystemExit(code * 10 + notify)
        """,
        blocked={"apprise"},
    )
    assert done.returncode == 32, done.stderr  # findings (3), then a missing extra (2)
    assert "pip install 'oai-usage[alerts]'" in done.stderr
    assert "Traceback" not in done.stderr
