"""Counters and histograms the request path adds to with one dict operation, turned into Prometheus families only
when /metrics is scraped. prometheus-client's own `labels(...).inc()` takes a lock and builds a child per call: on
the routed-message path that was several times the cost of counting. All on the event loop thread, so no lock."""

from __future__ import annotations

import bisect
from collections.abc import Iterator

from prometheus_client.core import CounterMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.utils import floatToGoString


class Counts:
    """A counter family: `add(labels)` counts one for that tuple of label values."""

    def __init__(self, name: str, documentation: str, labels: tuple[str, ...]) -> None:
        self.name, self.documentation, self.labels = name, documentation, labels
        self.values: dict[tuple[str, ...], float] = {}

    def add(self, labels: tuple[str, ...], amount: float = 1.0) -> None:
        values = self.values
        values[labels] = values.get(labels, 0.0) + amount

    def value(self, labels: tuple[str, ...]) -> float:
        return self.values.get(labels, 0.0)

    def describe(self) -> list[Metric]:
        return []

    def collect(self) -> Iterator[Metric]:
        family = CounterMetricFamily(self.name, self.documentation, labels=self.labels)
        for labels, value in self.values.items():
            family.add_metric(labels, value)
        yield family


class Histograms:
    """A histogram family: `observe(labels, value)` puts one value in its bucket for that tuple of label values."""

    def __init__(self, name: str, documentation: str, labels: tuple[str, ...], buckets: tuple[float, ...]) -> None:
        self.name, self.documentation, self.labels = name, documentation, labels
        self._bounds = buckets  # upper bounds; values above the last fall in +Inf
        self._series: dict[tuple[str, ...], list[float]] = {}  # bucket counts, then +Inf's, then the sum

    def observe(self, labels: tuple[str, ...], value: float) -> None:
        series = self._series.get(labels)
        if series is None:
            series = self._series[labels] = [0.0] * (len(self._bounds) + 2)
        series[bisect.bisect_left(self._bounds, value)] += 1
        series[-1] += value

    def describe(self) -> list[Metric]:
        return []

    def collect(self) -> Iterator[Metric]:
        family = HistogramMetricFamily(self.name, self.documentation, labels=self.labels)
        names = [floatToGoString(bound) for bound in self._bounds] + ["+Inf"]
        for labels, series in self._series.items():
            cumulative, buckets = 0.0, []
            for name, count in zip(names, series[:-1], strict=True):
                cumulative += count
                buckets.append((name, cumulative))
            family.add_metric(labels, buckets, sum_value=series[-1])
        yield family
