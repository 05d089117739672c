"""What the routing core decides: forward to one party, broadcast, answer GET All from the hub, or reject."""

from __future__ import annotations

import dataclasses

from routing.model import PartyEntry, PartyId, Status


@dataclasses.dataclass(frozen=True)
class Forward:
    sender: PartyEntry
    target: PartyEntry
    url: str  # the receiver's endpoint plus the path suffix; the query string is added by the caller
    set_to_headers: bool  # open routing: the hub fills in OCPI-to-* with the party it chose


@dataclasses.dataclass(frozen=True)
class Broadcast:
    sender: PartyEntry
    recipients: tuple[tuple[PartyEntry, str], ...]  # each receiving party and its URL


@dataclasses.dataclass(frozen=True)
class GetAll:
    sender: PartyEntry
    module: str
    owners: tuple[PartyId, ...]  # whose objects the requester may see


@dataclasses.dataclass(frozen=True)
class Reject:
    status: Status
    message: str
    http_status: int = 200


Decision = Forward | Broadcast | GetAll | Reject


@dataclasses.dataclass(frozen=True)
class Lookup:
    """Facts open routing needs from storage before it can decide."""

    kind: str  # owners | hint
    module_or_hint: str  # for owners: the module whose objects to search; for hint: session | reservation
    key: str


@dataclasses.dataclass(frozen=True)
class Facts:
    owners: tuple[PartyId, ...] = ()
    hint_cpo: str | None = None  # party key
    hint_emsp: str | None = None
