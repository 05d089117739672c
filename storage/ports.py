"""The storage ports: what the hub needs to remember, as small async interfaces. Each adapter implements all of them."""

from __future__ import annotations

from typing import Protocol

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
)


class PlatformStore(Protocol):
    async def create(self, platform: Platform) -> Platform:
        """Insert a new platform. Raises PartyAlreadyClaimed if any of its parties is held by another platform."""

    async def save(self, platform: Platform) -> Platform:
        """Replace a platform if its `revision` is still the stored one; returns it with the next revision and seq.

        Raises ConcurrentUpdate when someone saved in between, PartyAlreadyClaimed on a party conflict, NotFound."""

    async def get(self, platform_id: str) -> Platform | None: ...

    async def find_by_token_hash(self, token_hash: str) -> Platform | None: ...

    async def find_by_party(self, country_code: str, party_id: str, role: str) -> Platform | None: ...

    async def list_all(self) -> list[Platform]: ...

    async def changed_since(self, seq: int) -> list[Platform]:
        """Platforms whose seq is greater than `seq`, in seq order."""

    async def delete(self, platform_id: str) -> bool:
        """Remove the platform and free its parties and tokens, and record the deletion under the next seq (see
        `deletions_since`). True if it existed."""

    async def deletions_since(self, seq: int) -> list[PlatformDeletion]:
        """Platforms deleted with a seq greater than `seq`, in seq order: how other processes learn of a deletion."""

    async def purge_deletions(self, older_than: float) -> int:
        """Forget deletions recorded before this Unix time (every process has long seen them)."""

    async def revisions(self) -> dict[str, int]:
        """Every platform's id and revision: cheap, to find what changed without reading every record."""


class AgreementStore(Protocol):
    async def create(self, agreement: Agreement) -> Agreement:
        """Insert. party_a < party_b (the caller sorts them). Raises AgreementExists for a pair already agreed."""

    async def save(self, agreement: Agreement) -> Agreement:
        """Replace if `revision` is unchanged; returns it with the next revision. ConcurrentUpdate, NotFound."""

    async def get(self, agreement_id: str) -> Agreement | None: ...

    async def delete(self, agreement_id: str) -> bool:
        """True if it existed."""

    async def list_all(self) -> list[Agreement]:
        """Ordered by (party_a, party_b)."""

    async def version(self) -> int:
        """A number that changes with every create, save and delete: hub processes poll it to reload."""

    async def apply(self, creates: list[Agreement], saves: list[Agreement], deletes: list[Agreement]) -> None:
        """Several changes as one, or none: each save and delete only if the agreement's `revision` is unchanged,
        each create only if its pair is free. Raises ConcurrentUpdate, NotFound or AgreementExists, with nothing
        changed. Bumps the version once."""


class CallbackStore(Protocol):
    async def put(self, mapping: CallbackMapping) -> None: ...

    async def put_many(self, mappings: list[CallbackMapping]) -> None:
        """Insert or replace several at once, all or nothing (one durable write for many requests)."""

    async def get(self, mapping_id: str, now: float) -> CallbackMapping | None:
        """None if unknown or expired at `now`."""

    async def purge_expired(self, now: float) -> int: ...


class HintStore(Protocol):
    async def put(self, hint: RoutingHint) -> None:
        """Insert or replace the hint with the same (kind, key)."""

    async def get(self, kind: str, key: str, now: float) -> RoutingHint | None: ...

    async def purge_expired(self, now: float) -> int: ...


class ObjectStore(Protocol):
    async def put(self, stored: StoredObject) -> bool:
        """Insert or replace by (module, country_code, party_id, object_id). True if it was new."""

    async def get(self, module: str, country_code: str, party_id: str, object_id: str) -> StoredObject | None: ...

    async def delete(self, module: str, country_code: str, party_id: str, object_id: str) -> bool:
        """True if it existed."""

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
        """Objects of `module` whose owner (country_code, party_id) is in `owners` (None: all), with
        date_from <= sort_key < date_to, ordered by (sort_key, country_code, party_id, object_id); and the total
        count of matching objects. `alt_key`: only objects with this alt_key."""

    async def owners_of(self, module: str, object_id: str) -> list[tuple[str, str]]:
        """The (country_code, party_id) of every owner that has an object with this id."""

    async def find_by_alt_key(self, module: str, alt_key: str) -> list[StoredObject]:
        """Every object of `module` with this alt_key (at most a few)."""

    async def purge_older_than(self, module: str, sort_key: str) -> int:
        """Delete the objects of `module` whose sort_key is before `sort_key`; how many."""


class MessageLog(Protocol):
    async def append(self, records: list[MessageRecord]) -> None:
        """All or nothing; raises StorageError when the store cannot take them (to be retried)."""

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
        """Newest first. `request_id` matches the record's request id (as the sender sent it) or its downstream
        request id (as the receiver got it); `party` (`CC:PID`) matches from or to;
        `platform_id` the sending platform; `failed` selects by `message_failed`."""

    async def purge_older_than(self, moment: float) -> int: ...


class MetaStore(Protocol):
    """A few named values about the hub itself, shared by every process on the store: the public URL the serving
    hub reaches platforms at, the check value of the secret key."""

    async def get(self, name: str) -> str | None: ...

    async def put(self, name: str, value: str) -> None: ...

    async def put_if_absent(self, name: str, value: str) -> str:
        """Store `value` unless `name` has one; returns the value stored now (the first writer's)."""


class RateCounts(Protocol):
    """Counters per key and time window that every hub process adds to (rate limits shared by processes and nodes).
    A window is a whole number (minutes since the epoch, say); a key names what is counted."""

    async def add(self, deltas: list[tuple[str, int, int]]) -> dict[tuple[str, int], int]:
        """Add each (key, window, delta) to its counter (0 reads it) and return every counter's total after."""

    async def purge_before(self, window: int) -> int:
        """Remove the counters of windows before `window`."""


class DeliveryQueue(Protocol):
    """Pushes the hub took over delivering (durable delivery), worked by every hub process: a process leases the
    deliveries it makes, so no two make the same one; a lease that runs out (its process died) frees it again."""

    async def enqueue(self, delivery: QueuedDelivery) -> QueuedDelivery:
        """Store it (its `seq` assigned: the order of arrival)."""

    async def waiting_for(self, object_key: str) -> bool:
        """Whether a delivery of this object (pending or dead) is still held: a new push of it must queue behind."""

    async def lease(self, holder: str, now: float, lease_seconds: float, limit: int) -> list[QueuedDelivery]:
        """Up to `limit` pending deliveries due at `now`, not leased by anyone, each the first held for its object,
        now leased to `holder` until now + lease_seconds."""

    async def delivered(self, delivery_id: str, holder: str) -> bool:
        """Delivered: gone, body and all (if `holder` still holds its lease)."""

    async def retry_later(self, delivery_id: str, holder: str, at: float, error: str) -> bool:
        """Not delivered this time: one more attempt counted, the lease released, the next attempt at `at`."""

    async def give_up(self, delivery_id: str, holder: str, reason: str) -> bool:
        """A dead letter: kept, not attempted again until replayed."""

    async def figures(self) -> list[QueueFigures]:
        """Per receiver platform with anything held."""

    async def listed(
        self, receiver_platform_id: str | None = None, state: DeliveryState | None = None, limit: int = 100
    ) -> list[QueuedDelivery]:
        """Oldest first."""

    async def replay(self, delivery_ids: list[str] | None = None, receiver_platform_id: str | None = None) -> int:
        """Dead letters (those named, or a receiver's, or all) pending again, due now, attempts from 0."""

    async def drop(
        self,
        delivery_ids: list[str] | None = None,
        receiver_platform_id: str | None = None,
        state: DeliveryState | None = None,
    ) -> int:
        """Delete deliveries (those named, or a receiver's, or all; of one state, or any)."""


class TrafficFigures(Protocol):
    """The last hour of traffic, per minute, added to by every hub process (so every node shows the same)."""

    async def add(self, rows: list[TrafficMinute]) -> None:
        """Add these counts to the minute's (bucket by bucket)."""

    async def since(self, minute: int) -> list[TrafficMinute]:
        """Every row of `minute` and after, summed over the processes."""

    async def purge_before(self, minute: int) -> int: ...


class JobLeases(Protocol):
    """Who runs a job that must run once for the whole hub (the still-alive probes, housekeeping, ClientInfo pushes
    of agreement changes): a lease per job, held by one process until it lapses."""

    async def hold(self, job: str, holder: str, now: float, seconds: float) -> bool:
        """Take the job's lease, or renew it, until now + seconds: True when `holder` has it now (it was free, had
        lapsed, or was already its own)."""

    async def holder(self, job: str, now: float) -> str | None:
        """Who holds the job's lease now, if anyone."""


class AdminSessionStore(Protocol):
    async def create(self, session: AdminSession) -> None: ...

    async def get(self, id_hash: str) -> AdminSession | None: ...

    async def touch(self, id_hash: str, at: float) -> None:
        """Record activity (for the idle limit)."""

    async def delete(self, id_hash: str) -> bool: ...

    async def purge_expired(self, now: float, idle_seconds: float) -> int:
        """Remove sessions past their expiry, or idle for longer than `idle_seconds`."""


class Store(Protocol):
    meta: MetaStore
    admin_sessions: AdminSessionStore
    platforms: PlatformStore
    agreements: AgreementStore
    callbacks: CallbackStore
    hints: HintStore
    objects: ObjectStore
    messages: MessageLog
    rate_counts: RateCounts
    deliveries: DeliveryQueue
    job_leases: JobLeases
    traffic: TrafficFigures

    async def ping(self) -> None:
        """Raise if the store cannot be used."""

    async def close(self) -> None: ...
