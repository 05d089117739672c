"""The storage contract for durable delivery's queue: order per object, leases that keep two processes from making
the same delivery and free it when its holder dies, retries, dead letters, replay and drop, figures per receiver."""

from __future__ import annotations

import asyncio

from storage.models import DeliveryState, QueuedDelivery


def delivery(number: int, object_key: str = "DE:EMA:EMSP|sessions|NL/CPA/S1", receiver: str = "p-emsp", **fields):
    return QueuedDelivery(
        id=f"d{number}",
        receiver_platform_id=receiver,
        receiver="DE:EMA",
        sender="NL:CPA",
        module="sessions",
        method="PATCH" if number > 1 else "PUT",
        url="http://emsp/ocpi/2.2.1/receiver/sessions/NL/CPA/S1",
        headers={"OCPI-to-party-id": "EMA"},
        body=b'{"kwh": %d}' % number,
        object_key=object_key,
        created_at=1000.0 + number,
        next_attempt_at=0.0,
        **fields,
    )


async def test_deliveries_of_one_object_go_one_at_a_time_in_order(any_store):
    queue = any_store.deliveries
    first = await queue.enqueue(delivery(1))
    second = await queue.enqueue(delivery(2))
    other = await queue.enqueue(delivery(3, object_key="DE:EMA:EMSP|sessions|NL/CPA/S2"))
    assert first.seq < second.seq < other.seq
    assert await queue.waiting_for("DE:EMA:EMSP|sessions|NL/CPA/S1")
    assert not await queue.waiting_for("DE:EMA:EMSP|sessions|NL/CPA/S9")

    leased = await queue.lease("node-a", now=2000.0, lease_seconds=30, limit=10)
    assert [d.id for d in leased] == ["d1", "d3"], "the PATCH waits for its PUT"
    assert leased[0].body == b'{"kwh": 1}' and leased[0].headers == {"OCPI-to-party-id": "EMA"}
    assert await queue.lease("node-b", now=2001.0, lease_seconds=30, limit=10) == [], "both leased by node-a"

    assert not await queue.delivered("d1", "node-b"), "only the holder"
    assert await queue.delivered("d1", "node-a")
    (next_one,) = await queue.lease("node-b", now=2002.0, lease_seconds=30, limit=10)
    assert next_one.id == "d2"


async def test_a_lease_that_runs_out_frees_the_delivery_and_retries_wait_their_turn(any_store):
    queue = any_store.deliveries
    await queue.enqueue(delivery(1))
    (held,) = await queue.lease("dead-node", now=2000.0, lease_seconds=10, limit=5)
    assert await queue.lease("node-b", now=2005.0, lease_seconds=10, limit=5) == []
    (taken,) = await queue.lease("node-b", now=2011.0, lease_seconds=10, limit=5)
    assert taken.id == held.id, "its holder died: another process takes it over"
    assert not await queue.retry_later("d1", "dead-node", 3000.0, "late"), "the old holder lost it"
    assert await queue.retry_later("d1", "node-b", 3000.0, "timed out")
    assert await queue.lease("node-b", now=2999.0, lease_seconds=10, limit=5) == []
    (again,) = await queue.lease("node-b", now=3000.0, lease_seconds=10, limit=5)
    assert (again.attempts, again.last_error) == (1, "timed out")


async def test_dead_letters_block_their_object_until_replayed_or_dropped(any_store):
    queue = any_store.deliveries
    await queue.enqueue(delivery(1))
    await queue.enqueue(delivery(2))
    await queue.enqueue(delivery(3, receiver="p-other", object_key="BE:OTH:EMSP|cdrs|r1"))
    first, other = await queue.lease("n", now=2000.0, lease_seconds=10, limit=5)
    assert (first.id, other.id) == ("d1", "d3")
    assert await queue.give_up(first.id, "n", "too old")
    assert await queue.retry_later(other.id, "n", 10**9, "not yet")
    assert await queue.lease("n", now=2001.0, lease_seconds=10, limit=5) == [], "d2 stays behind its dead PUT"
    figures = {f.receiver_platform_id: f for f in await queue.figures()}
    assert (figures["p-emsp"].pending, figures["p-emsp"].dead, figures["p-emsp"].oldest_pending_at) == (1, 1, 1002.0)
    assert (figures["p-other"].pending, figures["p-other"].dead) == (1, 0)
    dead = await queue.listed(state=DeliveryState.DEAD)
    assert [(d.id, d.last_error, d.attempts) for d in dead] == [("d1", "too old", 1)]
    assert [d.id for d in await queue.listed(receiver_platform_id="p-emsp")] == ["d1", "d2"]

    assert await queue.replay(receiver_platform_id="p-emsp") == 1
    (replayed,) = await queue.lease("n", now=10**10, lease_seconds=10, limit=1)
    assert (replayed.id, replayed.attempts, replayed.state) == ("d1", 0, DeliveryState.PENDING)
    assert await queue.give_up("d1", "n", "refused")
    assert await queue.drop(["d1"]) == 1
    assert await queue.drop(receiver_platform_id="p-other") == 1
    assert [d.id for d in await queue.lease("n", now=10**10, lease_seconds=10, limit=5)] == ["d2"]
    assert [(f.receiver_platform_id, f.pending, f.dead) for f in await queue.figures()] == [("p-emsp", 1, 0)]


async def test_two_processes_leasing_at_once_never_take_the_same_delivery(any_store):
    queue = any_store.deliveries
    for number in range(20):
        await queue.enqueue(delivery(number, object_key=f"k{number}"))
    batches = await asyncio.gather(*(queue.lease(f"n{i}", now=2000.0, lease_seconds=30, limit=5) for i in range(6)))
    taken = [d.id for batch in batches for d in batch]
    assert len(taken) == len(set(taken)) == 20
