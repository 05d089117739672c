"""The hub as credentials sender: register with a platform that issued a Token A to the hub (`ocpi-hub connect`).

The handshake in the other direction: GET the platform's versions and details with Token A, create a token for it
(stored as a hash, so the running hub answers the platform's callbacks with it), POST the hub's credentials, keep
the platform's token from the answer (encrypted)."""

from __future__ import annotations

import structlog

from hub.context import HubContext
from hub.credentials import hub_credentials
from hub.envelope import OcpiError
from hub.invitations import OnboardingError, PartyRef, claim_parties
from hub.ocpi_client import CallFailed
from hub.ocpi_objects import parse_credentials
from hub.registration import discover_peer
from hub.timeutil import now_ocpi
from hub.tokens import generate_token, hash_token
from storage.models import AuthEncoding, ConnectionStatus, Platform, PlatformState

log = structlog.get_logger("hub.connect")


async def connect(
    context: HubContext,
    versions_url: str,
    token_a: str,
    parties: list[PartyRef],
    encoding: AuthEncoding = AuthEncoding.BASE64,
    name: str = "",
) -> Platform:
    try:
        peer = await discover_peer(context.client, versions_url, token_a, encoding)
    except OcpiError as error:
        raise OnboardingError(f"cannot use {versions_url} with that Token A: {error.message}") from error
    credentials_url = next(e.url for e in peer.endpoints if e.identifier == "credentials")

    token_b = generate_token()
    platform = await claim_parties(context.store, parties, PlatformState.CONNECTING, hash_token(token_b), name)
    context.directory.apply(platform)
    try:
        reply = await context.client.call(
            "POST", credentials_url, token_a, peer.encoding, body=hub_credentials(context, token_b)
        )
    except CallFailed as error:
        await _abandon(context, platform)
        raise OnboardingError(f"credentials POST to {credentials_url} failed: {error}") from error
    if not reply.ok:
        await _abandon(context, platform)
        raise OnboardingError(
            f"{credentials_url} refused the hub's credentials: HTTP {reply.http_status}, "
            f"status_code {reply.status_code} {reply.message or ''}".strip()
        )
    try:
        credentials = parse_credentials(reply.data)
    except OcpiError as error:
        await _abandon(context, platform)
        raise OnboardingError(f"{credentials_url} answered with {error.message}") from error

    announced = {(r.country_code.upper(), r.party_id.upper(), r.role): r for r in credentials.roles}
    expected = {(p.country_code, p.party_id, p.role) for p in parties}
    unexpected = sorted(set(announced) - expected)
    if unexpected:
        await _withdraw(context, credentials_url, credentials.token, peer.encoding)
        await _abandon(context, platform)
        listed = ", ".join("*".join(key) for key in unexpected)
        raise OnboardingError(f"the platform announced parties you did not name with --party: {listed}")

    timestamp = now_ocpi()

    def change(current: Platform) -> Platform:
        current.state = PlatformState.REGISTERED
        current.peer_token_encrypted = context.cipher.encrypt(credentials.token)
        current.auth_encoding = peer.encoding
        current.versions_url = credentials.url
        current.version = peer.version
        current.endpoints = peer.endpoints
        current.updated_at = current.last_contact_at = timestamp
        for party in current.parties:
            role = announced.get((party.country_code, party.party_id, party.role))
            if role is not None:
                party.status = ConnectionStatus.CONNECTED
                party.last_updated = timestamp
                party.business_details = {"name": role.business_details.name}
        return current

    stored = await context.update_platform(platform.id, change)
    context.notifier.parties_changed(stored, [p for p in stored.parties if p.status is ConnectionStatus.CONNECTED])
    log.info("hub registered with platform", platform=stored.id, versions_url=versions_url)
    return stored


async def _abandon(context: HubContext, platform: Platform) -> None:
    def change(current: Platform) -> Platform:
        current.state = PlatformState.UNREGISTERED
        current.token_hashes = []
        return current

    await context.update_platform(platform.id, change)


async def _withdraw(context: HubContext, credentials_url: str, token: str, encoding: AuthEncoding) -> None:
    try:
        await context.client.call("DELETE", credentials_url, token, encoding)
    except CallFailed as error:
        log.warning("could not withdraw the hub's registration", url=credentials_url, error=str(error))
