"""Quirk profiles in the admin API over real HTTP, on a hub bridging 2.1.1 and 2.2.1: the profiles listed, a
platform's version, profile and tolerances, a PATCH that the relay reads the platform with at once, refusals that
change nothing, the routing config YAML with its `platforms:`, and translated messages in the message log. Every
answer is checked against openapi.yaml."""

from __future__ import annotations

import pytest
import yaml

from tests.admin.openapi_check import check_request
from tests.admin.test_admin_api import BEARER, api
from tests.quirk_fixtures import (
    LOST_FOR_THE_211_CPO,
    platform_of,
    put_full_token_of_ema,
    put_token_with_221_name,
    running_bridge,
)
from translation.quirks import PROFILE_NOTES, PROFILES, tolerances

PLATFORM = "/platforms/{platform_id}"
YAML = {**BEARER, "Content-Type": "application/yaml"}


@pytest.fixture
async def bridge(store_url):
    async with running_bridge(store_url) as running:
        yield running


async def test_the_profiles_and_each_platforms_version_and_profile(bridge):
    status, listed = await api(bridge.hub, "GET", "/quirk-profiles", template="/quirk-profiles")
    assert status == 200
    assert listed[0] == {"name": "strict", "note": PROFILE_NOTES["strict"], "tolerates": [], "default": True}
    assert {p["name"]: p["tolerates"] for p in listed} == {name: tolerances(name) for name in PROFILES}

    status, platforms = await api(bridge.hub, "GET", "/platforms", template="/platforms")
    by_party = {p["parties"][0]["party_id"]: p for p in platforms}
    assert {party: (p["version"], p["quirks"], p["tolerances"]) for party, p in by_party.items()} == {
        "BEC": ("2.1.1", "strict", []),
        "TNM": ("2.1.1", "strict", []),
        "CPA": ("2.2.1", "strict", []),
        "EMA": ("2.2.1", "strict", []),
    }


async def test_patching_a_platforms_profile_changes_how_the_hub_reads_it_at_once(bridge):
    tnm = platform_of(bridge, "DE:TNM:EMSP")
    assert (await put_token_with_221_name(bridge)).status_code == 2001, "strict: 2.2.1's name is not 2.1.1's"
    change = {"quirks": "lenient-2.1.1"}
    assert check_request(PLATFORM, "PATCH", change)
    status, patched = await api(bridge.hub, "PATCH", f"/platforms/{tnm.id}", change, template=PLATFORM)
    assert status == 200
    assert (patched["quirks"], patched["tolerances"]) == ("lenient-2.1.1", tolerances("lenient-2.1.1"))
    assert platform_of(bridge, "DE:TNM:EMSP").quirks == "lenient-2.1.1", "the serving hub's directory, at once"
    accepted = await put_token_with_221_name(bridge)
    assert accepted.status_code == 1000, accepted.body
    status, read = await api(bridge.hub, "GET", f"/platforms/{tnm.id}", template=PLATFORM)
    assert read["quirks"] == "lenient-2.1.1"

    status, patched = await api(bridge.hub, "PATCH", f"/platforms/{tnm.id}", {"quirks": "strict"}, template=PLATFORM)
    assert (status, patched["quirks"], patched["tolerances"]) == (200, "strict", [])
    assert (await bridge.hub.context.store.platforms.get(tnm.id)).quirks == ""


@pytest.mark.parametrize(
    ("body", "status", "field", "message"),
    [
        ({"quirks": "extrawest"}, 422, "quirks", "unknown quirk profile 'extrawest'; the profiles are: strict, "),
        ({"quirks": ""}, 422, "quirks", "invalid request"),
        ({"quirks": 7}, 422, "quirks", "invalid request"),
        ({"name": "renamed"}, 422, "name", "unknown field `name`"),
        ({"quirks": "strict", "state": "INVITED"}, 422, "state", "unknown field `state`"),
        ({}, 422, None, 'nothing to change: send {"quirks": PROFILE}'),
    ],
)
async def test_a_bad_change_is_refused_in_one_line_and_changes_nothing(bridge, body, status, field, message):
    tnm = platform_of(bridge, "DE:TNM:EMSP")
    before = await bridge.hub.context.store.platforms.get(tnm.id)
    answer_status, payload = await api(bridge.hub, "PATCH", f"/platforms/{tnm.id}", body, template=PLATFORM)
    assert (answer_status, payload["error"].get("field")) == (status, field)
    assert message in payload["error"]["message"] and "\n" not in payload["error"]["message"]
    assert await bridge.hub.context.store.platforms.get(tnm.id) == before


async def test_a_change_to_no_platform_is_404(bridge):
    status, payload = await api(bridge.hub, "PATCH", "/platforms/nope", {"quirks": "strict"}, template=PLATFORM)
    assert (status, payload["error"]["message"]) == (404, "no platform nope")


async def test_the_routing_config_yaml_sets_profiles_all_or_nothing(bridge):
    status, text = await api(bridge.hub, "GET", "/agreements.yaml", template="/agreements.yaml")
    document = yaml.safe_load(text)
    assert {entry["parties"][0]: entry["quirks"] for entry in document["platforms"]} == {
        "BE:BEC:CPO": "strict",
        "DE:TNM:EMSP": "strict",
        "NL:CPA:CPO": "strict",
        "DE:EMA:EMSP": "strict",
    }
    status, result = await api(
        bridge.hub, "PUT", "/agreements.yaml", raw=text, headers=YAML, template="/agreements.yaml"
    )
    assert (status, result) == (200, {"created": 0, "updated": 0, "removed": 0})

    bec = next(entry for entry in document["platforms"] if entry["parties"] == ["BE:BEC:CPO"])
    bec["quirks"] = "Extrawest-2.1.1"
    document["agreements"] = document["agreements"][:3]
    broken = {**document, "platforms": [*document["platforms"], {"parties": ["FR:XXX:CPO"], "quirks": "strict"}]}
    status, payload = await api(
        bridge.hub,
        "PUT",
        "/agreements.yaml?replace=true",
        raw=yaml.safe_dump(broken),
        headers=YAML,
        template="/agreements.yaml",
    )
    assert status == 422 and "no platform on this hub holds FR:XXX:CPO" in payload["error"]["message"]
    assert len(await bridge.hub.context.store.agreements.list_all()) == 4, "no agreement removed"
    assert platform_of(bridge, "BE:BEC:CPO").quirks == "", "no profile set"

    status, result = await api(
        bridge.hub,
        "PUT",
        "/agreements.yaml?replace=true",
        raw=yaml.safe_dump(document),
        headers=YAML,
        template="/agreements.yaml",
    )
    assert (status, result) == (200, {"created": 0, "updated": 0, "removed": 1, "quirk_profiles_changed": 1})
    assert platform_of(bridge, "BE:BEC:CPO").quirks == "extrawest-2.1.1", "the serving hub's directory, at once"


async def test_messages_say_what_was_translated_and_lost(bridge):
    assert (await put_full_token_of_ema(bridge)).status_code == 1000
    status, found = await api(bridge.hub, "GET", "/messages?module=tokens", template="/messages")
    assert status == 200
    legs = {m["to_party"]: m for m in found if m["outcome"] == "broadcast-leg"}
    assert (legs["BE:BEC"]["translation"], legs["BE:BEC"]["lost"]) == ("2.2.1>2.1.1", LOST_FOR_THE_211_CPO)
    assert (legs["NL:CPA"]["translation"], legs["NL:CPA"]["lost"]) == ("", []), "same version: not translated"
