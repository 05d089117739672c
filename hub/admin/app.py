"""The admin sub-application, mounted at /admin: the JSON API under /admin/api/ and the dashboard pages, with
their own middlewares (admin credentials, CSRF), templates and static files. OCPI requests never pass through it."""

from __future__ import annotations

from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web

from hub.admin import api, pages
from hub.admin.auth import AdminAuth, load_admin_token
from hub.admin.keys import ADMIN_AUTH, HUB
from hub.assembly import Hub


def admin_app(hub: Hub) -> web.Application:
    settings = hub.settings
    app = web.Application(middlewares=[api.api_guard, pages.page_guard])
    app[HUB] = hub
    app[ADMIN_AUTH] = AdminAuth(
        load_admin_token(settings), settings.admin_session_idle_minutes * 60, settings.admin_session_hours * 3600
    )
    aiohttp_jinja2.setup(
        app, loader=jinja2.PackageLoader("hub", "templates"), autoescape=jinja2.select_autoescape(["html"])
    )
    app.router.add_static("/static/", Path(__file__).parent.parent / "static")
    api.add_routes(app)
    pages.add_routes(app)
    return app
