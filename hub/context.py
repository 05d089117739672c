"""The hub's running parts, shared by handlers and background tasks through the aiohttp application."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING

import msgspec
from aiohttp import web

from hub.config import Settings
from hub.directory import Directory
from hub.forwarder import ReceiverSlots
from hub.ocpi_client import OcpiClient
from hub.tokens import TokenCipher
from storage.errors import ConcurrentUpdate, NotFound
from storage.models import Platform
from storage.ports import Store

if TYPE_CHECKING:
    from hub.clientinfo_push import ClientInfoNotifier
    from hub.fan_out import FanOut
    from hub.group_commit import GroupCommitter
    from hub.hints import HintBook
    from hub.liveness import LivenessMonitor
    from hub.message_log import MessageRecorder
    from hub.metrics import HubMetrics
    from hub.routing_view import RoutingView
    from routing.model import PartyId


@dataclasses.dataclass
class HubContext:
    settings: Settings
    store: Store
    directory: Directory
    client: OcpiClient
    cipher: TokenCipher
    notifier: ClientInfoNotifier
    liveness: LivenessMonitor
    routing: RoutingView
    messages: MessageRecorder
    hub_party: PartyId
    fan_out: FanOut
    metrics: HubMetrics
    hints: HintBook
    mappings: GroupCommitter  # stand-in URL mappings, written together when requests come together
    slots: ReceiverSlots  # connections per receiver for directed requests and stand-in callbacks
    _peer_tokens: dict[str, str] = dataclasses.field(default_factory=dict)

    async def drain(self, seconds: float = 10.0) -> None:
        """Wait for work in flight off the request path: broadcast deliveries, HubClientInfo pushes."""
        await self.fan_out.drain(seconds)
        await self.notifier.drain(seconds)

    async def update_platform(self, platform_id: str, change: Callable[[Platform], Platform | None]) -> Platform:
        """Read a platform from the store, apply `change` (which returns a changed copy, or None for no change),
        save it, and share it with this process's directory. Retries when another writer got there first."""
        for _ in range(5):
            current = await self.store.platforms.get(platform_id)
            if current is None:
                raise NotFound(platform_id)
            changed = change(msgspec.structs.replace(current))
            if changed is None:
                self.directory.apply(current)
                return current
            try:
                stored = await self.store.platforms.save(changed)
            except ConcurrentUpdate:
                continue
            self.directory.apply(stored)
            return stored
        raise ConcurrentUpdate(platform_id)

    def peer_token(self, platform: Platform) -> str | None:
        """The token the platform issued to the hub, decrypted once per ciphertext (decrypting costs more than
        the rest of routing a message)."""
        ciphertext = platform.peer_token_encrypted
        if not ciphertext:
            return None
        token = self._peer_tokens.get(ciphertext)
        if token is None:
            token = self.cipher.decrypt(ciphertext)
            if len(self._peer_tokens) > 50_000:
                self._peer_tokens.clear()
            self._peer_tokens[ciphertext] = token
        return token


HUB_CONTEXT = web.AppKey("hub_context", HubContext)
