"""The storage contract for the counters rate limits share between hub processes and nodes."""

from __future__ import annotations

import asyncio


async def test_counters_add_up_across_writers_and_old_windows_go(any_store):
    counts = any_store.rate_counts
    assert await counts.add([]) == {}
    assert await counts.add([("p1|pushes", 100, 3), ("p1|gets", 100, 1)]) == {
        ("p1|pushes", 100): 3,
        ("p1|gets", 100): 1,
    }
    # Two processes adding at once: nothing lost.
    await asyncio.gather(*(counts.add([("p1|pushes", 100, 2)]) for _ in range(10)))
    assert await counts.add([("p1|pushes", 100, 0)]) == {("p1|pushes", 100): 23}, "0 reads"
    assert await counts.add([("p1|pushes", 101, 1)]) == {("p1|pushes", 101): 1}, "a new window starts from 0"
    assert await counts.purge_before(101) == 2
    assert await counts.add([("p1|pushes", 100, 0), ("p1|pushes", 101, 0)]) == {
        ("p1|pushes", 100): 0,
        ("p1|pushes", 101): 1,
    }
