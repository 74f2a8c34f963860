"""Sync records what the server covered: a client clock ahead of the server's does not move the watermark past
the server's now, and the next sync's grace windows start from what is really stored."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from oai_usage.warehouse.store import Warehouse
from oai_usage.warehouse.sync import floor_to, sync

from .conftest import SMALL, START, sandbox_client


def test_the_watermark_is_the_end_the_server_served_not_our_clock(db: Path) -> None:
    ours = START + timedelta(hours=1, minutes=2)  # we think it is an hour later than the server does
    with Warehouse(db) as warehouse, sandbox_client(START) as client:
        sync(warehouse, client, SMALL, "acme", now=ours)
        marks = {(endpoint, width): state.watermark for _org, endpoint, width, _g, state in warehouse.states()}
    usage = {key: mark for key, mark in marks.items() if key[0] != "costs"}
    assert usage and set(usage.values()) == {START}  # the usage buckets stop at the server's now
    assert marks[("costs", "1d")] == ours  # costs come in whole days: the day in progress covers the asked end


def test_a_resync_after_a_short_served_end_asks_again_from_the_served_end(db: Path) -> None:
    ours = START + timedelta(hours=1, minutes=2)
    with Warehouse(db) as warehouse:
        with sandbox_client(START) as client:
            sync(warehouse, client, SMALL, "acme", now=ours)
        later = START + timedelta(hours=2)
        with sandbox_client(later) as client:
            done = sync(warehouse, client, SMALL, "acme", now=later)
        minute = next(u for u in done.units if u.width == "1m")
        # the 1m unit re-reads its grace window (15 min) before what was stored, not before our earlier clock
        assert minute.ranges[0][0] == floor_to(START - timedelta(minutes=15), "1m")
        marks = {(e, w): s.watermark for _o, e, w, _g, s in warehouse.states() if e != "costs"}
    assert set(marks.values()) == {later}
