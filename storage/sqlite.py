"""The embedded store: SQLite in WAL mode through aiosqlite. Zero set-up, crash-safe, shared by several processes.

A platform is one JSON document (like the MongoDB adapter) plus two index tables written in the same transaction:
party keys (unique: a party belongs to one platform) and token hashes (token look-up). Agreements, callback mappings,
routing hints and the message log are JSON documents too, next to the columns their queries filter on; broadcast
objects are plain columns with the body as a BLOB.

Every write goes through the one writer connection under one lock shared by all the stores below: a statement sent
while another store's transaction is open would otherwise join (and share the fate of) that transaction."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiosqlite
import msgspec
import orjson

from storage.errors import AgreementExists, ConcurrentUpdate, NotFound, PartyAlreadyClaimed, StoreUnavailable
from storage.models import (
    AdminSession,
    Agreement,
    CallbackMapping,
    DeliveryState,
    MessageRecord,
    Platform,
    PlatformDeletion,
    QueuedDelivery,
    QueueFigures,
    RoutingHint,
    StoredObject,
    TrafficMinute,
    message_failed,
    platform_from_document,
    platform_to_document,
)

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
CREATE TABLE IF NOT EXISTS admin_sessions (
    id_hash TEXT PRIMARY KEY,
    last_seen_at REAL NOT NULL,
    expires_at REAL NOT NULL,
    document BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS platform_deletions (
    platform_id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    deleted_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS platform_deletions_seq ON platform_deletions (seq);
CREATE TABLE IF NOT EXISTS counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS rate_counts (
    key TEXT NOT NULL,
    window INTEGER NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (key, window)
);
CREATE TABLE IF NOT EXISTS deliveries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    receiver_platform_id TEXT NOT NULL,
    object_key TEXT NOT NULL,
    state TEXT NOT NULL,
    next_attempt_at REAL NOT NULL,
    lease_holder TEXT NOT NULL,
    lease_until REAL NOT NULL,
    created_at REAL NOT NULL,
    document BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS deliveries_object ON deliveries (object_key, seq);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (state, next_attempt_at);
CREATE INDEX IF NOT EXISTS deliveries_receiver ON deliveries (receiver_platform_id, state);
CREATE TABLE IF NOT EXISTS traffic_minutes (
    minute INTEGER NOT NULL,
    party TEXT NOT NULL,
    ok INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    buckets TEXT NOT NULL,
    PRIMARY KEY (minute, party)
);
CREATE TABLE IF NOT EXISTS job_leases (
    job TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    until REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS agreements (
    id TEXT PRIMARY KEY,
    party_a TEXT NOT NULL,
    party_b TEXT NOT NULL,
    revision INTEGER NOT NULL,
    document BLOB NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS agreements_pair ON agreements (party_a, party_b);
CREATE TABLE IF NOT EXISTS callbacks (
    id TEXT PRIMARY KEY,
    expires_at REAL NOT NULL,
    document BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS callbacks_expires_at ON callbacks (expires_at);
CREATE TABLE IF NOT EXISTS routing_hints (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    expires_at REAL NOT NULL,
    document BLOB NOT NULL,
    PRIMARY KEY (kind, key)
);
CREATE INDEX IF NOT EXISTS routing_hints_expires_at ON routing_hints (expires_at);
CREATE TABLE IF NOT EXISTS objects (
    module TEXT NOT NULL,
    country_code TEXT NOT NULL,
    party_id TEXT NOT NULL,
    object_id TEXT NOT NULL,
    last_updated TEXT NOT NULL,
    sort_key TEXT NOT NULL,
    body BLOB NOT NULL,
    alt_key TEXT NOT NULL DEFAULT '',
    version TEXT NOT NULL DEFAULT '2.2.1',
    PRIMARY KEY (module, country_code, party_id, object_id)
);
CREATE INDEX IF NOT EXISTS objects_sort ON objects (module, sort_key, country_code, party_id, object_id);
CREATE INDEX IF NOT EXISTS objects_object_id ON objects (module, object_id);
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY,
    at REAL NOT NULL,
    request_id TEXT NOT NULL,
    correlation_id TEXT NOT NULL,
    from_party TEXT NOT NULL,
    to_party TEXT NOT NULL,
    module TEXT NOT NULL,
    platform_id TEXT NOT NULL,
    failed INTEGER NOT NULL,
    document BLOB NOT NULL,
    downstream_request_id TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS messages_at ON messages (at);
CREATE INDEX IF NOT EXISTS messages_request_id ON messages (request_id);
CREATE INDEX IF NOT EXISTS messages_correlation_id ON messages (correlation_id);
CREATE INDEX IF NOT EXISTS messages_from_party ON messages (from_party, at);
CREATE INDEX IF NOT EXISTS messages_to_party ON messages (to_party, at);
"""


def sqlite_path_from_url(url: str) -> str:
    """`sqlite:///relative/path.db` or `sqlite:////absolute/path.db` (SQLAlchemy's form) to a file path."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or len(url) == len(prefix):
        raise ValueError(f"not an SQLite store URL: {url!r} (expected sqlite:///relative.db or sqlite:////abs.db)")
    return url[len(prefix) :]


class SqliteStore:
    """Three connections: one writer (transactions serialised by a lock), one reader that sees only committed data,
    and the message log's own writer. The message log's batches commit with synchronous=NORMAL: in WAL mode a
    commit is then not flushed to disk by itself (the next checkpoint, or the next FULL commit, flushes it), so a
    power cut can lose the last batches of the log but never corrupts the file, and no batch waits for the disk or
    holds the shared writer while it does. Platforms, credentials, agreements and queued deliveries commit with
    synchronous=FULL on the other writer: a commit that returned survives a power cut."""

    def __init__(
        self, writer: aiosqlite.Connection, reader: aiosqlite.Connection, log_writer: aiosqlite.Connection
    ) -> None:
        self._writer = writer
        self._reader = reader
        self._log_writer = log_writer
        write_lock = asyncio.Lock()
        self.meta = SqliteMetaStore(writer, reader, write_lock)
        self.admin_sessions = SqliteAdminSessionStore(writer, reader, write_lock)
        self.platforms = SqlitePlatformStore(writer, reader, write_lock)
        self.agreements = SqliteAgreementStore(writer, reader, write_lock)
        self.callbacks = SqliteCallbackStore(writer, reader, write_lock)
        self.hints = SqliteHintStore(writer, reader, write_lock)
        self.objects = SqliteObjectStore(writer, reader, write_lock)
        self.messages = SqliteMessageLog(log_writer, reader, asyncio.Lock())
        self.rate_counts = SqliteRateCounts(writer, reader, write_lock)
        self.deliveries = SqliteDeliveryQueue(writer, reader, write_lock)
        self.job_leases = SqliteJobLeases(writer, reader, write_lock)
        self.traffic = SqliteTrafficFigures(writer, reader, write_lock)

    @classmethod
    async def open(cls, path: str) -> SqliteStore:
        """Raises StoreUnavailable, saying why, when the file cannot be created or opened."""
        writer = reader = log_writer = None
        try:
            _create_private(Path(path))
            writer = await _connect(path)
            await writer.executescript(SCHEMA)
            await _migrate(writer)
            reader = await _connect(path)
            log_writer = await _connect(path, synchronous="NORMAL")
        except (OSError, sqlite3.Error) as error:
            for connection in (log_writer, reader, writer):
                if connection is not None:
                    with contextlib.suppress(sqlite3.Error, ValueError):
                        await connection.close()
            reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            raise StoreUnavailable(
                f"cannot open the SQLite store {path}: {reason} (is its directory there and writable by this user?)"
            ) from error
        return cls(writer, reader, log_writer)

    async def ping(self) -> None:
        await read_all(self._reader, "SELECT 1", ())

    async def close(self) -> None:
        await self._reader.close()
        await self._log_writer.close()
        await self._writer.close()


async def _migrate(db: aiosqlite.Connection) -> None:
    """Columns added since a store was created (CREATE TABLE IF NOT EXISTS leaves an older table as it was)."""
    columns = {row[1] for row in await db.execute_fetchall("PRAGMA table_info(messages)", ())}
    if "downstream_request_id" not in columns:
        await db.execute("ALTER TABLE messages ADD COLUMN downstream_request_id TEXT NOT NULL DEFAULT ''")
    columns = {row[1] for row in await db.execute_fetchall("PRAGMA table_info(objects)", ())}
    if "alt_key" not in columns:
        await db.execute("ALTER TABLE objects ADD COLUMN alt_key TEXT NOT NULL DEFAULT ''")
    if "version" not in columns:
        await db.execute("ALTER TABLE objects ADD COLUMN version TEXT NOT NULL DEFAULT '2.2.1'")
    await db.execute("CREATE INDEX IF NOT EXISTS objects_alt_key ON objects (module, alt_key) WHERE alt_key != ''")
    await db.execute(
        "CREATE INDEX IF NOT EXISTS messages_downstream_request_id ON messages (downstream_request_id) "
        "WHERE downstream_request_id != ''"
    )


def _create_private(path: Path) -> None:
    """The store holds token digests and encrypted partner tokens: only its owner may read it. SQLite gives the
    -wal and -shm files the database file's mode, so creating that one 0600 covers all three; files made by an older
    version, or by another program, are narrowed to 0600 too."""
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(descriptor)
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        with contextlib.suppress(FileNotFoundError, PermissionError):
            if file.stat().st_mode & 0o077:
                file.chmod(0o600)


async def _connect(path: str, synchronous: str = "FULL") -> aiosqlite.Connection:
    connection = await aiosqlite.connect(path, isolation_level=None)
    # Several hub processes and the CLI share one file: wait for another writer rather than fail. First, so that
    # even switching to WAL (which needs the file to itself) waits when several processes start at once.
    await connection.execute("PRAGMA busy_timeout=10000")
    await connection.execute("PRAGMA journal_mode=WAL")
    # FULL: a commit that returned survives a power cut (NORMAL in WAL mode may lose the last few commits: the
    # message log's writer only, see SqliteStore).
    await connection.execute(f"PRAGMA synchronous={synchronous}")
    await connection.execute("PRAGMA foreign_keys=ON")
    return connection


async def read_all(reader: aiosqlite.Connection, sql: str, parameters: tuple) -> list:
    """Run a query and fetch every row as one step on the reader connection. Reads must never interleave there: a
    statement left open while another starts keeps SQLite's read snapshot open, and later reads would not see what
    was committed since (a command's response_url mapping, written just before the command went out, looked
    unknown when the CPO's result came back at once)."""
    return list(await reader.execute_fetchall(sql, parameters))


@contextlib.asynccontextmanager
async def write_transaction(db: aiosqlite.Connection, lock: asyncio.Lock) -> AsyncIterator[aiosqlite.Connection]:
    """One write transaction on the shared writer connection. IMMEDIATE takes SQLite's write lock up front, so
    busy_timeout applies (a deferred transaction that reads and then writes can fail at once with SQLITE_BUSY when
    another process wrote in between). A caller cancelled mid-way leaves nothing half-done: the rollback, or the
    commit once started, runs to its end."""
    async with lock:
        try:
            await db.execute("BEGIN IMMEDIATE")
            yield db
        except BaseException:
            # The connection runs statements in order: this ROLLBACK comes after whatever is still queued (even a
            # BEGIN whose caller was cancelled); if no transaction is open by then, there is nothing to undo.
            with contextlib.suppress(sqlite3.OperationalError):
                await asyncio.shield(db.execute("ROLLBACK"))
            raise
        try:
            await asyncio.shield(db.execute("COMMIT"))
        except sqlite3.Error:
            # A commit that failed (disk full, I/O error) must not leave the connection inside the transaction.
            with contextlib.suppress(sqlite3.OperationalError):
                await asyncio.shield(db.execute("ROLLBACK"))
            raise


class SqlitePlatformStore:
    def __init__(
        self, writer: aiosqlite.Connection, reader: aiosqlite.Connection, write_lock: asyncio.Lock | None = None
    ) -> None:
        self._db = writer
        self._reader = reader
        self._write_lock = write_lock or asyncio.Lock()

    async def create(self, platform: Platform) -> Platform:
        return await self._write(platform, expected_revision=None)

    async def save(self, platform: Platform) -> Platform:
        return await self._write(platform, expected_revision=platform.revision)

    async def _write(self, platform: Platform, expected_revision: int | None) -> Platform:
        async with write_transaction(self._db, self._write_lock) as db:
            if expected_revision is not None:
                async with db.execute("SELECT revision FROM platforms WHERE id = ?", (platform.id,)) as cursor:
                    row = await cursor.fetchone()
                if row is None:
                    raise NotFound(platform.id)
                if row[0] != expected_revision:
                    raise ConcurrentUpdate(platform.id)
            seq = await _next_platform_seq(db)
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
        return stored

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

    async def revisions(self) -> dict[str, int]:
        rows = await read_all(self._reader, "SELECT id, revision FROM platforms", ())
        return {platform_id: revision for platform_id, revision in rows}

    async def delete(self, platform_id: str) -> bool:
        async with write_transaction(self._db, self._write_lock) as db:
            cursor = await db.execute("DELETE FROM platforms WHERE id = ?", (platform_id,))
            if cursor.rowcount == 0:
                return False
            await db.execute(
                "INSERT OR REPLACE INTO platform_deletions (platform_id, seq, deleted_at) VALUES (?, ?, ?)",
                (platform_id, await _next_platform_seq(db), time.time()),
            )
        return True

    async def deletions_since(self, seq: int) -> list[PlatformDeletion]:
        rows = await read_all(
            self._reader,
            "SELECT platform_id, seq, deleted_at FROM platform_deletions WHERE seq > ? ORDER BY seq",
            (seq,),
        )
        return [PlatformDeletion(platform_id=row[0], seq=row[1], deleted_at=row[2]) for row in rows]

    async def purge_deletions(self, older_than: float) -> int:
        async with write_transaction(self._db, self._write_lock) as db:
            cursor = await db.execute("DELETE FROM platform_deletions WHERE deleted_at < ?", (older_than,))
        return cursor.rowcount

    async def _one(self, sql: str, parameters: tuple) -> Platform | None:
        rows = await read_all(self._reader, sql, parameters)
        return platform_from_document(orjson.loads(rows[0][0])) if rows else None

    async def _many(self, sql: str, parameters: tuple) -> list[Platform]:
        rows = await read_all(self._reader, sql, parameters)
        return [platform_from_document(orjson.loads(row[0])) for row in rows]


async def _next_platform_seq(db: aiosqlite.Connection) -> int:
    async with db.execute(
        "INSERT INTO counters (name, value) VALUES ('platforms', 1) "
        "ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value"
    ) as cursor:
        (seq,) = await cursor.fetchone()
    return seq


# --- routing: agreements, callback mappings, routing hints, broadcast objects, message log ---------------------------


class _SqliteTable:
    """Reads on the reader connection; writes in a BEGIN IMMEDIATE transaction on the writer, under the shared lock."""

    def __init__(self, writer: aiosqlite.Connection, reader: aiosqlite.Connection, write_lock: asyncio.Lock) -> None:
        self._db = writer
        self._reader = reader
        self._write_lock = write_lock

    def _transaction(self) -> contextlib.AbstractAsyncContextManager[aiosqlite.Connection]:
        return write_transaction(self._db, self._write_lock)

    async def _write(self, sql: str, parameters: tuple) -> int:
        """One statement in its own transaction; returns the number of rows it changed."""
        async with self._transaction() as db:
            cursor = await db.execute(sql, parameters)
            return cursor.rowcount

    async def _fetchone(self, sql: str, parameters: tuple) -> sqlite3.Row | tuple | None:
        rows = await read_all(self._reader, sql, parameters)
        return rows[0] if rows else None

    async def _fetchall(self, sql: str, parameters: tuple) -> list:
        return await read_all(self._reader, sql, parameters)


class SqliteMetaStore(_SqliteTable):
    async def get(self, name: str) -> str | None:
        row = await self._fetchone("SELECT value FROM meta WHERE name = ?", (name,))
        return None if row is None else row[0]

    async def put(self, name: str, value: str) -> None:
        await self._write("INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)", (name, value))

    async def put_if_absent(self, name: str, value: str) -> str:
        async with self._transaction() as db:
            await db.execute("INSERT OR IGNORE INTO meta (name, value) VALUES (?, ?)", (name, value))
            async with db.execute("SELECT value FROM meta WHERE name = ?", (name,)) as cursor:
                (stored,) = await cursor.fetchone()
        return stored


def _summed(first: list[int], second: list[int]) -> list[int]:
    longer, shorter = (first, second) if len(first) >= len(second) else (second, first)
    return [value + (shorter[index] if index < len(shorter) else 0) for index, value in enumerate(longer)]


class SqliteTrafficFigures(_SqliteTable):
    async def add(self, rows: list[TrafficMinute]) -> None:
        if not rows:
            return
        async with self._transaction() as db:
            for row in rows:
                async with db.execute(
                    "SELECT ok, failed, buckets FROM traffic_minutes WHERE minute = ? AND party = ?",
                    (row.minute, row.party),
                ) as cursor:
                    found = await cursor.fetchone()
                ok, failed, buckets = (row.ok, row.failed, row.buckets)
                if found is not None:
                    ok, failed = ok + found[0], failed + found[1]
                    buckets = _summed(buckets, orjson.loads(found[2]))
                await db.execute(
                    "INSERT OR REPLACE INTO traffic_minutes (minute, party, ok, failed, buckets) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (row.minute, row.party, ok, failed, orjson.dumps(buckets).decode()),
                )

    async def since(self, minute: int) -> list[TrafficMinute]:
        rows = await self._fetchall(
            "SELECT minute, party, ok, failed, buckets FROM traffic_minutes WHERE minute >= ?", (minute,)
        )
        return [TrafficMinute(minute=r[0], party=r[1], ok=r[2], failed=r[3], buckets=orjson.loads(r[4])) for r in rows]

    async def purge_before(self, minute: int) -> int:
        return await self._write("DELETE FROM traffic_minutes WHERE minute < ?", (minute,))


class SqliteJobLeases(_SqliteTable):
    async def hold(self, job: str, holder: str, now: float, seconds: float) -> bool:
        async with self._transaction() as db:
            await db.execute(
                "INSERT INTO job_leases (job, holder, until) VALUES (?, ?, ?) ON CONFLICT (job) DO UPDATE SET "
                "holder = excluded.holder, until = excluded.until WHERE job_leases.until <= ? OR job_leases.holder = ?",
                (job, holder, now + seconds, now, holder),
            )
            async with db.execute("SELECT holder FROM job_leases WHERE job = ?", (job,)) as cursor:
                (current,) = await cursor.fetchone()
        return current == holder

    async def holder(self, job: str, now: float) -> str | None:
        row = await self._fetchone("SELECT holder FROM job_leases WHERE job = ? AND until > ?", (job, now))
        return None if row is None else row[0]


class SqliteRateCounts(_SqliteTable):
    async def add(self, deltas: list[tuple[str, int, int]]) -> dict[tuple[str, int], int]:
        totals = {}
        if not deltas:
            return totals
        async with self._transaction() as db:
            for key, window, delta in deltas:
                async with db.execute(
                    "INSERT INTO rate_counts (key, window, count) VALUES (?, ?, ?) "
                    "ON CONFLICT (key, window) DO UPDATE SET count = count + excluded.count RETURNING count",
                    (key, window, delta),
                ) as cursor:
                    (totals[(key, window)],) = await cursor.fetchone()
        return totals

    async def purge_before(self, window: int) -> int:
        return await self._write("DELETE FROM rate_counts WHERE window < ?", (window,))


_DELIVERY_DOCUMENT = msgspec.msgpack.Encoder()
_DELIVERY_DECODER = msgspec.msgpack.Decoder(QueuedDelivery)


class SqliteDeliveryQueue(_SqliteTable):
    """The mutable fields live in columns (the queries need them); the document holds the rest, the body included."""

    _COLUMNS = "seq, state, next_attempt_at, lease_holder, lease_until, document"

    @staticmethod
    def _from_row(row) -> QueuedDelivery:
        seq, state, next_attempt_at, lease_holder, lease_until, document = row
        delivery = _DELIVERY_DECODER.decode(document)
        delivery.seq, delivery.state = seq, DeliveryState(state)
        delivery.next_attempt_at, delivery.lease_holder, delivery.lease_until = (
            next_attempt_at,
            lease_holder,
            lease_until,
        )
        return delivery

    async def enqueue(self, delivery: QueuedDelivery) -> QueuedDelivery:
        async with self._transaction() as db:
            cursor = await db.execute(
                "INSERT INTO deliveries (id, receiver_platform_id, object_key, state, next_attempt_at, lease_holder, "
                "lease_until, created_at, document) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    delivery.id,
                    delivery.receiver_platform_id,
                    delivery.object_key,
                    delivery.state.value,
                    delivery.next_attempt_at,
                    delivery.lease_holder,
                    delivery.lease_until,
                    delivery.created_at,
                    _DELIVERY_DOCUMENT.encode(delivery),
                ),
            )
            seq = cursor.lastrowid
        return msgspec.structs.replace(delivery, seq=seq)

    async def waiting_for(self, object_key: str) -> bool:
        return await self._fetchone("SELECT 1 FROM deliveries WHERE object_key = ? LIMIT 1", (object_key,)) is not None

    async def lease(self, holder: str, now: float, lease_seconds: float, limit: int) -> list[QueuedDelivery]:
        async with self._transaction() as db:
            async with db.execute(
                f"SELECT {self._COLUMNS} FROM deliveries AS d WHERE state = 'PENDING' AND next_attempt_at <= ? "  # noqa: S608 (fixed column names; values are parameters)
                "AND lease_until <= ? AND NOT EXISTS (SELECT 1 FROM deliveries AS e WHERE e.object_key = d.object_key "
                "AND e.seq < d.seq) ORDER BY seq LIMIT ?",
                (now, now, limit),
            ) as cursor:
                rows = await cursor.fetchall()
            leased = [self._from_row(row) for row in rows]
            until = now + lease_seconds
            for delivery in leased:
                delivery.lease_holder, delivery.lease_until = holder, until
            await db.executemany(
                "UPDATE deliveries SET lease_holder = ?, lease_until = ? WHERE seq = ?",
                [(holder, until, delivery.seq) for delivery in leased],
            )
        return leased

    async def delivered(self, delivery_id: str, holder: str) -> bool:
        return await self._write("DELETE FROM deliveries WHERE id = ? AND lease_holder = ?", (delivery_id, holder)) > 0

    async def _update_document(self, delivery_id: str, holder: str, change, columns: str, values: tuple) -> bool:
        async with self._transaction() as db:
            async with db.execute(
                f"SELECT {self._COLUMNS} FROM deliveries WHERE id = ? AND lease_holder = ?",  # noqa: S608
                (delivery_id, holder),
            ) as cursor:
                row = await cursor.fetchone()
            if row is None:
                return False
            delivery = change(self._from_row(row))
            cursor = await db.execute(
                f"UPDATE deliveries SET {columns}, lease_holder = '', lease_until = 0, document = ? WHERE id = ?",  # noqa: S608 (fixed column names; values are parameters)
                (*values, _DELIVERY_DOCUMENT.encode(delivery), delivery_id),
            )
            return cursor.rowcount > 0

    async def retry_later(self, delivery_id: str, holder: str, at: float, error: str) -> bool:
        def change(delivery: QueuedDelivery) -> QueuedDelivery:
            delivery.attempts += 1
            delivery.last_error = error
            return delivery

        return await self._update_document(delivery_id, holder, change, "next_attempt_at = ?", (at,))

    async def give_up(self, delivery_id: str, holder: str, reason: str) -> bool:
        def change(delivery: QueuedDelivery) -> QueuedDelivery:
            delivery.attempts += 1
            delivery.last_error = reason
            return delivery

        return await self._update_document(delivery_id, holder, change, "state = 'DEAD'", ())

    async def figures(self) -> list[QueueFigures]:
        rows = await self._fetchall(
            "SELECT receiver_platform_id, SUM(state = 'PENDING'), SUM(state = 'DEAD'), "
            "MIN(CASE WHEN state = 'PENDING' THEN created_at END) FROM deliveries GROUP BY receiver_platform_id",
            (),
        )
        return [QueueFigures(receiver_platform_id=r[0], pending=r[1], dead=r[2], oldest_pending_at=r[3]) for r in rows]

    @staticmethod
    def _where(
        delivery_ids: list[str] | None, receiver_platform_id: str | None, state: DeliveryState | None
    ) -> tuple[str, tuple]:
        clauses, values = [], []
        if delivery_ids is not None:
            clauses.append(f"id IN ({', '.join('?' * len(delivery_ids))})" if delivery_ids else "0")
            values += delivery_ids
        if receiver_platform_id is not None:
            clauses.append("receiver_platform_id = ?")
            values.append(receiver_platform_id)
        if state is not None:
            clauses.append("state = ?")
            values.append(state.value)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", tuple(values)

    async def listed(
        self, receiver_platform_id: str | None = None, state: DeliveryState | None = None, limit: int = 100
    ) -> list[QueuedDelivery]:
        where, values = self._where(None, receiver_platform_id, state)
        rows = await self._fetchall(
            f"SELECT {self._COLUMNS} FROM deliveries{where} ORDER BY seq LIMIT ?",  # noqa: S608
            (*values, limit),
        )
        return [self._from_row(row) for row in rows]

    async def replay(self, delivery_ids: list[str] | None = None, receiver_platform_id: str | None = None) -> int:
        where, values = self._where(delivery_ids, receiver_platform_id, DeliveryState.DEAD)
        async with self._transaction() as db:
            async with db.execute(f"SELECT {self._COLUMNS} FROM deliveries{where}", values) as cursor:  # noqa: S608
                rows = await cursor.fetchall()
            now = time.time()
            for row in rows:
                delivery = self._from_row(row)
                delivery.attempts, delivery.last_error = 0, ""
                await db.execute(
                    "UPDATE deliveries SET state = 'PENDING', next_attempt_at = ?, lease_holder = '', lease_until = 0, "
                    "document = ? WHERE seq = ?",
                    (now, _DELIVERY_DOCUMENT.encode(delivery), delivery.seq),
                )
        return len(rows)

    async def drop(
        self,
        delivery_ids: list[str] | None = None,
        receiver_platform_id: str | None = None,
        state: DeliveryState | None = None,
    ) -> int:
        where, values = self._where(delivery_ids, receiver_platform_id, state)
        return await self._write(f"DELETE FROM deliveries{where}", values)  # noqa: S608


class SqliteAdminSessionStore(_SqliteTable):
    async def create(self, session: AdminSession) -> None:
        await self._write(
            "INSERT INTO admin_sessions (id_hash, last_seen_at, expires_at, document) VALUES (?, ?, ?, ?)",
            (session.id_hash, session.last_seen_at, session.expires_at, msgspec.json.encode(session)),
        )

    async def get(self, id_hash: str) -> AdminSession | None:
        row = await self._fetchone("SELECT document, last_seen_at FROM admin_sessions WHERE id_hash = ?", (id_hash,))
        if row is None:
            return None
        return msgspec.structs.replace(msgspec.json.decode(row[0], type=AdminSession), last_seen_at=row[1])

    async def touch(self, id_hash: str, at: float) -> None:
        await self._write("UPDATE admin_sessions SET last_seen_at = ? WHERE id_hash = ?", (at, id_hash))

    async def delete(self, id_hash: str) -> bool:
        return await self._write("DELETE FROM admin_sessions WHERE id_hash = ?", (id_hash,)) > 0

    async def purge_expired(self, now: float, idle_seconds: float) -> int:
        return await self._write(
            "DELETE FROM admin_sessions WHERE expires_at <= ? OR last_seen_at <= ?", (now, now - idle_seconds)
        )


class SqliteAgreementStore(_SqliteTable):
    """One row per agreement: the whole record as JSON plus the pair (unique) and the revision for compare-and-swap.
    Every change bumps the `agreements` row of `counters` in the same transaction."""

    async def create(self, agreement: Agreement) -> Agreement:
        stored = msgspec.structs.replace(agreement, revision=1)
        async with self._transaction() as db:
            try:
                await db.execute(
                    "INSERT INTO agreements (id, party_a, party_b, revision, document) VALUES (?, ?, ?, ?, ?)",
                    (stored.id, stored.party_a, stored.party_b, stored.revision, msgspec.json.encode(stored)),
                )
            except sqlite3.IntegrityError:
                raise AgreementExists(await _agreement_conflict(db, stored)) from None
            await _bump_agreements_version(db)
        return stored

    async def save(self, agreement: Agreement) -> Agreement:
        stored = msgspec.structs.replace(agreement, revision=agreement.revision + 1)
        async with self._transaction() as db:
            async with db.execute("SELECT revision FROM agreements WHERE id = ?", (agreement.id,)) as cursor:
                row = await cursor.fetchone()
            if row is None:
                raise NotFound(agreement.id)
            if row[0] != agreement.revision:
                raise ConcurrentUpdate(agreement.id)
            try:
                await db.execute(
                    "UPDATE agreements SET party_a = ?, party_b = ?, revision = ?, document = ? WHERE id = ?",
                    (stored.party_a, stored.party_b, stored.revision, msgspec.json.encode(stored), stored.id),
                )
            except sqlite3.IntegrityError:  # moved onto a pair another agreement holds
                raise AgreementExists(await _agreement_conflict(db, stored)) from None
            await _bump_agreements_version(db)
        return stored

    async def get(self, agreement_id: str) -> Agreement | None:
        row = await self._fetchone("SELECT document FROM agreements WHERE id = ?", (agreement_id,))
        return None if row is None else msgspec.json.decode(row[0], type=Agreement)

    async def delete(self, agreement_id: str) -> bool:
        async with self._transaction() as db:
            cursor = await db.execute("DELETE FROM agreements WHERE id = ?", (agreement_id,))
            if cursor.rowcount == 0:
                return False
            await _bump_agreements_version(db)
        return True

    async def list_all(self) -> list[Agreement]:
        rows = await self._fetchall("SELECT document FROM agreements ORDER BY party_a, party_b", ())
        return [msgspec.json.decode(row[0], type=Agreement) for row in rows]

    async def version(self) -> int:
        row = await self._fetchone("SELECT value FROM counters WHERE name = 'agreements'", ())
        return 0 if row is None else row[0]

    async def apply(self, creates: list[Agreement], saves: list[Agreement], deletes: list[Agreement]) -> None:
        async with self._transaction() as db:
            for agreement in [*saves, *deletes]:
                async with db.execute("SELECT revision FROM agreements WHERE id = ?", (agreement.id,)) as cursor:
                    row = await cursor.fetchone()
                if row is None:
                    raise NotFound(agreement.id)
                if row[0] != agreement.revision:
                    raise ConcurrentUpdate(agreement.id)
            for agreement in deletes:
                await db.execute("DELETE FROM agreements WHERE id = ?", (agreement.id,))
            for agreement in saves:
                stored = msgspec.structs.replace(agreement, revision=agreement.revision + 1)
                try:
                    await db.execute(
                        "UPDATE agreements SET party_a = ?, party_b = ?, revision = ?, document = ? WHERE id = ?",
                        (stored.party_a, stored.party_b, stored.revision, msgspec.json.encode(stored), stored.id),
                    )
                except sqlite3.IntegrityError:
                    raise AgreementExists(await _agreement_conflict(db, stored)) from None
            for agreement in creates:
                stored = msgspec.structs.replace(agreement, revision=1)
                try:
                    await db.execute(
                        "INSERT INTO agreements (id, party_a, party_b, revision, document) VALUES (?, ?, ?, ?, ?)",
                        (stored.id, stored.party_a, stored.party_b, stored.revision, msgspec.json.encode(stored)),
                    )
                except sqlite3.IntegrityError:
                    raise AgreementExists(await _agreement_conflict(db, stored)) from None
            await _bump_agreements_version(db)


async def _agreement_conflict(db: aiosqlite.Connection, agreement: Agreement) -> str:
    """The id of the agreement that made an insert or update fail: the one holding the pair, else the same id."""
    async with db.execute(
        "SELECT id FROM agreements WHERE party_a = ? AND party_b = ? AND id != ?",
        (agreement.party_a, agreement.party_b, agreement.id),
    ) as cursor:
        row = await cursor.fetchone()
    return agreement.id if row is None else row[0]


async def _bump_agreements_version(db: aiosqlite.Connection) -> None:
    await db.execute(
        "INSERT INTO counters (name, value) VALUES ('agreements', 1) ON CONFLICT (name) DO UPDATE SET value = value + 1"
    )


class SqliteCallbackStore(_SqliteTable):
    async def put(self, mapping: CallbackMapping) -> None:
        await self.put_many([mapping])

    async def put_many(self, mappings: list[CallbackMapping]) -> None:
        if not mappings:
            return
        async with self._transaction() as db:
            await db.executemany(
                "INSERT OR REPLACE INTO callbacks (id, expires_at, document) VALUES (?, ?, ?)",
                [(m.id, m.expires_at, msgspec.json.encode(m)) for m in mappings],
            )

    async def get(self, mapping_id: str, now: float) -> CallbackMapping | None:
        row = await self._fetchone("SELECT document FROM callbacks WHERE id = ? AND expires_at > ?", (mapping_id, now))
        return None if row is None else msgspec.json.decode(row[0], type=CallbackMapping)

    async def purge_expired(self, now: float) -> int:
        return await self._write("DELETE FROM callbacks WHERE expires_at <= ?", (now,))


class SqliteHintStore(_SqliteTable):
    async def put(self, hint: RoutingHint) -> None:
        await self._write(
            "INSERT OR REPLACE INTO routing_hints (kind, key, expires_at, document) VALUES (?, ?, ?, ?)",
            (hint.kind, hint.key, hint.expires_at, msgspec.json.encode(hint)),
        )

    async def get(self, kind: str, key: str, now: float) -> RoutingHint | None:
        row = await self._fetchone(
            "SELECT document FROM routing_hints WHERE kind = ? AND key = ? AND expires_at > ?", (kind, key, now)
        )
        return None if row is None else msgspec.json.decode(row[0], type=RoutingHint)

    async def purge_expired(self, now: float) -> int:
        return await self._write("DELETE FROM routing_hints WHERE expires_at <= ?", (now,))


_OBJECT_COLUMNS = "module, country_code, party_id, object_id, last_updated, sort_key, body, alt_key, version"


class SqliteObjectStore(_SqliteTable):
    async def put(self, stored: StoredObject) -> bool:
        async with self._transaction() as db:
            cursor = await db.execute(
                f"INSERT INTO objects ({_OBJECT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",  # noqa: S608
                (
                    stored.module,
                    stored.country_code,
                    stored.party_id,
                    stored.object_id,
                    stored.last_updated,
                    stored.sort_key,
                    bytes(stored.body),
                    stored.alt_key,
                    stored.version,
                ),
            )
            if cursor.rowcount == 1:
                return True
            await db.execute(
                "UPDATE objects SET last_updated = ?, sort_key = ?, body = ?, alt_key = ?, version = ? "
                "WHERE module = ? AND country_code = ? AND party_id = ? AND object_id = ?",
                (
                    stored.last_updated,
                    stored.sort_key,
                    bytes(stored.body),
                    stored.alt_key,
                    stored.version,
                    stored.module,
                    stored.country_code,
                    stored.party_id,
                    stored.object_id,
                ),
            )
        return False

    async def get(self, module: str, country_code: str, party_id: str, object_id: str) -> StoredObject | None:
        row = await self._fetchone(
            f"SELECT {_OBJECT_COLUMNS} FROM objects "  # noqa: S608
            "WHERE module = ? AND country_code = ? AND party_id = ? AND object_id = ?",
            (module, country_code, party_id, object_id),
        )
        return None if row is None else _object_from_row(row)

    async def delete(self, module: str, country_code: str, party_id: str, object_id: str) -> bool:
        deleted = await self._write(
            "DELETE FROM objects WHERE module = ? AND country_code = ? AND party_id = ? AND object_id = ?",
            (module, country_code, party_id, object_id),
        )
        return deleted > 0

    async def page(
        self,
        module: str,
        owners: list[tuple[str, str]] | None,
        date_from: str | None,
        date_to: str | None,
        offset: int,
        limit: int,
        alt_key: str | None = None,
    ) -> tuple[list[StoredObject], int]:
        if owners is not None and not owners:
            return [], 0
        conditions = ["module = ?"]
        parameters: list = [module]
        if owners is not None:
            # One parameter however many owners: no limit on bound variables, and SQLite builds a lookup table once.
            conditions.append(
                "(country_code, party_id) IN "
                "(SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?))"
            )
            parameters.append(orjson.dumps([[country_code, party_id] for country_code, party_id in owners]))
        if alt_key is not None:
            conditions.append("alt_key = ?")
            parameters.append(alt_key)
        if date_from is not None:
            conditions.append("sort_key >= ?")
            parameters.append(date_from)
        if date_to is not None:
            conditions.append("sort_key < ?")
            parameters.append(date_to)
        where = " AND ".join(conditions)
        (total,) = await self._fetchone(f"SELECT COUNT(*) FROM objects WHERE {where}", tuple(parameters))  # noqa: S608
        if limit <= 0 or offset >= total:
            return [], total
        rows = await self._fetchall(
            f"SELECT {_OBJECT_COLUMNS} FROM objects WHERE {where} "  # noqa: S608
            "ORDER BY sort_key, country_code, party_id, object_id LIMIT ? OFFSET ?",
            (*parameters, limit, max(offset, 0)),
        )
        return [_object_from_row(row) for row in rows], total

    async def owners_of(self, module: str, object_id: str) -> list[tuple[str, str]]:
        rows = await self._fetchall(
            "SELECT DISTINCT country_code, party_id FROM objects WHERE module = ? AND object_id = ? "
            "ORDER BY country_code, party_id",
            (module, object_id),
        )
        return [(row[0], row[1]) for row in rows]

    async def purge_older_than(self, module: str, sort_key: str) -> int:
        return await self._write("DELETE FROM objects WHERE module = ? AND sort_key < ?", (module, sort_key))

    async def find_by_alt_key(self, module: str, alt_key: str) -> list[StoredObject]:
        rows = await self._fetchall(
            f"SELECT {_OBJECT_COLUMNS} FROM objects WHERE module = ? AND alt_key = ? LIMIT 10",  # noqa: S608
            (module, alt_key),
        )
        return [_object_from_row(row) for row in rows]


def _object_from_row(row) -> StoredObject:
    module, country_code, party_id, object_id, last_updated, sort_key, body, alt_key, version = row
    return StoredObject(
        module=module,
        country_code=country_code,
        party_id=party_id,
        object_id=object_id,
        last_updated=last_updated,
        sort_key=sort_key,
        body=bytes(body),
        alt_key=alt_key,
        version=version,
    )


class SqliteMessageLog(_SqliteTable):
    async def append(self, records: list[MessageRecord]) -> None:
        if not records:
            return
        try:
            await self._append(records)
        except (sqlite3.Error, OSError) as error:
            raise StoreUnavailable(f"cannot write the message log: {error}") from error

    async def _append(self, records: list[MessageRecord]) -> None:
        # A generator, not a list: sqlite3 consumes it in the connection's thread, so the records are encoded there
        # and not on the event loop.
        async with self._transaction() as db:
            await db.executemany(
                "INSERT INTO messages (at, request_id, correlation_id, from_party, to_party, module, platform_id,"
                " failed, document, downstream_request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    (
                        r.at,
                        r.request_id,
                        r.correlation_id,
                        r.from_party,
                        r.to_party,
                        r.module,
                        r.platform_id,
                        int(message_failed(r)),
                        msgspec.json.encode(r),
                        r.downstream_request_id,
                    )
                    for r in records
                ),
            )

    async def query(
        self,
        *,
        request_id: str | None = None,
        correlation_id: str | None = None,
        party: str | None = None,
        module: str | None = None,
        platform_id: str | None = None,
        failed: bool | None = None,
        since: float | None = None,
        until: float | None = None,
        limit: int = 100,
    ) -> list[MessageRecord]:
        if limit <= 0:
            return []
        conditions = []
        parameters: list = []
        for column, value in (("module", module), ("platform_id", platform_id)):
            if value is not None:
                conditions.append(f"{column} = ?")
                parameters.append(value)
        if failed is not None:
            conditions.append("failed = ?")
            parameters.append(int(failed))
        if request_id is not None:
            conditions.append("(request_id = ? OR downstream_request_id = ?)")
            parameters += [request_id, request_id]
        if correlation_id is not None:
            conditions.append("correlation_id = ?")
            parameters.append(correlation_id)
        if party is not None:
            conditions.append("(from_party = ? OR to_party = ?)")
            parameters += [party, party]
        if since is not None:
            conditions.append("at >= ?")
            parameters.append(since)
        if until is not None:
            conditions.append("at < ?")
            parameters.append(until)
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        rows = await self._fetchall(
            f"SELECT document FROM messages {where} ORDER BY at DESC, id DESC LIMIT ?",  # noqa: S608
            (*parameters, limit),
        )
        return [msgspec.json.decode(row[0], type=MessageRecord) for row in rows]

    async def purge_older_than(self, moment: float) -> int:
        return await self._write("DELETE FROM messages WHERE at < ?", (moment,))
