"""Delivering broadcasts to their receivers: one queue per (receiver, object), so a PUT and the PATCHes after it
arrive in the order they were sent; a bound on deliveries in flight across all broadcasts; its own connection pool,
so a burst of broadcasts never starves directed traffic (real-time authorization above all)."""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import time
from typing import TYPE_CHECKING

import aiohttp
import structlog

from hub.forwarder import ForwardFailed, ReceiverSlots, read_envelope, routing_headers, send
from routing.model import PartyEntry, Status
from storage.models import MessageRecord

if TYPE_CHECKING:
    from hub.context import HubContext

log = structlog.get_logger("hub.fan_out")

MAX_IN_FLIGHT = 64
CONNECTIONS_PER_RECEIVER = 16
MAX_QUEUED = 500_000  # deliveries waiting; past this a broadcast's legs are dropped (and logged)


@dataclasses.dataclass(frozen=True)
class Delivery:
    receiver: PartyEntry
    url: str  # with the query string
    method: str
    body: bytes  # shared by every leg of one broadcast
    module: str
    interface: str
    object_key: str  # the owner and object the push is about: deliveries for one object stay in order
    correlation_id: str
    request_id: str  # the broadcaster's X-Request-ID: finds every leg of its broadcast in the message log
    hub_path: str  # the path the broadcaster called on the hub


class FanOut:
    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session
        self._context: HubContext | None = None
        self._queues: dict[tuple[str, str], collections.deque[Delivery]] = {}
        self._workers: dict[tuple[str, str], asyncio.Task] = {}
        self._in_flight = asyncio.Semaphore(MAX_IN_FLIGHT)
        self._slots = ReceiverSlots(CONNECTIONS_PER_RECEIVER)
        self.queued = 0
        self.dropped = 0

    def bind(self, context: HubContext) -> None:
        self._context = context

    def submit(self, deliveries: list[Delivery]) -> None:
        if self.queued + len(deliveries) > MAX_QUEUED:
            self.dropped += len(deliveries)
            log.error("broadcast dropped: too many deliveries waiting", waiting=self.queued, legs=len(deliveries))
            return
        loop = asyncio.get_running_loop()
        for delivery in deliveries:
            key = (delivery.receiver.key, delivery.object_key)
            self._queues.setdefault(key, collections.deque()).append(delivery)
            self.queued += 1
            if key not in self._workers:
                self._workers[key] = loop.create_task(self._work(key))

    async def _work(self, key: tuple[str, str]) -> None:
        queue = self._queues[key]
        try:
            while queue:
                delivery = queue.popleft()
                self.queued -= 1
                try:
                    async with self._in_flight:
                        await self._deliver(delivery)
                except Exception:
                    log.exception("broadcast delivery failed", receiver=delivery.receiver.key)
        finally:
            del self._queues[key]
            del self._workers[key]

    async def _deliver(self, delivery: Delivery) -> None:
        context = self._context
        assert context is not None
        receiver = delivery.receiver
        platform = context.directory.get(receiver.platform_id)
        token = context.peer_token(platform) if platform else None
        started = time.time()
        outcome, status, http_status, message, leg_id = "broadcast-leg", None, None, "", ""
        if token is None:
            outcome, message = "unreachable", "the receiver is not connected to the hub"
        else:
            try:
                relayed = await send(
                    self._session,
                    delivery.method,
                    delivery.url,
                    token=token,
                    encoding=platform.auth_encoding,
                    correlation_id=delivery.correlation_id,
                    headers=routing_headers(receiver.id, context.hub_party),
                    body=delivery.body,
                    timeout_seconds=context.settings.timeout_for(delivery.module),
                    slots=self._slots,
                )
                answered = read_envelope(relayed.body)
                http_status, status, message, leg_id = (
                    relayed.status,
                    answered.status_code,
                    answered.message,
                    relayed.request_id,
                )
                if not 200 <= relayed.status < 300 or (status is not None and status >= 2000):
                    log.warning(
                        "broadcast receiver refused",
                        receiver=receiver.key,
                        http_status=relayed.status,
                        status_code=status,
                        status_message=message or None,
                        url=delivery.url,
                        request_id=leg_id,
                    )
            except ForwardFailed as failure:
                outcome = "timeout" if failure.status is Status.TIMEOUT else "unreachable"
                message, leg_id = failure.message, failure.request_id
                log.warning("broadcast receiver failed", receiver=receiver.key, reason=failure.message)
        context.messages.record(
            MessageRecord(
                at=started,
                request_id=delivery.request_id,
                correlation_id=delivery.correlation_id,
                platform_id=receiver.platform_id,
                from_party=str(context.hub_party),
                to_party=str(receiver.id),
                module=delivery.module,
                interface=delivery.interface,
                method=delivery.method,
                path=delivery.hub_path,
                http_status=http_status or 0,
                status_code=status,
                downstream_http_status=http_status,
                downstream_status_code=status,
                downstream_request_id=leg_id,
                status_message=message,
                latency_ms=round((time.time() - started) * 1000, 2),
                request_bytes=len(delivery.body),
                outcome=outcome,
            )
        )

    async def drain(self, seconds: float = 10.0) -> None:
        deadline = asyncio.get_running_loop().time() + seconds
        while self._workers and asyncio.get_running_loop().time() < deadline:
            await asyncio.wait(list(self._workers.values()), timeout=deadline - asyncio.get_running_loop().time())
