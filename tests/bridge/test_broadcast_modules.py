"""Locations, tariffs and tokens across versions, over real HTTP: pushed by a 2.1.1 or a 2.2.1 platform, they reach
every agreed receiver in its own version (2.1.1: no routing headers, plain token, the 2.1.1 shape; same version: the
bytes as sent), and GETs (lists from the hub's copies, one object from its owner) answer in the requester's version.
What each receiver got is compared field by field with the spec's example of the same object in its version."""

from __future__ import annotations

import copy

import orjson

from tests.bridge_fixtures import NEW_CPO, owned
from tests.platform_sim import Reply
from tests.translation.examples import (
    LOCATION_211,
    LOCATION_221,
    TARIFF_12_211,
    TARIFF_12_221,
    TARIFF_211,
    TARIFF_221,
    TOKEN_211,
    TOKEN_221,
)

ROUTING_HEADERS = ("OCPI-to-country-code", "OCPI-to-party-id", "OCPI-from-country-code", "OCPI-from-party-id")
LOC2_211 = {**LOCATION_211, "id": "LOC2"}
LOC2_221 = owned({**LOCATION_221, "id": "LOC2"}, NEW_CPO)
TOKEN_EMA_221 = {
    "country_code": "DE",
    "party_id": "EMA",
    "uid": "EMA001",
    "type": "RFID",
    "contract_id": "DE-EMA-C00001",
    "issuer": "EMA Mobility",
    "valid": True,
    "whitelist": "NEVER",
    "last_updated": "2015-07-01T10:00:00Z",
}
TOKEN_EMA_211 = {
    "uid": "EMA001",
    "type": "RFID",
    "auth_id": "DE-EMA-C00001",
    "issuer": "EMA Mobility",
    "valid": True,
    "whitelist": "NEVER",
    "last_updated": "2015-07-01T10:00:00Z",
}


def no_routing_headers(received) -> bool:
    return not any(name in received.headers for name in ROUTING_HEADERS)


async def test_locations_pushed_and_patched_reach_each_receiver_in_its_version(bridge):
    answer = await bridge.old(bridge.old_cpo, "PUT", "locations", "/BE/BEC/LOC1", LOCATION_211)
    assert (answer.status, answer.status_code) == (200, 1000), answer.body
    answer = await bridge.new(bridge.new_cpo, "PUT", "receiver", "locations", "/NL/CPA/LOC2", LOC2_221)
    assert (answer.status, answer.status_code) == (200, 1000), answer.body
    old_emsp, new_emsp = await bridge.old_emsp.expect(2), await bridge.new_emsp.expect(2)

    # 2.1.1 -> 2.1.1: the bytes as sent, no headers the 2.1.1 eMSP cannot know, its plain token.
    (from_old,) = [r for r in old_emsp if r.path == "/ocpi/2.1.1/locations/BE/BEC/LOC1"]
    assert from_old.body == orjson.dumps(LOCATION_211)
    assert no_routing_headers(from_old)
    assert from_old.headers["Authorization"] == f"Token {bridge.old_emsp.token_for_hub}"
    # 2.2.1 -> 2.1.1: the 2.1.1 Location, the owner's ids in the URL (2.1.1 objects do not carry them).
    (from_new,) = [r for r in old_emsp if r.path == "/ocpi/2.1.1/locations/NL/CPA/LOC2"]
    assert from_new.json == LOC2_211
    assert no_routing_headers(from_new)
    # 2.1.1 -> 2.2.1: the 2.2.1 Location, owned by the 2.1.1 CPO's party; routing headers from the hub.
    (to_new,) = [r for r in new_emsp if r.path == "/ocpi/2.2.1/receiver/locations/BE/BEC/LOC1"]
    assert to_new.json == LOCATION_221
    assert (to_new.headers["OCPI-to-party-id"], to_new.headers["OCPI-from-party-id"]) == ("EMA", "HUB")
    # 2.2.1 -> 2.2.1: untouched.
    (untouched,) = [r for r in new_emsp if r.path == "/ocpi/2.2.1/receiver/locations/NL/CPA/LOC2"]
    assert untouched.body == orjson.dumps(LOC2_221)

    bridge.old_emsp.received.clear()
    bridge.new_emsp.received.clear()
    connector_patch = {"tariff_id": "12", "last_updated": "2015-07-01T10:00:00Z"}
    answer = await bridge.old(bridge.old_cpo, "PATCH", "locations", "/BE/BEC/LOC1/3256/1", connector_patch)
    assert answer.status_code == 1000, answer.body
    evse_patch = {"status": "CHARGING", "last_updated": "2015-07-01T11:00:00Z"}
    answer = await bridge.new(bridge.new_cpo, "PATCH", "receiver", "locations", "/NL/CPA/LOC2/3256", evse_patch)
    assert answer.status_code == 1000, answer.body
    old_emsp, new_emsp = await bridge.old_emsp.expect(2), await bridge.new_emsp.expect(2)
    assert {(r.method, r.path): r.json for r in old_emsp} == {
        ("PATCH", "/ocpi/2.1.1/locations/BE/BEC/LOC1/3256/1"): connector_patch,
        ("PATCH", "/ocpi/2.1.1/locations/NL/CPA/LOC2/3256"): evse_patch,
    }
    assert {(r.method, r.path): r.json for r in new_emsp} == {
        ("PATCH", "/ocpi/2.2.1/receiver/locations/BE/BEC/LOC1/3256/1"): {
            "tariff_ids": ["12"],
            "last_updated": "2015-07-01T10:00:00Z",
        },
        ("PATCH", "/ocpi/2.2.1/receiver/locations/NL/CPA/LOC2/3256"): evse_patch,
    }

    # The hub's copies took the PATCHes: a list GET shows them, in each requester's version.
    patched_211 = copy.deepcopy(LOCATION_211)
    patched_211["evses"][0]["connectors"][0].update(connector_patch)
    patched_211["evses"][0]["last_updated"] = patched_211["last_updated"] = "2015-07-01T10:00:00Z"
    listed = await bridge.old(bridge.old_emsp, "GET", "locations")
    assert (listed.status, listed.status_code) == (200, 1000), listed.body
    by_id = {location["id"]: location for location in listed.data}
    assert by_id["LOC1"] == patched_211
    assert by_id["LOC2"]["evses"][0]["status"] == "CHARGING"
    listed = await bridge.new(bridge.new_emsp, "GET", "sender", "locations")
    by_id = {location["id"]: location for location in listed.data}
    assert by_id["LOC1"]["evses"][0]["connectors"][0]["tariff_ids"] == ["12"]
    assert (by_id["LOC1"]["country_code"], by_id["LOC1"]["party_id"]) == ("BE", "BEC")


async def test_one_location_is_asked_of_its_owner_and_answered_in_the_requesters_version(bridge):
    await bridge.old(bridge.old_cpo, "PUT", "locations", "/BE/BEC/LOC1", LOCATION_211)
    await bridge.new(bridge.new_cpo, "PUT", "receiver", "locations", "/NL/CPA/LOC2", LOC2_221)
    bridge.new_cpo.replies[("GET", "/ocpi/2.2.1/sender/locations/LOC2")] = Reply(data=LOC2_221)
    bridge.old_cpo.replies[("GET", "/ocpi/2.1.1/locations/LOC1")] = Reply(data=LOCATION_211)

    # 2.1.1 eMSP -> 2.2.1 CPO: found by its id among the hub's copies; asked with routing headers.
    answer = await bridge.old(bridge.old_emsp, "GET", "locations", "/LOC2")
    assert (answer.status, answer.status_code) == (200, 1000), answer.body
    assert answer.data == LOC2_211
    (asked,) = bridge.new_cpo.received
    assert (asked.headers["OCPI-from-party-id"], asked.headers["OCPI-to-party-id"]) == ("TNM", "CPA")
    # 2.2.1 eMSP -> 2.1.1 CPO: asked without routing headers, answered in 2.2.1 with the owner filled in.
    answer = await bridge.new(bridge.new_emsp, "GET", "sender", "locations", "/LOC1", to="BE:BEC")
    assert (answer.status, answer.status_code) == (200, 1000), answer.body
    assert answer.data == LOCATION_221
    (asked,) = bridge.old_cpo.received
    assert no_routing_headers(asked)
    # Same version: the receiver's bytes.
    answer = await bridge.old(bridge.old_emsp, "GET", "locations", "/LOC1")
    assert answer.data == LOCATION_211
    answer = await bridge.new(bridge.new_emsp, "GET", "sender", "locations", "/LOC2", to="NL:CPA")
    assert answer.data == LOC2_221
    # An id the hub has no copy of: nobody to ask.
    answer = await bridge.old(bridge.old_emsp, "GET", "locations", "/NOPE")
    assert answer.status_code == 3000, "hub error 4001, in a code 2.1.1 knows"
    assert answer.body["status_message"].startswith("hub error 4001: ")


async def test_tariffs_put_patch_and_delete_cross_versions(bridge):
    answer = await bridge.old(bridge.old_cpo, "PUT", "tariffs", "/BE/BEC/11", TARIFF_211)
    assert answer.status_code == 1000, answer.body
    tariff_12 = owned(TARIFF_12_221, NEW_CPO)
    answer = await bridge.new(bridge.new_cpo, "PUT", "receiver", "tariffs", "/NL/CPA/12", tariff_12)
    assert answer.status_code == 1000, answer.body
    old_emsp, new_emsp = await bridge.old_emsp.expect(2), await bridge.new_emsp.expect(2)
    assert {r.path: r.json for r in old_emsp} == {
        "/ocpi/2.1.1/tariffs/BE/BEC/11": TARIFF_211,
        "/ocpi/2.1.1/tariffs/NL/CPA/12": TARIFF_12_211,
    }
    assert {r.path: r.json for r in new_emsp} == {
        "/ocpi/2.2.1/receiver/tariffs/BE/BEC/11": TARIFF_221,
        "/ocpi/2.2.1/receiver/tariffs/NL/CPA/12": tariff_12,
    }

    # A 2.1.1 PATCH: 2.1.1 receivers get it as sent; 2.2.1 (whose tariffs have no PATCH) the whole tariff, PUT.
    bridge.old_emsp.received.clear()
    bridge.new_emsp.received.clear()
    alt_text = [{"language": "en", "text": "2.75 euro start, then per hour"}]
    patch = {"tariff_alt_text": alt_text, "last_updated": "2015-07-02T09:00:00Z"}
    answer = await bridge.old(bridge.old_cpo, "PATCH", "tariffs", "/BE/BEC/11", patch)
    assert answer.status_code == 1000, answer.body
    (old_leg,), (new_leg,) = await bridge.old_emsp.expect(1), await bridge.new_emsp.expect(1)
    assert (old_leg.method, old_leg.json) == ("PATCH", patch)
    assert (new_leg.method, new_leg.path) == ("PUT", "/ocpi/2.2.1/receiver/tariffs/BE/BEC/11")
    assert new_leg.json == {**TARIFF_221, **patch}

    bridge.old_emsp.received.clear()
    bridge.new_emsp.received.clear()
    answer = await bridge.old(bridge.old_cpo, "DELETE", "tariffs", "/BE/BEC/11")
    assert answer.status_code == 1000, answer.body
    (old_leg,), (new_leg,) = await bridge.old_emsp.expect(1), await bridge.new_emsp.expect(1)
    assert (old_leg.method, old_leg.path) == ("DELETE", "/ocpi/2.1.1/tariffs/BE/BEC/11")
    assert (new_leg.method, new_leg.path) == ("DELETE", "/ocpi/2.2.1/receiver/tariffs/BE/BEC/11")
    listed = await bridge.old(bridge.old_emsp, "GET", "tariffs")
    assert listed.data == [TARIFF_12_211]


async def test_tokens_pushed_by_either_emsp_reach_both_cpos_and_the_token_list(bridge):
    answer = await bridge.old(bridge.old_emsp, "PUT", "tokens", "/DE/TNM/012345678", TOKEN_211)
    assert answer.status_code == 1000, answer.body
    answer = await bridge.new(bridge.new_emsp, "PUT", "receiver", "tokens", "/DE/EMA/EMA001", TOKEN_EMA_221)
    assert answer.status_code == 1000, answer.body
    old_cpo, new_cpo = await bridge.old_cpo.expect(2), await bridge.new_cpo.expect(2)
    assert {r.path: r.json for r in old_cpo} == {
        "/ocpi/2.1.1/tokens/DE/TNM/012345678": TOKEN_211,
        "/ocpi/2.1.1/tokens/DE/EMA/EMA001": TOKEN_EMA_211,
    }
    assert {r.path: r.json for r in new_cpo} == {
        "/ocpi/2.2.1/receiver/tokens/DE/TNM/012345678": TOKEN_221,
        "/ocpi/2.2.1/receiver/tokens/DE/EMA/EMA001": TOKEN_EMA_221,
    }
    assert all(no_routing_headers(r) for r in old_cpo)

    bridge.old_cpo.received.clear()
    bridge.new_cpo.received.clear()
    patch = {"valid": False, "last_updated": "2015-07-03T08:00:00Z"}
    answer = await bridge.old(bridge.old_emsp, "PATCH", "tokens", "/DE/TNM/012345678", patch)
    assert answer.status_code == 1000, answer.body
    (old_leg,), (new_leg,) = await bridge.old_cpo.expect(1), await bridge.new_cpo.expect(1)
    assert old_leg.json == new_leg.json == patch

    # A 2.1.1 CPO pulls the tokens it may see: the hub's copies, in 2.1.1, patched.
    listed = await bridge.old(bridge.old_cpo, "GET", "tokens")
    assert (listed.status, listed.status_code) == (200, 1000), listed.body
    assert listed.data == [TOKEN_EMA_211, {**TOKEN_211, **patch}], "ordered by last_updated"
    assert listed.headers["X-Total-Count"] == "2"
    listed = await bridge.new(bridge.new_cpo, "GET", "sender", "tokens")
    assert listed.data == [TOKEN_EMA_221, {**TOKEN_221, **patch}]


async def test_the_message_log_and_metrics_say_what_was_translated_and_lost(bridge):
    location = copy.deepcopy(LOC2_221)
    location["evses"][0]["capabilities"] = ["RFID_READER", "CHIP_CARD_SUPPORT"]  # 2.1.1 knows only the first
    answer = await bridge.new(bridge.new_cpo, "PUT", "receiver", "locations", "/NL/CPA/LOC2", location)
    assert answer.status_code == 1000, answer.body
    await bridge.old_emsp.expect(1)
    await bridge.new_emsp.expect(1)
    await bridge.hub.context.drain()
    await bridge.hub.context.messages.flush()
    records = await bridge.hub.context.store.messages.query(module="locations")
    legs = {record.to_party: record for record in records if record.outcome == "broadcast-leg"}
    assert legs["DE:TNM"].translation == "2.2.1>2.1.1"
    assert legs["DE:TNM"].lost == ["request: evses[0].capabilities"]
    assert (legs["DE:EMA"].translation, legs["DE:EMA"].lost) == ("", [])
    metrics = bridge.hub.context.metrics.render().decode()
    lossy = 'kind="location",outcome="lossy",source_version="2.2.1",target_version="2.1.1"} 1.0'
    assert "ocpi_hub_translations_total{" + lossy in metrics


async def test_the_new_emsp_sees_only_what_agreements_allow(bridge):
    """Agreements hold across versions: without one, a 2.1.1 eMSP gets no pushes and no copies from that CPO (the
    2.2.1 eMSP, which keeps its agreement, still does)."""
    await bridge.hub.context.agreements.remove("NL:CPA:CPO,DE:TNM:EMSP")
    await bridge.new(bridge.new_cpo, "PUT", "receiver", "locations", "/NL/CPA/LOC2", LOC2_221)
    await bridge.new_emsp.expect(1)
    await bridge.hub.context.drain()
    assert bridge.old_emsp.received == []
    listed = await bridge.old(bridge.old_emsp, "GET", "locations")
    assert listed.data == []
