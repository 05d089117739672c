"""OCPI 2.3.0 platforms among 2.2.1 and 2.1.1 ones, over real HTTP: locations, tokens and tariffs pushed by a 2.3.0
platform reach every agreed receiver in its own version; between 2.3.0 parties the bytes are untouched, unknown
fields and values included; towards 2.2.1 and 2.1.1 what arrives is compared field by field with the translation
of the spec's 2.3.0 example, and what could not be carried is in the message log (or the push is refused there
when carrying it would mislead the receiver). Lists asked of the hub's party (hub_party_id) answer in 2.3.0."""

from __future__ import annotations

import orjson

from tests.bridge.test_broadcast_modules import no_routing_headers
from tests.bridge_fixtures import owned
from tests.translation.examples_230 import (
    LOCATION_221,
    LOCATION_230,
    TARIFF_6_221,
    TARIFF_6_230,
    TARIFF_20_230,
    TOKEN_EMAID_221,
    TOKEN_EMAID_230,
    deep,
    to_211,
    to_230,
)
from translation import Context

# Undocumented fields and values a 2.3.0 platform may send: never refused, passed on as they are.
VENDOR_FIELDS = {"x_vendor": {"site_code": "GNT-7", "flags": [1, 2]}}
LOCATION_WITH_EXTRAS = {**deep(LOCATION_230), **VENDOR_FIELDS}
BEC = Context(owner_country_code="BE", owner_party_id="BEC")


async def legs_of(bridge, module: str, path_end: str = "") -> dict:
    await bridge.hub.context.drain()
    await bridge.hub.context.messages.flush()
    records = await bridge.hub.context.store.messages.query(module=module)
    return {
        record.to_party: record
        for record in records
        if record.outcome.startswith("broadcast-leg") and record.path.endswith(path_end)
    }


async def test_a_230_location_reaches_each_emsp_in_its_version(bridge230):
    sent = orjson.dumps(LOCATION_WITH_EXTRAS)
    answer = await bridge230.send(bridge230.cpo_230, "PUT", "receiver", "locations", "/BE/BEC/LOC1", raw=sent)
    assert (answer.status, answer.status_code) == (200, 1000), answer.body

    # 2.3.0 -> 2.3.0: the bytes as sent; a broadcast leg comes from the hub's party (as in 2.2.1).
    (same,) = await bridge230.emsp_230.expect(1)
    assert same.path == "/ocpi/2.3.0/receiver/locations/BE/BEC/LOC1"
    assert same.body == sent
    assert (same.headers["OCPI-from-party-id"], same.headers["OCPI-to-party-id"]) == ("HUB", "TNM")
    # 2.3.0 -> 2.2.1: without the parking the EVSEs and the Location cannot describe there; vendor fields kept.
    (newer,) = await bridge230.emsp_221.expect(1)
    assert newer.path == "/ocpi/2.2.1/receiver/locations/BE/BEC/LOC1"
    assert newer.json == {**LOCATION_221, **VENDOR_FIELDS}
    # 2.3.0 -> 2.1.1: through 2.2.1; the owner's ids in the URL, no routing headers, the plain token.
    (older,) = await bridge230.emsp_211.expect(1)
    assert older.path == "/ocpi/2.1.1/locations/BE/BEC/LOC1"
    expected_211 = to_211("location", LOCATION_WITH_EXTRAS, BEC)
    assert older.json == expected_211.body
    assert "country_code" not in older.json and older.json["evses"][0]["connectors"][0]["standard"] == "IEC_62196_T2"
    assert no_routing_headers(older)

    legs = await legs_of(bridge230, "locations")
    assert (legs["DE:TNM"].translation, legs["DE:TNM"].lost) == ("", [])
    assert legs["DE:EMA"].translation == "2.3.0>2.2.1"
    assert legs["DE:EMA"].lost == ["request: parking_places", "request: evses[0].parking", "request: evses[1].parking"]
    assert legs["SE:EMO"].translation == "2.3.0>2.1.1"
    assert legs["SE:EMO"].lost == [f"request: {path}" for path in expected_211.lost]


async def test_a_221_location_reaches_the_230_emsp_in_230(bridge230):
    location = owned({**deep(LOCATION_221), "id": "LOC9"}, bridge230.cpo_221.roles[0])
    answer = await bridge230.send(bridge230.cpo_221, "PUT", "receiver", "locations", "/NL/CPA/LOC9", location)
    assert answer.status_code == 1000, answer.body
    (arrived,) = await bridge230.emsp_230.expect(1)
    assert arrived.path == "/ocpi/2.3.0/receiver/locations/NL/CPA/LOC9"
    assert arrived.json == to_230("location", location).body
    assert (arrived.headers["OCPI-from-party-id"], arrived.headers["OCPI-to-party-id"]) == ("HUB", "TNM")


async def test_a_plug_and_charge_token_reaches_each_cpo_in_its_version(bridge230):
    sent = {**deep(TOKEN_EMAID_230), **VENDOR_FIELDS}
    path = f"/DE/TNM/{sent['uid']}"
    answer = await bridge230.send(bridge230.emsp_230, "PUT", "receiver", "tokens", path, raw=orjson.dumps(sent))
    assert answer.status_code == 1000, answer.body
    (same,) = await bridge230.cpo_230.expect(1)
    assert same.body == orjson.dumps(sent), "EMAID, a 2.3.0 TokenType, and the vendor field: as sent"
    (newer,) = await bridge230.cpo_221.expect(1)
    assert newer.json == {**TOKEN_EMAID_221, **VENDOR_FIELDS}, "EMAID is OTHER in 2.2.1"
    (older,) = await bridge230.cpo_211.expect(1)
    assert older.path == f"/ocpi/2.1.1/tokens/DE/TNM/{sent['uid']}"
    assert older.json == to_211("token", sent).body
    assert older.json["type"] == "OTHER" and older.json["auth_id"] == sent["contract_id"]
    legs = await legs_of(bridge230, "tokens")
    assert legs["NL:CPA"].lost == ["request: type"]


async def test_tariffs_with_price_limits_and_taxes_included(bridge230):
    tariff = owned(deep(TARIFF_6_230), bridge230.cpo_230.roles[0])
    answer = await bridge230.send(bridge230.cpo_230, "PUT", "receiver", "tariffs", f"/BE/BEC/{tariff['id']}", tariff)
    assert answer.status_code == 1000, answer.body
    (same,) = await bridge230.emsp_230.expect(1)
    assert same.json == tariff
    (newer,) = await bridge230.emsp_221.expect(1)
    assert newer.json == owned(TARIFF_6_221, bridge230.cpo_230.roles[0]), "max_price in excl_vat and incl_vat"
    (older,) = await bridge230.emsp_211.expect(1)
    assert older.json == to_211("tariff", tariff, BEC).body

    # Prices that include taxes cannot be said in 2.2.1 (receivers add VAT on top): not sent there, and the log
    # says why; the 2.3.0 eMSP gets it as sent.
    bridge230.clear()
    inclusive = owned({**deep(TARIFF_20_230), "id": "20"}, bridge230.cpo_230.roles[0])
    answer = await bridge230.send(bridge230.cpo_230, "PUT", "receiver", "tariffs", "/BE/BEC/20", inclusive)
    assert answer.status_code == 1000, answer.body
    (same,) = await bridge230.emsp_230.expect(1)
    assert same.json == inclusive
    legs = await legs_of(bridge230, "tariffs", "/20")
    assert legs["DE:EMA"].status_message.startswith("not sent: cannot be given in OCPI 2.2.1: tax_included is YES")
    assert legs["SE:EMO"].status_message.startswith("not sent: cannot be given in OCPI 2.1.1: tax_included is YES")
    assert legs["DE:TNM"].status_code == 1000
    assert not [r for r in bridge230.emsp_221.received if r.path.endswith("/20")]


async def test_a_list_asked_of_the_hub_party_answers_in_230(bridge230):
    await bridge230.send(bridge230.cpo_230, "PUT", "receiver", "locations", "/BE/BEC/LOC1", LOCATION_WITH_EXTRAS)
    location = owned({**deep(LOCATION_221), "id": "LOC9"}, bridge230.cpo_221.roles[0])
    await bridge230.send(bridge230.cpo_221, "PUT", "receiver", "locations", "/NL/CPA/LOC9", location)
    await bridge230.hub.context.drain()
    answer = await bridge230.send(bridge230.emsp_230, "GET", "sender", "locations", "", to="NL:HUB")
    assert answer.status_code == 1000, answer.body
    by_id = {item["id"]: item for item in answer.data}
    assert by_id["LOC1"] == LOCATION_WITH_EXTRAS, "the 2.3.0 owner's Location as it sent it"
    assert by_id["LOC9"] == to_230("location", location).body, "the 2.2.1 owner's, in 2.3.0"
