"""The aiohttp application: OCPI routes, the edge middleware, and the background tasks of one hub process."""

from __future__ import annotations

import asyncio
import contextlib

import structlog
from aiohttp import web

from hub import credentials, hubclientinfo, versions
from hub.config import Settings, redacted_store_url
from hub.context import HUB_CONTEXT
from hub.edge import authenticate, ocpi_edge
from hub.envelope import HUB_ERROR, OcpiError
from hub.registration import FUNCTIONAL_MODULES, HUB_VERSION
from hub.runtime import hub_context

log = structlog.get_logger("hub.app")


def create_app(settings: Settings) -> web.Application:
    app = web.Application(middlewares=[ocpi_edge], client_max_size=settings.max_body_bytes)
    root = f"/ocpi/{HUB_VERSION}"
    app.router.add_get("/ocpi/versions", versions.get_versions)
    app.router.add_get(root, versions.get_version_details)
    app.router.add_route("GET", f"{root}/credentials", credentials.get_credentials)
    app.router.add_route("POST", f"{root}/credentials", credentials.post_credentials)
    app.router.add_route("PUT", f"{root}/credentials", credentials.put_credentials)
    app.router.add_route("DELETE", f"{root}/credentials", credentials.delete_credentials)
    app.router.add_get(f"{root}/hubclientinfo", hubclientinfo.get_client_info)
    modules = "|".join(FUNCTIONAL_MODULES)
    app.router.add_route("*", root + r"/{interface:sender|receiver}/{module:" + modules + r"}{rest:(/.*)?}", not_routed)
    app.cleanup_ctx.append(_running(settings))
    return app


async def not_routed(request: web.Request) -> web.Response:
    """Functional modules are advertised (platforms store the URLs at registration) but not routed by this release."""
    await authenticate(request)
    raise OcpiError(HUB_ERROR, f"routing of {request.match_info['module']} is not available on this hub yet")


def _running(settings: Settings):
    async def context(app: web.Application):
        async with hub_context(settings) as hub:
            app[HUB_CONTEXT] = hub
            tasks = [
                asyncio.create_task(_every(settings.directory_refresh_seconds, hub.directory.refresh, "directory")),
                asyncio.create_task(_every(settings.directory_resync_seconds, hub.directory.resync, "resync")),
                asyncio.create_task(hub.liveness.run()),
            ]
            log.info(
                "hub ready",
                versions_url=settings.versions_url,
                store=redacted_store_url(settings.store),
                platforms=len(hub.directory.platforms()),
            )
            try:
                yield
            finally:
                for task in tasks:
                    task.cancel()
                for task in tasks:
                    with contextlib.suppress(asyncio.CancelledError):
                        await task

    return context


async def _every(seconds: float, action, name: str) -> None:
    while True:
        await asyncio.sleep(seconds)
        try:
            await action()
        except Exception:
            log.exception("background task failed", task=name)
