"""The hub as credentials receiver: POST (register with Token A), GET, PUT (update, rotate), DELETE (unregister).

Before answering a POST or PUT the hub GETs the platform's versions and version details with the platform's new
token; nothing is stored unless that succeeds, so a failed handshake leaves the platform exactly as it was."""

from __future__ import annotations

import time

import structlog
from aiohttp import web

from hub.context import HUB_CONTEXT, HubContext
from hub.directory import Caller
from hub.edge import authenticate, read_json, request_ids
from hub.envelope import CLIENT_ERROR, INVALID_PARAMETERS, SERVER_ERROR, OcpiError, ocpi_response
from hub.ocpi_objects import Credentials, parse_credentials
from hub.registration import discover_peer
from hub.timeutil import now_ocpi
from hub.tokens import generate_token, hash_token, mask
from storage.errors import ConcurrentUpdate
from storage.models import ConnectionStatus, Party, Platform, PlatformState

log = structlog.get_logger("hub.credentials")

REGISTERED_ALLOW = "GET, PUT, DELETE"
UNREGISTERED_ALLOW = "GET, POST"


def hub_credentials(context: HubContext, token: str) -> dict:
    """The hub's own credentials: in OCPI 2.2.1 a hub lists only itself, with role HUB."""
    settings = context.settings
    business_details = {"name": settings.business_name}
    if settings.business_website:
        business_details["website"] = settings.business_website
    return {
        "token": token,
        "url": settings.versions_url,
        "roles": [
            {
                "role": "HUB",
                "business_details": business_details,
                "party_id": settings.party_id,
                "country_code": settings.country_code,
            }
        ],
    }


async def get_credentials(request: web.Request) -> web.Response:
    caller = await authenticate(request, registration_token_allowed=True)
    # The hub keeps only hashes of the tokens it issued; the token the caller authenticated with is the one it uses.
    return ocpi_response(hub_credentials(request.app[HUB_CONTEXT], caller.token))


async def post_credentials(request: web.Request) -> web.Response:
    caller = await authenticate(request, registration_token_allowed=True)
    if caller.platform.state is PlatformState.REGISTERED and caller.retiring:
        # The Token A of a registration whose answer never arrived: register again, with a new Token C.
        return await _exchange(request, caller, PlatformState.REGISTERED)
    if caller.platform.state is PlatformState.REGISTERED:
        raise _not_allowed(
            "already registered: use PUT to update credentials, or DELETE to unregister", REGISTERED_ALLOW
        )
    if caller.platform.state is not PlatformState.INVITED:
        raise _not_allowed("the hub is registering with this platform itself; wait for it to finish", "GET")
    return await _exchange(request, caller, PlatformState.INVITED)


async def put_credentials(request: web.Request) -> web.Response:
    caller = await authenticate(request, registration_token_allowed=True)
    if caller.platform.state is not PlatformState.REGISTERED:
        raise _not_allowed("not registered: use POST with your Token A to register", UNREGISTERED_ALLOW)
    return await _exchange(request, caller, PlatformState.REGISTERED)


async def delete_credentials(request: web.Request) -> web.Response:
    caller = await authenticate(request, registration_token_allowed=True)
    if caller.platform.state is not PlatformState.REGISTERED:
        raise _not_allowed("not registered: there are no credentials to delete", UNREGISTERED_ALLOW)
    context = request.app[HUB_CONTEXT]
    stored = await unregister(context, caller.platform.id)
    log.info("platform unregistered itself", platform=stored.id, request_id=request_ids(request)[0])
    return ocpi_response()


async def unregister(context: HubContext, platform_id: str) -> Platform:
    """Void the platform's tokens, forget its token for the hub, and report its parties SUSPENDED to the others."""
    timestamp = now_ocpi()

    def change(platform: Platform) -> Platform:
        platform.state = PlatformState.UNREGISTERED
        platform.token_hashes = []
        platform.retiring_token_hash = None
        platform.retiring_until = 0.0
        platform.peer_token_encrypted = None
        platform.updated_at = timestamp
        for party in platform.parties:
            party.status = ConnectionStatus.SUSPENDED
            party.last_updated = timestamp
        return platform

    before = context.directory.get(platform_id)
    stored = await context.update_platform(platform_id, change)
    context.notifier.parties_changed(stored, _changed_parties(before, stored))
    return stored


async def _exchange(request: web.Request, caller: Caller, expected_state: PlatformState) -> web.Response:
    context = request.app[HUB_CONTEXT]
    request_id, correlation_id = request_ids(request)
    credentials = parse_credentials(await read_json(request))
    platform = caller.platform
    claimed = _claimed_parties(context, platform, credentials)

    peer = await discover_peer(
        context.client, credentials.url, credentials.token, caller.encoding, correlation_id=correlation_id
    )
    token = generate_token()
    timestamp = now_ocpi()
    business = {(r.country_code.upper(), r.party_id.upper(), r.role): r.business_details for r in credentials.roles}

    used = hash_token(caller.token)
    overlap = context.settings.credentials_overlap_seconds

    def change(current: Platform) -> Platform:
        if current.state is not platform.state or not _still_valid(current, used, caller.retiring):
            # Another request with the same token won the race (or the operator intervened): this token is spent.
            if current.state is PlatformState.REGISTERED and expected_state is PlatformState.INVITED:
                raise _not_allowed("already registered: use PUT to update credentials", REGISTERED_ALLOW)
            raise OcpiError(CLIENT_ERROR, "these credentials were replaced while the request ran", 401)
        current.state = PlatformState.REGISTERED
        # The token used for this request stays valid until the platform first uses the new one: should this
        # answer be lost, the platform can retry. A retry with it does not extend its life.
        if not caller.retiring:
            current.retiring_token_hash = used if overlap > 0 else None
            current.retiring_until = time.time() + overlap if overlap > 0 else 0.0
        retiring = current.retiring_token_hash
        current.token_hashes = [hash_token(token)] + ([retiring] if retiring else [])
        current.peer_token_encrypted = context.cipher.encrypt(credentials.token)
        current.auth_encoding = peer.encoding
        current.versions_url = credentials.url
        current.version = peer.version
        current.endpoints = peer.endpoints
        current.updated_at = current.token_issued_at = current.last_contact_at = timestamp
        for party in current.parties:
            key = (party.country_code, party.party_id, party.role)
            status = ConnectionStatus.CONNECTED if key in claimed else ConnectionStatus.PLANNED
            if key in business:
                party.business_details = _business_dict(business[key])
            if party.status is not status:
                party.status = status
                party.last_updated = timestamp
        return current

    try:
        stored = await context.update_platform(platform.id, change)
    except ConcurrentUpdate as error:
        raise OcpiError(SERVER_ERROR, "the hub's store is too busy to register you now; try again") from error
    context.notifier.parties_changed(stored, _changed_parties(platform, stored))
    log.info(
        "platform registered" if expected_state is PlatformState.INVITED else "platform updated its credentials",
        platform=stored.id,
        parties=[p.key for p in stored.parties if p.status is ConnectionStatus.CONNECTED],
        versions_url=credentials.url,
        token=mask(token),
        auth_encoding=peer.encoding.value,
        request_id=request_id,
    )
    return ocpi_response(hub_credentials(context, token))


def _still_valid(platform: Platform, token_hash: str, retiring: bool) -> bool:
    """The token is still what it was when the request authenticated: current, or the retiring one."""
    return token_hash in platform.token_hashes and (token_hash == platform.retiring_token_hash) == retiring


def _claimed_parties(context: HubContext, platform: Platform, credentials: Credentials) -> set[tuple[str, str, str]]:
    allowed = {(p.country_code, p.party_id, p.role) for p in platform.parties}
    claimed = set()
    for role in credentials.roles:
        key = (role.country_code.upper(), role.party_id.upper(), role.role)
        if key not in allowed:
            raise OcpiError(INVALID_PARAMETERS, _refusal(context, platform, key))
        claimed.add(key)
    return claimed


def _refusal(context: HubContext, platform: Platform, key: tuple[str, str, str]) -> str:
    country_code, party_id, role = key
    holder = next(
        (
            p
            for p in context.directory.platforms()
            if p.id != platform.id and any((x.country_code, x.party_id, x.role) == key for x in p.parties)
        ),
        None,
    )
    allowed = ", ".join(f"{p.country_code}*{p.party_id} ({p.role})" for p in platform.parties)
    if holder is not None:
        return (
            f"party {country_code}*{party_id} ({role}) belongs to another platform on this hub; "
            f"you may register: {allowed}"
        )
    return (
        f"party {country_code}*{party_id} ({role}) is not one this platform was invited for; you may register: "
        f"{allowed}. Ask the hub operator to invite it."
    )


def _business_dict(details) -> dict:
    result = {"name": details.name}
    if details.website:
        result["website"] = details.website
    if details.logo:
        result["logo"] = details.logo
    return result


def _changed_parties(before: Platform | None, after: Platform) -> list[Party]:
    previous = {p.key: p.status for p in before.parties} if before else {}
    return [p for p in after.parties if previous.get(p.key) is not p.status]


def _not_allowed(message: str, allow: str) -> OcpiError:
    return OcpiError(CLIENT_ERROR, message, 405, headers={"Allow": allow})
