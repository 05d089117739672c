"""Group commit over the real embedded store: concurrent writes share transactions, and every writer waits for
its own record to be stored."""

from __future__ import annotations

import asyncio

from hub.relay.group_commit import GroupCommitter
from storage.models import CallbackMapping
from storage.sqlite import SqliteStore
from tests.storage.test_callback_store_contract import make_mapping


def mapping(number: int) -> CallbackMapping:
    return make_mapping(f"m{number}", 1e12)


async def test_concurrent_writes_share_transactions_and_each_waits_for_its_own(tmp_path):
    store = await SqliteStore.open(str(tmp_path / "hub.db"))
    batches = []

    async def write_many(items):
        batches.append(len(items))
        await store.callbacks.put_many(items)

    committer = GroupCommitter(write_many)
    try:

        async def write_then_read(number: int) -> bool:
            await committer.write(mapping(number))
            return await store.callbacks.get(f"m{number}", 0) is not None

        assert all(await asyncio.gather(*(write_then_read(n) for n in range(100))))
        assert sum(batches) == 100
        assert len(batches) < 10, f"100 concurrent writes took {len(batches)} transactions"
    finally:
        await store.close()


async def test_a_failed_write_fails_every_writer_of_that_batch_and_not_the_next():
    calls = []

    async def write_many(items):
        calls.append([m.id for m in items])
        if len(calls) == 1:
            raise OSError("disk full")

    committer = GroupCommitter(write_many)
    first = asyncio.gather(*(committer.write(mapping(n)) for n in range(3)), return_exceptions=True)
    results = await first
    assert all(isinstance(result, OSError) for result in results)
    await committer.write(mapping(9))
    assert calls[-1] == ["m9"]
