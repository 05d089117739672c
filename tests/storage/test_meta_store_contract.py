"""The storage contract for the hub's own named values (public URL, secret key check)."""

from __future__ import annotations

import asyncio


async def test_values_are_stored_replaced_and_first_writer_wins(any_store):
    assert await any_store.meta.get("public_url") is None
    await any_store.meta.put("public_url", "https://hub.example.com")
    await any_store.meta.put("public_url", "https://hub2.example.com")
    assert await any_store.meta.get("public_url") == "https://hub2.example.com"
    first, second = await asyncio.gather(
        any_store.meta.put_if_absent("key_check", "a"), any_store.meta.put_if_absent("key_check", "b")
    )
    assert first == second == await any_store.meta.get("key_check")
    assert await any_store.meta.put_if_absent("key_check", "c") == first
