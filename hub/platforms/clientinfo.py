"""HubClientInfo push model: when a party's connection status changes, PUT its ClientInfo to every other connected
platform that implements the hubclientinfo receiver. Off the request path, bounded in concurrency, never queued for
retry (OCPI: no store-and-forward to offline parties); failures are logged."""

from __future__ import annotations

import asyncio

import msgspec
import structlog

from hub.platforms.directory import Directory
from hub.platforms.ocpi_client import CallFailed, OcpiClient
from hub.platforms.peer_tokens import PeerTokens
from hub.platforms.routing_state import RoutingState
from storage.models import ConnectionStatus, Party, Platform, PlatformState

log = structlog.get_logger("hub.clientinfo")

MAX_CONCURRENT_PUSHES = 32


def client_info(party: Party) -> dict:
    return {
        "party_id": party.party_id,
        "country_code": party.country_code,
        "role": party.role,
        "status": party.status.value,
        "last_updated": party.last_updated,
    }


def client_info_url(endpoint_url: str, party: Party) -> str:
    return f"{endpoint_url.rstrip('/')}/{party.country_code}/{party.party_id}"


class ClientInfoNotifier:
    """Pushes run in one worker per (receiver, party), which always sends the latest status it was given: a quick
    OFFLINE then CONNECTED can never reach a receiver in the wrong order, and superseded statuses are skipped."""

    def __init__(
        self, directory: Directory, routing: RoutingState, client: OcpiClient, peer_tokens: PeerTokens
    ) -> None:
        self._directory = directory
        self._routing = routing
        self._client = client
        self._peer_tokens = peer_tokens
        self._latest: dict[tuple[str, str], tuple[str, str, Party]] = {}
        self._workers: dict[tuple[str, str], asyncio.Task] = {}
        self._limit = asyncio.Semaphore(MAX_CONCURRENT_PUSHES)

    def parties_changed(self, source: Platform, parties: list[Party]) -> None:
        """Schedule the pushes for these parties of `source` to every other platform that listens."""
        if not parties:
            return
        for receiver in self._directory.registered_platforms():
            if receiver.id == source.id or _is_offline(receiver):
                continue
            endpoint = receiver.endpoint("hubclientinfo", "RECEIVER")
            if endpoint is None:
                continue
            visible = self._routing.visibility(receiver)
            for party in parties:
                if visible(party):
                    self._schedule(receiver.id, endpoint.url, party)

    def tell(self, receiver: Platform, party: Party) -> None:
        """Schedule one push of `party` as it is given (an agreement just showed or hid it: the caller decided)."""
        endpoint = receiver.endpoint("hubclientinfo", "RECEIVER")
        if endpoint is not None and not _is_offline(receiver):
            self._schedule(receiver.id, endpoint.url, party)

    def _schedule(self, receiver_id: str, endpoint_url: str, party: Party) -> None:
        key = (receiver_id, party.key)
        self._latest[key] = (receiver_id, client_info_url(endpoint_url, party), msgspec.structs.replace(party))
        if key not in self._workers:
            self._workers[key] = asyncio.get_running_loop().create_task(self._work(key))

    async def _work(self, key: tuple[str, str]) -> None:
        try:
            while key in self._latest:
                receiver_id, url, party = self._latest.pop(key)
                await self._push(receiver_id, url, party)
        finally:
            del self._workers[key]

    async def _push(self, receiver_id: str, url: str, party: Party) -> None:
        receiver = self._directory.get(receiver_id)  # the latest copy: its token may have been rotated
        if receiver is None or receiver.state is not PlatformState.REGISTERED:
            return
        async with self._limit:
            try:
                token = self._peer_tokens.token_for(receiver)
                if token is None:
                    return
                reply = await self._client.call("PUT", url, token, receiver.auth_encoding, body=client_info(party))
            except CallFailed as error:
                log.warning("hubclientinfo push failed", receiver=receiver_id, party=party.key, error=str(error))
                return
        if reply.ok:
            log.info("hubclientinfo pushed", receiver=receiver_id, party=party.key, status=party.status.value)
        else:
            log.warning(
                "hubclientinfo push refused",
                receiver=receiver_id,
                party=party.key,
                http_status=reply.http_status,
                status_code=reply.status_code,
                message=reply.message,
            )

    async def drain(self, seconds: float = 5.0) -> None:
        """Wait for pushes in flight (at shutdown, and in tests)."""
        deadline = asyncio.get_running_loop().time() + seconds
        while self._workers and asyncio.get_running_loop().time() < deadline:
            await asyncio.wait(list(self._workers.values()), timeout=deadline - asyncio.get_running_loop().time())


def _is_offline(platform: Platform) -> bool:
    return (
        platform.state is PlatformState.REGISTERED
        and all(
            p.status is ConnectionStatus.OFFLINE for p in platform.parties if p.status is not ConnectionStatus.PLANNED
        )
        and any(p.status is ConnectionStatus.OFFLINE for p in platform.parties)
    )
