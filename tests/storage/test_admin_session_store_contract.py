"""The storage contract for dashboard sessions."""

from __future__ import annotations

from storage.models import AdminSession


def make_session(id_hash: str, now: float = 1000.0, lifetime: float = 3600.0) -> AdminSession:
    return AdminSession(
        id_hash=id_hash, token_fingerprint="f" * 64, created_at=now, last_seen_at=now, expires_at=now + lifetime
    )


async def test_create_get_touch_delete(any_store):
    await any_store.admin_sessions.create(make_session("a"))
    assert await any_store.admin_sessions.get("a") == make_session("a")
    await any_store.admin_sessions.touch("a", 1500.0)
    assert (await any_store.admin_sessions.get("a")).last_seen_at == 1500.0
    assert await any_store.admin_sessions.delete("a") is True
    assert await any_store.admin_sessions.delete("a") is False
    assert await any_store.admin_sessions.get("a") is None


async def test_purge_removes_expired_and_idle_sessions(any_store):
    await any_store.admin_sessions.create(make_session("expired", now=0.0, lifetime=100.0))
    await any_store.admin_sessions.create(make_session("idle", now=500.0))
    await any_store.admin_sessions.create(make_session("active", now=500.0))
    await any_store.admin_sessions.touch("active", 990.0)
    assert await any_store.admin_sessions.purge_expired(1000.0, idle_seconds=300.0) == 2
    assert await any_store.admin_sessions.get("active") is not None
    assert await any_store.admin_sessions.get("idle") is None
