"""Routing without headers (OCPI 2.1.1 parties), as a table: the decision comes from the content, under the same
agreements, whatever version the other side speaks. Requests are in 2.2.1 terms (the hub translates a 2.1.1 body
before the routing core reads it): the interface is the one the hub's 2.1.1 endpoint stands for to the caller."""

from __future__ import annotations

import pytest

from routing.decide import decide, lookup_needed, resolve_sender
from routing.decision import Broadcast, Facts, Forward, GetAll, Lookup, Reject
from routing.model import AgreementBook, PartyEntry, PartyId, PartyTable
from tests.routing.test_decide import ALL, HUB, endpoints, request

PARTIES = (
    PartyEntry("SE", "OLD", "CPO", "cpo211", True, "2.1.1"),
    PartyEntry("SE", "EMO", "EMSP", "emsp211", True, "2.1.1"),
    PartyEntry("NL", "CPA", "CPO", "cpo221", True),
    PartyEntry("DE", "EMA", "EMSP", "emsp221", True),
    PartyEntry("FI", "TWO", "CPO", "cpo211b", True, "2.1.1"),
)
# 2.1.1 platforms have no charging profiles module.
NO_PROFILES = {key: url for key, url in endpoints("https://cpo211", cpo=True).items() if key[0] != "chargingprofiles"}
DIRECTORY = PartyTable(
    PARTIES,
    {
        "cpo211": NO_PROFILES,
        "emsp211": endpoints("https://emsp211", cpo=False),
        "cpo221": endpoints("https://cpo221", cpo=True),
        "emsp221": endpoints("https://emsp221", cpo=False),
        "cpo211b": endpoints("https://cpo211b", cpo=True),
    },
)
AGREEMENTS = AgreementBook.from_pairs(
    [
        ("SE:OLD:CPO", "SE:EMO:EMSP", ALL),
        ("SE:OLD:CPO", "DE:EMA:EMSP", ALL),
        ("NL:CPA:CPO", "SE:EMO:EMSP", ALL),
        ("NL:CPA:CPO", "DE:EMA:EMSP", ALL),
        ("FI:TWO:CPO", "SE:EMO:EMSP", ["locations", "tokens"]),
    ]
)


def summary(decision) -> str:
    if isinstance(decision, Forward):
        extras = (" +TO" if decision.set_to_headers else "") + (" +copy" if decision.keep_copy else "")
        return f"forward {decision.sender.key} -> {decision.target.key} {decision.url}{extras}"
    if isinstance(decision, Broadcast):
        return "broadcast " + ", ".join(p.key for p, _ in decision.recipients)
    if isinstance(decision, GetAll):
        only = f" for {decision.recipient}" if decision.recipient else ""
        return f"get-all {decision.module} " + ", ".join(str(o) for o in decision.owners) + only
    assert isinstance(decision, Reject)
    return f"reject {int(decision.status)}"


EMO, OLD = PartyId("SE", "EMO"), PartyId("SE", "OLD")

CASES = [
    (
        "a 2.1.1 CPO's location push is a broadcast to every agreed eMSP, of either version",
        request("cpo211", "locations", "RECEIVER", "PUT", "/SE/OLD/L1"),
        None,
        Facts(),
        "broadcast SE:EMO:EMSP, DE:EMA:EMSP",
    ),
    (
        "and so is its tariff PATCH",
        request("cpo211", "tariffs", "RECEIVER", "PATCH", "/SE/OLD/T1"),
        None,
        Facts(),
        "broadcast SE:EMO:EMSP, DE:EMA:EMSP",
    ),
    (
        "a 2.1.1 eMSP's token push goes to every agreed CPO",
        request("emsp211", "tokens", "RECEIVER", "PUT", "/SE/EMO/04A1"),
        None,
        Facts(),
        "broadcast SE:OLD:CPO, NL:CPA:CPO, FI:TWO:CPO",
    ),
    (
        "a session goes to the eMSP of its token, which keeps a copy for a 2.1.1 eMSP",
        request("cpo211", "sessions", "RECEIVER", "PUT", "/SE/OLD/S1", session_id="S1", cdr_token_party=EMO),
        None,
        Facts(),
        "forward SE:OLD:CPO -> SE:EMO:EMSP https://emsp211/receiver/sessions/SE/OLD/S1 +TO +copy",
    ),
    (
        "to a 2.2.1 eMSP, no copy: it asks the CPO itself",
        request(
            "cpo211", "sessions", "RECEIVER", "PUT", "/SE/OLD/S2", session_id="S2", cdr_token_party=PartyId("DE", "EMA")
        ),
        None,
        Facts(),
        "forward SE:OLD:CPO -> DE:EMA:EMSP https://emsp221/receiver/sessions/SE/OLD/S2 +TO",
    ),
    (
        "a 2.2.1 CPO's session for a 2.1.1 eMSP is kept too",
        request("cpo221", "sessions", "RECEIVER", "PUT", "/NL/CPA/S3", session_id="S3", cdr_token_party=EMO),
        None,
        Facts(),
        "forward NL:CPA:CPO -> SE:EMO:EMSP https://emsp211/receiver/sessions/NL/CPA/S3 +TO +copy",
    ),
    (
        "a session whose token the hub does not know cannot be routed",
        request("cpo211", "sessions", "RECEIVER", "PUT", "/SE/OLD/S4", session_id="S4"),
        Lookup("hint", "session", "SE:OLD:CPO|S4"),
        Facts(),
        "reject 4001",
    ),
    (
        "a session PATCH follows its PUT (the hint learned then)",
        request("cpo211", "sessions", "RECEIVER", "PATCH", "/SE/OLD/S1", session_id="S1"),
        Lookup("hint", "session", "SE:OLD:CPO|S1"),
        Facts(hint_cpo="SE:OLD:CPO", hint_emsp="SE:EMO:EMSP"),
        "forward SE:OLD:CPO -> SE:EMO:EMSP https://emsp211/receiver/sessions/SE/OLD/S1 +TO +copy",
    ),
    (
        "a CDR goes to the eMSP of its token",
        request("cpo211", "cdrs", "RECEIVER", "POST", "", cdr_token_party=EMO),
        None,
        Facts(),
        "forward SE:OLD:CPO -> SE:EMO:EMSP https://emsp211/receiver/cdrs +TO +copy",
    ),
    (
        "real-time authorization goes to the token's owner",
        request("cpo211", "tokens", "SENDER", "POST", "/04A1/authorize", token_uid="04A1"),
        Lookup("owners", "tokens", "04A1|RFID"),
        Facts(owners=(EMO,)),
        "forward SE:OLD:CPO -> SE:EMO:EMSP https://emsp211/sender/tokens/04A1/authorize +TO",
    ),
    (
        "a token two eMSPs pushed cannot be authorized by content",
        request("cpo211", "tokens", "SENDER", "POST", "/04A1/authorize", token_uid="04A1"),
        Lookup("owners", "tokens", "04A1|RFID"),
        Facts(owners=(EMO, PartyId("DE", "EMA"))),
        "reject 4001",
    ),
    (
        "a token nobody pushed to the hub is unknown to the CPO (2004, HTTP 404), as its eMSP would say",
        request("cpo211", "tokens", "SENDER", "POST", "/FFFF/authorize", token_uid="FFFF"),
        Lookup("owners", "tokens", "FFFF|RFID"),
        Facts(),
        "reject 2004",
    ),
    (
        "START_SESSION goes to the location's owner",
        request("emsp211", "commands", "RECEIVER", "POST", "/START_SESSION", command="START_SESSION", location_id="L1"),
        Lookup("owners", "locations", "L1"),
        Facts(owners=(OLD,)),
        "forward SE:EMO:EMSP -> SE:OLD:CPO https://cpo211/receiver/commands/START_SESSION +TO",
    ),
    (
        "STOP_SESSION goes to the session's CPO",
        request("emsp211", "commands", "RECEIVER", "POST", "/STOP_SESSION", command="STOP_SESSION", session_id="S1"),
        Lookup("hint", "session", "SE:EMO:EMSP|S1"),
        Facts(hint_cpo="NL:CPA:CPO", hint_emsp="SE:EMO:EMSP"),
        "forward SE:EMO:EMSP -> NL:CPA:CPO https://cpo221/receiver/commands/STOP_SESSION +TO",
    ),
    (
        "a location id two CPOs use cannot be commanded by content",
        request("emsp211", "commands", "RECEIVER", "POST", "/START_SESSION", command="START_SESSION", location_id="L1"),
        Lookup("owners", "locations", "L1"),
        Facts(owners=(OLD, PartyId("NL", "CPA"))),
        "reject 4001",
    ),
    (
        "a 2.1.1 eMSP's list of locations is GET All from the hub's copies",
        request("emsp211", "locations", "SENDER", "GET", ""),
        None,
        Facts(),
        "get-all locations FI:TWO, NL:CPA, SE:OLD",
    ),
    (
        "its sessions are the hub's copies of those passed to it, from agreed CPOs",
        request("emsp211", "sessions", "SENDER", "GET", ""),
        None,
        Facts(),
        "get-all sessions NL:CPA, SE:OLD for SE:EMO",
    ),
    (
        "and its CDRs",
        request("emsp211", "cdrs", "SENDER", "GET", ""),
        None,
        Facts(),
        "get-all cdrs NL:CPA, SE:OLD for SE:EMO",
    ),
    (
        "a 2.2.1 eMSP still names the CPO of a sessions list",
        request("emsp221", "sessions", "SENDER", "GET", ""),
        None,
        Facts(),
        "reject 4001",
    ),
    (
        "a 2.1.1 CPO's list of tokens is GET All from the hub's copies",
        request("cpo211", "tokens", "SENDER", "GET", ""),
        None,
        Facts(),
        "get-all tokens DE:EMA, SE:EMO",
    ),
    (
        "one location, from its owner",
        request("emsp211", "locations", "SENDER", "GET", "/L1", object_id="L1"),
        Lookup("owners", "locations", "L1"),
        Facts(owners=(OLD,)),
        "forward SE:EMO:EMSP -> SE:OLD:CPO https://cpo211/sender/locations/L1 +TO",
    ),
    (
        "no commands agreement with FI:TWO: a STOP_SESSION for its session is refused",
        request("emsp211", "commands", "RECEIVER", "POST", "/STOP_SESSION", command="STOP_SESSION", session_id="S7"),
        Lookup("hint", "session", "SE:EMO:EMSP|S7"),
        Facts(hint_cpo="FI:TWO:CPO", hint_emsp="SE:EMO:EMSP"),
        "reject 4902",
    ),
    (
        "a charging profile for a 2.1.1 CPO's session: it has no such module",
        request("emsp221", "chargingprofiles", "RECEIVER", "PUT", "/S1", session_id="S1"),
        Lookup("hint", "session", "DE:EMA:EMSP|S1"),
        Facts(hint_cpo="SE:OLD:CPO", hint_emsp="DE:EMA:EMSP"),
        "reject 4901",
    ),
]


@pytest.mark.parametrize(
    ("case", "routed", "lookup", "facts", "expected"), CASES, ids=lambda v: v if isinstance(v, str) else ""
)
def test_routing_without_headers(case, routed, lookup, facts, expected):
    assert lookup_needed(routed, resolve_sender(routed, DIRECTORY)) == lookup, case
    assert summary(decide(routed, DIRECTORY, AGREEMENTS, HUB, facts)) == expected, case
