"""Tariff, its elements and PriceLimit between OCPI 2.2.1 and 2.3.0 (translation.v230.tariffs), on the spec's own
2.3.0 tariff examples."""

from __future__ import annotations

import pytest

from tests.translation.examples import changed, without
from tests.translation.examples_230 import (
    TARIFF_1_221,
    TARIFF_1_230,
    TARIFF_6_221,
    TARIFF_6_230,
    TARIFF_12_221,
    TARIFF_12_230,
    TARIFF_14_221,
    TARIFF_14_230,
    TARIFF_15_221,
    TARIFF_15_230,
    TARIFF_19_221,
    TARIFF_19_230,
    TARIFF_20_230,
    TARIFF_PUT_221,
    TARIFF_PUT_230,
    to_221,
    to_230,
)
from translation import Context, Quirks

PAIRS = [
    pytest.param(TARIFF_1_230, TARIFF_1_221, id="tariff_1_simple_2hour"),
    pytest.param(TARIFF_6_230, TARIFF_6_221, id="tariff_6_025kwh_start_max_price"),
    pytest.param(TARIFF_12_230, TARIFF_12_221, id="tariff_12_025kwh_min_price"),
    pytest.param(TARIFF_14_230, TARIFF_14_221, id="tariff_14_step_size-no-vat"),
    pytest.param(TARIFF_15_230, TARIFF_15_221, id="tariff_15_reservation_5_euro_per_hour"),
    pytest.param(TARIFF_19_230, TARIFF_19_221, id="tariff_19_simple_north_american_exclusive"),
    pytest.param(TARIFF_PUT_230, TARIFF_PUT_221, id="tariff_put_example"),
]


@pytest.mark.parametrize(("v230", "v221"), PAIRS)
def test_the_spec_examples_translate_into_each_other_with_nothing_lost(v230, v221):
    down = to_221("tariff", v230)
    assert (down.body, down.lost, down.refused) == (v221, (), None)
    up = to_230("tariff", v221)
    assert (up.body, up.lost, up.refused) == (v230, (), None)
    assert list(up.body) == list(v230), "tax_included where the spec's examples put it"
    assert to_230("tariff", down.body).body == v230  # the round trip


@pytest.mark.parametrize("name", sorted(set(TARIFF_6_230) | set(TARIFF_6_221)))
def test_a_tariff_field_by_field(name):
    assert to_221("tariff", TARIFF_6_230).body.get(name) == TARIFF_6_221.get(name)
    assert to_230("tariff", TARIFF_6_221).body.get(name) == TARIFF_6_230.get(name)


def test_prices_including_taxes_are_refused_towards_221():
    """tariff_20_simple_north_american_inclusive.json: a 2.2.1 receiver would add VAT to C$ 2.10."""
    translated = to_221("tariff", TARIFF_20_230)
    assert translated.body is None
    assert "tax_included is YES" in translated.refused


def test_no_taxes_applicable_is_dropped_and_recorded():
    translated = to_221("tariff", changed(TARIFF_14_230, tax_included="N/A"))
    assert (translated.body, translated.lost) == (TARIFF_14_221, ("tax_included",))


def test_a_value_that_is_no_tax_included_is_refused():
    assert "'MAYBE' is no TaxIncluded value" in to_221("tariff", changed(TARIFF_1_230, tax_included="MAYBE")).refused


def test_what_else_221_cannot_hold():
    with_preauthorization = changed(TARIFF_1_230, preauthorize_amount=50.00)
    assert to_221("tariff", with_preauthorization).body == TARIFF_1_221
    assert to_221("tariff", with_preauthorization).lost == ("preauthorize_amount",)


def test_tax_included_towards_230_is_no_even_where_no_vat_is_given():
    assert to_230("tariff", TARIFF_19_221).body["tax_included"] == "NO"
    assert to_230("tariff", TARIFF_14_221).body["tax_included"] == "NO"
    # A 2.2.1 Tariff that already says (a 2.3.0 habit) keeps what it says.
    assert to_230("tariff", changed(TARIFF_1_221, tax_included="N/A")).body["tax_included"] == "N/A"


def test_a_partial_tariff_converts_only_what_it_holds():
    assert to_230("tariff", {"min_price": {"excl_vat": 1}}, partial=True).body == {"min_price": {"before_taxes": 1}}
    assert to_221("tariff", {"max_price": {"before_taxes": 9, "after_taxes": 9.9}}, partial=True).body == {
        "max_price": {"excl_vat": 9, "incl_vat": 9.9}
    }
    assert to_221("tariff", {"tax_included": "YES"}, partial=True).refused


# (2.2.1 Price, 2.3.0 PriceLimit)
PRICE_LIMITS = [
    pytest.param({"excl_vat": 10.00, "incl_vat": 11.00}, {"before_taxes": 10.00, "after_taxes": 11.00}, id="both"),
    pytest.param({"excl_vat": 0.50}, {"before_taxes": 0.50}, id="before-taxes-only"),
]


@pytest.mark.parametrize(("v221", "v230"), PRICE_LIMITS)
def test_a_price_limit(v221, v230):
    assert to_230("price_limit", v221).body == v230
    assert to_221("price_limit", v230).body == v221


def test_a_price_limit_needs_its_amount_before_taxes():
    assert "before_taxes is missing" in to_221("price_limit", {"after_taxes": 1}).refused
    assert "excl_vat is missing" in to_230("price_limit", {"incl_vat": 1}).refused
    tariff = changed(TARIFF_12_230, min_price={"after_taxes": 0.55})
    assert "min_price.before_taxes is missing" in to_221("tariff", tariff).refused


def test_elements_components_and_restrictions_are_the_same():
    element = TARIFF_15_230["elements"][0]
    for kind, value in (
        ("tariff_element", element),
        ("price_component", element["price_components"][0]),
        ("tariff_restrictions", element["restrictions"]),
    ):
        assert to_221(kind, value).body == value
        assert to_230(kind, value).body == value


def test_a_stored_tariff_in_either_shape_reads_under_the_lenient_quirk():
    lenient = Context(quirks=Quirks(other_version_field_names=True))
    assert to_221("tariff", TARIFF_6_221, lenient).body == TARIFF_6_221
    assert to_221("tariff", TARIFF_6_230, lenient).body == TARIFF_6_221
    # Strictly, 2.2.1 names in a 2.3.0 Tariff are not guessed at.
    strict = to_221("tariff", changed(TARIFF_6_230, max_price={"excl_vat": 10.00, "before_taxes": 10.00}))
    assert strict.body["max_price"] == {"excl_vat": 10.00}
    assert strict.lost == ("max_price.excl_vat",)
    assert without(strict.body, "max_price") == without(TARIFF_6_221, "max_price")
