"""The README, CONTRIBUTING.md and docs/ stand on their own: every relative link reaches a file and anchor of the
repository, and nothing points outside it, to shared notes, or to issue numbers a reader cannot follow."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import REPO

PAGES = [REPO / "README.md", REPO / "CONTRIBUTING.md", *sorted((REPO / "docs").glob("*.md"))]
LINK = re.compile(r"!?\[(?:[^\]\[]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
EXTERNAL = ("http://", "https://", "mailto:")
FENCE = re.compile(r"^\s*```")
ISSUE = re.compile(r"\b(?:issues?|pull request|PR)\s*#?\d+\b|(?<![\w&/])#\d+(?![\w-])|\bfacts\s*§", re.I)
SHARED = re.compile(r"(?<![\w.-])shared/")


def _name(path: Path) -> str:
    return str(path.relative_to(REPO))


def slug(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped (not - or _), spaces as hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower().replace("`", ""))
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """The anchors of a Markdown file's headings (outside code blocks), with GitHub's -1, -2 for repeats."""
    found: set[str] = set()
    seen: dict[str, int] = {}
    inside = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if FENCE.match(line):
            inside = not inside
            continue
        heading = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if heading and not inside:
            base = slug(heading[1])
            count = seen.get(base, 0)
            seen[base] = count + 1
            found.add(base if count == 0 else f"{base}-{count}")
    return found


def _prose(text: str) -> str:
    """The text without its code blocks and inline code spans, where brackets are code, not links."""
    kept, inside = [], False
    for line in text.splitlines():
        if FENCE.match(line):
            inside = not inside
        elif not inside:
            kept.append(re.sub(r"(`+).*?\1", "", line))
    return "\n".join(kept)


def _links(path: Path) -> list[str]:
    prose = _prose(path.read_text(encoding="utf-8"))
    return [m[1] for m in LINK.finditer(prose) if not m[1].startswith(EXTERNAL)]


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_every_relative_link_reaches_a_file_and_anchor_of_the_repository(page: Path) -> None:
    broken = []
    for target in _links(page):
        file_part, _, anchor = target.partition("#")
        resolved = (page.parent / file_part).resolve() if file_part else page
        if not resolved.is_relative_to(REPO) or not resolved.exists():
            broken.append(f"{target}: no such file in the repository")
        elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
            broken.append(f"{target}: no heading with this anchor in {_name(resolved)}")
    assert not broken, f"{_name(page)}: {broken}"


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_nothing_refers_to_a_path_outside_the_repository(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    inside = {t for t in _links(page) if (page.parent / t.partition("#")[0]).resolve().is_relative_to(REPO)}
    for target in inside:
        text = text.replace(f"]({target})", "]()")
    assert "../" not in text, f"{_name(page)} refers to a path outside the repository"
    assert not SHARED.search(text), f"{_name(page)} refers to shared/, which is not part of the repository"


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_nothing_cites_an_issue_number(page: Path) -> None:
    found = ISSUE.findall(page.read_text(encoding="utf-8"))
    assert not found, f"{_name(page)} cites {found}: say what is meant in words"


def test_the_index_links_every_page_of_docs() -> None:
    linked = {t.partition("#")[0] for t in _links(REPO / "docs" / "index.md")}
    pages = {p.name for p in (REPO / "docs").glob("*.md")} - {"index.md"}
    assert pages <= linked


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("FOCUS export (FinOps)", "focus-export-finops"),
        (
            "Backfill at the allowed rate (`python -m bench.backfill`)",
            "backfill-at-the-allowed-rate-python--m-benchbackfill",
        ),
        ("oai-usage usage audio_speeches", "oai-usage-usage-audio_speeches"),
        ("oai-usage.toml", "oai-usagetoml"),
    ],
)
def test_anchors_are_githubs(heading: str, anchor: str) -> None:
    assert slug(heading) == anchor


@pytest.mark.parametrize(
    "text",
    ["as issue 10 says", "see #12.", "facts §5", "(issue #7)"],
)
def test_an_issue_number_is_caught(text: str) -> None:
    assert ISSUE.search(text)


@pytest.mark.parametrize("text", ["RFC 9110 §6.6.1", "[x](#30-days-of-1h-buckets)", "&#123;", "3 issues"])
def test_other_numbers_pass(text: str) -> None:
    assert not ISSUE.search(text)
