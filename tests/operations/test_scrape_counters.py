"""The scrape-time counters render exactly what prometheus-client's own Counter and Histogram render for the same
observations (minus `_created`, which the hub does not publish)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

from hub.operations.metrics import LATENCY_BUCKETS
from hub.operations.scrape_counters import Counts, Histograms

LATENCIES = [0.0005, 0.001, 0.0011, 0.003, 0.01, 0.2, 0.2, 2.6, 31.0, 45.5]  # on bounds, between, beyond the last


def rendered(*collectors) -> list[str]:
    registry = CollectorRegistry()
    for collector in collectors:
        registry.register(collector)
    return [line for line in generate_latest(registry).decode().splitlines() if "_created" not in line and line.strip()]


def test_counts_render_as_a_prometheus_counter():
    ours = Counts("ocpi_test_requests", "Requests.", ("module", "outcome"))
    registry = CollectorRegistry()
    theirs = Counter("ocpi_test_requests", "Requests.", ["module", "outcome"], registry=registry)
    for labels in [("locations", "forwarded")] * 3 + [("tokens", "rejected")]:
        ours.add(labels)
        theirs.labels(*labels).inc()
    expected = [line for line in generate_latest(registry).decode().splitlines() if "_created" not in line]
    assert rendered(ours) == expected
    assert ours.value(("locations", "forwarded")) == 3


def test_histograms_render_as_a_prometheus_histogram():
    ours = Histograms("ocpi_test_latency_seconds", "Latency.", ("receiver",), LATENCY_BUCKETS)
    registry = CollectorRegistry()
    theirs = Histogram(
        "ocpi_test_latency_seconds", "Latency.", ["receiver"], buckets=LATENCY_BUCKETS, registry=registry
    )
    for number, latency in enumerate(LATENCIES):
        receiver = "p1" if number % 3 else "p2"
        ours.observe((receiver,), latency)
        theirs.labels(receiver).observe(latency)
    expected = [line for line in generate_latest(registry).decode().splitlines() if "_created" not in line]
    assert rendered(ours) == expected
