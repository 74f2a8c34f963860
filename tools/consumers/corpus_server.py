"""Serve the corpus (tests/corpus) over loopback, so every consumer reads the shapes of real and official samples.

Each query of `tests/corpus/corpus.json` answers its path with its pages in order: the first page for a request
without a cursor, the next one for the cursor the previous page gave (`page` = its `next_page` for usage and costs,
`after` = its `last_id` for the Admin lists). Other query parameters are not checked: the pages are what one request
of the corpus's own (`params`) returned. Any other path is a 404; an unknown cursor a 400. Every answer's `Date` is
the corpus's `now` (when its requests were made), as the server that produced the pages would have said: a client
that takes "now" from `Date` then finds the last usage bucket clipped at now, as it was.

    with serve_corpus() as base_url:   # e.g. http://127.0.0.1:41234/v1
        ...
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "corpus"
MANIFEST = CORPUS / "corpus.json"


def load(manifest: Path = MANIFEST) -> dict[str, tuple[str, str, list[dict[str, Any]]]]:
    """path -> (cursor parameter, cursor field, pages) for every query of the manifest."""
    doc = json.loads(manifest.read_text(encoding="utf-8"))
    routes: dict[str, tuple[str, str, list[dict[str, Any]]]] = {}
    for kind in ("queries", "admin_queries"):
        for query in doc[kind]:
            chain = [json.loads((manifest.parent / name).read_text(encoding="utf-8")) for name in query["pages"]]
            cursor = ("page", "next_page") if kind == "queries" else ("after", "last_id")
            if query["path"] in routes:
                raise ValueError(f"{manifest}: two queries of {query['path']}")
            routes[query["path"]] = (*cursor, chain)
    return routes


def _handler(routes: dict[str, tuple[str, str, list[dict[str, Any]]]], now: int) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def date_time_string(self, timestamp: float | None = None) -> str:
            return formatdate(now, usegmt=True)  # the capture's now, not this machine's clock

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            route = routes.get(url.path.removeprefix("/v1"))
            if route is None:
                self._send(404, {"error": {"message": f"no corpus page for {url.path}", "type": "invalid_request_error",
                                           "param": None, "code": None}})  # fmt: skip
                return
            param, field, chain = route
            cursor = parse_qs(url.query).get(param, [None])[0]
            cursors = [page.get(field) for page in chain]
            if cursor is not None and cursor not in cursors[:-1]:
                self._send(400, {"error": {"message": f"unknown cursor {cursor!r}", "type": "invalid_request_error",
                                           "param": param, "code": None}})  # fmt: skip
                return
            self._send(200, chain[0 if cursor is None else cursors.index(cursor) + 1])

        def _send(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.send_header("x-request-id", "req_corpus")
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


@contextlib.contextmanager
def serve_corpus(manifest: Path = MANIFEST) -> Iterator[str]:
    """Serve the corpus on a free loopback port for the duration; yields the base URL (ending in /v1)."""
    now = int(json.loads(manifest.read_text(encoding="utf-8"))["now"])
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(load(manifest), now))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
