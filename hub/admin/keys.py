"""What the admin sub-application keeps: the hub's parts, and the admin credentials."""

from __future__ import annotations

from aiohttp import web

from hub.admin.auth import AdminAuth
from hub.assembly import Hub

HUB = web.AppKey("hub", Hub)
ADMIN_AUTH = web.AppKey("admin_auth", AdminAuth)
