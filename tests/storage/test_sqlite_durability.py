"""The embedded store's durability, per kind of data (storage/sqlite.py, SqliteStore): platforms, credentials and
everything else commit with synchronous=FULL; the message log's batches with NORMAL on their own connection, and are
still committed for every reader, in this process and in another, as soon as append returns."""

from __future__ import annotations

from storage.models import Platform
from storage.sqlite import SqliteStore
from tests.storage.test_message_log_contract import make_record

FULL, NORMAL = 2, 1  # PRAGMA synchronous values


async def synchronous(connection) -> int:
    return (await connection.execute_fetchall("PRAGMA synchronous", ()))[0][0]


async def test_only_the_message_log_commits_without_waiting_for_the_disk(tmp_path):
    path = str(tmp_path / "hub.db")
    store = await SqliteStore.open(path)
    other = await SqliteStore.open(path)  # another hub process on the same file
    try:
        assert await synchronous(store.messages._db) == NORMAL
        for table in (store.platforms, store.agreements, store.deliveries, store.callbacks, store.meta):
            assert await synchronous(table._db) == FULL
        assert store.messages._db is not store.platforms._db
        await store.platforms.create(Platform(id="p1", name="first"))
        await store.messages.append([make_record(1_700_000_000.0 + n, request_id=f"r{n}") for n in range(3)])
        for reader in (store, other):
            assert [r.request_id for r in await reader.messages.query(platform_id="p1")] in (
                ["r0", "r1", "r2"],
                ["r2", "r1", "r0"],
            )
            assert (await reader.platforms.get("p1")) is not None
    finally:
        await other.close()
        await store.close()
