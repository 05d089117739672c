"""Liveness and readiness for orchestrators and load balancers, and the Prometheus scrape endpoint."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from hub.operations.metrics import HubMetrics
from storage.ports import Store


class HealthEndpoints:
    def __init__(self, store: Store, metrics: HubMetrics, draining: Callable[[], bool] = lambda: False) -> None:
        self._store = store
        self._metrics = metrics
        self._draining = draining

    async def live(self, request: web.Request) -> web.Response:
        """The process answers."""
        return web.json_response({"status": "ok"})

    async def ready(self, request: web.Request) -> web.Response:
        """The process can serve traffic: its store answers, and it is not shutting down."""
        if self._draining():
            return web.json_response({"status": "draining"}, status=503)
        try:
            await self._store.ping()
        except Exception as error:
            return web.json_response({"status": "unavailable", "store": type(error).__name__}, status=503)
        return web.json_response({"status": "ok"})

    async def metrics(self, request: web.Request) -> web.Response:
        return web.Response(body=self._metrics.render(), headers={"Content-Type": CONTENT_TYPE_LATEST})
