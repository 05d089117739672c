"""The production store: MongoDB through PyMongo's native async API (`AsyncMongoClient`; Motor's successor).

A platform is one document, so every change to it (parties, tokens, endpoints, state) is a single atomic write and no
multi-document transaction is needed (a standalone mongod has none). Indexes:
- `party_keys` (unique, multikey): a party `COUNTRY:PARTY:ROLE` belongs to at most one platform;
- `token_hashes` (multikey): token look-up;
- `seq`: other hub processes poll for changes."""

from __future__ import annotations

import msgspec
from pymongo import ASCENDING, AsyncMongoClient, ReturnDocument
from pymongo.errors import DuplicateKeyError

from storage.errors import ConcurrentUpdate, NotFound, PartyAlreadyClaimed
from storage.models import Platform, party_key, platform_from_document, platform_to_document

DEFAULT_DATABASE = "ocpi_hub"


class MongoStore:
    def __init__(self, client: AsyncMongoClient, database_name: str) -> None:
        self._client = client
        self._database = client[database_name]
        self.platforms = MongoPlatformStore(self._database)

    @classmethod
    async def open(cls, url: str, database_name: str | None = None) -> MongoStore:
        client: AsyncMongoClient = AsyncMongoClient(url, tz_aware=True, uuidRepresentation="standard")
        name = database_name or _database_from_url(client) or DEFAULT_DATABASE
        store = cls(client, name)
        await store.platforms.ensure_indexes()
        return store

    async def ping(self) -> None:
        await self._database.command("ping")

    async def close(self) -> None:
        await self._client.close()


def _database_from_url(client: AsyncMongoClient) -> str | None:
    try:
        return client.get_default_database().name
    except Exception:  # no database in the URL
        return None


class MongoPlatformStore:
    def __init__(self, database) -> None:
        self._platforms = database["platforms"]
        self._counters = database["counters"]

    async def ensure_indexes(self) -> None:
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


def _platform_or_none(document: dict | None) -> Platform | None:
    return None if document is None else platform_from_document(document)
