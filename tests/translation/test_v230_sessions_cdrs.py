"""Price, Session and CDR between OCPI 2.2.1 and 2.3.0 (translation.v230.values, .sessions, .cdrs), on the spec's
own 2.3.0 examples."""

from __future__ import annotations

import pytest

from tests.translation.examples import changed, without
from tests.translation.examples_230 import (
    CDR_221,
    CDR_230,
    CDR_230_COMPLETE,
    SESSION_1_221,
    SESSION_1_230,
    SESSION_2_221,
    SESSION_2_230,
    SESSION_PATCH_COST_221,
    SESSION_PATCH_COST_230,
    SESSION_PATCH_PERIOD_221,
    SESSION_PATCH_PERIOD_230,
    TARIFF_20_230,
    to_221,
    to_230,
)
from translation import Context, Quirks

PAIRS = [
    pytest.param("session", SESSION_1_230, SESSION_1_221, id="session_example_1_simple_start"),
    pytest.param("session", SESSION_2_230, SESSION_2_221, id="session_example_2_short_finished"),
    pytest.param("cdr", CDR_230_COMPLETE, CDR_221, id="cdr_example"),
]


@pytest.mark.parametrize(("kind", "v230", "v221"), PAIRS)
def test_the_pairs_translate_into_each_other_with_nothing_lost(kind, v230, v221):
    down = to_221(kind, v230)
    assert (down.body, down.lost, down.refused) == (v221, (), None)
    up = to_230(kind, v221)
    assert (up.body, up.lost, up.refused) == (v230, (), None)
    assert to_230(kind, down.body).body == v230  # the round trip
    assert to_221(kind, up.body).body == v221


def test_the_spec_cdr_example_whose_tariff_lacks_tax_included():
    """cdr_example.json embeds a Tariff without the required tax_included: read as NO (what 2.2.1 says)."""
    assert to_221("cdr", CDR_230) == to_221("cdr", CDR_230_COMPLETE)
    assert to_230("cdr", CDR_221).body == CDR_230_COMPLETE


@pytest.mark.parametrize(
    ("v230", "v221"),
    [
        pytest.param(SESSION_PATCH_PERIOD_230, SESSION_PATCH_PERIOD_221, id="session_patch_example_charging_period"),
        pytest.param(SESSION_PATCH_COST_230, SESSION_PATCH_COST_221, id="session_patch_example_total_cost"),
    ],
)
def test_the_patch_examples(v230, v221):
    assert to_221("session", v230, partial=True).body == v221
    assert to_230("session", v221, partial=True).body == v230


@pytest.mark.parametrize("name", sorted(CDR_230_COMPLETE))
def test_a_cdr_field_by_field(name):
    assert to_221("cdr", CDR_230_COMPLETE).body.get(name) == CDR_221.get(name)
    assert to_230("cdr", CDR_221).body.get(name) == CDR_230_COMPLETE.get(name)


# --- Price --------------------------------------------------------------------------------------------------------

# (2.3.0 Price, 2.2.1 Price, lost towards 2.2.1)
PRICES_221 = [
    pytest.param({"before_taxes": 2.5}, {"excl_vat": 2.5}, (), id="no-taxes"),
    pytest.param({"before_taxes": 2.5, "taxes": []}, {"excl_vat": 2.5}, (), id="empty-taxes"),
    pytest.param(
        {"before_taxes": 8.50, "taxes": [{"name": "VAT", "amount": 0.85}]},
        {"excl_vat": 8.50, "incl_vat": 9.35},
        (),
        id="one-VAT-as-decimals",
    ),
    pytest.param(
        {"before_taxes": 10, "taxes": [{"name": "vat", "amount": 2}]},
        {"excl_vat": 10, "incl_vat": 12},
        (),
        id="ints-stay-ints",
    ),
    pytest.param(
        {"before_taxes": 10.00, "taxes": [{"name": "VAT", "amount": 2.10, "percentage": 21}]},
        {"excl_vat": 10.00, "incl_vat": 12.10},
        ("taxes",),
        id="percentage-lost",
    ),
    pytest.param(
        {"before_taxes": 10.00, "taxes": [{"name": "VAT", "amount": 2.10, "account_number": "BE0123456789"}]},
        {"excl_vat": 10.00, "incl_vat": 12.10},
        ("taxes",),
        id="account-number-lost",
    ),
    pytest.param(
        {"before_taxes": 10.00, "taxes": [{"name": "GST", "amount": 0.50}, {"name": "QST", "amount": 0.9975}]},
        {"excl_vat": 10.00, "incl_vat": 11.4975},
        ("taxes",),
        id="north-american-taxes-summed",
    ),
    pytest.param(
        {"before_taxes": 10.00, "taxes": [{"name": "VAT"}]},
        {"excl_vat": 10.00},
        ("taxes",),
        id="a-tax-without-amount",
    ),
    pytest.param(
        {"before_taxes": -4.00, "taxes": [{"name": "VAT", "amount": -0.40}]},
        {"excl_vat": -4.00, "incl_vat": -4.40},
        (),
        id="credit",
    ),
    pytest.param(
        {"before_taxes": 1, "taxes": [{"name": "VAT", "amount": 0.2}], "rounding": "half-up"},
        {"excl_vat": 1, "incl_vat": 1.2, "rounding": "half-up"},
        (),
        id="unknown-field-kept",
    ),
]


@pytest.mark.parametrize(("v230", "v221", "lost"), PRICES_221)
def test_a_price_towards_221(v230, v221, lost):
    translated = to_221("price", v230)
    assert (translated.body, translated.lost, translated.refused) == (v221, lost, None)


# (2.2.1 Price, 2.3.0 Price): towards 2.3.0 nothing is lost.
PRICES_230 = [
    pytest.param({"excl_vat": 2.5}, {"before_taxes": 2.5}, id="no-incl_vat"),
    pytest.param(
        {"excl_vat": 8.50, "incl_vat": 9.35},
        {"before_taxes": 8.5, "taxes": [{"name": "VAT", "amount": 0.85}]},
        id="the-VAT-as-decimals",
    ),
    pytest.param({"excl_vat": 4, "incl_vat": 4}, {"before_taxes": 4, "taxes": [{"name": "VAT", "amount": 0}]}, id="0"),
    pytest.param(
        {"excl_vat": 4.00, "incl_vat": 4.40, "note": "x"},
        {"before_taxes": 4.00, "taxes": [{"name": "VAT", "amount": 0.40}], "note": "x"},
        id="unknown-field-kept",
    ),
]


@pytest.mark.parametrize(("v221", "v230"), PRICES_230)
def test_a_price_towards_230(v221, v230):
    translated = to_230("price", v221)
    assert (translated.body, translated.lost, translated.refused) == (v230, (), None)


def test_a_price_the_receiver_could_not_read_is_refused():
    assert "before_taxes is missing" in to_221("price", {"taxes": []}).refused
    assert "excl_vat is missing" in to_230("price", {"incl_vat": 2}).refused
    assert "the VAT amount is unknown" in to_230("price", {"excl_vat": "2.00", "incl_vat": 2.42}).refused


def test_a_price_under_the_other_versions_names():
    """Strict: not guessed at (dropped and recorded). Under other_version_field_names: read as it is."""
    assert to_230("price", {"before_taxes": 2, "excl_vat": 2}).body == {"before_taxes": 2}
    assert to_230("price", {"before_taxes": 2, "excl_vat": 2}).lost == ("before_taxes",)
    lenient = Context(quirks=Quirks(other_version_field_names=True))
    assert to_230("price", {"before_taxes": 2}, lenient).body == {"before_taxes": 2}
    assert to_221("price", {"excl_vat": 2, "incl_vat": 2.4}, lenient).body == {"excl_vat": 2, "incl_vat": 2.4}
    assert to_221("price", {"before_taxes": 2, "incl_vat": 9}).body == {"excl_vat": 2}
    assert to_221("price", {"before_taxes": 2, "incl_vat": 9}).lost == ("incl_vat",)


def test_numbers_as_strings_in_a_price():
    quirk = Context(quirks=Quirks(numbers_as_strings=True))
    assert to_230("price", {"excl_vat": "8.50", "incl_vat": "9.35"}, quirk).body == {
        "before_taxes": 8.5,
        "taxes": [{"name": "VAT", "amount": 0.85}],
    }
    assert to_221("price", {"before_taxes": "8.50", "taxes": [{"name": "VAT", "amount": "0.85"}]}, quirk).body == {
        "excl_vat": 8.5,
        "incl_vat": 9.35,
    }


# --- Session and CDR ----------------------------------------------------------------------------------------------

EMAID_TOKEN = changed(SESSION_2_230["cdr_token"], type="EMAID", uid="NL-TST-C12345678-S")

TOWARDS_221 = [
    pytest.param(
        "session",
        changed(SESSION_2_230, cdr_token=EMAID_TOKEN),
        changed(SESSION_2_221, cdr_token=changed(EMAID_TOKEN, type="OTHER")),
        ("cdr_token.type",),
        id="session-EMAID-token-OTHER",
    ),
    pytest.param(
        "session",
        changed(SESSION_2_230, total_cost={"before_taxes": 8.50, "taxes": [{"name": "BTW", "amount": 0.85}]}),
        SESSION_2_221,
        ("total_cost.taxes",),
        id="session-tax-named-otherwise",
    ),
    pytest.param(
        "cdr",
        changed(CDR_230_COMPLETE, tariffs=[TARIFF_20_230, CDR_230_COMPLETE["tariffs"][0]]),
        CDR_221,
        ("tariffs[0]",),
        id="cdr-tariff-including-taxes-left-out",
    ),
    pytest.param(
        "cdr",
        changed(
            CDR_230_COMPLETE,
            total_energy_cost={"before_taxes": 1.00, "taxes": [{"name": "VAT", "amount": 0.21, "percentage": 21}]},
            total_reservation_cost={"before_taxes": 0},
        ),
        changed(
            CDR_221, total_energy_cost={"excl_vat": 1.00, "incl_vat": 1.21}, total_reservation_cost={"excl_vat": 0}
        ),
        ("total_energy_cost.taxes",),
        id="cdr-every-total",
    ),
    pytest.param(
        "cdr",
        changed(CDR_230_COMPLETE, cdr_token=changed(CDR_230["cdr_token"], type="ISO15118_CERT")),
        changed(CDR_221, cdr_token=changed(CDR_230["cdr_token"], type="OTHER")),
        ("cdr_token.type",),
        id="cdr-custom-token-type-OTHER",
    ),
]


@pytest.mark.parametrize(("kind", "value", "body", "lost"), TOWARDS_221)
def test_what_221_cannot_hold(kind, value, body, lost):
    translated = to_221(kind, value)
    assert (translated.body, translated.lost, translated.refused) == (body, lost, None)


def test_a_cdr_at_a_connector_221_cannot_name_is_refused():
    mcs = changed(CDR_230, cdr_location=changed(CDR_230["cdr_location"], connector_standard="MCS"))
    assert "cdr_location.connector_standard: ConnectorType MCS" in to_221("cdr", mcs).refused
    assert (
        to_230("cdr", changed(CDR_221, cdr_location=mcs["cdr_location"])).body["cdr_location"] == (mcs["cdr_location"])
    )


def test_towards_230_values_and_fields_221_does_not_know_are_forwarded():
    custom = changed(SESSION_2_221, cdr_token=changed(CDR_221["cdr_token"], type="EMAID"), roaming_hub="X")
    translated = to_230("session", custom)
    assert translated.body == changed(SESSION_2_230, cdr_token=custom["cdr_token"], roaming_hub="X")
    assert translated.lost == ()


def test_a_cdr_without_totals_beyond_its_cost():
    minimal = without(CDR_230_COMPLETE, "total_time_cost", "tariffs")
    assert to_221("cdr", minimal).body == without(CDR_221, "total_time_cost", "tariffs")
