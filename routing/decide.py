"""The routing decision: pure, no I/O. Follows OCPI 2.2.1 Message Routing (transport_and_format.asciidoc).

- TO names a party: directed request, forwarded with TO/FROM unchanged.
- TO is the hub: a push of locations, tariffs or tokens is a broadcast (so is a tariff's DELETE); a GET of a list is
  GET All via the hub.
- No TO: open routing, by what the request says (checklist §3.6); pushes of locations, tariffs and tokens are
  broadcasts, list GETs of them are GET All via the hub.
- Parties whose version has no routing headers (2.1.1) are always routed openly; their sessions and CDRs lists are
  answered from the copies the hub keeps of those passed to them (Forward.keep_copy, GetAll.recipient).
Nothing passes between two parties without an active agreement covering the module, unless the policy is open."""

from __future__ import annotations

from collections.abc import Callable

from routing.decision import Broadcast, Decision, Facts, Forward, GetAll, Learn, Lookup, Reject, StandIn
from routing.model import (
    BROADCAST_MODULES,
    BROADCAST_RECIPIENT_ROLES,
    CPO_INTERFACE,
    CUSTOM_MODULE_VERSIONS,
    FUNCTIONAL_MODULES,
    MODULES_OF_VERSION,
    RECEIVER,
    SENDER,
    AgreementBook,
    PartyEntry,
    PartyId,
    PartyTable,
)
from routing.request import RoutingRequest
from routing.status import Status

LOCATION_COMMANDS = ("START_SESSION", "RESERVE_NOW", "UNLOCK_CONNECTOR")
# Broadcast objects the owner may delete (OCPI 2.2.1 has a Receiver DELETE for tariffs only; locations and tokens
# are never deleted, they are marked removed or invalid): the DELETE goes to everyone who got the object.
DELETABLE_BROADCASTS = ("tariffs",)
# Versions without routing headers (OCPI 2.1.1): their parties cannot name the CPO a sessions or CDRs list comes
# from, so the hub keeps a copy of each session and CDR it passes to them and answers their list GETs from those.
HEADERLESS_VERSIONS = ("2.1.1",)
RECIPIENT_COPIED_MODULES = ("sessions", "cdrs")


def target_is_cpo(module: str, interface: str) -> bool:
    """A request to the hub's interface X goes to the receiver's interface X; is that receiver a CPO?"""
    return CPO_INTERFACE[module] == interface


def _fits(entry: PartyEntry, cpo_side: bool) -> bool:
    return entry.role == "CPO" if cpo_side else entry.role not in ("CPO", "HUB")


def _side(module: str, cpo_side: bool) -> tuple[Callable[[PartyEntry], bool], str]:
    """Which parties may be on this side of the module, and how to name them. A custom module's sides are the
    parties' own business: any role but the hub's."""
    if module not in CPO_INTERFACE:
        return (lambda entry: entry.role != "HUB"), "party"
    return (lambda entry: _fits(entry, cpo_side)), ("CPO" if cpo_side else "non-CPO")


def hint_key(party_key: str, object_id: str) -> str:
    """Routing hints are kept per party: session and reservation ids are unique only within one CPO."""
    return f"{party_key}|{object_id}"


def prepare(request: RoutingRequest, directory: PartyTable) -> tuple[PartyEntry | Reject, Lookup | None]:
    """The first half of a decision: who sends the request, and which storage facts open routing needs before the
    second half (`decide`, given those facts and this sender) can be made."""
    sender = resolve_sender(request, directory)
    return sender, lookup_needed(request, sender)


def lookup_needed(request: RoutingRequest, sender: PartyEntry | Reject) -> Lookup | None:
    """The storage facts open routing needs for this request from this sender, if any (only without TO)."""
    if request.to is not None or isinstance(sender, Reject):
        return None
    keys, module = request.keys, request.module
    if module == "tokens" and keys.token_uid:
        return Lookup("owners", "tokens", token_object_id(keys.token_uid, keys.token_type))
    if module == "commands" and keys.command in LOCATION_COMMANDS and keys.location_id:
        return Lookup("owners", "locations", keys.location_id)
    if module == "commands" and keys.command == "CANCEL_RESERVATION" and keys.reservation_id:
        return Lookup("hint", "reservation", hint_key(sender.key, keys.reservation_id))
    if keys.session_id and (
        module in ("chargingprofiles", "commands")
        or (module == "sessions" and not (request.method == "PUT" and keys.cdr_token_party))
    ):
        return Lookup("hint", "session", hint_key(sender.key, keys.session_id))
    if module in ("locations", "tariffs") and request.interface == SENDER and keys.object_id:
        return Lookup("owners", module, keys.object_id)
    return None


def token_object_id(uid: str, token_type: str | None) -> str:
    """Tokens are identified by uid and type together (OCPI 2.2.1 tokens module); the type defaults to RFID."""
    return f"{uid}|{(token_type or 'RFID').upper()}"


def decide(
    request: RoutingRequest,
    directory: PartyTable,
    agreements: AgreementBook,
    hub: PartyId,
    facts: Facts | None = None,
    sender: PartyEntry | Reject | None = None,
) -> Decision:
    """`sender`: the result of resolve_sender, when the caller already has it."""
    if sender is None:
        sender = resolve_sender(request, directory)
    if isinstance(sender, Reject):
        return sender
    if request.module not in FUNCTIONAL_MODULES:
        return _custom(request, sender, directory, agreements, hub)
    if request.module not in MODULES_OF_VERSION.get(sender.version, FUNCTIONAL_MODULES):
        return Reject(
            Status.NO_SUCH_INTERFACE,
            f"OCPI {sender.version} has no {request.module} module; "
            f"it is in OCPI {', '.join(v for v, modules in MODULES_OF_VERSION.items() if request.module in modules)}",
            404,
        )
    not_owner = _not_the_owner(request, sender)
    if not_owner is not None:
        return not_owner
    if request.to == hub:
        return _to_hub(request, sender, directory, agreements)
    if request.to is not None:
        return _directed(request, sender, request.to, directory, agreements, set_to_headers=False)
    return _open(request, sender, directory, agreements, facts or Facts())


def resolve_sender(request: RoutingRequest, directory: PartyTable) -> PartyEntry | Reject:
    """The party sending the request: OCPI-from if given (it must be the caller's, in a role that sends this),
    else the caller's only party that could send it."""
    fits, side = _side(
        request.module, request.module in CPO_INTERFACE and not target_is_cpo(request.module, request.interface)
    )
    own = directory.of_platform(request.platform_id)
    if request.from_ is not None:
        named = [p for p in own if p.id == request.from_]
        if not named:
            return Reject(Status.NOT_YOUR_PARTY, f"OCPI-from {request.from_} is not a party of your platform")
        fitting = next((p for p in named if fits(p)), None)
        if fitting is None:
            return Reject(
                Status.NOT_YOUR_PARTY,
                f"{request.from_} has no {side} role, which sends {request.module} requests to this interface",
            )
        return fitting
    fitting = [p for p in own if fits(p)]
    if len({p.id for p in fitting}) == 1:
        return fitting[0]
    return Reject(
        Status.INVALID_PARAMETERS,
        f"send OCPI-from-country-code and OCPI-from-party-id: your platform hosts {len(fitting)} {side} parties "
        f"that could send this {request.module} request",
    )


CLIENT_OWNED_MODULES = ("locations", "sessions", "tariffs", "tokens")


def _not_the_owner(request: RoutingRequest, sender: PartyEntry) -> Reject | None:
    """On a Receiver interface of locations, sessions, tariffs and tokens the URL names the object's owner
    (`/{country_code}/{party_id}/...`): only the owner may push or read its objects there. Receivers see only the
    hub's credentials, so the hub is the one that can check this."""
    if request.interface == SENDER or request.module not in CLIENT_OWNED_MODULES:
        return None
    segments = request.segments
    if len(segments) >= 2 and (segments[0].upper(), segments[1].upper()) == (sender.country_code, sender.party_id):
        return None
    return Reject(
        Status.INVALID_PARAMETERS,
        f"the URL must name the object's owner, your party: /{sender.country_code}/{sender.party_id}/...",
    )


def _to_hub(request: RoutingRequest, sender: PartyEntry, directory, agreements) -> Decision:
    if request.method == "GET":
        if request.interface == SENDER and request.module in BROADCAST_MODULES and not request.segments:
            return _get_all(request, sender, directory, agreements)
        return Reject(
            Status.UNKNOWN_RECEIVER,
            "with OCPI-to = the hub, GET is GET All (the list of locations, tariffs or tokens); address one object's "
            "owner with its own OCPI-to",
        )
    if request.method == "DELETE" and request.module not in DELETABLE_BROADCASTS:
        return Reject(
            Status.BROADCAST_REFUSED,
            f"DELETE is broadcast only for {', '.join(DELETABLE_BROADCASTS)} ({request.module} objects are never "
            "deleted in OCPI); address the receiving party",
        )
    return _broadcast(request, sender, directory, agreements)


def _broadcast(request: RoutingRequest, sender: PartyEntry, directory, agreements) -> Decision:
    if request.module not in BROADCAST_MODULES or request.interface == SENDER:
        return Reject(
            Status.BROADCAST_REFUSED,
            f"broadcast is only for data meant for everyone (locations, tariffs, tokens), not {request.module}",
        )
    segments = request.segments
    if len(segments) < 3:
        return Reject(Status.INVALID_PARAMETERS, "a broadcast push names one object: /{country_code}/{party_id}/{id}")
    roles = BROADCAST_RECIPIENT_ROLES.get(sender.role, ())
    cpo_target = target_is_cpo(request.module, request.interface)
    recipients = []
    for party in directory.parties:
        if party.role not in roles or not _fits(party, cpo_target) or not party.connected:
            continue
        if party.platform_id == sender.platform_id:
            continue
        if not agreements.allows(sender.key, party.key, request.module):
            continue
        url = directory.endpoint(party.platform_id, request.module, request.interface)
        if url is not None:
            recipients.append((party, join(url, request.path)))
    return Broadcast(sender, tuple(recipients), "/".join(segments[:3]))


def _get_all(
    request: RoutingRequest, sender: PartyEntry, directory: PartyTable, agreements, recipient: PartyId | None = None
) -> Decision:
    cpo_owner = target_is_cpo(request.module, request.interface)
    owners = sorted(
        {
            party.id
            for party in directory.parties
            if _fits(party, cpo_owner) and agreements.allows(sender.key, party.key, request.module)
        }
    )
    return GetAll(sender, request.module, tuple(owners), recipient)


def _custom(
    request: RoutingRequest, sender: PartyEntry, directory: PartyTable, agreements: AgreementBook, hub: PartyId
) -> Decision:
    """A custom module: only one the operator enabled, only by routing headers (the hub knows nothing of its
    objects), only between parties whose agreement names it; its bodies pass as they came."""
    module = request.module
    if module not in agreements.custom_modules:
        return Reject(
            Status.NO_SUCH_INTERFACE,
            f"{module} is not a module this hub routes (custom modules are routed once the operator enables them)",
            404,
        )
    if sender.version not in CUSTOM_MODULE_VERSIONS:
        return Reject(
            Status.NO_SUCH_INTERFACE, f"custom modules need routing headers, which OCPI {sender.version} lacks", 404
        )
    if request.to is None or request.to == hub:
        return Reject(
            Status.UNKNOWN_RECEIVER, f"{module} is a custom module: send OCPI-to-* naming the party it is for"
        )
    return _directed(request, sender, request.to, directory, agreements, set_to_headers=False)


def _directed(
    request: RoutingRequest,
    sender: PartyEntry,
    to: PartyId,
    directory: PartyTable,
    agreements: AgreementBook,
    set_to_headers: bool,
) -> Decision:
    known = directory.by_id(to)
    if not known:
        return Reject(Status.UNKNOWN_RECEIVER, f"unknown receiver {to}")
    custom = request.module not in CPO_INTERFACE
    fits, wanted = _side(request.module, not custom and target_is_cpo(request.module, request.interface))
    fitting = [p for p in known if fits(p)]
    if not fitting:
        wanted = "eMSP (or other non-CPO)" if wanted == "non-CPO" else wanted
        return Reject(Status.UNKNOWN_RECEIVER, f"{to} has no {wanted} role to receive {request.module} requests")
    allowed = [p for p in fitting if agreements.allows(sender.key, p.key, request.module)]
    if not allowed:
        return Reject(Status.NO_AGREEMENT, f"no active agreement between {sender.key} and {to} for {request.module}")
    target = next((p for p in allowed if p.connected), allowed[0])
    durable = (
        request.interface == RECEIVER
        and request.method in ("PUT", "PATCH", "POST", "DELETE")
        and agreements.is_durable(sender.key, target.key, request.module)
    )
    if not target.connected and not durable:  # a durable push is kept for the receiver to get when it is back
        return Reject(Status.NOT_CONNECTED, f"receiver {to} is not connected to the hub")
    if custom and target.version not in CUSTOM_MODULE_VERSIONS:
        return Reject(
            Status.NO_SUCH_INTERFACE, f"receiver {to} speaks OCPI {target.version}, which cannot carry custom modules"
        )
    if not custom and request.module not in MODULES_OF_VERSION.get(target.version, FUNCTIONAL_MODULES):
        return Reject(
            Status.NO_SUCH_INTERFACE,
            f"receiver {to} speaks OCPI {target.version}, which has no {request.module} module",
        )
    url = directory.endpoint(target.platform_id, request.module, request.interface)
    if url is None:
        return Reject(
            Status.NO_SUCH_INTERFACE,
            f"receiver {to} does not implement the {request.module} {request.interface.lower()} interface",
        )
    return Forward(
        sender,
        target,
        join(url, request.path),
        set_to_headers,
        timeout=timeout_class(request),
        stand_ins=_stand_ins(request),
        location_stand_in=request.module == "cdrs",
        learn=_learn(request, sender, target),
        keep_copy=(
            request.module in RECIPIENT_COPIED_MODULES
            and request.interface == RECEIVER
            and request.method in ("PUT", "PATCH", "POST")
            and target.version in HEADERLESS_VERSIONS
        ),
        durable=durable,
        object_key=delivery_key(request, target) if durable else "",
    )


def delivery_key(request: RoutingRequest, target: PartyEntry) -> str:
    """What durable deliveries keep in order: one receiver's pushes of one object (`CC/PID/id` in the path: a
    PATCH never overtakes its PUT); CDRs, POSTed without an id in the path, keep their order to the receiver."""
    segments = request.segments
    object_path = "/".join(segments[:3]) if len(segments) >= 3 else (request.keys.object_id or "")
    return f"{target.key}|{request.module}|{object_path}"


def timeout_class(request: RoutingRequest) -> str:
    """Real-time authorization sits in a driver's wait at the charger: it has its own time limit."""
    if request.module == "tokens" and request.path.rstrip("/").endswith("/authorize"):
        return "authorize"
    return request.module


def _stand_ins(request: RoutingRequest) -> tuple[StandIn, ...]:
    """Commands and charging profiles carry a response_url on the requester's server (OCPI's asynchronous
    results): the receiver gets a hub URL that leads back. A reservation's results may come until it expires."""
    urls = request.result_urls
    stand_ins = []
    if urls.in_body and request.method in ("POST", "PUT"):
        stand_ins.append(StandIn("body", until=urls.until))
    if urls.in_query:
        stand_ins.append(StandIn("query"))
    return tuple(stand_ins)


def _learn(request: RoutingRequest, sender: PartyEntry, target: PartyEntry) -> tuple[Learn, ...]:
    """What open routing learns from traffic the receiver accepts: the CPO and eMSP of a session (from its PUT) and
    of a reservation (from RESERVE_NOW), kept under each party that may later refer to it."""
    segments, keys = request.segments, request.keys
    session_put = request.module == "sessions" and request.interface == "RECEIVER" and request.method == "PUT"
    if session_put and len(segments) >= 3:
        cpo, emsp = sender.key, target.key
        hint_keys = (hint_key(cpo, segments[2]), hint_key(emsp, segments[2]))
        return (Learn("session", hint_keys, cpo, emsp, "session"),)
    if request.module == "commands" and keys.command == "RESERVE_NOW" and keys.reservation_id:
        cpo, emsp = target.key, sender.key
        hint_keys = (hint_key(emsp, keys.reservation_id),)
        return (Learn("reservation", hint_keys, cpo, emsp, "command_result", request.result_urls.until),)
    return ()


def _open(request: RoutingRequest, sender: PartyEntry, directory, agreements, facts: Facts) -> Decision:
    module = request.module
    if module in BROADCAST_MODULES and request.is_push and request.interface != SENDER:
        return _broadcast(request, sender, directory, agreements)
    if module in DELETABLE_BROADCASTS and request.method == "DELETE" and request.interface != SENDER:
        return _broadcast(request, sender, directory, agreements)
    if request.method == "GET" and request.interface == SENDER and not request.segments:
        if module in BROADCAST_MODULES:
            return _get_all(request, sender, directory, agreements)
        if module in RECIPIENT_COPIED_MODULES and sender.version in HEADERLESS_VERSIONS:
            return _get_all(request, sender, directory, agreements, recipient=sender.id)
        return Reject(Status.UNKNOWN_RECEIVER, f"a {module} list comes from one owner: send OCPI-to-* to name it")
    target = _open_target(request, sender, facts)
    if target is None and module == "tokens" and request.keys.token_uid and not facts.owners:
        # Nobody pushed this token to the hub: to the CPO it is unknown, as an eMSP would say (HTTP 404, 2004).
        return Reject(
            Status.UNKNOWN_TOKEN, f"no eMSP on the hub has pushed a token {request.keys.token_uid!r} to it", 404
        )
    if target is None:
        return Reject(
            Status.UNKNOWN_RECEIVER,
            f"cannot tell who this {module} request is for; send OCPI-to-country-code and OCPI-to-party-id",
        )
    return _directed(request, sender, target, directory, agreements, set_to_headers=True)


def _open_target(request: RoutingRequest, sender: PartyEntry, facts: Facts) -> PartyId | None:
    module, keys = request.module, request.keys
    if module in ("sessions", "cdrs") and keys.cdr_token_party and request.method in ("PUT", "POST"):
        return keys.cdr_token_party
    if facts.hint_cpo is not None:
        if not facts.hint_cpo or not facts.hint_emsp:
            return None  # the id is ambiguous: more than one counterpart used it
        wanted = facts.hint_cpo if target_is_cpo(module, request.interface) else facts.hint_emsp
        if wanted is not None and sender.key in (facts.hint_cpo, facts.hint_emsp):
            country_code, party_id, _ = wanted.split(":")
            return PartyId(country_code, party_id)
        return None
    if len(facts.owners) == 1:
        return facts.owners[0]
    return None


def join(base_url: str, path: str) -> str:
    """An endpoint URL plus a path suffix, whether or not the endpoint ends with a slash."""
    if not path:
        return base_url
    return base_url.rstrip("/") + "/" + path.lstrip("/")
