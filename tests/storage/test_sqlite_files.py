"""The embedded store's files are readable by their owner only: they hold token digests and encrypted tokens."""

from __future__ import annotations

import os
import stat

from storage.models import Platform
from storage.sqlite import SqliteStore


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


async def test_store_file_and_its_wal_are_created_0600(tmp_path):
    path = tmp_path / "new" / "hub.db"
    previous = os.umask(0o022)  # the usual umask, which would leave a new file 0644
    try:
        store = await SqliteStore.open(str(path))
        try:
            await store.platforms.create(Platform(id="p1", name="first"))
            assert _mode(path) == 0o600
            assert _mode(f"{path}-wal") == 0o600
            assert _mode(f"{path}-shm") == 0o600
            assert _mode(path.parent) == 0o700
        finally:
            await store.close()
    finally:
        os.umask(previous)


async def test_an_existing_world_readable_store_is_narrowed(tmp_path):
    path = tmp_path / "hub.db"
    store = await SqliteStore.open(str(path))
    await store.close()
    path.chmod(0o644)
    store = await SqliteStore.open(str(path))
    try:
        assert _mode(path) == 0o600
    finally:
        await store.close()
