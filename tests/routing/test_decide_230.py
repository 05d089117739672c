"""Routing with OCPI 2.3.0 parties, as a table: routing headers as in 2.2.1; the payments module (2.3.0 only) routed
between 2.3.0 parties under agreements like any module, the payment terminal provider registered as OTHER; refused
with 4901 towards, or from, a party whose version has no such module."""

from __future__ import annotations

import pytest

from routing.decide import decide
from routing.model import AgreementBook, PartyEntry, PartyTable
from tests.routing.test_decide import ALL, HUB, endpoints, request
from tests.routing.test_decide_211 import summary

PARTIES = (
    PartyEntry("BE", "BEC", "CPO", "cpo230", True, "2.3.0"),
    PartyEntry("DE", "TNM", "EMSP", "emsp230", True, "2.3.0"),
    PartyEntry("AT", "PTP", "OTHER", "ptp230", True, "2.3.0"),
    PartyEntry("NL", "CPA", "CPO", "cpo221", True),
    PartyEntry("DE", "EMA", "EMSP", "emsp221", True),
    PartyEntry("SE", "EMO", "EMSP", "emsp211", True, "2.1.1"),
    PartyEntry("FR", "NEW", "CPO", "cpo230b", True, "2.3.0"),
)
NO_PAYMENTS = {"cpo221", "emsp221", "emsp211"}
DIRECTORY = PartyTable(
    PARTIES,
    {
        entry.platform_id: {
            key: url
            for key, url in endpoints(f"https://{entry.platform_id}", cpo=entry.role == "CPO").items()
            if not (key[0] == "payments" and entry.platform_id in NO_PAYMENTS)
        }
        for entry in PARTIES
    },
)
AGREEMENTS = AgreementBook.from_pairs(
    [
        ("BE:BEC:CPO", "DE:TNM:EMSP", ALL),
        ("BE:BEC:CPO", "DE:EMA:EMSP", ALL),
        ("BE:BEC:CPO", "SE:EMO:EMSP", ALL),
        ("NL:CPA:CPO", "DE:TNM:EMSP", ALL),
        ("AT:PTP:OTHER", "BE:BEC:CPO", ["payments"]),
        ("AT:PTP:OTHER", "NL:CPA:CPO", ["payments", "locations"]),
    ]
)

CASES = [
    (
        "a 2.3.0 CPO's location push reaches every agreed eMSP, whatever its version",
        request("cpo230", "locations", "RECEIVER", "PUT", "/BE/BEC/L1"),
        "broadcast DE:TNM:EMSP, DE:EMA:EMSP, SE:EMO:EMSP",
    ),
    (
        "a 2.3.0 eMSP's token push reaches the agreed CPOs of both versions",
        request("emsp230", "tokens", "RECEIVER", "PUT", "/DE/TNM/T1"),
        "broadcast BE:BEC:CPO, NL:CPA:CPO",
    ),
    (
        "routing headers name the receiver, as in 2.2.1",
        request("emsp230", "commands", "RECEIVER", "POST", "/START_SESSION", to="NL:CPA", frm="DE:TNM"),
        "forward DE:TNM:EMSP -> NL:CPA:CPO https://cpo221/receiver/commands/START_SESSION",
    ),
    (
        "the payment terminal provider (OTHER) sends a terminal to an agreed 2.3.0 CPO",
        request("ptp230", "payments", "RECEIVER", "PUT", "/terminals/T1", to="BE:BEC", frm="AT:PTP"),
        "forward AT:PTP:OTHER -> BE:BEC:CPO https://cpo230/receiver/payments/terminals/T1",
    ),
    (
        "and the CPO asks the provider for its terminals",
        request("cpo230", "payments", "SENDER", "GET", "/terminals", to="AT:PTP", frm="BE:BEC"),
        "forward BE:BEC:CPO -> AT:PTP:OTHER https://ptp230/sender/payments/terminals",
    ),
    (
        "a 2.2.1 CPO has no payments module, agreement or not",
        request("ptp230", "payments", "RECEIVER", "PUT", "/terminals/T1", to="NL:CPA", frm="AT:PTP"),
        "reject 4901",
    ),
    (
        "payments need an agreement that covers them",
        request("ptp230", "payments", "RECEIVER", "PUT", "/terminals/T1", to="FR:NEW", frm="AT:PTP"),
        "reject 4902",
    ),
    (
        "an eMSP has no side of the payments module",
        request("emsp230", "payments", "SENDER", "GET", "/terminals", to="AT:PTP", frm="DE:TNM"),
        "reject 2901",
    ),
    (
        "a 2.2.1 party asking for payments",
        request("cpo221", "payments", "SENDER", "GET", "/terminals", to="AT:PTP", frm="NL:CPA"),
        "reject 4901",
    ),
    (
        "GET All addressed to the hub's party (hub_party_id) is answered by the hub",
        request("emsp230", "locations", "SENDER", "GET", "", to=f"{HUB.country_code}:{HUB.party_id}", frm="DE:TNM"),
        "get-all locations BE:BEC, NL:CPA",
    ),
]


@pytest.mark.parametrize(("case", "routed", "expected"), CASES, ids=[case[0] for case in CASES])
def test_routing_with_230_parties(case, routed, expected):
    assert summary(decide(routed, DIRECTORY, AGREEMENTS, HUB)) == expected, case


def test_the_refusals_name_the_versions():
    refused = decide(
        request("cpo221", "payments", "SENDER", "GET", "/terminals", to="AT:PTP", frm="NL:CPA"),
        DIRECTORY,
        AGREEMENTS,
        HUB,
    )
    assert refused.http_status == 404
    assert refused.message == "OCPI 2.2.1 has no payments module; it is in OCPI 2.3.0"
    towards = decide(
        request("ptp230", "payments", "RECEIVER", "PUT", "/terminals/T1", to="NL:CPA", frm="AT:PTP"),
        DIRECTORY,
        AGREEMENTS,
        HUB,
    )
    assert towards.message == "receiver NL:CPA speaks OCPI 2.2.1, which has no payments module"


# Custom modules: the operator enabled nltnm-parking; BE:BEC and DE:TNM agreed to use it.
CUSTOM_AGREEMENTS = AgreementBook.from_pairs(
    [("BE:BEC:CPO", "DE:TNM:EMSP", ["nltnm-parking"]), ("BE:BEC:CPO", "DE:EMA:EMSP", ALL)],
    custom_modules=("nltnm-parking",),
)
CUSTOM_DIRECTORY = PartyTable(
    PARTIES,
    {
        entry.platform_id: {
            ("nltnm-parking", "SENDER"): f"https://{entry.platform_id}/sender/nltnm-parking",
            ("nltnm-parking", "RECEIVER"): f"https://{entry.platform_id}/receiver/nltnm-parking",
        }
        for entry in PARTIES
    },
)
CUSTOM_CASES = [
    (
        "an enabled custom module between parties that agreed to it, either way",
        request("emsp230", "nltnm-parking", "RECEIVER", "PUT", "/spots/A7", to="BE:BEC"),
        CUSTOM_AGREEMENTS,
        "forward DE:TNM:EMSP -> BE:BEC:CPO https://cpo230/receiver/nltnm-parking/spots/A7",
    ),
    (
        "any interface: the hub does not know a custom module's sides",
        request("cpo230", "nltnm-parking", "SENDER", "GET", "/spots", to="DE:TNM"),
        CUSTOM_AGREEMENTS,
        "forward BE:BEC:CPO -> DE:TNM:EMSP https://emsp230/sender/nltnm-parking/spots",
    ),
    (
        "an agreement on every OCPI module does not cover it",
        request("emsp221", "nltnm-parking", "RECEIVER", "PUT", "/spots/A7", to="BE:BEC"),
        CUSTOM_AGREEMENTS,
        "reject 4902",
    ),
    (
        "nor does the open policy",
        request("emsp221", "nltnm-parking", "RECEIVER", "PUT", "/spots/A7", to="BE:BEC"),
        AgreementBook(frozenset(), open_policy=True, custom_modules=frozenset({"nltnm-parking"})),
        "reject 4902",
    ),
    (
        "only by routing headers",
        request("emsp230", "nltnm-parking", "RECEIVER", "PUT", "/spots/A7"),
        CUSTOM_AGREEMENTS,
        "reject 4001",
    ),
    (
        "not to a 2.1.1 party, which has no headers to address it by",
        request("cpo230", "nltnm-parking", "RECEIVER", "PUT", "/spots/A7", to="SE:EMO"),
        AgreementBook.from_pairs([("BE:BEC:CPO", "SE:EMO:EMSP", ["nltnm-parking"])], custom_modules=("nltnm-parking",)),
        "reject 4901",
    ),
    (
        "a custom module the operator did not enable",
        request("emsp230", "nltnm-parking", "RECEIVER", "PUT", "/spots/A7", to="BE:BEC"),
        AgreementBook.from_pairs([("BE:BEC:CPO", "DE:TNM:EMSP", ["nltnm-parking"])]),
        "reject 4901",
    ),
]


@pytest.mark.parametrize(("case", "routed", "agreements", "expected"), CUSTOM_CASES, ids=[c[0] for c in CUSTOM_CASES])
def test_routing_custom_modules(case, routed, agreements, expected):
    assert summary(decide(routed, CUSTOM_DIRECTORY, agreements, HUB)) == expected, case


def test_pushes_under_a_durable_agreement_are_marked_for_durable_delivery_with_their_order_key():
    book = AgreementBook.from_pairs(
        [("BE:BEC:CPO", "DE:TNM:EMSP", ALL), ("BE:BEC:CPO", "DE:EMA:EMSP", ALL)],
        durable=[("BE:BEC:CPO", "DE:TNM:EMSP", ["cdrs", "sessions"])],
    )
    session = decide(
        request("cpo230", "sessions", "RECEIVER", "PATCH", "/BE/BEC/S1", to="DE:TNM"), DIRECTORY, book, HUB
    )
    assert (session.durable, session.object_key) == (True, "DE:TNM:EMSP|sessions|BE/BEC/S1")
    cdr = decide(request("cpo230", "cdrs", "RECEIVER", "POST", "", to="DE:TNM"), DIRECTORY, book, HUB)
    assert (cdr.durable, cdr.object_key) == (True, "DE:TNM:EMSP|cdrs|"), "a receiver's CDRs keep their order"
    other = decide(request("cpo230", "sessions", "RECEIVER", "PUT", "/BE/BEC/S1", to="DE:EMA"), DIRECTORY, book, HUB)
    assert not other.durable, "another pair: the spec's default"
    location = decide(
        request("cpo230", "locations", "RECEIVER", "PUT", "/BE/BEC/L1", to="DE:TNM"), DIRECTORY, book, HUB
    )
    assert not location.durable, "a module they did not make durable"
    read = decide(request("emsp230", "sessions", "SENDER", "GET", "", to="BE:BEC"), DIRECTORY, book, HUB)
    assert not read.durable, "only pushes"
