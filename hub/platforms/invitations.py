"""Onboarding: a platform gets a Token A and the list of parties it may register (used by `ocpi-hub invite`)."""

from __future__ import annotations

import dataclasses
import uuid

import msgspec

from hub.ocpi.timeutil import now_ocpi
from hub.platforms.clientinfo import ClientInfoNotifier
from hub.platforms.directory import Directory
from hub.platforms.parties import OnboardingError, PartyRef
from hub.platforms.tokens import generate_token, hash_token
from storage.errors import ConcurrentUpdate, PartyAlreadyClaimed
from storage.models import ConnectionStatus, Party, Platform, PlatformState
from storage.ports import Store


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


class Invitations:
    """Invite, and push the new PLANNED ClientInfo to the platforms that listen."""

    def __init__(self, store: Store, directory: Directory, notifier: ClientInfoNotifier) -> None:
        self._store = store
        self._directory = directory
        self._notifier = notifier

    async def invite_and_announce(self, parties: list[PartyRef], name: str = "") -> Invitation:
        invitation = await invite(self._store, parties, name)
        self._directory.apply(invitation.platform)
        self._notifier.parties_changed(invitation.platform, invitation.platform.parties)
        return invitation
