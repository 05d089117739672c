"""The production store: MongoDB through PyMongo's native async API (`AsyncMongoClient`; Motor's successor).

A platform is one document, so every change to it (parties, tokens, endpoints, state) is a single atomic write and no
multi-document transaction is needed (a standalone mongod has none). Indexes:
- `party_keys` (unique, multikey): a party `COUNTRY:PARTY:ROLE` belongs to at most one platform;
- `token_hashes` (multikey): token look-up;
- `seq`: other hub processes poll for changes.

The routing collections follow the same rule: every write touches one document (or, for the message log, inserts
independent documents), so none needs a transaction:
- `agreements`: `_id` is the agreement id, `party_pair_unique` on (party_a, party_b); the `agreements` counter is
  bumped after each change;
- `callbacks` (`_id` the mapping id) and `routing_hints` (`_id` `kind|key`): `expires_at` for purging;
- `objects`: `_id` `module|CC|PID|object_id`, plus `owner` (`CC:PID`) for owner filters; `module_sort` on
  (module, sort_key, country_code, party_id, object_id) serves GET All pages in order, `module_object_id` finds owners;
- `messages`: `at`, `request_id`, `correlation_id`, (`from_party`, `at`), (`to_party`, `at`)."""

from __future__ import annotations

import time
from typing import Any

import msgspec
from bson import Binary
from pymongo import ASCENDING, DESCENDING, AsyncMongoClient, ReplaceOne, ReturnDocument, UpdateOne
from pymongo.errors import (
    ConfigurationError,
    DuplicateKeyError,
    OperationFailure,
    PyMongoError,
    ServerSelectionTimeoutError,
)

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
    party_key,
    platform_from_document,
    platform_to_document,
)
from storage.urls import redacted_store_url

DEFAULT_DATABASE = "ocpi_hub"


class MongoStore:
    def __init__(self, client: AsyncMongoClient, database_name: str) -> None:
        self._client = client
        self._database = client[database_name]
        self.meta = MongoMetaStore(self._database)
        self.admin_sessions = MongoAdminSessionStore(self._database)
        self.platforms = MongoPlatformStore(self._database)
        self.agreements = MongoAgreementStore(self._database)
        self.callbacks = MongoCallbackStore(self._database)
        self.hints = MongoHintStore(self._database)
        self.objects = MongoObjectStore(self._database)
        self.messages = MongoMessageLog(self._database)
        self.rate_counts = MongoRateCounts(self._database)
        self.deliveries = MongoDeliveryQueue(self._database)
        self.job_leases = MongoJobLeases(self._database)
        self.traffic = MongoTrafficFigures(self._database)

    @classmethod
    async def open(cls, url: str, database_name: str | None = None) -> MongoStore:
        """Raises StoreUnavailable within SERVER_SELECTION_SECONDS (unless the URL sets serverSelectionTimeoutMS)
        when the server cannot be reached, rather than when the first request needs it."""
        options: dict[str, Any] = {"tz_aware": True, "uuidRepresentation": "standard"}
        if "serverselectiontimeoutms" not in url.lower():
            options["serverSelectionTimeoutMS"] = int(SERVER_SELECTION_SECONDS * 1000)
        shown = redacted_store_url(url)
        try:
            client: AsyncMongoClient = AsyncMongoClient(url, **options)
        except (ConfigurationError, ValueError) as error:
            raise StoreUnavailable(f"store URL {shown} is not a MongoDB URL the driver accepts: {error}") from error
        name = database_name or _database_from_url(client) or DEFAULT_DATABASE
        store = cls(client, name)
        try:
            await store.ping()
            for part in (
                store.meta,
                store.admin_sessions,
                store.platforms,
                store.agreements,
                store.callbacks,
                store.hints,
                store.objects,
                store.messages,
                store.rate_counts,
                store.deliveries,
                store.job_leases,
                store.traffic,
            ):
                await part.ensure_indexes()
        except PyMongoError as error:
            await client.close()
            raise StoreUnavailable(f"cannot use MongoDB at {shown}: {_reason(error)}") from error
        return store

    async def ping(self) -> None:
        await self._database.command("ping")

    async def close(self) -> None:
        await self._client.close()


SERVER_SELECTION_SECONDS = 5.0


def _reason(error: PyMongoError) -> str:
    """The first line of a driver error, without the topology description that follows it."""
    if isinstance(error, ServerSelectionTimeoutError):
        first = str(error).split(", Timeout:")[0].split(" (configured timeouts")[0]
        return f"no server answered within {SERVER_SELECTION_SECONDS:g} s ({first}); check the URL and that it runs"
    if isinstance(error, OperationFailure) and error.code in (13, 18):
        return f"the server refused the credentials or the access ({error.details.get('errmsg', error)})"
    return str(error).splitlines()[0]


def _database_from_url(client: AsyncMongoClient) -> str | None:
    try:
        return client.get_default_database().name
    except Exception:  # no database in the URL
        return None


class MongoMetaStore:
    def __init__(self, database) -> None:
        self._meta = database["meta"]

    async def ensure_indexes(self) -> None:
        return None

    async def get(self, name: str) -> str | None:
        document = await self._meta.find_one({"_id": name})
        return None if document is None else document["value"]

    async def put(self, name: str, value: str) -> None:
        await self._meta.replace_one({"_id": name}, {"_id": name, "value": value}, upsert=True)

    async def put_if_absent(self, name: str, value: str) -> str:
        try:
            await self._meta.insert_one({"_id": name, "value": value})
        except DuplicateKeyError:
            document = await self._meta.find_one({"_id": name})
            return document["value"]
        return value


class MongoTrafficFigures:
    """One document per minute and party; buckets as fields b0, b1, ... so `$inc` adds them where they are."""

    def __init__(self, database) -> None:
        self._minutes = database["traffic_minutes"]

    async def ensure_indexes(self) -> None:
        await self._minutes.create_index([("minute", ASCENDING)], name="minute")

    async def add(self, rows: list[TrafficMinute]) -> None:
        if not rows:
            return
        await self._minutes.bulk_write(
            [
                UpdateOne(
                    {"_id": f"{row.minute}|{row.party}"},
                    {
                        "$inc": {
                            "ok": row.ok,
                            "failed": row.failed,
                            **{f"b{i}": n for i, n in enumerate(row.buckets) if n},
                        },
                        "$setOnInsert": {"minute": row.minute, "party": row.party},
                    },
                    upsert=True,
                )
                for row in rows
            ],
            ordered=False,
        )

    async def since(self, minute: int) -> list[TrafficMinute]:
        found = []
        async for document in self._minutes.find({"minute": {"$gte": minute}}):
            indices = [int(key[1:]) for key in document if key.startswith("b") and key[1:].isdigit()]
            buckets = [0] * (max(indices) + 1 if indices else 0)
            for index in indices:
                buckets[index] = int(document[f"b{index}"])
            found.append(
                TrafficMinute(
                    minute=int(document["minute"]),
                    party=document["party"],
                    ok=int(document.get("ok", 0)),
                    failed=int(document.get("failed", 0)),
                    buckets=buckets,
                )
            )
        return found

    async def purge_before(self, minute: int) -> int:
        return (await self._minutes.delete_many({"minute": {"$lt": minute}})).deleted_count


class MongoJobLeases:
    def __init__(self, database) -> None:
        self._leases = database["job_leases"]

    async def ensure_indexes(self) -> None:
        return None

    async def hold(self, job: str, holder: str, now: float, seconds: float) -> bool:
        try:
            await self._leases.update_one(
                {"_id": job, "$or": [{"until": {"$lte": now}}, {"holder": holder}]},
                {"$set": {"holder": holder, "until": now + seconds}},
                upsert=True,
            )
        except DuplicateKeyError:  # held by another, not lapsed: the upsert's insert met the existing lease
            return False
        return True

    async def holder(self, job: str, now: float) -> str | None:
        document = await self._leases.find_one({"_id": job, "until": {"$gt": now}})
        return None if document is None else document["holder"]


class MongoDeliveryQueue:
    """One document per delivery (`_id` its id), `seq` from a counter document: the order of arrival."""

    def __init__(self, database) -> None:
        self._deliveries = database["deliveries"]
        self._counters = database["counters"]

    async def ensure_indexes(self) -> None:
        await self._deliveries.create_index([("object_key", ASCENDING), ("seq", ASCENDING)], name="object_seq")
        await self._deliveries.create_index([("state", ASCENDING), ("next_attempt_at", ASCENDING)], name="due")
        await self._deliveries.create_index([("receiver_platform_id", ASCENDING)], name="receiver")

    @staticmethod
    def _document(delivery: QueuedDelivery) -> dict[str, Any]:
        document = msgspec.to_builtins(delivery)
        document["_id"] = document.pop("id")
        document["body"] = delivery.body  # BSON binary, not Base64 text
        return document

    @staticmethod
    def _delivery(document: dict[str, Any]) -> QueuedDelivery:
        fields = {key: value for key, value in document.items() if key != "_id"}
        fields["body"] = bytes(fields.get("body", b""))
        return msgspec.convert({**fields, "id": document["_id"]}, QueuedDelivery, from_attributes=False, strict=False)

    async def enqueue(self, delivery: QueuedDelivery) -> QueuedDelivery:
        counter = await self._counters.find_one_and_update(
            {"_id": "deliveries"}, {"$inc": {"value": 1}}, upsert=True, return_document=ReturnDocument.AFTER
        )
        stored = msgspec.structs.replace(delivery, seq=int(counter["value"]))
        await self._deliveries.insert_one(self._document(stored))
        return stored

    async def waiting_for(self, object_key: str) -> bool:
        return await self._deliveries.find_one({"object_key": object_key}, {"_id": 1}) is not None

    async def lease(self, holder: str, now: float, lease_seconds: float, limit: int) -> list[QueuedDelivery]:
        due = {"state": DeliveryState.PENDING.value, "next_attempt_at": {"$lte": now}, "lease_until": {"$lte": now}}
        leased: list[QueuedDelivery] = []
        seen: set[str] = set()
        async for candidate in self._deliveries.find(due, {"body": 0}).sort("seq", ASCENDING).limit(limit * 4):
            key = candidate["object_key"]
            if key in seen:
                continue
            seen.add(key)
            earlier = await self._deliveries.find_one({"object_key": key, "seq": {"$lt": candidate["seq"]}}, {"_id": 1})
            if earlier is not None:
                continue
            claimed = await self._deliveries.find_one_and_update(
                {"_id": candidate["_id"], **due},
                {"$set": {"lease_holder": holder, "lease_until": now + lease_seconds}},
                return_document=ReturnDocument.AFTER,
            )
            if claimed is not None:  # else another process took it meanwhile
                leased.append(self._delivery(claimed))
                if len(leased) >= limit:
                    break
        return leased

    async def delivered(self, delivery_id: str, holder: str) -> bool:
        result = await self._deliveries.delete_one({"_id": delivery_id, "lease_holder": holder})
        return result.deleted_count > 0

    async def _release(self, delivery_id: str, holder: str, changes: dict[str, Any], error: str) -> bool:
        result = await self._deliveries.update_one(
            {"_id": delivery_id, "lease_holder": holder},
            {"$set": {**changes, "last_error": error, "lease_holder": "", "lease_until": 0.0}, "$inc": {"attempts": 1}},
        )
        return result.modified_count > 0

    async def retry_later(self, delivery_id: str, holder: str, at: float, error: str) -> bool:
        return await self._release(delivery_id, holder, {"next_attempt_at": at}, error)

    async def give_up(self, delivery_id: str, holder: str, reason: str) -> bool:
        return await self._release(delivery_id, holder, {"state": DeliveryState.DEAD.value}, reason)

    async def figures(self) -> list[QueueFigures]:
        figures: dict[str, QueueFigures] = {}
        async for document in self._deliveries.find({}, {"receiver_platform_id": 1, "state": 1, "created_at": 1}):
            receiver = document["receiver_platform_id"]
            row = figures.setdefault(receiver, QueueFigures(receiver_platform_id=receiver))
            if document["state"] == DeliveryState.DEAD.value:
                row.dead += 1
            else:
                row.pending += 1
                created = document["created_at"]
                row.oldest_pending_at = (
                    created if row.oldest_pending_at is None else min(row.oldest_pending_at, created)
                )
        return list(figures.values())

    @staticmethod
    def _filter(
        delivery_ids: list[str] | None, receiver_platform_id: str | None, state: DeliveryState | None
    ) -> dict[str, Any]:
        found: dict[str, Any] = {}
        if delivery_ids is not None:
            found["_id"] = {"$in": delivery_ids}
        if receiver_platform_id is not None:
            found["receiver_platform_id"] = receiver_platform_id
        if state is not None:
            found["state"] = state.value
        return found

    async def listed(
        self, receiver_platform_id: str | None = None, state: DeliveryState | None = None, limit: int = 100
    ) -> list[QueuedDelivery]:
        cursor = self._deliveries.find(self._filter(None, receiver_platform_id, state)).sort("seq", ASCENDING)
        return [self._delivery(document) async for document in cursor.limit(limit)]

    async def replay(self, delivery_ids: list[str] | None = None, receiver_platform_id: str | None = None) -> int:
        result = await self._deliveries.update_many(
            self._filter(delivery_ids, receiver_platform_id, DeliveryState.DEAD),
            {
                "$set": {
                    "state": DeliveryState.PENDING.value,
                    "next_attempt_at": time.time(),
                    "attempts": 0,
                    "last_error": "",
                    "lease_holder": "",
                    "lease_until": 0.0,
                }
            },
        )
        return result.modified_count

    async def drop(
        self,
        delivery_ids: list[str] | None = None,
        receiver_platform_id: str | None = None,
        state: DeliveryState | None = None,
    ) -> int:
        result = await self._deliveries.delete_many(self._filter(delivery_ids, receiver_platform_id, state))
        return result.deleted_count


class MongoRateCounts:
    def __init__(self, database) -> None:
        self._counts = database["rate_counts"]

    async def ensure_indexes(self) -> None:
        await self._counts.create_index([("window", ASCENDING)], name="window")

    async def add(self, deltas: list[tuple[str, int, int]]) -> dict[tuple[str, int], int]:
        if not deltas:
            return {}
        ids = {f"{window}|{key}": (key, window) for key, window, _ in deltas}
        await self._counts.bulk_write(
            [
                UpdateOne(
                    {"_id": f"{window}|{key}"},
                    {"$inc": {"count": delta}, "$setOnInsert": {"window": window}},
                    upsert=True,
                )
                for key, window, delta in deltas
            ],
            ordered=False,
        )
        totals = {}
        async for document in self._counts.find({"_id": {"$in": list(ids)}}):
            totals[ids[document["_id"]]] = int(document["count"])
        return totals

    async def purge_before(self, window: int) -> int:
        result = await self._counts.delete_many({"window": {"$lt": window}})
        return result.deleted_count


class MongoAdminSessionStore:
    def __init__(self, database) -> None:
        self._sessions = database["admin_sessions"]

    async def ensure_indexes(self) -> None:
        await self._sessions.create_index([("expires_at", ASCENDING)], name="expires_at")

    async def create(self, session: AdminSession) -> None:
        await self._sessions.insert_one({"_id": session.id_hash, **msgspec.to_builtins(session)})

    async def get(self, id_hash: str) -> AdminSession | None:
        document = await self._sessions.find_one({"_id": id_hash})
        return None if document is None else _record(document, AdminSession)

    async def touch(self, id_hash: str, at: float) -> None:
        await self._sessions.update_one({"_id": id_hash}, {"$set": {"last_seen_at": at}})

    async def delete(self, id_hash: str) -> bool:
        return (await self._sessions.delete_one({"_id": id_hash})).deleted_count > 0

    async def purge_expired(self, now: float, idle_seconds: float) -> int:
        result = await self._sessions.delete_many(
            {"$or": [{"expires_at": {"$lte": now}}, {"last_seen_at": {"$lte": now - idle_seconds}}]}
        )
        return result.deleted_count


class MongoPlatformStore:
    def __init__(self, database) -> None:
        self._platforms = database["platforms"]
        self._counters = database["counters"]
        self._deletions = database["platform_deletions"]

    async def ensure_indexes(self) -> None:
        await self._deletions.create_index([("seq", ASCENDING)], name="seq")
        await self._platforms.create_index([("party_keys", ASCENDING)], unique=True, name="party_keys_unique")
        await self._platforms.create_index([("token_hashes", ASCENDING)], name="token_hashes")
        await self._platforms.create_index([("seq", ASCENDING)], name="seq")

    async def _next_seq(self) -> int:
        counter = await self._counters.find_one_and_update(
            {"_id": "platforms"}, {"$inc": {"value": 1}}, upsert=True, return_document=ReturnDocument.AFTER
        )
        return counter["value"]

    async def create(self, platform: Platform) -> Platform:
        stored = msgspec.structs.replace(platform, revision=platform.revision + 1, seq=await self._next_seq())
        document = {"_id": stored.id, **platform_to_document(stored)}
        try:
            await self._platforms.insert_one(document)
        except DuplicateKeyError as error:
            raise await self._party_conflict(stored, error) from error
        return stored

    async def save(self, platform: Platform) -> Platform:
        stored = msgspec.structs.replace(platform, revision=platform.revision + 1, seq=await self._next_seq())
        document = {"_id": stored.id, **platform_to_document(stored)}
        try:
            result = await self._platforms.replace_one({"_id": platform.id, "revision": platform.revision}, document)
        except DuplicateKeyError as error:
            raise await self._party_conflict(stored, error) from error
        if result.matched_count == 0:
            if await self._platforms.count_documents({"_id": platform.id}, limit=1) == 0:
                raise NotFound(platform.id)
            raise ConcurrentUpdate(platform.id)
        return stored

    async def _party_conflict(self, platform: Platform, error: DuplicateKeyError) -> Exception:
        keys = platform.party_keys
        cursor = self._platforms.find({"party_keys": {"$in": keys}, "_id": {"$ne": platform.id}}, {"party_keys": 1})
        taken = {key async for other in cursor for key in other["party_keys"]}
        conflicts = [key for key in keys if key in taken]
        if not conflicts and (error.details or {}).get("keyPattern", {}).get("_id"):
            return ConcurrentUpdate(platform.id)
        return PartyAlreadyClaimed(conflicts or keys)

    async def get(self, platform_id: str) -> Platform | None:
        return _platform_or_none(await self._platforms.find_one({"_id": platform_id}))

    async def find_by_token_hash(self, token_hash: str) -> Platform | None:
        return _platform_or_none(await self._platforms.find_one({"token_hashes": token_hash}))

    async def find_by_party(self, country_code: str, party_id: str, role: str) -> Platform | None:
        return _platform_or_none(
            await self._platforms.find_one({"party_keys": party_key(country_code, party_id, role)})
        )

    async def list_all(self) -> list[Platform]:
        return [platform_from_document(document) async for document in self._platforms.find().sort("seq", ASCENDING)]

    async def changed_since(self, seq: int) -> list[Platform]:
        cursor = self._platforms.find({"seq": {"$gt": seq}}).sort("seq", ASCENDING)
        return [platform_from_document(document) async for document in cursor]

    async def revisions(self) -> dict[str, int]:
        cursor = self._platforms.find({}, {"revision": 1})
        return {document["_id"]: document["revision"] async for document in cursor}

    async def delete(self, platform_id: str) -> bool:
        if await self._platforms.count_documents({"_id": platform_id}, limit=1) == 0:
            return False
        # The deletion is recorded first: should the delete itself fail, processes stop accepting the platform's
        # tokens anyway (safe), and the operator's retry deletes it.
        deletion = {"_id": platform_id, "seq": await self._next_seq(), "deleted_at": time.time()}
        await self._deletions.replace_one({"_id": platform_id}, deletion, upsert=True)
        result = await self._platforms.delete_one({"_id": platform_id})
        return result.deleted_count > 0

    async def deletions_since(self, seq: int) -> list[PlatformDeletion]:
        cursor = self._deletions.find({"seq": {"$gt": seq}}).sort("seq", ASCENDING)
        return [
            PlatformDeletion(platform_id=document["_id"], seq=document["seq"], deleted_at=document["deleted_at"])
            async for document in cursor
        ]

    async def purge_deletions(self, older_than: float) -> int:
        return (await self._deletions.delete_many({"deleted_at": {"$lt": older_than}})).deleted_count


def _platform_or_none(document: dict | None) -> Platform | None:
    return None if document is None else platform_from_document(document)


# --- routing: agreements, callback mappings, routing hints, broadcast objects, message log ---------------------------


def _record(document: dict[str, Any], record_type: type, *internal: str) -> Any:
    fields = {key: value for key, value in document.items() if key != "_id" and key not in internal}
    return msgspec.convert(fields, record_type)


class MongoAgreementStore:
    def __init__(self, database) -> None:
        self._agreements = database["agreements"]
        self._counters = database["counters"]

    async def ensure_indexes(self) -> None:
        await self._agreements.create_index(
            [("party_a", ASCENDING), ("party_b", ASCENDING)], unique=True, name="party_pair_unique"
        )

    async def _bump_version(self) -> None:
        await self._counters.update_one({"_id": "agreements"}, {"$inc": {"value": 1}}, upsert=True)

    async def create(self, agreement: Agreement) -> Agreement:
        stored = msgspec.structs.replace(agreement, revision=1)
        try:
            await self._agreements.insert_one({"_id": stored.id, **msgspec.to_builtins(stored)})
        except DuplicateKeyError:
            raise AgreementExists(await self._conflict(stored)) from None
        await self._bump_version()
        return stored

    async def save(self, agreement: Agreement) -> Agreement:
        stored = msgspec.structs.replace(agreement, revision=agreement.revision + 1)
        try:
            result = await self._agreements.replace_one(
                {"_id": agreement.id, "revision": agreement.revision}, {"_id": stored.id, **msgspec.to_builtins(stored)}
            )
        except DuplicateKeyError:  # moved onto a pair another agreement holds
            raise AgreementExists(await self._conflict(stored)) from None
        if result.matched_count == 0:
            if await self._agreements.count_documents({"_id": agreement.id}, limit=1) == 0:
                raise NotFound(agreement.id)
            raise ConcurrentUpdate(agreement.id)
        await self._bump_version()
        return stored

    async def _conflict(self, agreement: Agreement) -> str:
        """The agreement that made a write fail: the one holding the pair, else the one with the same id."""
        other = await self._agreements.find_one(
            {"party_a": agreement.party_a, "party_b": agreement.party_b, "_id": {"$ne": agreement.id}}, {"_id": 1}
        )
        return agreement.id if other is None else other["_id"]

    async def get(self, agreement_id: str) -> Agreement | None:
        document = await self._agreements.find_one({"_id": agreement_id})
        return None if document is None else _record(document, Agreement)

    async def delete(self, agreement_id: str) -> bool:
        result = await self._agreements.delete_one({"_id": agreement_id})
        if result.deleted_count == 0:
            return False
        await self._bump_version()
        return True

    async def list_all(self) -> list[Agreement]:
        cursor = self._agreements.find().sort([("party_a", ASCENDING), ("party_b", ASCENDING)])
        return [_record(document, Agreement) async for document in cursor]

    async def version(self) -> int:
        counter = await self._counters.find_one({"_id": "agreements"})
        return 0 if counter is None else counter["value"]

    async def apply(self, creates: list[Agreement], saves: list[Agreement], deletes: list[Agreement]) -> None:
        """Without multi-document transactions (a standalone server has none): checked first, then applied one by
        one, and undone in reverse order if one fails. Hub processes reload when the version moves, which happens
        once, at the end, so they see the whole change or none of it."""
        for agreement in [*saves, *deletes]:
            current = await self._agreements.find_one({"_id": agreement.id}, {"revision": 1})
            if current is None:
                raise NotFound(agreement.id)
            if current["revision"] != agreement.revision:
                raise ConcurrentUpdate(agreement.id)
        undo: list[tuple[str, dict[str, Any]]] = []
        try:
            for agreement in deletes:
                previous = await self._agreements.find_one_and_delete(
                    {"_id": agreement.id, "revision": agreement.revision}
                )
                if previous is None:
                    raise ConcurrentUpdate(agreement.id)
                undo.append(("insert", previous))
            for agreement in saves:
                stored = msgspec.structs.replace(agreement, revision=agreement.revision + 1)
                try:
                    previous = await self._agreements.find_one_and_replace(
                        {"_id": agreement.id, "revision": agreement.revision},
                        {"_id": stored.id, **msgspec.to_builtins(stored)},
                    )
                except DuplicateKeyError:
                    raise AgreementExists(await self._conflict(stored)) from None
                if previous is None:
                    raise ConcurrentUpdate(agreement.id)
                undo.append(("replace", previous))
            for agreement in creates:
                stored = msgspec.structs.replace(agreement, revision=1)
                try:
                    await self._agreements.insert_one({"_id": stored.id, **msgspec.to_builtins(stored)})
                except DuplicateKeyError:
                    raise AgreementExists(await self._conflict(stored)) from None
                undo.append(("delete", {"_id": stored.id}))
        except BaseException:
            for action, document in reversed(undo):
                if action == "insert":
                    await self._agreements.insert_one(document)
                elif action == "replace":
                    await self._agreements.replace_one({"_id": document["_id"]}, document)
                else:
                    await self._agreements.delete_one({"_id": document["_id"]})
            raise
        await self._bump_version()


class MongoCallbackStore:
    def __init__(self, database) -> None:
        self._callbacks = database["callbacks"]

    async def ensure_indexes(self) -> None:
        await self._callbacks.create_index([("expires_at", ASCENDING)], name="expires_at")

    async def put(self, mapping: CallbackMapping) -> None:
        await self._callbacks.replace_one(
            {"_id": mapping.id}, {"_id": mapping.id, **msgspec.to_builtins(mapping)}, upsert=True
        )

    async def put_many(self, mappings: list[CallbackMapping]) -> None:
        if mappings:
            operations = [
                ReplaceOne({"_id": m.id}, {"_id": m.id, **msgspec.to_builtins(m)}, upsert=True) for m in mappings
            ]
            await self._callbacks.bulk_write(operations, ordered=True)

    async def get(self, mapping_id: str, now: float) -> CallbackMapping | None:
        document = await self._callbacks.find_one({"_id": mapping_id, "expires_at": {"$gt": now}})
        return None if document is None else _record(document, CallbackMapping)

    async def purge_expired(self, now: float) -> int:
        return (await self._callbacks.delete_many({"expires_at": {"$lte": now}})).deleted_count


class MongoHintStore:
    def __init__(self, database) -> None:
        self._hints = database["routing_hints"]

    async def ensure_indexes(self) -> None:
        await self._hints.create_index([("expires_at", ASCENDING)], name="expires_at")

    async def put(self, hint: RoutingHint) -> None:
        document_id = _hint_id(hint.kind, hint.key)
        await self._hints.replace_one(
            {"_id": document_id}, {"_id": document_id, **msgspec.to_builtins(hint)}, upsert=True
        )

    async def get(self, kind: str, key: str, now: float) -> RoutingHint | None:
        document = await self._hints.find_one({"_id": _hint_id(kind, key), "expires_at": {"$gt": now}})
        return None if document is None else _record(document, RoutingHint)

    async def purge_expired(self, now: float) -> int:
        return (await self._hints.delete_many({"expires_at": {"$lte": now}})).deleted_count


def _hint_id(kind: str, key: str) -> str:
    return f"{kind}|{key}"


class MongoObjectStore:
    def __init__(self, database) -> None:
        self._objects = database["objects"]

    async def ensure_indexes(self) -> None:
        await self._objects.create_index(
            [
                ("module", ASCENDING),
                ("sort_key", ASCENDING),
                ("country_code", ASCENDING),
                ("party_id", ASCENDING),
                ("object_id", ASCENDING),
            ],
            name="module_sort",
        )
        await self._objects.create_index([("module", ASCENDING), ("object_id", ASCENDING)], name="module_object_id")
        await self._objects.create_index([("module", ASCENDING), ("alt_key", ASCENDING)], name="module_alt_key")

    async def put(self, stored: StoredObject) -> bool:
        document_id = _object_id(stored.module, stored.country_code, stored.party_id, stored.object_id)
        document = {
            "_id": document_id,
            "module": stored.module,
            "country_code": stored.country_code,
            "party_id": stored.party_id,
            "owner": _owner(stored.country_code, stored.party_id),
            "object_id": stored.object_id,
            "last_updated": stored.last_updated,
            "sort_key": stored.sort_key,
            "body": Binary(bytes(stored.body)),
            "alt_key": stored.alt_key,
            "version": stored.version,
        }
        result = await self._objects.replace_one({"_id": document_id}, document, upsert=True)
        return result.upserted_id is not None

    async def get(self, module: str, country_code: str, party_id: str, object_id: str) -> StoredObject | None:
        document = await self._objects.find_one({"_id": _object_id(module, country_code, party_id, object_id)})
        return None if document is None else _object_from_document(document)

    async def delete(self, module: str, country_code: str, party_id: str, object_id: str) -> bool:
        result = await self._objects.delete_one({"_id": _object_id(module, country_code, party_id, object_id)})
        return result.deleted_count > 0

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
        query: dict[str, Any] = {"module": module}
        if owners is not None:
            query["owner"] = {"$in": sorted({_owner(country_code, party_id) for country_code, party_id in owners})}
        if alt_key is not None:
            query["alt_key"] = alt_key
        if date_from is not None or date_to is not None:
            query["sort_key"] = {}
            if date_from is not None:
                query["sort_key"]["$gte"] = date_from
            if date_to is not None:
                query["sort_key"]["$lt"] = date_to
        total = await self._objects.count_documents(query)
        # limit(0) means "no limit" to MongoDB: a zero limit must not reach the server.
        if limit <= 0 or offset >= total:
            return [], total
        cursor = (
            self._objects.find(query)
            .sort(
                [
                    ("sort_key", ASCENDING),
                    ("country_code", ASCENDING),
                    ("party_id", ASCENDING),
                    ("object_id", ASCENDING),
                ]
            )
            .skip(max(offset, 0))
            .limit(limit)
        )
        return [_object_from_document(document) async for document in cursor], total

    async def owners_of(self, module: str, object_id: str) -> list[tuple[str, str]]:
        cursor = self._objects.find({"module": module, "object_id": object_id}, {"country_code": 1, "party_id": 1})
        return sorted({(document["country_code"], document["party_id"]) async for document in cursor})

    async def purge_older_than(self, module: str, sort_key: str) -> int:
        deleted = await self._objects.delete_many({"module": module, "sort_key": {"$lt": sort_key}})
        return deleted.deleted_count

    async def find_by_alt_key(self, module: str, alt_key: str) -> list[StoredObject]:
        cursor = self._objects.find({"module": module, "alt_key": alt_key}).limit(10)
        return [_object_from_document(document) async for document in cursor]


def _object_id(module: str, country_code: str, party_id: str, object_id: str) -> str:
    return f"{module}|{country_code}|{party_id}|{object_id}"


def _owner(country_code: str, party_id: str) -> str:
    return f"{country_code}:{party_id}"


def _object_from_document(document: dict[str, Any]) -> StoredObject:
    return StoredObject(
        module=document["module"],
        country_code=document["country_code"],
        party_id=document["party_id"],
        object_id=document["object_id"],
        last_updated=document["last_updated"],
        sort_key=document["sort_key"],
        body=bytes(document["body"]),
        alt_key=document.get("alt_key", ""),
        version=document.get("version", "2.2.1"),
    )


class MongoMessageLog:
    def __init__(self, database) -> None:
        self._messages = database["messages"]

    async def ensure_indexes(self) -> None:
        await self._messages.create_index([("at", ASCENDING)], name="at")
        await self._messages.create_index([("request_id", ASCENDING)], name="request_id")
        await self._messages.create_index([("downstream_request_id", ASCENDING)], name="downstream_request_id")
        await self._messages.create_index([("correlation_id", ASCENDING)], name="correlation_id")
        await self._messages.create_index([("from_party", ASCENDING), ("at", ASCENDING)], name="from_party_at")
        await self._messages.create_index([("to_party", ASCENDING), ("at", ASCENDING)], name="to_party_at")

    async def append(self, records: list[MessageRecord]) -> None:
        if records:
            documents = [{**msgspec.to_builtins(record), "failed": message_failed(record)} for record in records]
            try:
                await self._messages.insert_many(documents, ordered=True)
            except PyMongoError as error:
                raise StoreUnavailable(f"cannot write the message log: {_reason(error)}") from error

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
        # limit(0) means "no limit" to MongoDB.
        if limit <= 0:
            return []
        query: dict[str, Any] = {}
        if module is not None:
            query["module"] = module
        if platform_id is not None:
            query["platform_id"] = platform_id
        if failed is not None:
            query["failed"] = failed
        either: list[list[dict[str, Any]]] = []
        if request_id is not None:
            either.append([{"request_id": request_id}, {"downstream_request_id": request_id}])
        if correlation_id is not None:
            query["correlation_id"] = correlation_id
        if party is not None:
            either.append([{"from_party": party}, {"to_party": party}])
        if len(either) == 1:
            query["$or"] = either[0]
        elif either:
            query["$and"] = [{"$or": alternatives} for alternatives in either]
        if since is not None or until is not None:
            query["at"] = {}
            if since is not None:
                query["at"]["$gte"] = since
            if until is not None:
                query["at"]["$lt"] = until
        # ObjectIds made by one client increase in insertion order: the tie-break for records of the same moment.
        cursor = self._messages.find(query).sort([("at", DESCENDING), ("_id", DESCENDING)]).limit(limit)
        return [_record(document, MessageRecord) async for document in cursor]

    async def purge_older_than(self, moment: float) -> int:
        return (await self._messages.delete_many({"at": {"$lt": moment}})).deleted_count
