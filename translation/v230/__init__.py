"""OCPI 2.2.1 <-> 2.3.0: the converters of this pair, one module per OCPI module, beside the 2.1.1 <-> 2.2.1 ones
(translation.locations, ...). Each handles both directions of the pair (`run.up`: towards 2.3.0); translation.api
picks the pair's registry, and chains the two pairs for 2.1.1 <-> 2.3.0 (translation.chain).

2.3.0 changed far less than 2.2.1 did: no field was renamed or removed in the objects translated here, so towards
2.3.0 a 2.2.1 object mostly stays as it is (Price and Tariff excepted), and towards 2.2.1 what 2.3.0 added is
dropped (recorded) or, where leaving it out would make the receiver get something wrong, refused. Fields neither
version documents pass through both ways (2.3.0: "non-specified JSON fields SHALL NOT cause rejection").
"""

from __future__ import annotations

from translation.fields import Convert, only_in
from translation.v230 import cdrs, commands, common, locations, payments, sessions, tariffs, tokens, values

CONVERTERS: dict[str, Convert] = {
    # locations
    "location": locations.location,
    "evse": locations.evse,
    "connector": locations.connector,
    "parking": locations.parking,
    "evse_parking": locations.evse_parking,
    # sessions and CDRs
    "session": sessions.session,
    "cdr": cdrs.cdr,
    "charging_period": cdrs.charging_period,
    "cdr_dimension": cdrs.cdr_dimension,
    # tariffs
    "tariff": tariffs.tariff,
    "tariff_element": tariffs.tariff_element,
    "price_component": tariffs.price_component,
    "tariff_restrictions": tariffs.tariff_restrictions,
    "price_limit": values.price_limit,
    # tokens
    "token": tokens.token,
    "authorization_info": tokens.authorization_info,
    "location_references": tokens.location_references,
    # commands
    "start_session": commands.start_session,
    "stop_session": commands.stop_session,
    "reserve_now": commands.reserve_now,
    "unlock_connector": commands.unlock_connector,
    "cancel_reservation": commands.cancel_reservation,
    "command_response": commands.command_response,
    "command_result": commands.command_result,
    # payments (2.3.0 only)
    "terminal": payments.terminal,
    "financial_advice_confirmation": payments.financial_advice_confirmation,
    # the shared classes
    "price": values.price,
    "tax_amount": only_in("TaxAmount", "2.3.0"),
    "display_text": common.display_text,
    "business_details": common.business_details,
    "image": common.image,
    "energy_mix": common.energy_mix,
    "energy_source": common.energy_source,
    "environmental_impact": common.environmental_impact,
    "hours": common.hours,
    "regular_hours": common.regular_hours,
    "exceptional_period": common.exceptional_period,
    "status_schedule": common.status_schedule,
    "geo_location": common.geo_location,
    "additional_geo_location": common.additional_geo_location,
}
# The kinds only 2.3.0 has: refused towards and from every other version.
ONLY_230 = ("parking", "evse_parking", "tax_amount", "terminal", "financial_advice_confirmation")
