"""Peer discovery, which both sides of the credentials handshake need: a platform's versions, the version both
speak, and its endpoints, checked. Used by the hub as credentials receiver (a platform registers with the hub) and
as sender (`ocpi-hub connect`)."""

from __future__ import annotations

import dataclasses
from typing import Any

from hub.ocpi.errors import OcpiError
from hub.ocpi.versions import INTERFACE_ROLES, SUPPORTED_VERSIONS, V211, interface_of
from hub.platforms.ocpi_client import CallFailed, OcpiClient
from routing.model import CPO_INTERFACE
from routing.status import Status
from storage.models import AuthEncoding, Endpoint


@dataclasses.dataclass
class PeerVersion:
    version: str
    endpoints: list[Endpoint]
    encoding: AuthEncoding  # the token encoding the peer accepted


async def discover_peer(
    client: OcpiClient,
    versions_url: str,
    token: str,
    encoding: AuthEncoding,
    correlation_id: str | None = None,
    *,
    version: str | None = None,
    party_role: str | None = None,
) -> PeerVersion:
    """GET the peer's versions, pick `version` (a platform registering in that version) or else the best one both
    speak (the hub registering with a platform), GET its version details. `party_role`: the role of a 2.1.1 peer's
    one party, whose endpoints carry no interface role (it follows from the party's role). Raises OcpiError with
    3001 (the peer's API cannot be used), 3002 (no mutual version) or 3003 (no credentials endpoint)."""
    reply = await _get(client, versions_url, token, encoding, correlation_id, "versions")
    encoding = reply.encoding
    version, details_url = _version_url(reply.data, versions_url, (version,) if version else SUPPORTED_VERSIONS)
    reply = await _get(client, details_url, token, encoding, correlation_id, "version details")
    endpoints = _endpoints(reply.data, details_url, version, party_role or "EMSP")
    if not any(e.identifier == "credentials" for e in endpoints):
        raise OcpiError(
            Status.NO_MATCHING_ENDPOINTS,
            f"{details_url} lists no credentials endpoint; the hub needs one to stay in touch",
        )
    return PeerVersion(version, endpoints, encoding)


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


def _version_url(data: Any, versions_url: str, wanted: tuple[str, ...]) -> tuple[str, str]:
    # Some implementations wrap the list: {"versions": [...]}. Read both.
    if isinstance(data, dict) and isinstance(data.get("versions"), list):
        data = data["versions"]
    if not isinstance(data, list):
        raise OcpiError(Status.UNABLE_TO_USE_CLIENT_API, f"{versions_url} did not answer with a list of versions")
    offered: dict[str, str] = {}
    for entry in data:
        if isinstance(entry, dict) and isinstance(entry.get("version"), str):
            url = entry.get("url")
            offered[entry["version"]] = url if isinstance(url, str) else ""
    for version in wanted:
        if offered.get(version):
            return version, offered[version]
    raise OcpiError(
        Status.UNSUPPORTED_VERSION,
        f"no mutual version: the hub speaks OCPI {' or '.join(wanted)} here, {versions_url} offers "
        f"{', '.join(offered) or 'none'}",
    )


def _endpoints(data: Any, details_url: str, version: str, party_role: str) -> list[Endpoint]:
    if not isinstance(data, dict) or not isinstance(data.get("endpoints"), list):
        raise OcpiError(Status.UNABLE_TO_USE_CLIENT_API, f"{details_url} did not answer with version details")
    if data.get("version") not in (None, version):
        raise OcpiError(
            Status.UNSUPPORTED_VERSION, f"{details_url} describes version {data.get('version')}, not {version}"
        )
    endpoints = []
    for entry in data["endpoints"]:
        if not isinstance(entry, dict):
            continue
        identifier, role, url = entry.get("identifier"), entry.get("role"), entry.get("url")
        if not (isinstance(identifier, str) and isinstance(url, str) and url):
            continue
        if version == V211:
            # No interface role in 2.1.1: the party's role says which side of the module this endpoint is.
            role = interface_of(identifier, party_role) if identifier in CPO_INTERFACE else "SENDER"
        # The interface role is irrelevant for credentials (2.2.1 Endpoint class NOTE).
        role = role if role in INTERFACE_ROLES else "SENDER"
        endpoints.append(Endpoint(identifier=identifier, role=role, url=url))
    return endpoints
