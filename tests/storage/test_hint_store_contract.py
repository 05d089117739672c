"""The HintStore contract: every adapter must pass all of these."""

from __future__ import annotations

from storage.models import RoutingHint


def make_hint(kind: str, key: str, expires_at: float, emsp: str = "DE:ABC:EMSP") -> RoutingHint:
    return RoutingHint(kind=kind, key=key, cpo="NL:TNM:CPO", emsp=emsp, expires_at=expires_at)


async def test_put_then_get_every_field(any_store):
    hint = make_hint("session", "NL:TNM:S-1", 1_700_000_600.5)
    await any_store.hints.put(hint)
    assert await any_store.hints.get("session", "NL:TNM:S-1", 1_700_000_000.0) == hint


async def test_get_unknown_is_none(any_store):
    await any_store.hints.put(make_hint("session", "S-1", 1000.0))
    assert await any_store.hints.get("session", "S-2", 0.0) is None
    assert await any_store.hints.get("reservation", "S-1", 0.0) is None


async def test_kind_and_key_together_are_the_identity(any_store):
    session = make_hint("session", "X-1", 1000.0, emsp="DE:AAA:EMSP")
    reservation = make_hint("reservation", "X-1", 1000.0, emsp="DE:BBB:EMSP")
    await any_store.hints.put(session)
    await any_store.hints.put(reservation)
    assert await any_store.hints.get("session", "X-1", 0.0) == session
    assert await any_store.hints.get("reservation", "X-1", 0.0) == reservation


async def test_expiry_boundary(any_store):
    await any_store.hints.put(make_hint("session", "S-1", 1000.0))
    assert await any_store.hints.get("session", "S-1", 999.999) is not None
    assert await any_store.hints.get("session", "S-1", 1000.0) is None, "expired at exactly expires_at"


async def test_put_replaces(any_store):
    await any_store.hints.put(make_hint("session", "S-1", 1000.0, emsp="DE:OLD:EMSP"))
    replacement = make_hint("session", "S-1", 2000.0, emsp="DE:NEW:EMSP")
    await any_store.hints.put(replacement)
    assert await any_store.hints.get("session", "S-1", 1500.0) == replacement
    assert await any_store.hints.purge_expired(3000.0) == 1, "one record per (kind, key)"


async def test_purge_expired_removes_only_expired_and_counts(any_store):
    for kind, key, expires_at in [
        ("session", "a", 100.0),
        ("reservation", "a", 200.0),
        ("session", "b", 300.0),
        ("reservation", "b", 400.0),
    ]:
        await any_store.hints.put(make_hint(kind, key, expires_at))
    assert await any_store.hints.purge_expired(99.0) == 0
    assert await any_store.hints.purge_expired(200.0) == 2
    assert await any_store.hints.purge_expired(200.0) == 0
    assert await any_store.hints.get("session", "a", 0.0) is None
    assert await any_store.hints.get("session", "b", 0.0) is not None
    assert await any_store.hints.purge_expired(1e12) == 2


async def test_hints_survive_reopening(tmp_path):
    from storage.sqlite import SqliteStore

    path = str(tmp_path / "hub.db")
    store = await SqliteStore.open(path)
    hint = make_hint("session", "S-1", 1000.0)
    await store.hints.put(hint)
    await store.close()
    reopened = await SqliteStore.open(path)
    try:
        assert await reopened.hints.get("session", "S-1", 10.0) == hint
    finally:
        await reopened.close()
