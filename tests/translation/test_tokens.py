"""Token, AuthorizationInfo and LocationReferences between OCPI 2.1.1 and 2.2.1 (translation.tokens)."""

from __future__ import annotations

import pytest

from tests.translation.examples import (
    APP_USER_221,
    EMSP,
    TOKEN_211,
    TOKEN_221,
    TOKEN_221_FULL,
    changed,
    down,
    up,
    without,
)
from translation import Context, Quirks

AUTHORIZATION_211 = {
    "allowed": "ALLOWED",
    "location": {"location_id": "LOC1", "evse_uids": ["3256", "3257"]},
    "info": {"language": "en", "text": "Welcome, charging is allowed"},
}
AUTHORIZATION_221 = {
    "allowed": "ALLOWED",
    "token": TOKEN_221_FULL,
    "location": {"location_id": "LOC1", "evse_uids": ["3256", "3257"]},
    "info": {"language": "en", "text": "Welcome, charging is allowed"},
}
KNOWS_THE_TOKEN = Context(token=TOKEN_221_FULL)

PAIRS = [
    pytest.param("token", TOKEN_211, TOKEN_221, EMSP, id="token"),
    pytest.param("authorization_info", AUTHORIZATION_211, AUTHORIZATION_221, KNOWS_THE_TOKEN, id="authorization-info"),
    pytest.param(
        "location_references",
        {"location_id": "LOC1", "evse_uids": ["3256"]},
        {"location_id": "LOC1", "evse_uids": ["3256"]},
        Context(),
        id="location-references",
    ),
]


@pytest.mark.parametrize(("kind", "v211", "v221", "context"), PAIRS)
def test_the_pairs_translate_into_each_other_with_nothing_lost(kind, v211, v221, context):
    there = up(kind, v211, context)
    assert (there.body, there.lost, there.refused) == (v221, (), None)
    back = down(kind, v221)
    assert (back.body, back.lost, back.refused) == (v211, (), None)


@pytest.mark.parametrize("name", sorted(set(TOKEN_211) | set(TOKEN_221)))
def test_a_token_field_by_field(name):
    assert up("token", TOKEN_211, EMSP).body.get(name) == TOKEN_221.get(name)
    assert down("token", TOKEN_221).body.get(name) == TOKEN_211.get(name)


# (direction, kind, value, context, expected body, expected lost)
LOSSY = [
    pytest.param(
        "down",
        "token",
        TOKEN_221_FULL,
        Context(),
        TOKEN_211,
        ("group_id", "default_profile_type", "energy_contract"),
        id="what-2.1.1-has-no-place-for",
    ),
    pytest.param(
        "down",
        "token",
        APP_USER_221,
        Context(),
        {
            "uid": "bdf21bce-fc97-11e8-8eb2-f2801f1b9fd1",
            "type": "OTHER",
            "auth_id": "DE8ACC12E46L89",
            "issuer": "TheNewMotion",
            "valid": True,
            "whitelist": "ALLOWED",
            "last_updated": "2018-12-10T17:16:15Z",
        },
        ("type",),
        id="app-user-is-other",
    ),
    pytest.param(
        "down",
        "token",
        changed(TOKEN_221, type="AD_HOC_USER", whitelist="NEVER"),
        Context(),
        changed(TOKEN_211, type="OTHER", whitelist="NEVER"),
        ("type",),
        id="ad-hoc-user-is-other",
    ),
    pytest.param(
        "down",
        "token",
        changed(TOKEN_221, type="X_KEY_FOB"),
        Context(),
        changed(TOKEN_211, type="OTHER"),
        ("type",),
        id="unknown-type-is-other",
    ),
    pytest.param(
        "up",
        "token",
        changed(TOKEN_211, type="X_KEY_FOB"),
        EMSP,
        changed(TOKEN_221, type="X_KEY_FOB"),
        (),
        id="unknown-type-passes-towards-221",
    ),
    pytest.param(
        "down",
        "token",
        changed(TOKEN_221, last_updated="2015-06-29T22:39:09.400Z", x_vendor_tier="gold"),
        Context(),
        changed(TOKEN_211, x_vendor_tier="gold"),
        (),
        id="fractions-and-unknown-fields",
    ),
    pytest.param(
        "up",
        "authorization_info",
        changed(
            AUTHORIZATION_211, location={"location_id": "LOC1", "evse_uids": ["3256"], "connector_ids": ["1", "2"]}
        ),
        KNOWS_THE_TOKEN,
        changed(AUTHORIZATION_221, location={"location_id": "LOC1", "evse_uids": ["3256"]}),
        ("location.connector_ids",),
        id="connector-ids",
    ),
    pytest.param(
        "up",
        "authorization_info",
        {"allowed": "NO_CREDIT"},
        KNOWS_THE_TOKEN,
        {"allowed": "NO_CREDIT", "token": TOKEN_221_FULL},
        (),
        id="not-allowed",
    ),
    pytest.param(
        "down",
        "authorization_info",
        changed(AUTHORIZATION_221, authorization_reference="AUTH-REF-1"),
        Context(),
        AUTHORIZATION_211,
        ("authorization_reference",),
        id="authorization-reference",
    ),
]


@pytest.mark.parametrize(("direction", "kind", "value", "context", "body", "lost"), LOSSY)
def test_lossy(direction, kind, value, context, body, lost):
    translated = (up if direction == "up" else down)(kind, value, context)
    assert (translated.body, translated.lost, translated.refused) == (body, lost, None)


REFUSED = [
    pytest.param("up", "token", TOKEN_211, Context(), "owner of this Token is unknown", id="owner-unknown"),
    pytest.param("up", "token", without(TOKEN_211, "auth_id"), EMSP, "auth_id is missing", id="no-auth-id"),
    pytest.param(
        "down", "token", without(TOKEN_221, "contract_id"), EMSP, "contract_id is missing", id="no-contract-id"
    ),
    pytest.param(
        "up",
        "authorization_info",
        AUTHORIZATION_211,
        Context(),
        "the hub does not know the Token this authorization is for",
        id="token-unknown",
    ),
    pytest.param(
        "up",
        "location_references",
        {"location_id": "LOC1", "evse_uids": ["3256", "E" * 39]},
        Context(),
        "evse_uids[1] has 39 characters",
        id="evse-uid-too-long",
    ),
    pytest.param(
        "up",
        "location_references",
        {"location_id": "L" * 37},
        Context(),
        "location_id has 37 characters",
        id="location-id-too-long",
    ),
]


@pytest.mark.parametrize(("direction", "kind", "value", "context", "reason"), REFUSED)
def test_refused(direction, kind, value, context, reason):
    translated = (up if direction == "up" else down)(kind, value, context)
    assert (translated.body, translated.lost) == (None, ())
    assert reason in translated.refused


def test_token_patches():
    patch = {"valid": False, "last_updated": "2019-06-19T02:11:11Z"}
    assert up("token", patch, partial=True).body == patch
    assert down("token", patch, partial=True).body == patch
    assert up("token", {"auth_id": "DE8ACC12E46L89"}, partial=True).body == {"contract_id": "DE8ACC12E46L89"}
    translated = down("token", {"type": "APP_USER", "group_id": "G1"}, partial=True)
    assert (translated.body, translated.lost) == ({"type": "OTHER"}, ("type", "group_id"))


def test_a_2_1_1_token_with_contract_id_is_read_only_under_the_quirk():
    quirky = changed(without(TOKEN_211, "auth_id"), contract_id="DE8ACC12E46L89")
    lenient = Context(owner_country_code="DE", owner_party_id="TNM", quirks=Quirks(other_version_field_names=True))
    assert up("token", quirky, lenient).body == TOKEN_221
    assert "auth_id is missing" in up("token", quirky, EMSP).refused


def test_an_authorization_patch_needs_no_token():
    assert up("authorization_info", {"allowed": "BLOCKED"}, partial=True).body == {"allowed": "BLOCKED"}
