"""The OCPI version the hub serves, the paths it serves it under, and the versions and version details endpoints
(OCPI 2.2.1 version_information_endpoint)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from hub.ocpi.envelope import ocpi_response
from routing.model import FUNCTIONAL_MODULES

HUB_VERSION = "2.2.1"
VERSIONS_PATH = "/ocpi/versions"
INTERFACE_ROLES = ("SENDER", "RECEIVER")

# authenticate(request, registration_token_allowed=...) -> the caller; raises OcpiError (HTTP 401) otherwise.
Authenticate = Callable[..., Awaitable[Any]]


def version_root(version: str = HUB_VERSION) -> str:
    """The path every module of a version lives under: /ocpi/2.2.1."""
    return f"/ocpi/{version}"


CALLBACK_PATH = version_root() + "/hub/callback"  # stand-in URLs: {CALLBACK_PATH}/{mapping id}


def hub_endpoints(base_url: str) -> list[dict[str, str]]:
    """credentials, hubclientinfo as SENDER, and SENDER + RECEIVER of every functional module (the hub routes both)."""
    root = base_url + version_root()
    endpoints = [
        {"identifier": "credentials", "role": "SENDER", "url": f"{root}/credentials"},
        {"identifier": "hubclientinfo", "role": "SENDER", "url": f"{root}/hubclientinfo"},
    ]
    for module in FUNCTIONAL_MODULES:
        for role in INTERFACE_ROLES:
            endpoints.append({"identifier": module, "role": role, "url": f"{root}/{role.lower()}/{module}"})
    return endpoints


class VersionsEndpoint:
    def __init__(self, authenticate: Authenticate, base_url: str) -> None:
        self._authenticate = authenticate
        self._base_url = base_url

    async def versions(self, request: web.Request) -> web.Response:
        await self._authenticate(request, registration_token_allowed=True)
        return ocpi_response([{"version": HUB_VERSION, "url": self._base_url + version_root()}])

    async def details(self, request: web.Request) -> web.Response:
        await self._authenticate(request, registration_token_allowed=True)
        return ocpi_response({"version": HUB_VERSION, "endpoints": hub_endpoints(self._base_url)})
