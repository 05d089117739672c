"""Open the store a URL names: `sqlite:///path.db` (embedded, the default) or `mongodb://...` / `mongodb+srv://...`."""

from __future__ import annotations

from storage.ports import Store


class UnsupportedStoreURL(ValueError):
    pass


async def open_store(url: str) -> Store:
    if url.startswith("sqlite:"):
        from storage.sqlite import SqliteStore, sqlite_path_from_url

        return await SqliteStore.open(sqlite_path_from_url(url))
    if url.startswith(("mongodb://", "mongodb+srv://")):
        from storage.mongodb import MongoStore

        return await MongoStore.open(url)
    raise UnsupportedStoreURL(
        f"unsupported store URL {url!r}: use sqlite:///relative/path.db, sqlite:////absolute/path.db or mongodb://..."
    )
