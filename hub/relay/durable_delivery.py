"""Durable delivery, opt-in per agreement and module: when the receiver of such a push is down or does not answer
in time, the hub keeps the push in the store (only then answering the sender: accepted, delivery pending) and
delivers it later, at least once, in order per receiver and object (a push of an object already waiting queues
behind it), with exponential back-off and jitter, until it is delivered or becomes a dead letter (too old, too many
attempts, or refused by the receiver), which an operator can replay or drop.

Every hub process works the one queue in the store: a process leases what it delivers, so no two make the same
delivery; a lease outlives the longest attempt, and a process that dies (kill -9) leaves leases that run out, so
another process (or the same one restarted) takes its deliveries over. A delivered push is deleted, body and all;
bodies never reach a log."""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
import uuid

import structlog

from hub.config import Settings
from hub.ocpi.errors import OcpiError
from hub.operations.message_log import MessageRecorder
from hub.relay.legs import Leg, Legs
from hub.relay.stand_ins import Conversation
from routing.model import PartyId
from routing.status import Status
from storage.errors import StorageError
from storage.models import MessageRecord, QueuedDelivery, QueueFigures
from storage.ports import DeliveryQueue

log = structlog.get_logger("hub.durable_delivery")

BATCH = 64
FIGURES_SECONDS = 2.0  # how stale the queue figures on /metrics may be


class DurableDelivery:
    def __init__(self, settings: Settings, queue: DeliveryQueue, legs: Legs, messages: MessageRecorder) -> None:
        self._settings = settings
        self._queue = queue
        self._legs = legs
        self._messages = messages
        self._holder = f"{uuid.uuid4().hex[:12]}"  # this process, as lease holder
        self._figures: list[QueueFigures] = []
        self._figures_at = 0.0
        self.delivered_total = 0
        self.dead_total = 0

    @property
    def lease_seconds(self) -> float:
        """Longer than any attempt can take (twice the longest time limit, and a little), and no longer: a process
        that dies leaves leases that run out this soon."""
        settings = self._settings
        longest = max(
            settings.forward_timeout_seconds,
            settings.authorize_timeout_seconds,
            *settings.module_timeout_seconds.values(),
        )
        return longest * 2 + 2

    # --- taking a push over (the request path) --------------------------------------------------------------------
    async def held_behind(self, object_key: str) -> bool:
        """A push of this object is still waiting: the new one must queue behind it, whatever the receiver's state."""
        return await self._queue.waiting_for(object_key)

    async def take_over(
        self, leg: Leg, object_key: str, sender: str, sender_platform_id: str, request_id: str, why: str
    ) -> QueuedDelivery:
        """Keep the push durably; raises OcpiError (the sender is told it was not accepted) if the store fails."""
        now = time.time()
        delivery = QueuedDelivery(
            id=uuid.uuid4().hex,
            receiver_platform_id=leg.receiver_platform_id,
            receiver=leg.receiver,
            sender=sender,
            sender_platform_id=sender_platform_id,
            module=leg.module,
            method=leg.method,
            url=leg.url,
            headers=dict(leg.headers),
            body=leg.body,
            object_key=object_key,
            request_id=request_id,
            correlation_id=leg.correlation_id,
            answer_version=leg.answer_version,
            timeout_seconds=leg.timeout_seconds,
            created_at=now,
            next_attempt_at=now + self._backoff(0) if why else now,
            last_error=why,
        )
        try:
            stored = await self._queue.enqueue(delivery)
        except StorageError as error:
            raise OcpiError(Status.HUB_ERROR, f"the hub could not keep the push for later delivery: {error}") from error
        log.info(
            "push kept for durable delivery",
            delivery=stored.id,
            receiver=leg.receiver,
            module=leg.module,
            method=leg.method,
            why=why or "an earlier push of the same object is still waiting",
        )
        return stored

    @staticmethod
    def worth_keeping(error: OcpiError) -> bool:
        """The receiver is down, did not answer in time, or is being failed fast: keep the push. Anything else
        (no agreement, a refusal) is the sender's to hear."""
        return error.outcome in ("timeout", "unreachable", "failing-fast") or error.status_code in (
            Status.HUB_ERROR,
            Status.NOT_CONNECTED,
        )

    # --- delivering (every process, in the background) --------------------------------------------------------
    async def run(self) -> None:
        while True:
            await self.figures()
            try:
                worked = await self.work_once()
            except Exception:
                log.exception("durable delivery round failed")
                worked = 0
            if worked < BATCH:
                await asyncio.sleep(self._settings.durable_poll_seconds)

    async def work_once(self) -> int:
        """One lease of due deliveries, each attempted (those of different objects at once)."""
        try:
            leased = await self._queue.lease(self._holder, time.time(), self.lease_seconds, BATCH)
        except StorageError as error:
            log.warning("durable delivery could not read the queue", error=str(error))
            return 0
        if leased:
            await asyncio.gather(*(self._attempt(delivery) for delivery in leased))
        return len(leased)

    async def _attempt(self, delivery: QueuedDelivery) -> None:
        started = time.perf_counter()
        leg = Leg(
            receiver_platform_id=delivery.receiver_platform_id,
            receiver=delivery.receiver,
            method=delivery.method,
            url=delivery.url,
            headers=delivery.headers,
            body=delivery.body,
            timeout_seconds=delivery.timeout_seconds,
            correlation_id=delivery.correlation_id,
            module=delivery.module,
            segments=[],
            answer_version=delivery.answer_version,
        )
        if delivery.module == "cdrs" and delivery.method == "POST":
            # The sender was given the hub URL named by the delivery's id: it leads to the receiver's Location now.
            leg.answer_conversation = Conversation(
                delivery.sender_platform_id,
                delivery.receiver_platform_id,
                delivery.module,
                PartyId.of(*delivery.sender.split(":")),
                PartyId.of(*delivery.receiver.split(":")),
            )
            leg.location_stand_in = True
            leg.location_mapping_id = delivery.id
        try:
            delivered = await self._legs.deliver(leg)
        except OcpiError as error:
            await self._not_now(delivery, error.message)
            return
        except Exception as error:  # a bug must not stop the queue: retried, and said
            log.exception("durable delivery attempt failed", delivery=delivery.id)
            await self._not_now(delivery, f"hub error: {error}")
            return
        if delivered.accepted:
            await self._delivered(delivery, delivered.http_status, delivered.status_code, started)
            return
        answer = f"HTTP {delivered.http_status}, status_code {delivered.status_code} {delivered.status_message}".strip()
        if delivered.http_status >= 500:
            await self._not_now(delivery, f"the receiver answered {answer}")
        else:
            await self._give_up(delivery, f"refused by the receiver: {answer}")

    async def _not_now(self, delivery: QueuedDelivery, why: str) -> None:
        now = time.time()
        settings = self._settings
        too_old = now - delivery.created_at > settings.durable_max_age_hours * 3600
        too_many = settings.durable_max_attempts and delivery.attempts + 1 >= settings.durable_max_attempts
        if too_old or too_many:
            limit = (
                f"older than {settings.durable_max_age_hours:g} h" if too_old else f"{delivery.attempts + 1} attempts"
            )
            await self._give_up(delivery, f"{limit}; last: {why}")
            return
        try:
            await self._queue.retry_later(delivery.id, self._holder, now + self._backoff(delivery.attempts + 1), why)
        except StorageError as error:  # the lease runs out and the delivery is attempted again: nothing is lost
            log.warning("durable delivery could not record an attempt", delivery=delivery.id, error=str(error))

    async def _delivered(
        self, delivery: QueuedDelivery, http_status: int, status_code: int | None, started: float
    ) -> None:
        try:
            gone = await self._queue.delivered(delivery.id, self._holder)
        except StorageError as error:
            # Delivered, but still in the queue: it will be delivered again (at least once, never lost).
            log.warning("durable delivery could not remove a delivered push", delivery=delivery.id, error=str(error))
            return
        if not gone:
            log.warning("a delivered push was no longer leased to this process", delivery=delivery.id)
        self.delivered_total += 1
        self._record(
            delivery,
            "delivered-from-queue",
            http_status,
            status_code,
            f"delivered after {delivery.attempts + 1} attempts",
            started,
        )
        log.info(
            "durable delivery delivered",
            delivery=delivery.id,
            receiver=delivery.receiver,
            attempts=delivery.attempts + 1,
        )

    async def _give_up(self, delivery: QueuedDelivery, reason: str) -> None:
        try:
            await self._queue.give_up(delivery.id, self._holder, reason)
        except StorageError as error:
            log.warning("durable delivery could not record a dead letter", delivery=delivery.id, error=str(error))
            return
        self.dead_total += 1
        self._record(delivery, "dead-letter", 0, None, reason, time.perf_counter())
        log.warning(
            "durable delivery gave up: a dead letter", delivery=delivery.id, receiver=delivery.receiver, reason=reason
        )

    def _record(
        self,
        delivery: QueuedDelivery,
        outcome: str,
        http_status: int,
        status_code: int | None,
        message: str,
        started: float,
    ) -> None:
        self._messages.record(
            MessageRecord(
                at=time.time(),
                request_id=delivery.request_id,
                correlation_id=delivery.correlation_id,
                platform_id=delivery.sender_platform_id,
                from_party=delivery.sender,
                to_party=delivery.receiver,
                module=delivery.module,
                interface="RECEIVER",
                method=delivery.method,
                path=delivery.url.split("?", 1)[0],
                http_status=http_status,
                status_code=status_code,
                downstream_http_status=http_status or None,
                downstream_status_code=status_code,
                status_message=message,
                latency_ms=round((time.perf_counter() - started) * 1000, 2),
                request_bytes=len(delivery.body),
                outcome=outcome,
            )
        )

    def _backoff(self, attempts: int) -> float:
        """Exponential, capped, with jitter (half to all of it), so retries of many pushes do not come in waves."""
        settings = self._settings
        delay = min(settings.durable_retry_max_seconds, settings.durable_retry_base_seconds * 2 ** max(0, attempts - 1))
        return delay * (0.5 + random.random() / 2)  # noqa: S311 (jitter, not a secret)

    # --- for operators ------------------------------------------------------------------------------------------
    async def figures(self) -> list[QueueFigures]:
        """Per receiver: waiting, oldest, dead letters (read from the store at most every couple of seconds)."""
        if time.monotonic() - self._figures_at > FIGURES_SECONDS:
            with contextlib.suppress(StorageError):
                self._figures = await self._queue.figures()
                self._figures_at = time.monotonic()
        return self._figures

    def last_figures(self) -> list[QueueFigures]:
        """For /metrics, without touching the store: the queue per receiver as last read."""
        return self._figures

    def counts(self) -> tuple[int, int]:
        """For /metrics: the deliveries this process made and gave up on."""
        return self.delivered_total, self.dead_total
