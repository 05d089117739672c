"""Prometheus metrics of one hub process, on its own registries (several hubs can live in one test process).

Two kinds of figures: this process's own (what it routed, its queues, its connections: `registry`), and the hub's
state as the store and directory hold it, the same in every process (`hub_wide`). In a `--workers N` group the
first kind is added up over the workers (`worker_group_metrics.py`), the second read once.

Label values are party ids (`CC:PID`) and platform ids: bounded by the number of parties on the hub."""

from __future__ import annotations

import time
from collections.abc import Callable

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from hub.operations.scrape_counters import Counts, Histograms
from hub.operations.worker_group_metrics import WorkerGroupMetrics
from storage.models import ConnectionStatus, Platform, PlatformState, QueueFigures

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
FAN_OUT_BUCKETS = (0, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000)


class HubMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.hub_wide = CollectorRegistry(auto_describe=True)
        self.group: WorkerGroupMetrics | None = None
        # Counted on the request path with one dict operation each, rendered at scrape time (scrape_counters.py).
        self.requests = Counts(
            "ocpi_hub_requests",
            "Routed OCPI requests, by module, method, sending and receiving party, and the OCPI status answered.",
            ("module", "method", "from_party", "to_party", "status_code", "outcome"),
        )
        self.forward_latency = Histograms(
            "ocpi_hub_forward_latency_seconds",
            "Time from receiving a request to answering it, for requests forwarded to a receiver.",
            ("receiver_platform",),
            LATENCY_BUCKETS,
        )
        self.fan_out = Histograms(
            "ocpi_hub_broadcast_fan_out", "Receivers per broadcast push.", ("module",), FAN_OUT_BUCKETS
        )
        self.translations = Counts(
            "ocpi_hub_translations",
            "Bodies and answers the hub translated between OCPI versions, by outcome (complete, lossy, refused).",
            ("source_version", "target_version", "kind", "outcome"),
        )
        self.timeouts = Counts(
            "ocpi_hub_forward_timeouts",
            "Forwarded requests the receiver did not answer in time (4002).",
            ("receiver_platform", "module"),
        )
        for family in (self.requests, self.forward_latency, self.fan_out, self.translations, self.timeouts):
            self.registry.register(family)

    def watch(
        self,
        platforms: Callable[[], list[Platform]],
        message_log_queue: Callable[[], int],
        message_log_dropped: Callable[[], int],
        broadcast_queue: Callable[[], int],
    ) -> None:
        """Values read at scrape time from the parts that hold them (given by the assembly)."""
        self.hub_wide.register(_PlatformsCollector(platforms))
        self.registry.register(_QueuesCollector(message_log_queue, message_log_dropped, broadcast_queue))

    def own(self) -> bytes:
        """This process's own figures, as Prometheus text."""
        return generate_latest(self.registry)

    def render(self) -> bytes:
        if self.group is None:
            return self.own() + generate_latest(self.hub_wide)
        return generate_latest(_Families(self.group.merged(self.own()))) + generate_latest(self.hub_wide)


class _Families:
    def __init__(self, families: list[Metric]) -> None:
        self._families = families

    def collect(self):
        return self._families


class _PlatformsCollector:
    """Connection status per platform, from the directory."""

    def __init__(self, platforms) -> None:
        self._platforms = platforms

    def describe(self):
        return []

    def collect(self):
        connected = GaugeMetricFamily(
            "ocpi_hub_platform_connected",
            "1 when the platform is registered and at least one of its parties is CONNECTED.",
            labels=["platform", "name", "state"],
        )
        parties = GaugeMetricFamily("ocpi_hub_parties", "Parties on the hub by connection status.", labels=["status"])
        counts = dict.fromkeys(ConnectionStatus, 0)
        for platform in self._platforms():
            up = platform.state is PlatformState.REGISTERED and any(
                p.status is ConnectionStatus.CONNECTED for p in platform.parties
            )
            connected.add_metric([platform.id, platform.name, platform.state.value], 1.0 if up else 0.0)
            for party in platform.parties:
                counts[party.status] += 1
        for status, count in counts.items():
            parties.add_metric([status.value], count)
        yield connected
        yield parties


class _QueuesCollector:
    """This process's queue depths."""

    def __init__(self, message_log_queue, message_log_dropped, broadcast_queue) -> None:
        self._message_log_queue = message_log_queue
        self._message_log_dropped = message_log_dropped
        self._broadcast_queue = broadcast_queue

    def describe(self):
        return []

    def collect(self):
        yield GaugeMetricFamily(
            "ocpi_hub_message_log_queue_depth",
            "Message log records waiting to be written.",
            value=self._message_log_queue(),
        )
        yield GaugeMetricFamily(
            "ocpi_hub_message_log_dropped",
            "Message log records dropped because the buffer was full.",
            value=self._message_log_dropped(),
        )
        yield GaugeMetricFamily(
            "ocpi_hub_broadcast_queue_depth", "Broadcast deliveries waiting.", value=self._broadcast_queue()
        )


class TrafficCollector:
    """Traffic control, read at scrape time from the parts that count it: requests refused by rate limits, the
    fail-fast state of each receiver, the client connections served and refused. Each source is a callable the
    assembly gives (None: not counted in this process)."""

    def __init__(
        self,
        rate_limited: Callable[[], dict[tuple[str, str], int]],
        breakers: Callable[[], dict[str, tuple[str, int]]] | None = None,
        connections: Callable[[], dict[str, int]] | None = None,
        delivered: Callable[[], tuple[int, int]] | None = None,
    ) -> None:
        self._rate_limited = rate_limited
        self._breakers = breakers
        self._connections = connections
        self._delivered = delivered

    def describe(self):
        return []

    def collect(self):
        limited = CounterMetricFamily(
            "ocpi_hub_rate_limited",
            "Requests refused with 429 because the calling platform was over its rate limit, by class.",
            labels=["platform", "rate_class"],
        )
        for (platform_id, rate_class), count in self._rate_limited().items():
            limited.add_metric([platform_id, rate_class], count)
        yield limited
        if self._breakers is not None:
            state = GaugeMetricFamily(
                "ocpi_hub_receiver_failing_fast",
                "1 while the hub answers requests to this receiver platform with 4003 at once (its breaker is open).",
                labels=["platform"],
            )
            opened = CounterMetricFamily(
                "ocpi_hub_receiver_breaker_opened",
                "Times the hub began failing fast on this receiver.",
                labels=["platform"],
            )
            for platform_id, (current, times_opened) in self._breakers().items():
                state.add_metric([platform_id], 1.0 if current == "open" else 0.0)
                opened.add_metric([platform_id], times_opened)
            yield state
            yield opened
        if self._delivered is not None:
            delivered, dead_total = self._delivered()
            yield CounterMetricFamily(
                "ocpi_hub_durable_delivered",
                "Pushes delivered from the durable queue by this process.",
                value=delivered,
            )
            yield CounterMetricFamily(
                "ocpi_hub_durable_given_up", "Pushes this process made dead letters.", value=dead_total
            )
        if self._connections is not None:
            figures = self._connections()
            yield GaugeMetricFamily(
                "ocpi_hub_client_connections", "Client connections open.", value=figures.get("open", 0)
            )
            refused = CounterMetricFamily(
                "ocpi_hub_client_connections_closed",
                "Client connections the hub closed: over max_client_connections, headers or body too slow.",
                labels=["reason"],
            )
            for reason in ("over_limit", "header_timeout", "body_timeout"):
                refused.add_metric([reason], figures.get(reason, 0))
            yield refused


class DurableQueueCollector:
    """The durable delivery queue as the store holds it (the last figures read: scraping never touches the store)."""

    def __init__(self, figures: Callable[[], list[QueueFigures]]) -> None:
        self._figures = figures

    def describe(self):
        return []

    def collect(self):
        depth = GaugeMetricFamily(
            "ocpi_hub_durable_queue_depth", "Pushes waiting for durable delivery, per receiver.", labels=["platform"]
        )
        oldest = GaugeMetricFamily(
            "ocpi_hub_durable_oldest_age_seconds",
            "Age of the oldest push waiting for durable delivery, per receiver.",
            labels=["platform"],
        )
        dead = GaugeMetricFamily(
            "ocpi_hub_durable_dead_letters", "Dead letters held for replay or drop, per receiver.", labels=["platform"]
        )
        now = time.time()
        for row in self._figures():
            depth.add_metric([row.receiver_platform_id], row.pending)
            dead.add_metric([row.receiver_platform_id], row.dead)
            if row.oldest_pending_at is not None:
                oldest.add_metric([row.receiver_platform_id], max(0.0, now - row.oldest_pending_at))
        yield depth
        yield oldest
        yield dead
