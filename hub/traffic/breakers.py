"""Fail fast on a dead receiver. After `breaker_failures` consecutive timeouts or connection failures to a
platform, the hub stops sending to it: requests for it are answered 4003 at once, saying why, and its parties go
OFFLINE (pushed to the other platforms as ClientInfo, and seen by every hub process through the store). Every
`breaker_cooldown_seconds` the hub probes it (a GET of its versions endpoint); when it answers, its parties are
CONNECTED again and requests flow, but the first failure after that stops them again at once. So a hung partner
costs each caller at most one time-out per cool-down.

The state is this process's own: each process counts the failures it meets; the OFFLINE status is what the others
learn (docs/operations.md, "Traffic control")."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import time
from collections.abc import Awaitable, Callable

import structlog

from hub.platforms.directory import Directory
from storage.models import Platform

log = structlog.get_logger("hub.breakers")

CLOSED, OPEN = "closed", "open"


@dataclasses.dataclass(slots=True)
class _Breaker:
    failures: int = 0
    state: str = CLOSED
    retry_at: float = 0.0  # Unix time of the next probe, while open
    reason: str = ""
    times_opened: int = 0
    probe: asyncio.Task | None = None


class ReceiverBreakers:
    def __init__(
        self,
        failures: int,
        cooldown_seconds: float,
        directory: Directory,
        answers: Callable[[Platform], Awaitable[tuple[bool, str]]],
        mark: Callable[[str, bool, str | None], Awaitable[None]],
    ) -> None:
        self._threshold = failures
        self._cooldown = cooldown_seconds
        self._directory = directory
        self._answers = answers
        self._mark = mark
        self._breakers: dict[str, _Breaker] = {}

    def refusal(self, platform_id: str) -> str | None:
        """Why requests to this platform are not sent now, or None."""
        breaker = self._breakers.get(platform_id)
        if breaker is None or breaker.state is not OPEN:
            return None
        wait = max(0, round(breaker.retry_at - time.time()))
        return (
            f"not sent: it failed {breaker.failures} times in a row ({breaker.reason}); the hub probes it again "
            f"in {wait} s"
        )

    def succeeded(self, platform_id: str) -> None:
        """The receiver answered (whatever it said)."""
        breaker = self._breakers.get(platform_id)
        if breaker is not None and breaker.state is CLOSED:
            breaker.failures = 0

    def failed(self, platform_id: str, reason: str) -> None:
        """A time-out or a connection failure."""
        if self._threshold <= 0:
            return
        breaker = self._breakers.setdefault(platform_id, _Breaker())
        if breaker.state is OPEN:
            return
        breaker.failures += 1
        breaker.reason = reason
        if breaker.failures >= self._threshold:
            breaker.state = OPEN
            breaker.times_opened += 1
            breaker.retry_at = time.time() + self._cooldown
            log.warning(
                "failing fast on a receiver that does not answer",
                platform=platform_id,
                failures=breaker.failures,
                reason=reason,
                cooldown_seconds=self._cooldown,
            )
            breaker.probe = asyncio.get_running_loop().create_task(self._until_it_answers(platform_id, breaker))

    async def _until_it_answers(self, platform_id: str, breaker: _Breaker) -> None:
        try:
            await self._mark(platform_id, False, f"{breaker.failures} failures in a row: {breaker.reason}")
        except Exception as error:  # the store: the breaker works without the status
            log.warning("could not mark the receiver OFFLINE", platform=platform_id, error=str(error))
        while True:
            await asyncio.sleep(max(0.0, breaker.retry_at - time.time()))
            platform = self._directory.get(platform_id)
            if platform is None:
                self._breakers.pop(platform_id, None)
                return
            alive, why = await self._answers(platform)
            if alive:
                break
            breaker.reason = why
            breaker.retry_at = time.time() + self._cooldown
        breaker.state = CLOSED
        breaker.failures = self._threshold - 1  # on probation: the next failure stops it again
        breaker.probe = None
        log.info("receiver answers again: requests to it flow", platform=platform_id)
        try:
            await self._mark(platform_id, True, None)
        except Exception as error:
            log.warning("could not mark the receiver CONNECTED", platform=platform_id, error=str(error))

    def states(self) -> dict[str, tuple[str, int]]:
        """platform id -> (closed | open, times opened), for /metrics."""
        return {platform_id: (b.state, b.times_opened) for platform_id, b in self._breakers.items()}

    def view(self, platform_id: str) -> dict[str, object]:
        """For the dashboard and the admin API."""
        breaker = self._breakers.get(platform_id) or _Breaker()
        return {
            "state": breaker.state,
            "consecutive_failures": breaker.failures if breaker.state is OPEN else 0,
            "retry_at": (
                time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(breaker.retry_at)) if breaker.state is OPEN else None
            ),
            "reason": breaker.reason if breaker.state is OPEN else None,
        }

    async def stop(self) -> None:
        probes = [b.probe for b in self._breakers.values() if b.probe is not None]
        for probe in probes:
            probe.cancel()
        for probe in probes:
            with contextlib.suppress(asyncio.CancelledError):
                await probe
