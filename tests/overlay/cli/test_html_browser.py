"""The HTML report rendered by a real headless browser (Debian's chromium): the DOM holds the report's tables
with the same numbers as its JSON, and the screenshot is a real page with the chart drawn, with no network.

Run with `pytest -m browser`; `tox -e browser` installs chromium first (tools/ci/install-debian.sh).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from oai_usage.cli.main import run
from oai_usage.cli.render import money

from tests.overlay.cli.conftest import NOW

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 1200, 1400
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND",  # nothing resolves: the page must need no network
)  # fmt: skip


def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.fail("chromium is not installed: run `tox -e browser`, or as root: tools/ci/install-debian.sh chromium")
    return path


def _browse(page: Path, *extra: str, fragment: str = "") -> subprocess.CompletedProcess[bytes]:
    with tempfile.TemporaryDirectory(prefix="oai-usage-chromium-") as profile:
        command = [
            _chromium(),
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            *extra,
            page.as_uri() + (f"#{fragment}" if fragment else ""),
        ]
        return subprocess.run(command, capture_output=True, timeout=120, check=True)


class _Tables(HTMLParser):
    """Rows of text per table (keyed by data-section), and the images, from a DOM dump."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.images: list[dict[str, str | None]] = []
        self.details: dict[str, bool] = {}  # id -> open
        self._section: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table":
            self._section = found.get("data-section") or "?"
            self.tables[self._section] = []
        elif tag == "tr" and self._section:
            self.tables[self._section].append([])
        elif tag in {"td", "th"} and self._section:
            self._cell = []
        elif tag == "img":
            self.images.append(found)
        elif tag == "details":
            self.details[found.get("id") or "?"] = "open" in found

    def handle_endtag(self, tag: str) -> None:
        if tag in {"td", "th"} and self._section and self._cell is not None:
            self.tables[self._section][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self._section = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


@pytest.fixture(scope="module")
def rendered() -> Iterator[tuple[Path, dict[str, Any]]]:
    """One HTML report (sandbox, 14 days) and the same report as JSON."""
    with tempfile.TemporaryDirectory() as folder:
        page, data = Path(folder) / "report.html", Path(folder) / "report.json"
        argv = ["--sandbox", "report", "--since", "14d", "--html", str(page), "--format", "json", "-o", str(data)]
        assert run(argv, now=NOW) == 0
        yield page, json.loads(data.read_text())


def test_the_dom_holds_the_reports_tables_with_its_numbers(rendered: tuple[Path, dict[str, Any]]) -> None:
    page, report = rendered
    dom = _browse(page, "--dump-dom").stdout.decode()
    parsed = _Tables()
    parsed.feed(dom)
    assert [t for t in parsed.tables if not t.endswith("-rest")] == [
        "summary", "limits", "unusual_days", "projects", "line_items", "models_spend", "api_keys", "models", "users",
        "daily_spend", "daily_tokens",
    ]  # fmt: skip
    by_model = {
        row[0]: row[2] for row in [*parsed.tables["models_spend"][1:], *_rest(parsed, "models_spend")]
    }  # model -> spend as shown
    assert list(by_model) == list(report["spend"]["by_model"]["usd"])
    spend, volume = report["spend"], report["volume"]
    summary = {row[0]: row[1:] for row in parsed.tables["summary"][1:]}
    assert summary["spend (USD)"][:2] == [money(spend["total"]["usd"], "usd"), money(spend["previous"]["usd"], "usd")]
    assert summary["tokens (completions, embeddings)"][0] == f"{volume['tokens']:,}"
    projects = {row[0]: row[2] for row in parsed.tables["projects"][1:]}
    names = report["project_names"]  # the page names projects; the JSON keeps their IDs
    assert projects == {names[pid] or pid: money(value, "usd") for pid, value in spend["by_project"]["usd"].items()}
    limits = {row[0]: row[1:] for row in parsed.tables["limits"][1:]}
    assert limits["organization"][0] == money(report["limits"]["organization"]["limit"], "usd")
    daily = parsed.tables["daily_spend"][1:]
    assert [row[0].split(" ")[0] for row in daily] == list(spend["daily"]["usd"])
    assert len(parsed.tables["daily_tokens"]) - 1 == 14


def _rest(parsed: _Tables, section: str) -> list[list[str]]:
    """The folded rows of a section (its `<details>` table, without the header), or none."""
    return parsed.tables.get(f"{section}-rest", [])[1:]


def test_long_tables_are_folded_and_closed_when_the_page_opens(rendered: tuple[Path, dict[str, Any]]) -> None:
    page, report = rendered
    parsed = _Tables()
    parsed.feed(_browse(page, "--dump-dom").stdout.decode())
    assert len(report["spend"]["by_line_item"]["usd"]) > len(parsed.tables["line_items"]) - 1
    assert parsed.details["line_items-more"] is False
    assert len(parsed.tables["line_items"]) - 1 == 10  # the first rows in sight, the rest folded


def test_a_folded_table_opens_and_holds_every_line_item(rendered: tuple[Path, dict[str, Any]]) -> None:
    page, report = rendered
    parsed = _Tables()  # a link to the folded table opens its <details> (no script: the browser does it)
    parsed.feed(_browse(page, "--dump-dom", fragment="line_items-rest").stdout.decode())
    assert parsed.details["line_items-more"] is True
    shown = {row[0]: row[2] for row in [*parsed.tables["line_items"][1:], *_rest(parsed, "line_items")]}
    expected = report["spend"]["by_line_item"]["usd"]
    assert shown == {item: money(value, "usd") for item, value in expected.items()}


def test_every_api_key_and_user_is_in_the_page(rendered: tuple[Path, dict[str, Any]]) -> None:
    page, report = rendered
    parsed = _Tables()
    parsed.feed(_browse(page, "--dump-dom").stdout.decode())
    keys = [row[0] for row in [*parsed.tables["api_keys"][1:], *_rest(parsed, "api_keys")]]
    assert keys == [k["name"] or k["id"] for k in report["spend"]["by_api_key"]["usd"]]
    users = [row[0] for row in [*parsed.tables["users"][1:], *_rest(parsed, "users")]]
    assert users == [u["email"] or u["id"] for u in report["volume"]["by_user"]]


def test_the_chart_is_inline_and_the_page_loads_nothing(rendered: tuple[Path, dict[str, Any]]) -> None:
    page, _ = rendered
    parsed = _Tables()
    parsed.feed(_browse(page, "--dump-dom").stdout.decode())
    assert len(parsed.images) == 1
    assert (parsed.images[0]["src"] or "").startswith("data:image/png;base64,")


def test_the_screenshot_is_a_real_page_with_the_chart(rendered: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    pytest.importorskip("PIL")
    from PIL import Image

    page, _ = rendered
    shot = tmp_path / "shot.png"
    _browse(page, f"--screenshot={shot}", f"--window-size={WIDTH},{HEIGHT}", "--hide-scrollbars")
    with Image.open(shot) as image:
        assert image.format == "PNG" and image.size == (WIDTH, HEIGHT)
        pixels = image.convert("RGB")
        colors = pixels.getcolors(maxcolors=1 << 20) or []
    assert len(colors) > 200  # text, tables and a chart; a blank or error page has a handful
    white = next((count for count, rgb in colors if rgb == (255, 255, 255)), 0)
    assert white < WIDTH * HEIGHT * 0.95
    # matplotlib's first series colour (tab:blue) fills the chart's bars: the data-URI image was drawn
    blue = sum(count for count, rgb in colors if rgb == (31, 119, 180))
    assert blue > 2000
