"""OCPI 2.1.1 <-> 2.3.0, through 2.2.1 (translation.chain): the facts go to the step that needs them, `lost` holds
both steps' paths in terms of the value given, a refusal by either step refuses the whole."""

from __future__ import annotations

import pytest

from tests.translation.examples import (
    CDR_211,
    CDR_221,
    CPO,
    EMSP,
    LOCATION_211,
    LOCATION_221,
    SESSION_211,
    SESSION_221,
    TARIFF_12_221,
    TARIFF_211,
    TARIFF_221,
    TOKEN_211,
    TOKEN_221,
    WITH_TOKEN,
    changed,
    down,
    without,
)
from tests.translation.examples_230 import (
    CDR_230,
    LOCATION_230,
    SESSION_2_230,
    TARIFF_6_221,
    TARIFF_6_230,
    TARIFF_20_230,
    TOKEN_EMAID_230,
    from_211,
    to_211,
)
from translation import Context, Quirks


def _with_tax_included(tariff: dict) -> dict:
    out = {}
    for name, value in tariff.items():
        out[name] = value
        if name == "elements":
            out["tax_included"] = "NO"
    return out


SESSION_230 = changed(SESSION_221, total_cost={"before_taxes": 8.50})
CDR_FROM_211 = changed(CDR_221, tariffs=[_with_tax_included(TARIFF_12_221)], total_cost={"before_taxes": 4.00})

# (kind, 2.1.1, context, 2.3.0): what the 2.1.1 examples are in 2.3.0, and back.
PAIRS = [
    pytest.param("location", LOCATION_211, CPO, LOCATION_221, id="location"),
    pytest.param("session", SESSION_211, WITH_TOKEN, SESSION_230, id="session"),
    pytest.param("cdr", CDR_211, WITH_TOKEN, CDR_FROM_211, id="cdr"),
    pytest.param("tariff", TARIFF_211, CPO, _with_tax_included(TARIFF_221), id="tariff"),
    pytest.param("token", TOKEN_211, EMSP, TOKEN_221, id="token"),
]


@pytest.mark.parametrize(("kind", "v211", "context", "v230"), PAIRS)
def test_the_211_examples_in_230(kind, v211, context, v230):
    there = from_211(kind, v211, context)
    assert (there.body, there.lost, there.refused) == (v230, (), None)


def test_and_back_to_211():
    assert to_211("location", LOCATION_221) == down("location", LOCATION_221)
    assert to_211("tariff", _with_tax_included(TARIFF_221)).body == TARIFF_211
    assert to_211("token", TOKEN_221).body == TOKEN_211
    back = to_211("session", SESSION_230, Context(stored=LOCATION_211))
    assert (back.body, back.lost) == (SESSION_211, ())
    assert to_211("cdr", CDR_FROM_211, Context(stored=CDR_211["location"])).body == CDR_211


def test_the_facts_go_to_the_211_step():
    assert "owner of this Location is unknown" in from_211("location", LOCATION_211).refused
    assert "does not know the token" in from_211("session", SESSION_211, CPO).refused
    assert "has not given the 2.1.1 Location" in to_211("session", SESSION_230).refused


def test_the_stored_object_may_be_in_230_shape():
    """The hub's copy as it keeps it: a 2.3.0 Location for a 2.3.0 Session towards 2.1.1 (its parking places do not
    leak into the 2.1.1 body), a 2.3.0 Tariff for a 2.1.1 Tariff PATCH towards 2.3.0."""
    stored = changed(LOCATION_230, id="LOC1")
    session = to_211("session", SESSION_2_230, Context(stored=stored))
    assert session.refused is None
    embedded = session.body["location"]
    assert "parking_places" not in embedded and "parking" not in embedded["evses"][0]
    assert [evse["uid"] for evse in embedded["evses"]] == ["3256"]
    patch = {"id": "16", "last_updated": "2019-01-01T00:00:00Z"}
    for stored_tariff in (TARIFF_6_221, TARIFF_6_230):
        put = from_211("tariff", patch, Context(stored=stored_tariff), partial=True)
        assert put.body == changed(TARIFF_6_230, last_updated="2019-01-01T00:00:00Z")
        assert put.lost == ()


def test_lost_holds_both_steps_in_terms_of_the_value_given():
    """2.3.0 -> 2.2.1 drops the parking places and the MCS-only EVSE (evses[0]); 2.2.1 -> 2.1.1 drops the state and
    the PED_TERMINAL capability of what was evses[1] in the value given (evses[0] in the body between)."""
    mcs_only = changed(
        LOCATION_230["evses"][0],
        uid="MCS",
        connectors=[{**LOCATION_230["evses"][0]["connectors"][0], "standard": "MCS"}],
    )
    card = changed(LOCATION_230["evses"][1], capabilities=["RESERVABLE", "PED_TERMINAL"])
    value = changed(LOCATION_230, state="Oost-Vlaanderen", evses=[mcs_only, card])
    translated = to_211("location", value)
    assert translated.lost == (
        "parking_places",
        "evses[0]",
        "evses[1].parking",
        "state",
        "evses[1].capabilities",
    )
    assert [evse["uid"] for evse in translated.body["evses"]] == ["3257"]
    assert translated.body["evses"][0]["capabilities"] == ["RESERVABLE"]


def test_a_price_lost_in_the_second_step_is_named_as_given():
    session = to_211("session", SESSION_2_230, Context(stored=LOCATION_211))
    assert session.body["total_cost"] == 8.50
    assert session.lost == ("charging_periods[2].tariff_id", "total_cost.taxes")
    assert to_211("price", {"before_taxes": 1, "taxes": [{"name": "VAT", "amount": 0.21}]}).lost == ("taxes",)
    assert to_211("price_limit", {"before_taxes": 10.00, "after_taxes": 11.00}).lost == ("after_taxes",)
    assert to_211("price_limit", {"before_taxes": 10.00, "after_taxes": 11.00}).body == 10.00


def test_a_cdr_from_230_to_211():
    translated = to_211("cdr", CDR_230, Context(stored=CDR_211["location"]))
    assert translated.refused is None
    assert translated.body["total_cost"] == 4.00
    assert translated.body["auth_id"] == "DE8ACC12E46L89"
    assert translated.body["location"]["evses"][0]["connectors"][0]["voltage"] == 230  # the stored Location
    assert translated.lost == (
        "total_time_cost",
        "tariffs[0].elements[0].price_components[0].vat",
        "charging_periods[0].tariff_id",
        "total_cost.taxes",
    )
    # The receiver's quirks go to the last step.
    receiver = Context(stored=CDR_211["location"], receiver_quirks=Quirks(cdr_end_date_time=True))
    assert to_211("cdr", CDR_230, receiver).body["end_date_time"] == CDR_230["end_date_time"]


@pytest.mark.parametrize(
    ("kind", "value", "context", "words"),
    [
        pytest.param("tariff", TARIFF_20_230, Context(), "tax_included is YES", id="first-step-refuses"),
        pytest.param("location", changed(LOCATION_230, publish=False), Context(), "publish", id="second-step-refuses"),
        pytest.param("token", TOKEN_EMAID_230, Context(), None, id="neither"),
    ],
)
def test_a_refusal_by_either_step_refuses_the_whole(kind, value, context, words):
    translated = to_211(kind, value, context)
    if words is None:
        assert translated.refused is None
        assert translated.body["type"] == "OTHER"
        assert translated.lost == ("type", "group_id", "default_profile_type", "energy_contract")
    else:
        assert translated.body is None
        assert words in translated.refused


def test_the_source_quirks_apply_to_both_steps():
    lenient = Context(quirks=Quirks(numbers_as_strings=True), stored=LOCATION_211)
    value = changed(SESSION_2_230, kwh="41.12", total_cost={"before_taxes": "8.50"})
    translated = to_211("session", value, lenient)
    assert (translated.body["kwh"], translated.body["total_cost"]) == (41.12, 8.5)


def test_a_list_through_the_chain():
    translated = to_211("tariff", [TARIFF_20_230, TARIFF_6_230])
    assert translated.body == [down("tariff", TARIFF_6_221).body]
    assert translated.lost == ("[0]", *(f"[1].{path}" for path in down("tariff", TARIFF_6_221).lost))
    there = from_211("tariff", [TARIFF_211, without(TARIFF_211, "elements")], CPO)
    assert there.body == [_with_tax_included(TARIFF_221), without(_with_tax_included(TARIFF_221), "elements")]
