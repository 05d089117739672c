"""The routing core, as tables of cases that read like the spec's routing tables. Pure: no servers, no storage."""

from __future__ import annotations

import orjson
import pytest

from routing.decide import decide, lookup_needed, resolve_sender
from routing.decision import Broadcast, Facts, Forward, GetAll, Lookup, Reject
from routing.model import CPO_INTERFACE, FUNCTIONAL_MODULES, AgreementBook, PartyEntry, PartyId, PartyTable
from routing.request import ContentKeys, RoutingRequest, content_keys

HUB = PartyId("NL", "HUB")


def endpoints(base: str, cpo: bool) -> dict[tuple[str, str], str]:
    """Every functional module's interface that a CPO (or the other side) implements."""
    result = {}
    for module in FUNCTIONAL_MODULES:
        interface = CPO_INTERFACE[module] if cpo else ("RECEIVER" if CPO_INTERFACE[module] == "SENDER" else "SENDER")
        result[(module, interface)] = f"{base}/{interface.lower()}/{module}"
    return result


def party(cc: str, pid: str, role: str, platform: str, connected: bool = True) -> PartyEntry:
    return PartyEntry(cc, pid, role, platform, connected)


PARTIES = (
    party("NL", "CPA", "CPO", "cpo1"),
    party("DE", "EMA", "EMSP", "emsp1"),
    party("DE", "EMB", "EMSP", "emsp1"),
    party("NL", "DUO", "CPO", "duo"),
    party("NL", "DUO", "EMSP", "duo"),
    party("FR", "OFF", "CPO", "down", connected=False),
    party("BE", "NOL", "EMSP", "nolocs"),
    party("IT", "STR", "EMSP", "stranger"),
)
ENDPOINTS = {
    "cpo1": endpoints("https://cpo1", cpo=True),
    "emsp1": endpoints("https://emsp1", cpo=False),
    "duo": {**endpoints("https://duo", cpo=True), **endpoints("https://duo", cpo=False)},
    "down": endpoints("https://down", cpo=True),
    "nolocs": {k: v for k, v in endpoints("https://nolocs", cpo=False).items() if k[0] != "locations"},
    "stranger": endpoints("https://stranger", cpo=False),
}
DIRECTORY = PartyTable(PARTIES, ENDPOINTS)
ALL = list(FUNCTIONAL_MODULES)
AGREEMENTS = AgreementBook.from_pairs(
    [
        ("NL:CPA:CPO", "DE:EMA:EMSP", ALL),
        ("NL:CPA:CPO", "DE:EMB:EMSP", ["locations"]),
        ("NL:DUO:CPO", "DE:EMA:EMSP", ALL),
        ("NL:CPA:CPO", "NL:DUO:EMSP", ALL),
        ("FR:OFF:CPO", "DE:EMA:EMSP", ALL),
        ("NL:CPA:CPO", "BE:NOL:EMSP", ALL),
    ]
)


def request(platform, module, interface, method, path="", to=None, frm=None, **keys) -> RoutingRequest:
    to = PartyId.of(*to.split(":")) if to else None
    frm = PartyId.of(*frm.split(":")) if frm else None
    return RoutingRequest(platform, module, interface, method, path, to, frm, ContentKeys(**keys))


def summary(decision) -> str:
    if isinstance(decision, Forward):
        headers = " +TO" if decision.set_to_headers else ""
        return f"forward {decision.sender.key} -> {decision.target.key} {decision.url}{headers}"
    if isinstance(decision, Broadcast):
        return "broadcast " + ", ".join(f"{p.key} {url}" for p, url in decision.recipients)
    if isinstance(decision, GetAll):
        return f"get-all {decision.module} " + ", ".join(str(o) for o in decision.owners)
    assert isinstance(decision, Reject)
    return f"reject {int(decision.status)}"


DIRECTED = [
    # Party to party via hub: TO names the receiver, forwarded to its interface of the same module and role.
    (
        "CPO pushes a location to an eMSP",
        request("cpo1", "locations", "RECEIVER", "PUT", "/NL/CPA/L1", "DE:EMA", "NL:CPA"),
        "forward NL:CPA:CPO -> DE:EMA:EMSP https://emsp1/receiver/locations/NL/CPA/L1",
    ),
    (
        "eMSP pulls locations from a CPO",
        request("emsp1", "locations", "SENDER", "GET", "", "NL:CPA", "DE:EMA"),
        "forward DE:EMA:EMSP -> NL:CPA:CPO https://cpo1/sender/locations",
    ),
    (
        "eMSP sends a command",
        request("emsp1", "commands", "RECEIVER", "POST", "/START_SESSION", "NL:CPA", "DE:EMA"),
        "forward DE:EMA:EMSP -> NL:CPA:CPO https://cpo1/receiver/commands/START_SESSION",
    ),
    (
        "CPO asks real-time authorization",
        request("cpo1", "tokens", "SENDER", "POST", "/0123/authorize", "DE:EMA", "NL:CPA"),
        "forward NL:CPA:CPO -> DE:EMA:EMSP https://emsp1/sender/tokens/0123/authorize",
    ),
    (
        "eMSP pushes a token to a CPO",
        request("emsp1", "tokens", "RECEIVER", "PUT", "/DE/EMA/0123", "NL:CPA", "DE:EMA"),
        "forward DE:EMA:EMSP -> NL:CPA:CPO https://cpo1/receiver/tokens/DE/EMA/0123",
    ),
    (
        "header values are case-insensitive",
        request("cpo1", "cdrs", "RECEIVER", "POST", "", "de:ema", "nl:cpa"),
        "forward NL:CPA:CPO -> DE:EMA:EMSP https://emsp1/receiver/cdrs",
    ),
    (
        "same ids, two roles: the role the module needs",
        request("cpo1", "sessions", "RECEIVER", "PUT", "/NL/CPA/S1", "NL:DUO", "NL:CPA"),
        "forward NL:CPA:CPO -> NL:DUO:EMSP https://duo/receiver/sessions/NL/CPA/S1",
    ),
    (
        "FROM may be omitted when the platform has one fitting party",
        request("cpo1", "cdrs", "RECEIVER", "POST", "", "DE:EMA"),
        "forward NL:CPA:CPO -> DE:EMA:EMSP https://emsp1/receiver/cdrs",
    ),
    # Refusals.
    (
        "unknown receiver",
        request("cpo1", "locations", "RECEIVER", "PUT", "/NL/CPA/L1", "XX:YYY", "NL:CPA"),
        "reject 4001",
    ),
    (
        "receiver without the needed role",
        request("emsp1", "commands", "RECEIVER", "POST", "/STOP_SESSION", "DE:EMB", "DE:EMA"),
        "reject 4001",
    ),
    (
        "receiver known but not connected",
        request("emsp1", "commands", "RECEIVER", "POST", "/STOP_SESSION", "FR:OFF", "DE:EMA"),
        "reject 4003",
    ),
    (
        "no agreement for the module",
        request("cpo1", "sessions", "RECEIVER", "PUT", "/NL/CPA/S1", "DE:EMB", "NL:CPA"),
        "reject 4902",
    ),
    (
        "no agreement at all",
        request("cpo1", "locations", "RECEIVER", "PUT", "/NL/CPA/L1", "IT:STR", "NL:CPA"),
        "reject 4902",
    ),
    (
        "receiver lacks the interface",
        request("cpo1", "locations", "RECEIVER", "PUT", "/NL/CPA/L1", "BE:NOL", "NL:CPA"),
        "reject 4901",
    ),
    ("spoofed FROM", request("cpo1", "locations", "RECEIVER", "PUT", "/DE/EMA/L1", "DE:EMA", "NL:DUO"), "reject 2901"),
    (
        "FROM needed when several parties could send",
        request("emsp1", "commands", "RECEIVER", "POST", "/STOP_SESSION", "NL:CPA"),
        "reject 2001",
    ),
]

DIRECTED += [
    (
        "a push naming another owner in the URL",
        request("cpo1", "locations", "RECEIVER", "PUT", "/NL/DUO/L1", "DE:EMA", "NL:CPA"),
        "reject 2001",
    ),
    (
        "reading another party's object at a receiver, even one on the same platform",
        request("emsp1", "tokens", "RECEIVER", "GET", "/DE/EMB/T1", "NL:CPA", "DE:EMA"),
        "reject 2001",
    ),
    (
        "FROM in a role that does not send this",
        request("cpo1", "commands", "RECEIVER", "POST", "/STOP_SESSION", "NL:DUO", "NL:CPA"),
        "reject 2901",
    ),
]

BROADCAST = [
    (
        "CPO broadcasts a location: connected eMSPs with an agreement that implement the receiver",
        request("cpo1", "locations", "RECEIVER", "PUT", "/NL/CPA/L1", "NL:HUB", "NL:CPA"),
        "broadcast DE:EMA:EMSP https://emsp1/receiver/locations/NL/CPA/L1, "
        "DE:EMB:EMSP https://emsp1/receiver/locations/NL/CPA/L1, NL:DUO:EMSP https://duo/receiver/locations/NL/CPA/L1",
    ),
    (
        "a PATCH is broadcast too",
        request("cpo1", "tariffs", "RECEIVER", "PATCH", "/NL/CPA/T1", "NL:HUB", "NL:CPA"),
        "broadcast DE:EMA:EMSP https://emsp1/receiver/tariffs/NL/CPA/T1, "
        "NL:DUO:EMSP https://duo/receiver/tariffs/NL/CPA/T1, BE:NOL:EMSP https://nolocs/receiver/tariffs/NL/CPA/T1",
    ),
    (
        "eMSP broadcasts a token to CPOs; not to its own platform, not to the disconnected one",
        request("emsp1", "tokens", "RECEIVER", "PUT", "/DE/EMA/0123", "NL:HUB", "DE:EMA"),
        "broadcast NL:CPA:CPO https://cpo1/receiver/tokens/DE/EMA/0123, NL:DUO:CPO https://duo/receiver/tokens/DE/EMA/0123",
    ),
    (
        "sessions are never broadcast",
        request("cpo1", "sessions", "RECEIVER", "PUT", "/NL/CPA/S1", "NL:HUB", "NL:CPA"),
        "reject 2902",
    ),
    ("CDRs are never broadcast", request("cpo1", "cdrs", "RECEIVER", "POST", "", "NL:HUB", "NL:CPA"), "reject 2902"),
    (
        "commands are never broadcast",
        request("emsp1", "commands", "RECEIVER", "POST", "/START_SESSION", "NL:HUB", "DE:EMA"),
        "reject 2902",
    ),
    (
        "authorization is never broadcast",
        request("cpo1", "tokens", "SENDER", "POST", "/0123/authorize", "NL:HUB", "NL:CPA"),
        "reject 2902",
    ),
    (
        "DELETE of a charging profile is never broadcast",
        request("emsp1", "chargingprofiles", "RECEIVER", "DELETE", "/S1", "NL:HUB", "DE:EMA"),
        "reject 2902",
    ),
    (
        "DELETE of a location is never broadcast (OCPI has none)",
        request("cpo1", "locations", "RECEIVER", "DELETE", "/NL/CPA/L1", "NL:HUB", "NL:CPA"),
        "reject 2902",
    ),
    (
        "a tariff's DELETE goes to everyone who got its broadcast",
        request("cpo1", "tariffs", "RECEIVER", "DELETE", "/NL/CPA/T1", "NL:HUB", "NL:CPA"),
        "broadcast DE:EMA:EMSP https://emsp1/receiver/tariffs/NL/CPA/T1, "
        "NL:DUO:EMSP https://duo/receiver/tariffs/NL/CPA/T1, BE:NOL:EMSP https://nolocs/receiver/tariffs/NL/CPA/T1",
    ),
    (
        "a directed tariff DELETE stays directed",
        request("cpo1", "tariffs", "RECEIVER", "DELETE", "/NL/CPA/T1", "DE:EMA", "NL:CPA"),
        "forward NL:CPA:CPO -> DE:EMA:EMSP https://emsp1/receiver/tariffs/NL/CPA/T1",
    ),
    (
        "GET All via hub: owners the requester has an agreement with",
        request("emsp1", "locations", "SENDER", "GET", "", "NL:HUB", "DE:EMA"),
        "get-all locations FR:OFF, NL:CPA, NL:DUO",
    ),
    (
        "GET All of tokens for a CPO",
        request("cpo1", "tokens", "SENDER", "GET", "", "NL:HUB", "NL:CPA"),
        "get-all tokens BE:NOL, DE:EMA, NL:DUO",
    ),
    (
        "GET of one object with TO = hub",
        request("emsp1", "locations", "SENDER", "GET", "/L1", "NL:HUB", "DE:EMA"),
        "reject 4001",
    ),
    (
        "GET All of sessions is not kept by the hub",
        request("emsp1", "sessions", "SENDER", "GET", "", "NL:HUB", "DE:EMA"),
        "reject 4001",
    ),
]

OPEN = [
    (
        "tariff DELETE without TO goes to everyone who got the tariff",
        request("cpo1", "tariffs", "RECEIVER", "DELETE", "/NL/CPA/T1"),
        "broadcast DE:EMA:EMSP https://emsp1/receiver/tariffs/NL/CPA/T1, "
        "NL:DUO:EMSP https://duo/receiver/tariffs/NL/CPA/T1, BE:NOL:EMSP https://nolocs/receiver/tariffs/NL/CPA/T1",
    ),
    (
        "location push without TO is a broadcast",
        request("cpo1", "locations", "RECEIVER", "PATCH", "/NL/CPA/L1/E1", frm="NL:CPA"),
        "broadcast DE:EMA:EMSP https://emsp1/receiver/locations/NL/CPA/L1/E1, "
        "DE:EMB:EMSP https://emsp1/receiver/locations/NL/CPA/L1/E1, NL:DUO:EMSP https://duo/receiver/locations/NL/CPA/L1/E1",
    ),
    (
        "session PUT by cdr_token",
        request(
            "cpo1",
            "sessions",
            "RECEIVER",
            "PUT",
            "/NL/CPA/S1",
            frm="NL:CPA",
            cdr_token_party=PartyId("DE", "EMA"),
            session_id="S1",
        ),
        "forward NL:CPA:CPO -> DE:EMA:EMSP https://emsp1/receiver/sessions/NL/CPA/S1 +TO",
    ),
    (
        "CDR POST by cdr_token, without any routing header",
        request("cpo1", "cdrs", "RECEIVER", "POST", "", cdr_token_party=PartyId("DE", "EMA")),
        "forward NL:CPA:CPO -> DE:EMA:EMSP https://emsp1/receiver/cdrs +TO",
    ),
    (
        "list GET of locations without TO is GET All via hub",
        request("emsp1", "locations", "SENDER", "GET", "", frm="DE:EMB"),
        "get-all locations NL:CPA",
    ),
    (
        "list GET of CDRs without TO cannot be decided",
        request("emsp1", "cdrs", "SENDER", "GET", "", frm="DE:EMA"),
        "reject 4001",
    ),
    (
        "command without a key to route on",
        request("emsp1", "commands", "RECEIVER", "POST", "/START_SESSION", frm="DE:EMA", command="START_SESSION"),
        "reject 4001",
    ),
]


@pytest.mark.parametrize(
    ("case", "routed", "expected"), DIRECTED + BROADCAST + OPEN, ids=lambda v: v if isinstance(v, str) else ""
)
def test_routing_table(case, routed, expected):
    assert summary(decide(routed, DIRECTORY, AGREEMENTS, HUB)) == expected, case


FACTS = [
    (
        "START_SESSION by the location's owner",
        request(
            "emsp1",
            "commands",
            "RECEIVER",
            "POST",
            "/START_SESSION",
            frm="DE:EMA",
            command="START_SESSION",
            location_id="L1",
        ),
        Lookup("owners", "locations", "L1"),
        Facts(owners=(PartyId("NL", "CPA"),)),
        "forward DE:EMA:EMSP -> NL:CPA:CPO https://cpo1/receiver/commands/START_SESSION +TO",
    ),
    (
        "a location id two CPOs use is ambiguous",
        request(
            "emsp1",
            "commands",
            "RECEIVER",
            "POST",
            "/RESERVE_NOW",
            frm="DE:EMA",
            command="RESERVE_NOW",
            location_id="L1",
        ),
        Lookup("owners", "locations", "L1"),
        Facts(owners=(PartyId("NL", "CPA"), PartyId("NL", "DUO"))),
        "reject 4001",
    ),
    (
        "STOP_SESSION by the session's CPO",
        request(
            "emsp1",
            "commands",
            "RECEIVER",
            "POST",
            "/STOP_SESSION",
            frm="DE:EMA",
            command="STOP_SESSION",
            session_id="S1",
        ),
        Lookup("hint", "session", "DE:EMA:EMSP|S1"),
        Facts(hint_cpo="NL:CPA:CPO", hint_emsp="DE:EMA:EMSP"),
        "forward DE:EMA:EMSP -> NL:CPA:CPO https://cpo1/receiver/commands/STOP_SESSION +TO",
    ),
    (
        "STOP_SESSION of another eMSP's session is not routed",
        request(
            "emsp1",
            "commands",
            "RECEIVER",
            "POST",
            "/STOP_SESSION",
            frm="DE:EMB",
            command="STOP_SESSION",
            session_id="S1",
        ),
        Lookup("hint", "session", "DE:EMB:EMSP|S1"),
        Facts(),
        "reject 4001",
    ),
    (
        "session PATCH by the session's eMSP",
        request("cpo1", "sessions", "RECEIVER", "PATCH", "/NL/CPA/S1", frm="NL:CPA", session_id="S1"),
        Lookup("hint", "session", "NL:CPA:CPO|S1"),
        Facts(hint_cpo="NL:CPA:CPO", hint_emsp="DE:EMA:EMSP"),
        "forward NL:CPA:CPO -> DE:EMA:EMSP https://emsp1/receiver/sessions/NL/CPA/S1 +TO",
    ),
    (
        "CANCEL_RESERVATION by the reservation's CPO",
        request(
            "emsp1",
            "commands",
            "RECEIVER",
            "POST",
            "/CANCEL_RESERVATION",
            frm="DE:EMA",
            command="CANCEL_RESERVATION",
            reservation_id="R1",
        ),
        Lookup("hint", "reservation", "DE:EMA:EMSP|R1"),
        Facts(hint_cpo="NL:CPA:CPO", hint_emsp="DE:EMA:EMSP"),
        "forward DE:EMA:EMSP -> NL:CPA:CPO https://cpo1/receiver/commands/CANCEL_RESERVATION +TO",
    ),
    (
        "authorize by the token's owner",
        request("cpo1", "tokens", "SENDER", "POST", "/0123/authorize", frm="NL:CPA", token_uid="0123"),
        Lookup("owners", "tokens", "0123|RFID"),
        Facts(owners=(PartyId("DE", "EMA"),)),
        "forward NL:CPA:CPO -> DE:EMA:EMSP https://emsp1/sender/tokens/0123/authorize +TO",
    ),
    (
        "charging profile by the session's CPO",
        request("emsp1", "chargingprofiles", "RECEIVER", "PUT", "/S1", frm="DE:EMA", session_id="S1"),
        Lookup("hint", "session", "DE:EMA:EMSP|S1"),
        Facts(hint_cpo="NL:CPA:CPO", hint_emsp="DE:EMA:EMSP"),
        "forward DE:EMA:EMSP -> NL:CPA:CPO https://cpo1/receiver/chargingprofiles/S1 +TO",
    ),
    (
        "one location by its owner",
        request("emsp1", "locations", "SENDER", "GET", "/L1", frm="DE:EMA", object_id="L1"),
        Lookup("owners", "locations", "L1"),
        Facts(owners=(PartyId("NL", "CPA"),)),
        "forward DE:EMA:EMSP -> NL:CPA:CPO https://cpo1/sender/locations/L1 +TO",
    ),
    (
        "an unknown session",
        request(
            "emsp1",
            "commands",
            "RECEIVER",
            "POST",
            "/STOP_SESSION",
            frm="DE:EMA",
            command="STOP_SESSION",
            session_id="S9",
        ),
        Lookup("hint", "session", "DE:EMA:EMSP|S9"),
        Facts(),
        "reject 4001",
    ),
]


FACTS += [
    (
        "a session id two CPOs used with this eMSP is ambiguous",
        request(
            "emsp1",
            "commands",
            "RECEIVER",
            "POST",
            "/STOP_SESSION",
            frm="DE:EMA",
            command="STOP_SESSION",
            session_id="S1",
        ),
        Lookup("hint", "session", "DE:EMA:EMSP|S1"),
        Facts(hint_cpo="", hint_emsp=""),
        "reject 4001",
    ),
    (
        "authorize looks the token up with its type",
        request(
            "cpo1", "tokens", "SENDER", "POST", "/0123/authorize", frm="NL:CPA", token_uid="0123", token_type="APP_USER"
        ),
        Lookup("owners", "tokens", "0123|APP_USER"),
        Facts(owners=(PartyId("DE", "EMA"),)),
        "forward NL:CPA:CPO -> DE:EMA:EMSP https://emsp1/sender/tokens/0123/authorize +TO",
    ),
]


@pytest.mark.parametrize(
    ("case", "routed", "lookup", "facts", "expected"), FACTS, ids=lambda v: v if isinstance(v, str) else ""
)
def test_open_routing_with_facts(case, routed, lookup, facts, expected):
    assert lookup_needed(routed, resolve_sender(routed, DIRECTORY)) == lookup, case
    assert summary(decide(routed, DIRECTORY, AGREEMENTS, HUB, facts)) == expected, case


def test_no_lookup_for_directed_requests():
    routed = request("emsp1", "commands", "RECEIVER", "POST", "/STOP_SESSION", "NL:CPA", "DE:EMA", session_id="S1")
    assert lookup_needed(routed, resolve_sender(routed, DIRECTORY)) is None


def test_open_policy_routes_without_agreements():
    routed = request("cpo1", "locations", "RECEIVER", "PUT", "/NL/CPA/L1", "IT:STR", "NL:CPA")
    assert isinstance(decide(routed, DIRECTORY, AgreementBook(frozenset(), open_policy=True), HUB), Forward)
    assert summary(decide(routed, DIRECTORY, AgreementBook(frozenset()), HUB)) == "reject 4902"


@pytest.mark.parametrize(
    ("module", "interface", "method", "path", "body", "expected"),
    [
        (
            "sessions",
            "RECEIVER",
            "PUT",
            "/NL/CPA/S1",
            b'{"id":"S1","cdr_token":{"country_code":"de","party_id":"ema"}}',
            ContentKeys(cdr_token_party=PartyId("DE", "EMA"), session_id="S1"),
        ),
        (
            "cdrs",
            "RECEIVER",
            "POST",
            "",
            b'{"cdr_token":{"country_code":"DE","party_id":"EMA"},"x":[1]}',
            ContentKeys(cdr_token_party=PartyId("DE", "EMA")),
        ),
        (
            "commands",
            "RECEIVER",
            "POST",
            "/START_SESSION",
            b'{"location_id":"L1","response_url":"https://x"}',
            ContentKeys(command="START_SESSION", location_id="L1"),
        ),
        (
            "commands",
            "RECEIVER",
            "POST",
            "/STOP_SESSION",
            b'{"session_id":"S1"}',
            ContentKeys(command="STOP_SESSION", session_id="S1"),
        ),
        ("commands", "RECEIVER", "POST", "/START_SESSION", b"not json", ContentKeys(command="START_SESSION")),
        ("tokens", "SENDER", "POST", "/0123/authorize", None, ContentKeys(token_uid="0123")),
        ("sessions", "SENDER", "PUT", "/S1/charging_preferences", b"{}", ContentKeys(session_id="S1")),
        ("chargingprofiles", "RECEIVER", "GET", "/S1", None, ContentKeys(session_id="S1")),
        ("locations", "SENDER", "GET", "/L1/E1", None, ContentKeys(object_id="L1")),
        ("locations", "RECEIVER", "PUT", "/NL/CPA/L1", b'{"session_id":"not read for locations"}', ContentKeys()),
    ],
)
def test_content_keys(module, interface, method, path, body, expected):
    try:
        document = orjson.loads(body) if body else None  # the hub parses a body once, when something reads it
    except orjson.JSONDecodeError:
        document = None
    assert content_keys(module, interface, method, path, document) == expected
