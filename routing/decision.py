"""What the routing core decides: forward to one party, broadcast, answer GET All from the hub, or reject; and,
with a forward, what the hub rewrites, learns and waits for. Plain data: the hub carries it out."""

from __future__ import annotations

import dataclasses

from routing.model import PartyEntry, PartyId
from routing.status import Status


@dataclasses.dataclass(frozen=True)
class StandIn:
    """A URL of the requester's in the request that the receiver gets a hub URL for (it can neither call it with
    its credentials nor perhaps reach it)."""

    where: str  # body: the top-level `response_url`; query: the `response_url` query parameter
    # How long the hub URL lives: command_result (command_result_ttl_seconds), or until `until` plus that.
    until: str | None = None  # an OCPI DateTime (a RESERVE_NOW's expiry_date: a CANCELED_RESERVATION may come)


@dataclasses.dataclass(frozen=True)
class Learn:
    """What open routing learns from this request once the receiver accepted it: which CPO and eMSP a session or a
    reservation is between, kept under each key (ids are unique only within one party)."""

    kind: str  # session | reservation
    keys: tuple[str, ...]
    cpo: str  # party key
    emsp: str  # party key
    lifetime: str  # session: session_hint_ttl_days; command_result: as the reservation's stand-in URL
    until: str | None = None


@dataclasses.dataclass(frozen=True)
class Forward:
    sender: PartyEntry
    target: PartyEntry
    url: str  # the receiver's endpoint plus the path suffix; the query string is added by the caller
    set_to_headers: bool  # open routing: the hub fills in OCPI-to-* with the party it chose
    timeout: str = ""  # the time limit that applies: "authorize", or the module's
    stand_ins: tuple[StandIn, ...] = ()  # the requester's URLs in the request
    location_stand_in: bool = False  # the receiver's `Location` (a CDR's) gets a stand-in for the requester
    learn: tuple[Learn, ...] = ()
    # The hub keeps a copy of the session or CDR for the receiver (GetAll.recipient): it cannot ask the CPO.
    keep_copy: bool = False
    # The two parties agreed that the hub delivers this push durably; `object_key` is what stays in order.
    durable: bool = False
    object_key: str = ""


@dataclasses.dataclass(frozen=True)
class Broadcast:
    sender: PartyEntry
    recipients: tuple[tuple[PartyEntry, str], ...]  # each receiving party and its URL
    object_key: str  # `CC/PID/id` of the object: deliveries for one object stay in order


@dataclasses.dataclass(frozen=True)
class GetAll:
    sender: PartyEntry
    module: str
    owners: tuple[PartyId, ...]  # whose objects the requester may see
    # Only the objects the hub passed on to this party (sessions and CDRs it keeps for parties whose version has no
    # routing headers to ask one CPO with); None: every object of the owners.
    recipient: PartyId | None = None


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
