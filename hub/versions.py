"""The hub's versions and version details endpoints (OCPI 2.2.1 version_information_endpoint)."""

from __future__ import annotations

from aiohttp import web

from hub.context import HUB_CONTEXT
from hub.edge import authenticate
from hub.envelope import ocpi_response
from hub.registration import FUNCTIONAL_MODULES, HUB_VERSION


def version_details_url(base_url: str) -> str:
    return f"{base_url}/ocpi/{HUB_VERSION}"


def hub_endpoints(base_url: str) -> list[dict[str, str]]:
    """credentials, hubclientinfo as SENDER, and SENDER + RECEIVER of every functional module (the hub routes both)."""
    root = version_details_url(base_url)
    endpoints = [
        {"identifier": "credentials", "role": "SENDER", "url": f"{root}/credentials"},
        {"identifier": "hubclientinfo", "role": "SENDER", "url": f"{root}/hubclientinfo"},
    ]
    for module in FUNCTIONAL_MODULES:
        for role in ("SENDER", "RECEIVER"):
            endpoints.append({"identifier": module, "role": role, "url": f"{root}/{role.lower()}/{module}"})
    return endpoints


async def get_versions(request: web.Request) -> web.Response:
    await authenticate(request, registration_token_allowed=True)
    base_url = request.app[HUB_CONTEXT].settings.base_url
    return ocpi_response([{"version": HUB_VERSION, "url": version_details_url(base_url)}])


async def get_version_details(request: web.Request) -> web.Response:
    await authenticate(request, registration_token_allowed=True)
    base_url = request.app[HUB_CONTEXT].settings.base_url
    return ocpi_response({"version": HUB_VERSION, "endpoints": hub_endpoints(base_url)})
