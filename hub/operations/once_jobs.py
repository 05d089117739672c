"""Jobs that must run once for the whole hub, however many processes and nodes serve it: the still-alive probes
(and the OFFLINE pushes they cause), housekeeping, the ClientInfo pushes of agreement changes. Each is a lease in
the store: the process that holds it runs the job and renews the lease each time; when it dies, the lease lapses
and the next process to ask takes the job over. No election of our own beyond that.

A job run every `period` seconds holds a lease of 2 * period + 1 s, so another process takes it over within
3 * period + 1 s of the holder's death (its lease lapses, then the others ask at their next period)."""

from __future__ import annotations

import collections
import os
import socket
import time
import uuid

import structlog

from storage.errors import StorageError
from storage.ports import JobLeases

log = structlog.get_logger("hub.once_jobs")


def lease_seconds(period: float) -> float:
    return 2 * period + 1


class OnceJobs:
    def __init__(self, leases: JobLeases, holder: str | None = None) -> None:
        self._leases = leases
        # host:pid:random: who holds a lease is readable (and the pid lets a test find the process).
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.runs: collections.Counter[str] = collections.Counter()
        self._held: set[str] = set()

    async def holds(self, job: str, period: float) -> bool:
        """Whether this process should run `job` now: it takes (or renews) the job's lease."""
        try:
            held = await self._leases.hold(job, self.holder, time.time(), lease_seconds(period))
        except StorageError as error:
            log.warning("could not take or renew a job's lease; not running it this time", job=job, error=str(error))
            held = False
        if held and job not in self._held:
            log.info("this process runs a once-for-the-hub job", job=job, holder=self.holder)
            self._held.add(job)
        elif not held:
            self._held.discard(job)
        if held:
            self.runs[job] += 1
        return held
