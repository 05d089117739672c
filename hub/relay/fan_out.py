"""Delivering broadcasts to their receivers: one queue per (receiver, object), so a PUT and the PATCHes after it
arrive in the order they were sent; a bound on deliveries in flight across all broadcasts; its own connection pool
(the Legs given), so a burst of broadcasts never starves directed traffic (real-time authorization above all).
Each leg is recorded like any answer, with the broadcaster's X-Request-ID and its own."""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import time
from collections.abc import Callable

import structlog

from hub.ocpi.errors import OcpiError
from hub.relay.legs import Leg, Legs
from hub.relay.trail import Trails
from hub.relay.transport import routing_headers
from routing.decide import HEADERLESS_VERSIONS
from routing.model import PartyEntry, PartyId

log = structlog.get_logger("hub.fan_out")

MAX_IN_FLIGHT = 64
CONNECTIONS_PER_RECEIVER = 16  # broadcast deliveries in flight to one receiver
MAX_QUEUED = 500_000  # deliveries waiting; past this a broadcast's legs are dropped (and logged)


@dataclasses.dataclass(frozen=True)
class Delivery:
    receiver: PartyEntry
    url: str  # with the query string
    method: str
    body: bytes  # shared by every leg of one broadcast to receivers of one version
    module: str
    interface: str
    object_key: str  # the owner and object the push is about: deliveries for one object stay in order
    correlation_id: str
    request_id: str  # the broadcaster's X-Request-ID: finds every leg of its broadcast in the message log
    hub_path: str  # the path the broadcaster called on the hub
    translation: str = ""  # "2.1.1>2.2.1": the body is in the receiver's version, not the broadcaster's
    lost: tuple[str, ...] = ()  # what the receiver's version could not carry of the push
    refused: str | None = None  # why it cannot be given in the receiver's version: recorded, not sent


class FanOut:
    def __init__(self, legs: Legs, trails: Trails, hub_party: PartyId, timeout_for: Callable[[str], float]) -> None:
        self._legs = legs
        self._trails = trails
        self._hub_party = hub_party
        self._timeout_for = timeout_for
        self._queues: dict[tuple[str, str], collections.deque[Delivery]] = {}
        self._workers: dict[tuple[str, str], asyncio.Task] = {}
        self._in_flight = asyncio.Semaphore(MAX_IN_FLIGHT)
        self.queued = 0
        self.dropped = 0

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
                async with self._in_flight:
                    await self._deliver(delivery)
        finally:
            del self._queues[key]
            del self._workers[key]

    async def _deliver(self, delivery: Delivery) -> None:
        receiver = delivery.receiver
        trail = self._trails.open(
            request_id=delivery.request_id,
            correlation_id=delivery.correlation_id,
            platform_id=receiver.platform_id,
            method=delivery.method,
            path=delivery.hub_path,
            module=delivery.module,
            interface=delivery.interface,
            at=time.time(),
            leg=True,
        )
        trail.request_bytes = len(delivery.body)
        trail.to = receiver.id
        if delivery.translation:
            source, target = delivery.translation.split(">")
            trail.translated(source, target, delivery.lost, "request")
        if delivery.refused is not None:
            log.warning("broadcast not sent: not translatable", receiver=receiver.key, reason=delivery.refused)
            trail.done(
                to_party=str(receiver.id),
                from_party=str(self._hub_party),
                http_status=0,
                status_code=None,
                outcome="broadcast-leg",
                status_message=f"not sent: {delivery.refused}",
                receiver_platform=receiver.platform_id,
            )
            return
        leg = Leg(
            receiver_platform_id=receiver.platform_id,
            receiver=str(receiver.id),
            method=delivery.method,
            url=delivery.url,
            headers={} if receiver.version in HEADERLESS_VERSIONS else routing_headers(receiver.id, self._hub_party),
            body=delivery.body,
            timeout_seconds=self._timeout_for(delivery.module),
            correlation_id=delivery.correlation_id,
            module=delivery.module,
            segments=[],
        )
        try:
            delivered = await self._legs.deliver(leg)
        except OcpiError as error:
            log.warning("broadcast receiver failed", receiver=receiver.key, reason=error.message)
            answered = error.downstream_http_status  # it answered, but not with OCPI
            outcome = "broadcast-leg" if answered else error.outcome if error.outcome != "rejected" else "unreachable"
            trail.done(
                to_party=str(receiver.id),
                from_party=str(self._hub_party),
                http_status=answered or 0,
                status_code=None,
                downstream_http_status=answered,
                outcome=outcome,
                status_message=error.message,
                downstream_request_id=error.downstream_request_id,
                receiver_platform=receiver.platform_id,
            )
            return
        if not delivered.accepted:
            log.warning(
                "broadcast receiver refused",
                receiver=receiver.key,
                http_status=delivered.http_status,
                status_code=delivered.status_code,
                status_message=delivered.status_message or None,
                url=delivery.url,
                request_id=delivered.downstream_request_id,
            )
        trail.done(
            to_party=str(receiver.id),
            from_party=str(self._hub_party),
            http_status=delivered.http_status,
            status_code=delivered.status_code,
            outcome="broadcast-leg",
            status_message=delivered.status_message,
            downstream_request_id=delivered.downstream_request_id,
            downstream_http_status=delivered.downstream_http_status,
            downstream_status_code=delivered.downstream_status_code,
            receiver_platform=receiver.platform_id,
        )

    async def drain(self, seconds: float = 10.0) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while self._workers and loop.time() < deadline:
            await asyncio.wait(list(self._workers.values()), timeout=deadline - loop.time())
