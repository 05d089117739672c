"""Registered platforms written straight into a store, as if each had done the credentials handshake: the CPOs and
eMSPs the benchmark drives, and any number of extra platforms for the scale scenario."""

from __future__ import annotations

import dataclasses
import uuid

from hub.ocpi.timeutil import now_ocpi
from hub.ocpi.versions import MODULES_211, interface_of
from hub.platforms.agreements import add as add_agreement
from hub.platforms.parties import parse_party
from hub.platforms.tokens import TokenCipher, hash_token
from routing.model import CPO_INTERFACE, MODULES_OF_VERSION
from storage.models import AuthEncoding, ConnectionStatus, Endpoint, Party, Platform, PlatformState, StoredObject
from storage.opening import open_store

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def party_id(number: int) -> str:
    """A 3-character party id for numbers up to 36^3."""
    return "".join(ALPHABET[(number // 36**power) % 36] for power in (2, 1, 0))


@dataclasses.dataclass(frozen=True)
class Seeded:
    party: str  # CC:PID:ROLE
    token: str  # the token this platform uses towards the hub
    slot: int  # its platform's number in the receiver's paths (/p/{slot}/...)


def endpoints_211(receiver: str, slot: int, cpo: bool) -> list[Endpoint]:
    """A 2.1.1 platform's: one URL per module, stored with the interface its role implements."""
    base = f"{receiver}/p/{slot}/ocpi/2.1.1"
    result = [Endpoint("credentials", "SENDER", f"{base}/credentials")]
    for module in MODULES_211:
        result.append(Endpoint(module, interface_of(module, "CPO" if cpo else "EMSP"), f"{base}/{module}/"))
    return result


def endpoints(receiver: str, slot: int, cpo: bool, version: str = "2.2.1") -> list[Endpoint]:
    base = f"{receiver}/p/{slot}/ocpi/{version}"
    result = [Endpoint("credentials", "SENDER", f"{base}/credentials")]
    for module in MODULES_OF_VERSION[version]:
        interface = CPO_INTERFACE[module] if cpo else ("RECEIVER" if CPO_INTERFACE[module] == "SENDER" else "SENDER")
        result.append(Endpoint(module, interface, f"{base}/{interface.lower()}/{module}"))
    return result


async def seed(
    store_url: str,
    secret_key: str,
    receiver: str,
    *,
    cpos: list[str],
    emsps: list[str],
    extra_platforms: int = 0,
    agreements: list[tuple[str, str]] = (),
    speak_211: tuple[str, ...] = (),
    speak_230: tuple[str, ...] = (),
    objects: list[StoredObject] = (),
) -> dict[str, Seeded]:
    """Parties are `CC:PID:ROLE`; each gets its own platform (those in `speak_211` registered in OCPI 2.1.1, plain
    tokens; those in `speak_230` in 2.3.0). `objects`: copies the hub holds (tokens a 2.1.1 session names). Returns
    each party's token towards the hub."""
    cipher = TokenCipher(secret_key)
    store = await open_store(store_url)
    timestamp = now_ocpi()
    seeded = {}
    try:
        everyone = [(p, True) for p in cpos] + [(p, False) for p in emsps]
        everyone += [(f"ZZ:{party_id(number)}:CPO", True) for number in range(extra_platforms)]
        for slot, (party_text, cpo) in enumerate(everyone):
            reference = parse_party(party_text)
            old = party_text in speak_211
            version = "2.1.1" if old else "2.3.0" if party_text in speak_230 else "2.2.1"
            token = f"bench-{uuid.uuid4().hex}"
            await store.platforms.create(
                Platform(
                    id=f"bench-{slot}",
                    name=party_text,
                    state=PlatformState.REGISTERED,
                    parties=[
                        Party(
                            country_code=reference.country_code,
                            party_id=reference.party_id,
                            role=reference.role,
                            status=ConnectionStatus.CONNECTED,
                            last_updated=timestamp,
                        )
                    ],
                    token_hashes=[hash_token(token)],
                    peer_token_encrypted=cipher.encrypt(f"peer-{slot}"),
                    auth_encoding=AuthEncoding.PLAIN if old else AuthEncoding.BASE64,
                    versions_url=f"{receiver}/p/{slot}/ocpi/versions",
                    version=version,
                    endpoints=endpoints_211(receiver, slot, cpo) if old else endpoints(receiver, slot, cpo, version),
                    created_at=timestamp,
                    updated_at=timestamp,
                    token_issued_at=timestamp,
                )
            )
            seeded[party_text] = Seeded(party_text, token, slot)
        for stored in objects:
            await store.objects.put(stored)
        for first, second in agreements:
            await add_agreement(store, parse_party(first), parse_party(second), [])
    finally:
        await store.close()
    return seeded
