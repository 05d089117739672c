"""Open the store a URL names: `sqlite:///path.db` (embedded, the default) or `mongodb://...` / `mongodb+srv://...`."""

from __future__ import annotations

from storage.ports import Store
from storage.urls import redacted_store_url

STORE_URL_FORMS = "sqlite:///relative/path.db, sqlite:////absolute/path.db or mongodb://..."


class UnsupportedStoreURL(ValueError):
    pass


def check_store_url(url: str) -> None:
    """Raise UnsupportedStoreURL (saying what to write instead) unless `url` names a store the hub can open."""
    if url.startswith("sqlite:"):
        if not url.startswith("sqlite:///") or len(url) == len("sqlite:///"):
            raise UnsupportedStoreURL(
                f"store URL {url!r} is not an SQLite URL the hub reads: write sqlite:///relative/path.db (three "
                "slashes) or sqlite:////absolute/path.db (four)"
            )
        return
    if url.startswith(("mongodb://", "mongodb+srv://")):
        return
    raise UnsupportedStoreURL(f"unsupported store URL {redacted_store_url(url)!r}: use {STORE_URL_FORMS}")


async def open_store(url: str) -> Store:
    """Raises UnsupportedStoreURL, or StoreUnavailable when the store cannot be opened or reached."""
    check_store_url(url)
    if url.startswith("sqlite:"):
        from storage.sqlite import SqliteStore, sqlite_path_from_url

        return await SqliteStore.open(sqlite_path_from_url(url))
    from storage.mongodb import MongoStore

    return await MongoStore.open(url)
