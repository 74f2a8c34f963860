"""The corpus: pages reproducing the shapes of real and official samples (issue 24), read by the tests.

`corpus.json` lists each query (the operation, the request, the sum a consumer reports, the evidence) and its pages
in order; the pages are the JSON files beside it. Values are invented; keys, nulls and edges are the samples'.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
MANIFEST: dict[str, Any] = json.loads((HERE / "corpus.json").read_text(encoding="utf-8"))
QUERIES: list[dict[str, Any]] = MANIFEST["queries"]
ADMIN_QUERIES: list[dict[str, Any]] = MANIFEST["admin_queries"]


def pages(query: dict[str, Any]) -> list[dict[str, Any]]:
    """The pages of one query, in order."""
    return [json.loads((HERE / name).read_text(encoding="utf-8")) for name in query["pages"]]


def every_page() -> list[tuple[str, str, dict[str, Any]]]:
    """(path, file name, page) of every page of the corpus."""
    out = []
    for query in QUERIES + ADMIN_QUERIES:
        for name, page in zip(query["pages"], pages(query), strict=True):
            out.append((query["path"], name, page))
    return out
