"""The aiohttp application of one hub process: the OCPI routes (each handled by the part that owns it), the admin
sub-application (its own middlewares, so OCPI requests never pass them), health and metrics, and the background
tasks."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import re

import structlog
from aiohttp import web

from hub.admin.app import admin_app
from hub.assembly import Hub
from hub.ocpi.edge import ocpi_edge
from hub.ocpi.versions import (
    CALLBACK_PATH,
    MODULES_211,
    V211,
    V230,
    VERSIONS_PATH,
    VersionsEndpoint,
    version_root,
)
from hub.operations.health import HealthEndpoints
from hub.operations.housekeeping import EVERY_SECONDS
from hub.operations.traffic_stats import SYNC_SECONDS as TRAFFIC_SYNC_SECONDS
from hub.platforms.clientinfo_endpoint import ClientInfoEndpoint
from hub.platforms.credentials import CredentialsEndpoint
from routing.model import FUNCTIONAL_MODULES

log = structlog.get_logger("hub.app")


def create_app(hub: Hub) -> web.Application:
    settings = hub.settings
    app = web.Application(
        middlewares=[ocpi_edge(settings.hub_error_http_status)], client_max_size=settings.max_body_bytes
    )
    root = version_root()
    versions = VersionsEndpoint(hub.authenticate, settings.base_url, hub.routing.custom_modules_for)
    credentials = CredentialsEndpoint(settings, hub.authenticate, hub.registration, hub.offboarding)
    client_info = ClientInfoEndpoint(hub.authenticate, hub.directory, hub.routing, settings.base_url)
    health = HealthEndpoints(hub.store, hub.metrics, lambda: hub.draining)
    app.router.add_get(VERSIONS_PATH, versions.versions)
    app.router.add_get(root, versions.details)
    app.router.add_route("GET", f"{root}/credentials", credentials.get)
    app.router.add_route("POST", f"{root}/credentials", credentials.post)
    app.router.add_route("PUT", f"{root}/credentials", credentials.put)
    app.router.add_route("DELETE", f"{root}/credentials", credentials.delete)
    app.router.add_get(f"{root}/hubclientinfo", client_info.get)
    root_211 = version_root(V211)
    credentials_211 = CredentialsEndpoint(settings, hub.authenticate, hub.registration, hub.offboarding, V211)
    root_230 = version_root(V230)
    credentials_230 = CredentialsEndpoint(
        settings, hub.authenticate, hub.registration, hub.offboarding, V230, hub.reachability
    )
    app.router.add_get(root_230, versions.details_230)
    app.router.add_route("GET", f"{root_230}/credentials", credentials_230.get)
    app.router.add_route("POST", f"{root_230}/credentials", credentials_230.post)
    app.router.add_route("PUT", f"{root_230}/credentials", credentials_230.put)
    app.router.add_route("DELETE", f"{root_230}/credentials", credentials_230.delete)
    app.router.add_get(f"{root_230}/hubclientinfo", client_info.get)
    app.router.add_get(root_211, versions.details_211)
    app.router.add_route("GET", f"{root_211}/credentials", credentials_211.get)
    app.router.add_route("POST", f"{root_211}/credentials", credentials_211.post)
    app.router.add_route("PUT", f"{root_211}/credentials", credentials_211.put)
    app.router.add_route("DELETE", f"{root_211}/credentials", credentials_211.delete)
    modules = "|".join((*FUNCTIONAL_MODULES, *(re.escape(module) for module in settings.custom_modules)))
    for routed_root in (root, root_230):
        path = routed_root + r"/{interface:sender|receiver}/{module:" + modules + r"}{rest:(/[\s\S]*)?}"
        app.router.add_route("*", path, hub.relay.route)
    path_211 = root_211 + r"/{module:" + "|".join(MODULES_211) + r"}{rest:(/[\s\S]*)?}"
    app.router.add_route("*", path_211, hub.relay.route_211)
    app.router.add_route("*", CALLBACK_PATH + "/{mapping_id}", hub.stand_in_calls.call)
    app.router.add_get("/health/live", health.live)
    app.router.add_get("/health/ready", health.ready)
    app.router.add_get("/metrics", health.metrics)
    app.router.add_get("/admin", _to_dashboard)
    app.add_subapp("/admin", admin_app(hub))
    app.cleanup_ctx.append(_background(hub))
    return app


async def _to_dashboard(request: web.Request) -> web.Response:
    raise web.HTTPSeeOther("/admin/")


def _background(hub: Hub):
    async def running(app: web.Application):
        settings = hub.settings
        await hub.visibility_pushes.check()  # remembers the agreements in force, to tell later changes apart
        tasks = [
            asyncio.create_task(_every(settings.directory_refresh_seconds, hub.directory.refresh, "directory")),
            asyncio.create_task(_every(settings.directory_resync_seconds, hub.directory.resync, "resync")),
            asyncio.create_task(
                _every(
                    settings.alive_check_interval_seconds,
                    _once(hub, "still-alive", settings.alive_check_interval_seconds, hub.liveness.check_once),
                )
            ),
            asyncio.create_task(
                _every(settings.directory_refresh_seconds, hub.routing.refresh_agreements, "agreements")
            ),
            asyncio.create_task(_every(settings.directory_refresh_seconds, hub.visibility_pushes.check)),
            asyncio.create_task(_every(settings.directory_refresh_seconds, hub.roles_announcement.check, "roles")),
            asyncio.create_task(_every(settings.rate_limit_sync_seconds, hub.limiter.sync, "rate limits")),
            asyncio.create_task(hub.durable.run()),
            asyncio.create_task(_every(TRAFFIC_SYNC_SECONDS, hub.traffic.flush, "traffic figures")),
            recorder := asyncio.create_task(hub.messages.run()),
            asyncio.create_task(
                _every(EVERY_SECONDS, _once(hub, "housekeeping", EVERY_SECONDS, hub.housekeeping.run_once))
            ),
        ]
        # The directory loaded at start-up lives as long as the process: keep the collector from walking it again
        # and again (with 10,000 platforms those walks showed up in the p99).
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            hub.messages.stop()
            for task in tasks:
                if task is not recorder:
                    task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    return running


def _once(hub: Hub, job: str, period: float, action):
    """`action`, run every `period` only by the process that holds the job's lease (hub/operations/once_jobs.py)."""

    async def run_if_held() -> None:
        if await hub.once.holds(job, period):
            await action()

    run_if_held.__name__ = job
    return run_if_held


async def _every(seconds: float, action, name: str | None = None) -> None:
    name = name or getattr(action, "__name__", "job")
    while True:
        await asyncio.sleep(seconds)
        try:
            await action()
        except Exception:
            log.exception("background task failed", task=name)
