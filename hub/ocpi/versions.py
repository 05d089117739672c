"""The OCPI versions the hub serves (2.3.0, 2.2.1 and 2.1.1; 2.2.1 is the one its routing core and copies speak),
the paths it serves them under, and the versions and version details endpoints."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from aiohttp import web

from hub.ocpi.envelope import ocpi_response
from routing.model import CPO_INTERFACE, MODULES_OF_VERSION
from storage.models import Platform

HUB_VERSION = "2.2.1"  # the version the routing core speaks (and the hub's own objects are shaped in)
V211 = "2.1.1"
V230 = "2.3.0"
# Best first: the hub as credentials sender picks the first the peer offers.
SUPPORTED_VERSIONS = (V230, HUB_VERSION, V211)
VERSIONS_PATH = "/ocpi/versions"
INTERFACE_ROLES = ("SENDER", "RECEIVER")
MODULES_211 = MODULES_OF_VERSION[V211]

# authenticate(request, registration_token_allowed=...) -> the caller; raises OcpiError (HTTP 401) otherwise.
Authenticate = Callable[..., Awaitable[Any]]


def version_root(version: str = HUB_VERSION) -> str:
    """The path every module of a version lives under: /ocpi/2.2.1."""
    return f"/ocpi/{version}"


CALLBACK_PATH = version_root() + "/hub/callback"  # stand-in URLs: {CALLBACK_PATH}/{mapping id}


def interface_of(module: str, role: str) -> str:
    """The 2.2.1 interface (SENDER or RECEIVER) a party in `role` implements in `module`: what a 2.1.1 endpoint,
    which has no role, is."""
    cpo_side = CPO_INTERFACE[module]
    if role == "CPO":
        return cpo_side
    return "RECEIVER" if cpo_side == "SENDER" else "SENDER"


def hub_endpoints_211(base_url: str, caller_role: str) -> list[dict[str, str]]:
    """The hub's 2.1.1 endpoints for a caller in `caller_role`. 2.1.1 endpoints have no role: the hub is the other
    side of every module to the caller (a CPO sees the hub as an eMSP: locations, sessions, cdrs and tariffs to push
    to, tokens to pull and authorize at, commands for results; an eMSP sees it as a CPO), under one URL per module."""
    root = base_url + version_root(V211)
    endpoints = [{"identifier": "credentials", "url": f"{root}/credentials"}]
    # With a slash at the end: some 2.1.1 clients append `{cc}/{pid}/{id}` without one (and others with one).
    endpoints += [{"identifier": module, "url": f"{root}/{module}/"} for module in MODULES_211]
    return endpoints


def hub_endpoints(
    base_url: str, version: str = HUB_VERSION, custom_modules: Iterable[str] = ()
) -> list[dict[str, str]]:
    """credentials, hubclientinfo as SENDER, and SENDER + RECEIVER of every functional module of `version` (the hub
    routes both), and of the custom modules given (those the caller agreed to use)."""
    root = base_url + version_root(version)
    endpoints = [
        {"identifier": "credentials", "role": "SENDER", "url": f"{root}/credentials"},
        {"identifier": "hubclientinfo", "role": "SENDER", "url": f"{root}/hubclientinfo"},
    ]
    for module in (*MODULES_OF_VERSION[version], *custom_modules):
        for role in INTERFACE_ROLES:
            endpoints.append({"identifier": module, "role": role, "url": f"{root}/{role.lower()}/{module}"})
    return endpoints


class VersionsEndpoint:
    def __init__(
        self,
        authenticate: Authenticate,
        base_url: str,
        custom_modules_for: Callable[[Platform], list[str]] = lambda platform: [],
    ) -> None:
        self._authenticate = authenticate
        self._base_url = base_url
        self._custom_modules_for = custom_modules_for

    async def versions(self, request: web.Request) -> web.Response:
        await self._authenticate(request, registration_token_allowed=True)
        return ocpi_response(
            [{"version": version, "url": self._base_url + version_root(version)} for version in SUPPORTED_VERSIONS]
        )

    async def details(self, request: web.Request) -> web.Response:
        caller = await self._authenticate(request, registration_token_allowed=True)
        custom = self._custom_modules_for(caller.platform)
        return ocpi_response({"version": HUB_VERSION, "endpoints": hub_endpoints(self._base_url, HUB_VERSION, custom)})

    async def details_230(self, request: web.Request) -> web.Response:
        caller = await self._authenticate(request, registration_token_allowed=True)
        custom = self._custom_modules_for(caller.platform)
        return ocpi_response({"version": V230, "endpoints": hub_endpoints(self._base_url, V230, custom)})

    async def details_211(self, request: web.Request) -> web.Response:
        caller = await self._authenticate(request, registration_token_allowed=True)
        role = caller.platform.parties[0].role if caller.platform.parties else "EMSP"
        return ocpi_response({"version": V211, "endpoints": hub_endpoints_211(self._base_url, role)})
