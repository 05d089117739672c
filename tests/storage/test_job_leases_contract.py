"""The storage contract for the leases of jobs that must run once for the whole hub."""

from __future__ import annotations

import asyncio


async def test_one_holder_at_a_time_renewed_and_taken_over_when_it_lapses(any_store):
    leases = any_store.job_leases
    assert await leases.holder("probes", now=100.0) is None
    assert await leases.hold("probes", "a", now=100.0, seconds=10)
    assert not await leases.hold("probes", "b", now=105.0, seconds=10), "a holds it"
    assert await leases.hold("probes", "a", now=108.0, seconds=10), "renewed by its holder"
    assert not await leases.hold("probes", "b", now=115.0, seconds=10), "renewed until 118"
    assert await leases.holder("probes", now=115.0) == "a"
    assert await leases.hold("probes", "b", now=118.0, seconds=10), "lapsed: taken over"
    assert await leases.holder("probes", now=119.0) == "b"
    assert await leases.hold("housekeeping", "a", now=119.0, seconds=10), "leases are per job"
    # Several processes asking at once: exactly one gets it.
    won = await asyncio.gather(*(leases.hold("pushes", f"p{i}", now=200.0, seconds=10) for i in range(6)))
    assert sum(won) == 1
