"""`/metrics` for a `--workers N` group: whichever worker a scrape reaches answers for all of them.

Each worker publishes its own figures (counters, histograms, its gauges) as Prometheus text to a file in a
directory the group shares: every few seconds, when it stops, and whenever it answers a scrape. The worker answering
a scrape reads every worker's file and adds them up:
- counters and histograms over every file, also of workers that died (a replacement starts from zero, so the sum
  never goes down: Prometheus sees no reset when a worker is restarted);
- gauges over the workers alive now only (a dead worker's queue is gone), taking the highest instead of the sum for
  the few that say "any worker" (a receiver failing fast).
Figures of other workers are at most `PUBLISH_SECONDS` old; a worker's counts since its last publish are lost when
it is killed (kill -9, OOM), never when it stops. Files only move forward, and the answering worker publishes its
own before reading, so successive scrapes never see a counter go down whichever worker answers.

Why not prometheus-client's multiprocess mode: it only carries metrics written through its mmap values, not the
figures this hub reads at scrape time from the parts that count them (rate limits, breakers, connections)."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import structlog
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

log = structlog.get_logger("hub.metrics")

PUBLISH_SECONDS = 5.0
# Gauges where "the group" means the highest of its workers, not their sum.
HIGHEST_OF_WORKERS = frozenset({"ocpi_hub_receiver_failing_fast"})
SUFFIX = ".prom"


class WorkerGroupMetrics:
    """One worker's side of the shared directory."""

    def __init__(self, directory: Path, pid: int | None = None) -> None:
        self.directory = directory
        self.pid = pid if pid is not None else os.getpid()

    def publish(self, own: bytes) -> None:
        """Replace this worker's file at once (written aside, then renamed: a reader sees the old or the new)."""
        aside = self.directory / f".{self.pid}{SUFFIX}.new"
        try:
            aside.write_bytes(own)
            os.replace(aside, self.directory / f"{self.pid}{SUFFIX}")
        except OSError as error:  # the directory went away (the group is stopping) or the disk is full
            log.warning("could not publish this worker's metrics", directory=str(self.directory), error=str(error))

    def merged(self, own: bytes) -> list[Metric]:
        """The whole group's families, this worker's own figures first published."""
        self.publish(own)
        texts: dict[int, str] = {}
        for path in self.directory.glob(f"*{SUFFIX}"):
            with contextlib.suppress(OSError, ValueError, UnicodeDecodeError):
                pid = int(path.name.removesuffix(SUFFIX))
                if pid != self.pid:
                    texts[pid] = path.read_text()
        texts[self.pid] = own.decode()
        alive = {pid for pid in texts if pid == self.pid or _alive(pid)}
        families = add_up(texts, alive)
        workers = GaugeMetricFamily(
            "ocpi_hub_worker_processes", "Workers of this group alive and publishing their figures.", value=len(alive)
        )
        return [*families, workers]

    async def publish_every(self, render: Callable[[], bytes], seconds: float = PUBLISH_SECONDS) -> None:
        while True:
            await asyncio.sleep(seconds)
            self.publish(render())


def add_up(texts: dict[int, str], alive: set[int]) -> list[Metric]:
    """Families of several workers' Prometheus text added up as the module docstring says."""
    families: dict[str, Metric] = {}
    values: dict[str, dict[tuple, float]] = defaultdict(dict)
    for pid in sorted(texts):
        for family in text_string_to_metric_families(texts[pid]):
            if family.type == "gauge" and pid not in alive:
                continue
            merged = families.setdefault(family.name, Metric(family.name, family.documentation, family.type))
            into = values[family.name]
            highest = family.name in HIGHEST_OF_WORKERS
            for sample in family.samples:
                if sample.name.endswith("_created"):
                    continue  # when one worker's series began: no meaning for the group
                key = (sample.name, tuple(sorted(sample.labels.items())))
                if key in into:
                    into[key] = max(into[key], sample.value) if highest else into[key] + sample.value
                else:
                    into[key] = sample.value
    for name, merged in families.items():
        merged.samples = [Sample(sample, dict(labels), value) for (sample, labels), value in values[name].items()]
    return list(families.values())


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, as another user's process
        pass
    return True
