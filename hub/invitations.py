"""Onboarding: a platform gets a Token A and the list of parties it may register (used by `ocpi-hub invite`)."""

from __future__ import annotations

import dataclasses
import re
import uuid
from typing import TYPE_CHECKING

import msgspec

from hub.ocpi_objects import ROLES
from hub.timeutil import now_ocpi
from hub.tokens import generate_token, hash_token
from storage.errors import ConcurrentUpdate, PartyAlreadyClaimed
from storage.models import ConnectionStatus, Party, Platform, PlatformState
from storage.ports import Store

if TYPE_CHECKING:
    from hub.context import HubContext

PARTY_PATTERN = re.compile(r"^([A-Za-z]{2})[:*]([A-Za-z0-9]{3})[:*]([A-Za-z]+)$")


class OnboardingError(ValueError):
    """The operator's request cannot be done; the message says why and what to do."""


@dataclasses.dataclass(frozen=True)
class PartyRef:
    country_code: str
    party_id: str
    role: str

    def __str__(self) -> str:
        return f"{self.country_code}:{self.party_id}:{self.role}"


def parse_party(text: str) -> PartyRef:
    """`CC:PID:ROLE` (or `CC*PID*ROLE`), e.g. `NL:TNM:CPO`."""
    match = PARTY_PATTERN.match(text.strip())
    if not match:
        raise OnboardingError(f"party {text!r} is not of the form CC:PID:ROLE (for example NL:TNM:CPO)")
    country_code, party_id, role = (part.upper() for part in match.groups())
    if role not in ROLES or role == "HUB":
        raise OnboardingError(f"party {text!r}: role must be one of {', '.join(r for r in ROLES if r != 'HUB')}")
    return PartyRef(country_code, party_id, role)


@dataclasses.dataclass(frozen=True)
class Invitation:
    platform: Platform
    token_a: str


async def invite(store: Store, parties: list[PartyRef], name: str = "") -> Invitation:
    """A new Token A for the platform that may register these parties. If the parties belong to a platform that is
    not registered (invited earlier, or unregistered since), that platform is invited again and any older Token A
    stops working."""
    token = generate_token()
    platform = await claim_parties(store, parties, PlatformState.INVITED, hash_token(token), name)
    return Invitation(platform, token)


async def claim_parties(
    store: Store, parties: list[PartyRef], state: PlatformState, token_hash: str, name: str = ""
) -> Platform:
    """Create (or take over an unregistered) platform holding exactly these parties, in `state`, with one token."""
    if not parties:
        raise OnboardingError("name at least one party (--party CC:PID:ROLE)")
    if len(set(parties)) != len(parties):
        raise OnboardingError("a party is listed twice")
    timestamp = now_ocpi()
    for _ in range(5):
        holders = {}
        for ref in parties:
            holder = await store.platforms.find_by_party(ref.country_code, ref.party_id, ref.role)
            if holder is not None:
                holders[holder.id] = holder
        if len(holders) > 1:
            raise OnboardingError(f"these parties belong to different platforms ({', '.join(sorted(holders))})")
        new_parties = [
            Party(
                country_code=ref.country_code,
                party_id=ref.party_id,
                role=ref.role,
                status=ConnectionStatus.PLANNED,
                last_updated=timestamp,
            )
            for ref in parties
        ]
        try:
            if not holders:
                return await store.platforms.create(
                    Platform(
                        id=uuid.uuid4().hex,
                        name=name or str(parties[0]),
                        state=state,
                        parties=new_parties,
                        token_hashes=[token_hash],
                        created_at=timestamp,
                        updated_at=timestamp,
                        token_issued_at=timestamp,
                    )
                )
            (holder,) = holders.values()
            if holder.state is PlatformState.REGISTERED:
                raise OnboardingError(
                    f"platform {holder.id} ({holder.name}) is registered with these parties; it rotates its "
                    "credentials itself (credentials PUT)"
                )
            return await store.platforms.save(
                msgspec.structs.replace(
                    holder,
                    name=name or holder.name,
                    state=state,
                    parties=new_parties,
                    token_hashes=[token_hash],
                    retiring_token_hash=None,
                    retiring_until=0.0,
                    peer_token_encrypted=None,
                    updated_at=timestamp,
                    token_issued_at=timestamp,
                )
            )
        except PartyAlreadyClaimed:
            continue  # someone claimed in between: look again
        except ConcurrentUpdate:
            continue
    raise OnboardingError("the parties kept changing hands while inviting; try again")


async def invite_and_announce(context: HubContext, parties: list[PartyRef], name: str = "") -> Invitation:
    """Invite, and push the new PLANNED ClientInfo to the platforms that listen."""
    invitation = await invite(context.store, parties, name)
    context.directory.apply(invitation.platform)
    context.notifier.parties_changed(invitation.platform, invitation.platform.parties)
    return invitation
