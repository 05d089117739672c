"""The storage contract for the overview's traffic figures: every process adds to the same minutes."""

from __future__ import annotations

import asyncio

from storage.models import TrafficMinute


async def test_minutes_add_up_across_processes_bucket_by_bucket(any_store):
    traffic = any_store.traffic
    await traffic.add(
        [TrafficMinute(minute=100, ok=3, failed=1), TrafficMinute(minute=100, party="DE:EMA", buckets=[1, 2])]
    )
    await asyncio.gather(
        traffic.add([TrafficMinute(minute=100, ok=1), TrafficMinute(minute=100, party="DE:EMA", buckets=[0, 1, 4])]),
        traffic.add([TrafficMinute(minute=101, ok=2)]),
    )
    rows = {(row.minute, row.party): row for row in await traffic.since(100)}
    assert (rows[(100, "")].ok, rows[(100, "")].failed) == (4, 1)
    assert rows[(100, "DE:EMA")].buckets == [1, 3, 4]
    assert rows[(101, "")].ok == 2
    assert {key for key in rows} == {(100, ""), (100, "DE:EMA"), (101, "")}
    assert [row.minute for row in await traffic.since(101)] == [101]
    assert await traffic.purge_before(101) == 2
    assert [(row.minute, row.party) for row in await traffic.since(0)] == [(101, "")]
