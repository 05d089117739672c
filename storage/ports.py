"""The storage ports: what the hub needs to remember, as small async interfaces. Each adapter implements all of them."""

from __future__ import annotations

from typing import Protocol

from storage.models import Platform


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


class Store(Protocol):
    platforms: PlatformStore

    async def ping(self) -> None:
        """Raise if the store cannot be used."""

    async def close(self) -> None: ...
