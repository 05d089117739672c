"""The in-memory directory of platforms and their tokens: the hub authenticates every request here, without a
database round trip. Rebuilt from storage at start-up, kept current by polling the store's change sequence (so
writes and deletions by other hub processes or the CLI show up within `directory_refresh_seconds`), by a store
look-up when a token is not (yet) known here, and by a full re-read every `directory_resync_seconds`: the safety
net for a write whose sequence number became visible only after the poll had moved past it (possible on MongoDB,
where the number is taken before the write lands, e.g. across a fail-over)."""

from __future__ import annotations

import dataclasses
import time

import structlog

from hub.ocpi.tokens import authorization_candidates
from hub.platforms.tokens import hash_token, hashes_match
from storage.models import AuthEncoding, Platform, PlatformState
from storage.ports import Store

log = structlog.get_logger("hub.directory")

# A sequence number that is taken but not yet visible may be a write in flight (MongoDB takes the number before it
# writes). Wait this long for it before giving up on it (a failed write never fills its number).
GAP_PATIENCE_SECONDS = 5.0


@dataclasses.dataclass(frozen=True)
class Caller:
    """The platform behind a request, the token it presented, and how it encoded that token. `retiring`: the token
    is the one a credentials POST or PUT replaced, still accepted for a while (see Platform.retiring_token_hash)."""

    platform: Platform
    token: str
    encoding: AuthEncoding
    retiring: bool = False

    @property
    def supersedes_retiring_token(self) -> bool:
        """The platform used its new token: the one before it is to stop working now."""
        return not self.retiring and self.platform.retiring_token_hash is not None

    @property
    def registered(self) -> bool:
        return self.platform.state is PlatformState.REGISTERED


class Directory:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._platforms: dict[str, Platform] = {}
        self._platform_by_token_hash: dict[str, str] = {}
        self._watermark = 0
        self._gap_seen_at: float | None = None
        self.generation = 0  # grows with every change applied; views built from the directory compare it
        self._header_cache: dict[str, list[tuple[str, AuthEncoding, str]]] = {}
        self._deleted: dict[str, int] = {}  # platform id -> the seq of its deletion

    async def load(self) -> None:
        platforms = await self._store.platforms.list_all()
        for platform in platforms:
            self.apply(platform)
        self._watermark = max((p.seq for p in platforms), default=0)

    async def resync(self) -> None:
        """Compare every platform's revision with the store's, and re-read only those that differ (reading and
        decoding 10,000 records every half minute would stall requests)."""
        known_before = set(self._platforms)
        revisions = await self._store.platforms.revisions()
        for platform_id, revision in revisions.items():
            known = self._platforms.get(platform_id)
            if known is None or known.revision != revision:
                platform = await self._store.platforms.get(platform_id)
                if platform is not None:
                    self.apply(platform)
        # Only platforms known before the snapshot can be gone: one applied meanwhile is newer than it.
        for platform_id in [known for known in known_before if known not in revisions]:
            self.forget(platform_id)

    def apply(self, platform: Platform) -> None:
        """Take a platform as stored (by this process or another). Older copies than the one held are ignored: a
        platform's revision grows with every save, whatever order the change sequence shows them in."""
        deleted_at_seq = self._deleted.get(platform.id)
        if deleted_at_seq is not None and platform.seq < deleted_at_seq:
            return  # a copy read before the deletion, arriving late
        current = self._platforms.get(platform.id)
        if current is not None:
            if current.revision >= platform.revision:
                return
            for token_hash in current.token_hashes:
                self._platform_by_token_hash.pop(token_hash, None)
        self._platforms[platform.id] = platform
        for token_hash in platform.token_hashes:
            self._platform_by_token_hash[token_hash] = platform.id
        self.generation += 1

    def forget(self, platform_id: str, deleted_at_seq: int | None = None) -> None:
        """Drop a platform that was deleted from the store (at `deleted_at_seq` of the change sequence, if known:
        copies of it read before then are not taken back in)."""
        if deleted_at_seq is not None:
            if len(self._deleted) > 10_000:
                self._deleted.clear()
            self._deleted[platform_id] = deleted_at_seq
        platform = self._platforms.pop(platform_id, None)
        if platform is not None:
            for token_hash in platform.token_hashes:
                self._platform_by_token_hash.pop(token_hash, None)
            self.generation += 1

    async def refresh(self) -> None:
        changed = await self._store.platforms.changed_since(self._watermark)
        deleted = await self._store.platforms.deletions_since(self._watermark)
        for platform in changed:
            self.apply(platform)
        for deletion in deleted:
            self.forget(deletion.platform_id, deletion.seq)
        self._advance_watermark(sorted([p.seq for p in changed] + [d.seq for d in deleted]))

    def _advance_watermark(self, seqs: list[int]) -> None:
        expected = self._watermark + 1
        for seq in seqs:
            if seq < expected:
                continue
            if seq > expected:
                if self._gap_seen_at is None:
                    self._gap_seen_at = time.monotonic()
                if time.monotonic() - self._gap_seen_at < GAP_PATIENCE_SECONDS:
                    break
            expected = seq + 1
            self._gap_seen_at = None
        self._watermark = expected - 1

    def get(self, platform_id: str) -> Platform | None:
        return self._platforms.get(platform_id)

    def platforms(self) -> list[Platform]:
        return list(self._platforms.values())

    def registered_platforms(self) -> list[Platform]:
        return [p for p in self._platforms.values() if p.state is PlatformState.REGISTERED]

    async def authenticate(self, authorization: str | None) -> Caller | None:
        """The caller behind an `Authorization: Token ...` header, or None. Tries the Base64 reading first, then the
        plain one; remembers which matched."""
        candidates = self._candidates(authorization)
        for token, encoding, token_hash in candidates:
            caller = self._match(token, encoding, token_hash)
            if caller is not None:
                return caller
        for token, encoding, token_hash in candidates:
            platform = await self._store.platforms.find_by_token_hash(token_hash)
            if platform is not None:
                self.apply(platform)
                caller = self._match(token, encoding, token_hash)
                if caller is not None:
                    return caller
        return None

    def _candidates(self, authorization: str | None) -> list[tuple[str, AuthEncoding, str]]:
        """The readings of an Authorization header with their token hashes, remembered: platforms send the same
        header again and again."""
        if authorization is None:
            return []
        candidates = self._header_cache.get(authorization)
        if candidates is None:
            candidates = [
                (token, encoding, hash_token(token)) for token, encoding in authorization_candidates(authorization)
            ]
            if len(self._header_cache) > 10_000:
                self._header_cache.clear()
            self._header_cache[authorization] = candidates
        return candidates

    def _match(self, token: str, encoding: AuthEncoding, token_hash: str) -> Caller | None:
        platform_id = self._platform_by_token_hash.get(token_hash)
        if platform_id is None:
            return None
        platform = self._platforms[platform_id]
        if not any(hashes_match(token_hash, known) for known in platform.token_hashes):
            return None
        retiring = platform.retiring_token_hash
        if retiring is not None and hashes_match(token_hash, retiring):
            if time.time() >= platform.retiring_until:
                return None
            return Caller(platform, token, encoding, retiring=True)
        return Caller(platform, token, encoding)
