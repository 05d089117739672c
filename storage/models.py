"""Plain records the storage ports read and write. No driver types ever leave `storage/`."""

from __future__ import annotations

import enum
from typing import Any

import msgspec


class PlatformState(enum.StrEnum):
    INVITED = "INVITED"  # the hub issued a Token A; the platform has not registered yet
    CONNECTING = "CONNECTING"  # the hub is registering with the platform (hub as credentials sender)
    REGISTERED = "REGISTERED"  # credentials exchanged; traffic flows
    UNREGISTERED = "UNREGISTERED"  # credentials deleted by either side; tokens are void


class ConnectionStatus(enum.StrEnum):
    """OCPI 2.2.1 ConnectionStatus, as HubClientInfo reports it."""

    CONNECTED = "CONNECTED"
    OFFLINE = "OFFLINE"
    PLANNED = "PLANNED"
    SUSPENDED = "SUSPENDED"


class AuthEncoding(enum.StrEnum):
    """How a platform writes the credentials token in `Authorization: Token ...`."""

    BASE64 = "base64"  # OCPI 2.2.1
    PLAIN = "plain"  # OCPI 2.1.1 and many 2.2 implementations


class Endpoint(msgspec.Struct, frozen=True, gc=False):
    identifier: str
    role: str  # SENDER | RECEIVER
    url: str


class Party(msgspec.Struct, kw_only=True, gc=False):
    country_code: str  # always upper case: OCPI compares CiStrings case-insensitively
    party_id: str
    role: str
    status: ConnectionStatus = ConnectionStatus.PLANNED
    last_updated: str = ""  # OCPI DateTime of the last status change
    business_details: dict[str, Any] | None = None

    @property
    def key(self) -> str:
        return party_key(self.country_code, self.party_id, self.role)


class Platform(msgspec.Struct, kw_only=True, gc=False):
    """One OCPI connection: one set of tokens, one versions URL, one endpoint list, one or more parties."""

    id: str
    name: str = ""
    state: PlatformState = PlatformState.INVITED
    parties: list[Party] = []
    # SHA-256 hex digests of the tokens the hub issued to this platform (Token A while invited, then Token C), and
    # after a credentials POST or PUT the one the platform used until then (see `retiring_token_hash`).
    token_hashes: list[str] = []
    # The previous token, still accepted after a credentials POST or PUT until the platform first uses the new one
    # (its answer may have been lost in flight), and never after `retiring_until` (Unix time).
    retiring_token_hash: str | None = None
    retiring_until: float = 0.0
    # The token this platform issued to the hub (Token B, or Token C when the hub initiated), encrypted at rest.
    peer_token_encrypted: str | None = None
    auth_encoding: AuthEncoding = AuthEncoding.BASE64
    versions_url: str | None = None
    version: str | None = None  # the OCPI version it registered in: 2.3.0, 2.2.1 or 2.1.1
    endpoints: list[Endpoint] = []
    # OCPI 2.3.0: the parties reachable through the hub that the hub's credentials last told this platform of (party
    # keys); when the reachable set differs, the hub PUTs its credentials again.
    announced_parties: list[str] = []
    # The name of the quirk profile (translation.quirks.PROFILES) the hub reads this platform's messages with: known
    # deviations of its implementation, set by the operator; "" for none.
    quirks: str = ""
    # Rate limits per minute that differ from the hub's, by class (authorize, commands, pushes, gets); 0: none.
    rate_limits: dict[str, int] = {}
    created_at: str = ""
    updated_at: str = ""
    token_issued_at: str = ""
    last_contact_at: str = ""
    # Optimistic concurrency: a save succeeds only if nobody saved since this record was read.
    revision: int = 0
    # Store-wide change sequence number: lets every hub process pick up other processes' writes.
    seq: int = 0

    @property
    def party_keys(self) -> list[str]:
        return [party.key for party in self.parties]

    def endpoint(self, identifier: str, role: str) -> Endpoint | None:
        for endpoint in self.endpoints:
            if endpoint.identifier == identifier and endpoint.role == role:
                return endpoint
        return None


class PlatformDeletion(msgspec.Struct, kw_only=True, frozen=True):
    """A deleted platform, kept for a while so every hub process learns of the deletion from the change sequence
    (a deleted record itself leaves nothing to poll for)."""

    platform_id: str
    seq: int  # taken from the same change sequence as platform writes
    deleted_at: float  # Unix time


def party_key(country_code: str, party_id: str, role: str) -> str:
    return f"{country_code.upper()}:{party_id.upper()}:{role.upper()}"


def platform_to_document(platform: Platform) -> dict[str, Any]:
    document = msgspec.to_builtins(platform)
    document["party_keys"] = platform.party_keys
    return document


def platform_from_document(document: dict[str, Any]) -> Platform:
    fields = {key: value for key, value in document.items() if key not in ("_id", "party_keys")}
    return msgspec.convert(fields, Platform)


# --- routing: agreements, callback mappings, routing hints, broadcast objects, message log ---------------------------


class AgreementState(enum.StrEnum):
    PROPOSED = "PROPOSED"  # recorded, routes nothing yet
    ACTIVE = "ACTIVE"  # the two parties may exchange the agreement's modules
    SUSPENDED = "SUSPENDED"  # temporarily routes nothing


class Agreement(msgspec.Struct, kw_only=True):
    """Two parties (party keys `CC:PID:ROLE`, stored in sorted order) may exchange these modules while ACTIVE."""

    id: str
    party_a: str
    party_b: str
    modules: list[str]
    state: AgreementState = AgreementState.ACTIVE
    # Modules (of `modules`) whose pushes between the two the hub delivers durably: kept and retried while the
    # receiver is down (docs/operations.md, "Durable delivery"). Empty: the spec's default, no queue.
    durable: list[str] = []
    created_at: str = ""
    updated_at: str = ""
    revision: int = 0


class DeliveryState(enum.StrEnum):
    PENDING = "PENDING"  # waiting for its next attempt (or leased by a hub process making it)
    DEAD = "DEAD"  # given up on (too old, too many attempts, or refused by the receiver): kept for replay or drop


class QueuedDelivery(msgspec.Struct, kw_only=True):
    """A push the hub took over delivering (durable delivery): the request as the receiver gets it, until it is
    delivered (then it is deleted, body and all) or dropped by an operator."""

    id: str
    seq: int = 0  # the store's order of arrival: deliveries of one object to one receiver go in this order
    receiver_platform_id: str
    receiver: str  # CC:PID
    sender: str  # CC:PID
    sender_platform_id: str = ""
    module: str
    method: str
    url: str  # with the query string
    headers: dict[str, str] = {}  # routing headers
    body: bytes = b""
    object_key: str  # receiver|module|object: what must stay in order
    request_id: str = ""  # the sender's X-Request-ID
    correlation_id: str = ""
    answer_version: str = "2.2.1"
    timeout_seconds: float = 30.0
    created_at: float  # Unix time the hub took it over
    attempts: int = 0
    next_attempt_at: float = 0.0
    last_error: str = ""
    state: DeliveryState = DeliveryState.PENDING
    lease_holder: str = ""
    lease_until: float = 0.0


class TrafficMinute(msgspec.Struct, kw_only=True):
    """One minute of traffic as every hub process adds to it (the dashboard's overview): messages that succeeded
    and failed (party ""), and for each receiving party (CC:PID) its forward latencies, counted per bucket."""

    minute: int  # minutes since the epoch
    party: str = ""
    ok: int = 0
    failed: int = 0
    buckets: list[int] = []  # counts per hub.operations.traffic_stats.LATENCY_BUCKETS_MS bucket


class QueueFigures(msgspec.Struct, kw_only=True):
    """Per receiver: how many deliveries wait, since when, and how many were given up on."""

    receiver_platform_id: str
    pending: int = 0
    dead: int = 0
    oldest_pending_at: float | None = None


class CallbackMapping(msgspec.Struct, kw_only=True):
    """A hub URL handed out in place of a platform's own URL (command `response_url`, CDR `Location`, pagination
    `Link`): who may call it, and where it leads."""

    id: str
    kind: str  # response_url | location | link
    target_url: str  # the original URL, on the platform that will receive the call
    caller_platform_id: str  # the only platform allowed to call the hub URL
    recipient_platform_id: str  # the platform that owns target_url
    module: str
    from_party: str  # `CC:PID` to put in OCPI-from-* when forwarding (the caller's party)
    to_party: str  # `CC:PID` to put in OCPI-to-* (the recipient's party)
    expires_at: float  # Unix time
    created_at: float = 0.0


class RoutingHint(msgspec.Struct, kw_only=True):
    """What open routing learns from traffic: which CPO and eMSP a session or reservation is between."""

    kind: str  # session | reservation
    key: str  # `CC:PID:<id>` of the owning CPO plus the object id, or just the id (see routing.open_routing)
    cpo: str  # party key `CC:PID:ROLE`
    emsp: str  # party key `CC:PID:ROLE`
    expires_at: float


class StoredObject(msgspec.Struct, kw_only=True):
    """The latest broadcast copy of a location, tariff or token, kept to answer GET All via the hub."""

    module: str  # locations | tariffs | tokens
    country_code: str  # the owner's, upper case
    party_id: str
    object_id: str  # location id, tariff id, token uid
    last_updated: str  # as the owner sent it, never changed by the hub
    sort_key: str  # last_updated normalised to UTC `YYYY-MM-DDTHH:MM:SS.ffffffZ`, for filters and order
    body: bytes  # the object as JSON
    alt_key: str = ""  # a second key to find it by: a token's contract id (what 2.1.1 sessions and CDRs name)
    version: str = "2.2.1"  # the OCPI version `body` is in (the owner's; a 2.1.1 owner's objects are kept in 2.2.1)


class MessageRecord(msgspec.Struct, kw_only=True):
    """One routed message: no bodies, no tokens."""

    at: float  # Unix time the hub received it
    request_id: str
    correlation_id: str
    platform_id: str  # the platform that sent it
    from_party: str  # `CC:PID` or ""
    to_party: str  # `CC:PID`, "*" for a broadcast, "" when the hub answered itself
    module: str
    interface: str  # SENDER | RECEIVER | CALLBACK
    method: str
    path: str
    http_status: int  # what the hub answered
    status_code: int | None  # the OCPI status in that answer, when known
    downstream_http_status: int | None = None  # what the receiver answered the hub, when forwarded
    downstream_status_code: int | None = None
    downstream_request_id: str = ""  # the X-Request-ID the hub sent the receiver (what the receiver logged)
    status_message: str = ""  # the status_message of the answer: the hub's reason for a refusal, or the receiver's
    translation: str = ""  # "2.1.1>2.2.1" when the hub translated between versions on the way (request or answer)
    lost: list[str] = []  # what the translation could not carry: "request: evses[0].capabilities", "answer: token"
    latency_ms: float = 0.0
    request_bytes: int = 0
    response_bytes: int = 0
    outcome: str = ""  # forwarded | broadcast | answered | rejected | timeout | unreachable
    recipients: int = 0  # for a broadcast: how many receivers it went to


def message_failed(record: MessageRecord) -> bool:
    """A message that did not succeed: the hub refused it, the receiver could not be reached or answered with an
    error (HTTP 4xx/5xx, or an OCPI status outside 1xxx)."""
    if record.outcome in ("rejected", "timeout", "unreachable"):
        return True
    if record.http_status >= 400:
        return True
    return record.status_code is not None and not 1000 <= record.status_code < 2000


class AdminSession(msgspec.Struct, kw_only=True):
    """A dashboard sign-in. The cookie holds a random value; the store only its SHA-256 digest."""

    id_hash: str
    token_fingerprint: str  # of the admin token it was signed in with: a changed token ends every session
    created_at: float
    last_seen_at: float
    expires_at: float  # however active, it ends then
