"""Liveness and readiness for orchestrators and load balancers, and the Prometheus scrape endpoint."""

from __future__ import annotations

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from hub.context import HUB_CONTEXT


async def live(request: web.Request) -> web.Response:
    """The process answers."""
    return web.json_response({"status": "ok"})


async def ready(request: web.Request) -> web.Response:
    """The process can serve traffic: its store answers."""
    try:
        await request.app[HUB_CONTEXT].store.ping()
    except Exception as error:
        return web.json_response({"status": "unavailable", "store": type(error).__name__}, status=503)
    return web.json_response({"status": "ok"})


async def metrics(request: web.Request) -> web.Response:
    body = request.app[HUB_CONTEXT].metrics.render()
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})
