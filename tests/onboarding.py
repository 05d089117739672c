"""Test helpers: invite a platform on a running hub, and register it."""

from __future__ import annotations

from hub.platforms.parties import parse_party
from tests.hub_server import RunningHub
from tests.platform_sim import SimulatedPlatform


async def invite_for(hub: RunningHub, platform: SimulatedPlatform, extra: tuple[str, ...] = ()) -> str:
    parties = [parse_party(f"{r.country_code}:{r.party_id}:{r.role}") for r in platform.roles]
    parties += [parse_party(text) for text in extra]
    invitation = await hub.context.invitations.invite_and_announce(parties)
    return invitation.token_a


async def onboard(hub: RunningHub, platform: SimulatedPlatform) -> None:
    token_a = await invite_for(hub, platform)
    answer = await platform.register(hub.versions_url, token_a)
    assert (answer.status, answer.status_code) == (200, 1000), answer.body
