"""The aiohttp application: OCPI routes, the edge middleware, and the background tasks of one hub process."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import time
from pathlib import Path

import aiohttp_jinja2
import jinja2
import structlog
from aiohttp import web

from hub import credentials, health, hubclientinfo, versions
from hub.admin import api as admin_api
from hub.admin import pages as admin_pages
from hub.admin.api import api_guard
from hub.admin.auth import ADMIN_AUTH, AdminAuth, load_admin_token
from hub.admin.pages import page_guard
from hub.callbacks import call_back
from hub.config import Settings
from hub.context import HUB_CONTEXT
from hub.edge import ocpi_edge
from hub.functional import route
from hub.hub_urls import CALLBACK_PATH
from hub.registration import FUNCTIONAL_MODULES, HUB_VERSION
from hub.runtime import hub_context

log = structlog.get_logger("hub.app")


def create_app(settings: Settings) -> web.Application:
    app = web.Application(middlewares=[ocpi_edge, api_guard, page_guard], client_max_size=settings.max_body_bytes)
    app[ADMIN_AUTH] = AdminAuth(
        load_admin_token(settings), settings.admin_session_idle_minutes * 60, settings.admin_session_hours * 3600
    )
    aiohttp_jinja2.setup(
        app, loader=jinja2.PackageLoader("hub", "templates"), autoescape=jinja2.select_autoescape(["html"])
    )
    app.router.add_static("/admin/static/", Path(__file__).with_name("static"))
    admin_api.add_routes(app)
    admin_pages.add_routes(app)
    root = f"/ocpi/{HUB_VERSION}"
    app.router.add_get("/ocpi/versions", versions.get_versions)
    app.router.add_get(root, versions.get_version_details)
    app.router.add_route("GET", f"{root}/credentials", credentials.get_credentials)
    app.router.add_route("POST", f"{root}/credentials", credentials.post_credentials)
    app.router.add_route("PUT", f"{root}/credentials", credentials.put_credentials)
    app.router.add_route("DELETE", f"{root}/credentials", credentials.delete_credentials)
    app.router.add_get(f"{root}/hubclientinfo", hubclientinfo.get_client_info)
    modules = "|".join(FUNCTIONAL_MODULES)
    app.router.add_route("*", root + r"/{interface:sender|receiver}/{module:" + modules + r"}{rest:(/[\s\S]*)?}", route)
    app.router.add_route("*", CALLBACK_PATH + "/{mapping_id}", call_back)
    app.router.add_get("/health/live", health.live)
    app.router.add_get("/health/ready", health.ready)
    app.router.add_get("/metrics", health.metrics)
    app.cleanup_ctx.append(_running(settings))
    return app


def _running(settings: Settings):
    async def context(app: web.Application):
        async with hub_context(settings, serving=True) as hub:
            app[HUB_CONTEXT] = hub
            tasks = [
                asyncio.create_task(_every(settings.directory_refresh_seconds, hub.directory.refresh, "directory")),
                asyncio.create_task(_every(settings.directory_resync_seconds, hub.directory.resync, "resync")),
                asyncio.create_task(hub.liveness.run()),
                asyncio.create_task(
                    _every(settings.directory_refresh_seconds, hub.routing.refresh_agreements, "agreements")
                ),
                recorder := asyncio.create_task(hub.messages.run()),
                asyncio.create_task(_every(3600, _purge_expired(hub), "purge")),
            ]
            # The directory loaded at start-up lives as long as the process: keep the collector from walking it
            # again and again (with 10,000 platforms those walks showed up in the p99).
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

    return context


async def _every(seconds: float, action, name: str) -> None:
    while True:
        await asyncio.sleep(seconds)
        try:
            await action()
        except Exception:
            log.exception("background task failed", task=name)


def _purge_expired(hub):
    async def purge() -> None:
        now = time.time()
        callbacks = await hub.store.callbacks.purge_expired(now)
        hints = await hub.store.hints.purge_expired(now)
        # Every process has applied a deletion within seconds (and a full resync repeats it); a day is plenty.
        deletions = await hub.store.platforms.purge_deletions(now - 86400)
        await hub.store.admin_sessions.purge_expired(now, hub.settings.admin_session_idle_minutes * 60)
        if callbacks or hints or deletions:
            log.info(
                "expired hub URLs, routing hints and deletion records purged",
                callbacks=callbacks,
                hints=hints,
                deletions=deletions,
            )

    return purge
