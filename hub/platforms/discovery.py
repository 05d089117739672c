"""Peer discovery, which both sides of the credentials handshake need: a platform's versions, the version both
speak, and its endpoints, checked. Used by the hub as credentials receiver (a platform registers with the hub) and
as sender (`ocpi-hub connect`)."""

from __future__ import annotations

import dataclasses
from typing import Any

from hub.ocpi.errors import OcpiError
from hub.ocpi.versions import HUB_VERSION, INTERFACE_ROLES
from hub.platforms.ocpi_client import CallFailed, OcpiClient
from routing.status import Status
from storage.models import AuthEncoding, Endpoint


@dataclasses.dataclass
class PeerVersion:
    version: str
    endpoints: list[Endpoint]
    encoding: AuthEncoding  # the token encoding the peer accepted


async def discover_peer(
    client: OcpiClient, versions_url: str, token: str, encoding: AuthEncoding, correlation_id: str | None = None
) -> PeerVersion:
    """GET the peer's versions, pick 2.2.1, GET its version details. Raises OcpiError with 3001 (the peer's API
    cannot be used), 3002 (no 2.2.1) or 3003 (no credentials endpoint)."""
    reply = await _get(client, versions_url, token, encoding, correlation_id, "versions")
    encoding = reply.encoding
    details_url = _version_url(reply.data, versions_url)
    reply = await _get(client, details_url, token, encoding, correlation_id, "version details")
    endpoints = _endpoints(reply.data, details_url)
    if not any(e.identifier == "credentials" for e in endpoints):
        raise OcpiError(
            Status.NO_MATCHING_ENDPOINTS,
            f"{details_url} lists no credentials endpoint; the hub needs one to stay in touch",
        )
    return PeerVersion(HUB_VERSION, endpoints, encoding)


async def _get(client: OcpiClient, url: str, token: str, encoding: AuthEncoding, correlation_id, what: str):
    try:
        reply = await client.call("GET", url, token, encoding, correlation_id=correlation_id, try_other_encoding=True)
    except CallFailed as error:
        raise OcpiError(Status.UNABLE_TO_USE_CLIENT_API, f"cannot GET your {what}: {error}") from error
    if not reply.ok:
        detail = f"HTTP {reply.http_status}, status_code {reply.status_code}"
        if reply.message:
            detail += f" ({reply.message})"
        raise OcpiError(Status.UNABLE_TO_USE_CLIENT_API, f"GET {url} ({what}) with the token you gave failed: {detail}")
    return reply


def _version_url(data: Any, versions_url: str) -> str:
    # Some implementations wrap the list: {"versions": [...]}. Read both.
    if isinstance(data, dict) and isinstance(data.get("versions"), list):
        data = data["versions"]
    if not isinstance(data, list):
        raise OcpiError(Status.UNABLE_TO_USE_CLIENT_API, f"{versions_url} did not answer with a list of versions")
    offered = []
    for entry in data:
        if isinstance(entry, dict) and isinstance(entry.get("version"), str):
            offered.append(entry["version"])
            if entry["version"] == HUB_VERSION and isinstance(entry.get("url"), str) and entry["url"]:
                return entry["url"]
    raise OcpiError(
        Status.UNSUPPORTED_VERSION,
        f"no mutual version: the hub speaks OCPI {HUB_VERSION}, {versions_url} offers {', '.join(offered) or 'none'}",
    )


def _endpoints(data: Any, details_url: str) -> list[Endpoint]:
    if not isinstance(data, dict) or not isinstance(data.get("endpoints"), list):
        raise OcpiError(Status.UNABLE_TO_USE_CLIENT_API, f"{details_url} did not answer with version details")
    if data.get("version") not in (None, HUB_VERSION):
        raise OcpiError(
            Status.UNSUPPORTED_VERSION, f"{details_url} describes version {data.get('version')}, not {HUB_VERSION}"
        )
    endpoints = []
    for entry in data["endpoints"]:
        if not isinstance(entry, dict):
            continue
        identifier, role, url = entry.get("identifier"), entry.get("role"), entry.get("url")
        if isinstance(identifier, str) and isinstance(url, str) and url:
            # The interface role is irrelevant for credentials (2.2.1 Endpoint class NOTE).
            role = role if role in INTERFACE_ROLES else "SENDER"
            endpoints.append(Endpoint(identifier=identifier, role=role, url=url))
    return endpoints
