"""The embedded store: SQLite in WAL mode through aiosqlite. Zero set-up, crash-safe, shared by several processes.

A platform is one JSON document (like the MongoDB adapter) plus two index tables written in the same transaction:
party keys (unique: a party belongs to one platform) and token hashes (token look-up)."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import aiosqlite
import msgspec
import orjson

from storage.errors import ConcurrentUpdate, NotFound, PartyAlreadyClaimed
from storage.models import Platform, platform_from_document, platform_to_document

SCHEMA = """
CREATE TABLE IF NOT EXISTS platforms (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    revision INTEGER NOT NULL,
    document BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS platforms_seq ON platforms (seq);
CREATE TABLE IF NOT EXISTS platform_parties (
    country_code TEXT NOT NULL,
    party_id TEXT NOT NULL,
    role TEXT NOT NULL,
    platform_id TEXT NOT NULL REFERENCES platforms (id) ON DELETE CASCADE,
    PRIMARY KEY (country_code, party_id, role)
);
CREATE INDEX IF NOT EXISTS platform_parties_platform ON platform_parties (platform_id);
CREATE TABLE IF NOT EXISTS platform_tokens (
    token_hash TEXT PRIMARY KEY,
    platform_id TEXT NOT NULL REFERENCES platforms (id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS platform_tokens_platform ON platform_tokens (platform_id);
CREATE TABLE IF NOT EXISTS counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
"""


def sqlite_path_from_url(url: str) -> str:
    """`sqlite:///relative/path.db` or `sqlite:////absolute/path.db` (SQLAlchemy's form) to a file path."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or len(url) == len(prefix):
        raise ValueError(f"not an SQLite store URL: {url!r} (expected sqlite:///relative.db or sqlite:////abs.db)")
    return url[len(prefix) :]


class SqliteStore:
    """Two connections: one writer (transactions serialised by a lock) and one reader that sees only committed data."""

    def __init__(self, writer: aiosqlite.Connection, reader: aiosqlite.Connection) -> None:
        self._writer = writer
        self._reader = reader
        self.platforms = SqlitePlatformStore(writer, reader)

    @classmethod
    async def open(cls, path: str) -> SqliteStore:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        writer = await _connect(path)
        await writer.executescript(SCHEMA)
        reader = await _connect(path)
        return cls(writer, reader)

    async def ping(self) -> None:
        async with self._reader.execute("SELECT 1") as cursor:
            await cursor.fetchone()

    async def close(self) -> None:
        await self._reader.close()
        await self._writer.close()


async def _connect(path: str) -> aiosqlite.Connection:
    connection = await aiosqlite.connect(path, isolation_level=None)
    await connection.execute("PRAGMA journal_mode=WAL")
    # FULL: a commit that returned survives a power cut (NORMAL in WAL mode may lose the last few commits).
    await connection.execute("PRAGMA synchronous=FULL")
    await connection.execute("PRAGMA foreign_keys=ON")
    # Several hub processes and the CLI share one file: wait for another writer rather than fail.
    await connection.execute("PRAGMA busy_timeout=10000")
    return connection


class SqlitePlatformStore:
    def __init__(self, writer: aiosqlite.Connection, reader: aiosqlite.Connection) -> None:
        self._db = writer
        self._reader = reader
        self._write_lock = asyncio.Lock()

    async def create(self, platform: Platform) -> Platform:
        return await self._write(platform, expected_revision=None)

    async def save(self, platform: Platform) -> Platform:
        return await self._write(platform, expected_revision=platform.revision)

    async def _write(self, platform: Platform, expected_revision: int | None) -> Platform:
        async with self._write_lock:
            return await self._write_locked(platform, expected_revision)

    async def _write_locked(self, platform: Platform, expected_revision: int | None) -> Platform:
        db = self._db
        await db.execute("BEGIN IMMEDIATE")
        try:
            if expected_revision is not None:
                async with db.execute("SELECT revision FROM platforms WHERE id = ?", (platform.id,)) as cursor:
                    row = await cursor.fetchone()
                if row is None:
                    raise NotFound(platform.id)
                if row[0] != expected_revision:
                    raise ConcurrentUpdate(platform.id)
            async with db.execute(
                "INSERT INTO counters (name, value) VALUES ('platforms', 1) "
                "ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value"
            ) as cursor:
                (seq,) = await cursor.fetchone()
            stored = msgspec.structs.replace(platform, revision=platform.revision + 1, seq=seq)
            document = orjson.dumps(platform_to_document(stored))
            if expected_revision is None:
                await db.execute(
                    "INSERT INTO platforms (id, seq, revision, document) VALUES (?, ?, ?, ?)",
                    (stored.id, seq, stored.revision, document),
                )
            else:
                await db.execute(
                    "UPDATE platforms SET seq = ?, revision = ?, document = ? WHERE id = ?",
                    (seq, stored.revision, document, stored.id),
                )
                await db.execute("DELETE FROM platform_parties WHERE platform_id = ?", (stored.id,))
                await db.execute("DELETE FROM platform_tokens WHERE platform_id = ?", (stored.id,))
            await self._insert_parties(stored)
            await db.executemany(
                "INSERT INTO platform_tokens (token_hash, platform_id) VALUES (?, ?)",
                [(token_hash, stored.id) for token_hash in stored.token_hashes],
            )
            await db.execute("COMMIT")
            return stored
        except BaseException:
            await db.execute("ROLLBACK")
            raise

    async def _insert_parties(self, platform: Platform) -> None:
        conflicts = []
        for party in platform.parties:
            try:
                await self._db.execute(
                    "INSERT INTO platform_parties (country_code, party_id, role, platform_id) VALUES (?, ?, ?, ?)",
                    (party.country_code.upper(), party.party_id.upper(), party.role.upper(), platform.id),
                )
            except sqlite3.IntegrityError:
                conflicts.append(party.key)
        if conflicts:
            raise PartyAlreadyClaimed(conflicts)

    async def get(self, platform_id: str) -> Platform | None:
        return await self._one("SELECT document FROM platforms WHERE id = ?", (platform_id,))

    async def find_by_token_hash(self, token_hash: str) -> Platform | None:
        return await self._one(
            "SELECT p.document FROM platform_tokens t JOIN platforms p ON p.id = t.platform_id WHERE t.token_hash = ?",
            (token_hash,),
        )

    async def find_by_party(self, country_code: str, party_id: str, role: str) -> Platform | None:
        return await self._one(
            "SELECT p.document FROM platform_parties x JOIN platforms p ON p.id = x.platform_id "
            "WHERE x.country_code = ? AND x.party_id = ? AND x.role = ?",
            (country_code.upper(), party_id.upper(), role.upper()),
        )

    async def list_all(self) -> list[Platform]:
        return await self._many("SELECT document FROM platforms ORDER BY seq", ())

    async def changed_since(self, seq: int) -> list[Platform]:
        return await self._many("SELECT document FROM platforms WHERE seq > ? ORDER BY seq", (seq,))

    async def _one(self, sql: str, parameters: tuple) -> Platform | None:
        async with self._reader.execute(sql, parameters) as cursor:
            row = await cursor.fetchone()
        return None if row is None else platform_from_document(orjson.loads(row[0]))

    async def _many(self, sql: str, parameters: tuple) -> list[Platform]:
        async with self._reader.execute(sql, parameters) as cursor:
            rows = await cursor.fetchall()
        return [platform_from_document(orjson.loads(row[0])) for row in rows]
