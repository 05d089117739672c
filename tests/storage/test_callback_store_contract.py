"""The CallbackStore contract: every adapter must pass all of these."""

from __future__ import annotations

import msgspec

from storage.models import CallbackMapping


def make_mapping(mapping_id: str, expires_at: float, target_url: str = "https://cpo.example/cb/1") -> CallbackMapping:
    return CallbackMapping(
        id=mapping_id,
        kind="response_url",
        target_url=target_url,
        caller_platform_id="cpo-platform",
        recipient_platform_id="emsp-platform",
        module="commands",
        from_party="NL:TNM",
        to_party="DE:ABC",
        expires_at=expires_at,
        created_at=1_700_000_000.25,
    )


async def test_put_then_get_every_field(any_store):
    mapping = make_mapping("m1", 1_700_000_600.5)
    await any_store.callbacks.put(mapping)
    assert await any_store.callbacks.get("m1", 1_700_000_000.0) == mapping


async def test_get_unknown_is_none(any_store):
    assert await any_store.callbacks.get("nope", 0.0) is None


async def test_expiry_boundary(any_store):
    await any_store.callbacks.put(make_mapping("m1", 1000.0))
    assert await any_store.callbacks.get("m1", 999.999) is not None
    assert await any_store.callbacks.get("m1", 1000.0) is None, "expired at exactly expires_at"
    assert await any_store.callbacks.get("m1", 1000.001) is None


async def test_put_replaces_by_id(any_store):
    await any_store.callbacks.put(make_mapping("m1", 1000.0, "https://old.example"))
    replacement = make_mapping("m1", 2000.0, "https://new.example")
    await any_store.callbacks.put(replacement)
    assert await any_store.callbacks.get("m1", 1500.0) == replacement
    # and a replacement may also shorten the life
    await any_store.callbacks.put(msgspec.structs.replace(replacement, expires_at=500.0))
    assert await any_store.callbacks.get("m1", 600.0) is None
    assert await any_store.callbacks.purge_expired(600.0) == 1, "one record per id"


async def test_purge_expired_removes_only_expired_and_counts(any_store):
    for mapping_id, expires_at in [("m1", 100.0), ("m2", 200.0), ("m3", 300.0), ("m4", 400.0)]:
        await any_store.callbacks.put(make_mapping(mapping_id, expires_at))
    assert await any_store.callbacks.purge_expired(50.0) == 0
    assert await any_store.callbacks.purge_expired(200.0) == 2, "expires_at <= now is expired"
    assert await any_store.callbacks.purge_expired(200.0) == 0
    assert await any_store.callbacks.get("m3", 0.0) is not None
    assert await any_store.callbacks.get("m1", 0.0) is None, "purged records are gone even for an earlier `now`"
    assert await any_store.callbacks.purge_expired(1e12) == 2


async def test_callbacks_survive_reopening(tmp_path):
    from storage.sqlite import SqliteStore

    path = str(tmp_path / "hub.db")
    store = await SqliteStore.open(path)
    mapping = make_mapping("m1", 1000.0)
    await store.callbacks.put(mapping)
    await store.close()
    reopened = await SqliteStore.open(path)
    try:
        assert await reopened.callbacks.get("m1", 10.0) == mapping
    finally:
        await reopened.close()


async def test_put_many_stores_every_mapping(any_store):
    mappings = [make_mapping(f"m{n}", 2000.0, target_url=f"https://emsp/r/{n}") for n in range(5)]
    await any_store.callbacks.put_many(mappings)
    await any_store.callbacks.put_many([])
    for mapping in mappings:
        assert await any_store.callbacks.get(mapping.id, 1000.0) == mapping


async def test_a_mapping_is_readable_at_once_while_other_reads_go_on(any_store):
    """The CPO's command result can arrive right after the command: its mapping must be visible at once, however
    busy the store is with other reads."""
    import asyncio

    def mapping(number: int) -> CallbackMapping:
        return make_mapping(f"busy{number}", 1e12)

    stop = asyncio.Event()

    async def keep_reading() -> None:
        while not stop.is_set():
            await any_store.callbacks.get("busy0", 0)
            await any_store.platforms.list_all()

    readers = [asyncio.create_task(keep_reading()) for _ in range(8)]
    try:
        for number in range(60):
            await any_store.callbacks.put(mapping(number))
            assert await any_store.callbacks.get(f"busy{number}", 0) is not None, f"mapping {number} not visible"
    finally:
        stop.set()
        await asyncio.gather(*readers)
