"""OCPI 2.1.1 <-> 2.2.1 <-> 2.3.0 translation of bodies: pure functions (no I/O, no clock), beside `routing/`.

    translate(kind, value, source, target, context=Context(), partial=False) -> Translated(body, lost, refused)

The hub calls it on a leg whose sender and receiver speak different versions; what the translation needs to know
beyond the value (the owner of a 2.1.1 object, the Token a 2.1.1 `auth_id` names, a stored object) the hub looks up
beforehand and passes in `Context`. Unknown fields pass through unchanged; enum values neither version knows (custom
ones) pass through, except into 2.1.1's LocationType and TokenType, whose catch-all OTHER takes them, and into the
enums 2.3.0 opened (see below). `lost` names what the receiver will not learn (paths in the value given; placeholders
by their path in the body); `refused` says why the hub must not send it at all (translating would make the receiver
get something wrong).

Design: one converter per kind and pair of neighbouring versions, each handling both directions of its pair
(`run.up`: towards the newer). The 2.1.1 <-> 2.2.1 converters are the modules here (locations, sessions, cdrs,
tariffs, tokens, commands, common; registry api.CONVERTERS), the 2.2.1 <-> 2.3.0 ones the same modules in
translation.v230 (registry v230.CONVERTERS), so neither pair's logic is mixed into the other's. 2.1.1 <-> 2.3.0 is
not a third set: translation.chain runs the two pairs through 2.2.1, the hub's canonical version (below).

Kinds (KINDS): location, evse, connector, session, cdr, charging_period, cdr_dimension, tariff, tariff_element,
price_component, tariff_restrictions, token, authorization_info, location_references, start_session, stop_session,
reserve_now, unlock_connector, cancel_reservation, command_response (the synchronous answer), command_result (the
asynchronous result POSTed to response_url; a CommandResponse{result} in 2.1.1), price (2.2.1 Price <-> 2.1.1
number <-> 2.3.0 Price), price_limit (2.3.0 PriceLimit <-> 2.2.1 Price <-> 2.1.1 number), display_text,
business_details, image, energy_mix, energy_source, environmental_impact, hours, regular_hours, exceptional_period,
status_schedule, geo_location, additional_geo_location; and the 2.3.0-only parking, evse_parking, tax_amount,
terminal and financial_advice_confirmation (the Payments module), which are refused towards and from any other
version (there is nothing to translate them into).

Between 2.1.1 and 2.2.1, everywhere:
- Towards 2.2.1 the owner (`country_code`, `party_id`) comes from Context (refused without it, unless a PATCH);
  towards 2.1.1 it goes (the URL says who owns an object), not recorded as lost.
- Towards 2.1.1 DateTimes lose their fractional seconds (truncated; "Z" kept); coordinates get exactly 6 decimals.
- Ids longer than the target allows are refused (a shortened id would name another object): Location.id,
  EVSE.uid and the location and EVSE ids of commands, authorizations and Sessions over 36 towards 2.2.1 (2.1.1
  allowed 39), CDR.id over 36 towards 2.1.1 (2.2.1 allows 39). An EVSE inside a Location is left out instead.
- A PATCH (`partial`) converts only the fields present; nested objects in it are whole values.
- An EVSE, Connector, ChargingPeriod or CdrDimension that cannot be translated is left out of its list (lost);
  an EVSE left without connectors, a CDR without charging periods, is refused. Items of a list value likewise.

Lossy towards 2.1.1 (from 2.2.1; recorded in `lost`):
- Location: `state`, `publish_allowed_to`; `parking_type` ON_DRIVEWAY/ALONG_MOTORWAY -> `type` OTHER; Facility
  BIKE_SHARING, PARKING_LOT, TRAM_STOP, METRO_STATION; Capability CHARGING_PREFERENCES_CAPABLE, CHIP_CARD_SUPPORT,
  CONTACTLESS_CARD_SUPPORT, DEBIT_CARD_PAYABLE, PED_TERMINAL, START_SESSION_CONNECTOR_REQUIRED,
  TOKEN_GROUP_CAPABLE; Connector `max_electric_power`, `tariff_ids` beyond the first. (No `parking_type`: `type`
  UNKNOWN; no `postal_code`: "".)
- Session: `authorization_reference`, `total_cost.incl_vat`, ChargingPeriod `tariff_id`, CdrDimensions 2.1.1 lacks
  (CURRENT, ENERGY_EXPORT, ENERGY_IMPORT, MAX_POWER, MIN_POWER, POWER, RESERVATION_TIME, STATE_OF_CHARGE); status
  RESERVATION -> PENDING; AuthMethod COMMAND -> AUTH_REQUEST. `auth_id` is the cdr_token's contract_id.
- CDR: as Session, and `session_id`, `signed_data`, `invoice_reference_id`, `credit_reference_id`,
  `home_charging_compensation`, `total_fixed_cost`, `total_energy_cost`, `total_time_cost`, `total_parking_cost`,
  `total_reservation_cost`, CdrLocation `state`; embedded Tariffs as for Tariff (one that cannot be translated is
  left out). The Location is built from the CdrLocation (and the hub's stored Location, Context.stored, when
  given): without it EVSE status UNKNOWN and connector voltage/amperage 0 (placeholders, recorded).
- Tariff: `type`, `min_price`, `max_price`, `start_date_time`, `end_date_time`, PriceComponent `vat`; elements
  restricted to reservations (2.1.1 cannot price a reservation).
- Token: `group_id`, `default_profile_type`, `energy_contract`; `type` AD_HOC_USER/APP_USER -> OTHER.
- AuthorizationInfo: `authorization_reference` (`token` goes: the CPO asked about it).
- StartSession: `connector_id`, `authorization_reference`. ReserveNow: `authorization_reference`.
- CommandResponse: `message` (and `timeout`, unrecorded). CommandResult: `message`; CANCELED_RESERVATION,
  EVSE_OCCUPIED, EVSE_INOPERATIVE, FAILED, UNKNOWN_RESERVATION -> REJECTED.

Lossy towards 2.2.1 (from 2.1.1; recorded in `lost`):
- Location: `type` OTHER (no `parking_type`; UNKNOWN is dropped unrecorded). (No `publish`: true.)
- CDR and Session: CdrDimension FLAT. The embedded Location becomes references (Session: location_id, evse_uid,
  connector_id, #NA where the Location has no EVSE or connector; CDR: a CdrLocation, evse_id #NA when the EVSE has
  none); the rest of that Location is not recorded, 2.2.1 keeps it in the Locations module. `auth_id` becomes the
  cdr_token of the Token in Context.token.
- LocationReferences: `connector_ids`.
- CommandResponse: TIMEOUT -> REJECTED, explained in `message`; `timeout` is DEFAULT_COMMAND_TIMEOUT_SECONDS (30).
  CommandResult: UNKNOWN_SESSION -> FAILED, explained in `message`. ReserveNow `reservation_id` int -> string.
- Tariff PATCH: 2.2.1 has none; the body becomes the whole Tariff (the PATCH over Context.stored) for a PUT.

Refused (between 2.1.1 and 2.2.1):
- towards 2.2.1: no owner in Context (not a PATCH); Location without `time_zone`; Session or CDR whose `auth_id`
  names no Token in Context.token (or another one than given); AuthorizationInfo without Context.token; a Session's
  or CDR's Location with more than one EVSE or connector (which one is meant is unknown); a CDR whose Location has
  no EVSE with a connector; a Tariff PATCH without Context.stored; ids over 36; CANCEL_RESERVATION (2.1.1 has none).
- towards 2.1.1: Location with `publish` false (2.1.1 would show it); Connector `standard` (ConnectorType) or
  `power_type` AC_2_PHASE/AC_2_PHASE_SPLIT without a 2.1.1 equivalent (in a Location: that connector is left out);
  Session without its Location in Context.stored (2.1.1 embeds it and ids cannot build it; the hub's copy may be
  in either version's shape, published or not), or a Session PATCH naming only some of location_id, evse_uid and
  connector_id; credit CDRs; CDR ids over 36; Tariff elements restricted by `min_current`/`max_current` (without
  the restriction the element would price every session); a Tariff only of reservation elements; a ReserveNow
  `reservation_id` that is not a plain int; CANCEL_RESERVATION.
- a required field missing from a whole object where the target's field is built from it (Session start, CDR
  end/stop, Token contract_id/auth_id, Connector voltage/amperage, a Session's or CDR's token and location).

Between 2.2.1 and 2.3.0 (translation.v230; the diff of the release-2.2.1-bugfixes and release-2.3.0-bugfixes
branches is the authority: no field of these objects was renamed or removed, so towards 2.3.0 every 2.2.1 object is
a 2.3.0 one but for Price and Tariff):
- Fields no version documents pass through both ways (2.3.0: non-specified fields SHALL NOT cause rejection).
- OpenEnums (Capability, ConnectorType, EnvironmentalImpactCategory, Facility, ImageCategory, ParkingRestriction,
  ParkingType, TokenType; ConnectorCapability and VehicleType are in fields 2.2.1 lacks; CommandType, ModuleID and
  VersionNumber are in no body translated here): towards 2.3.0 every value passes. Towards 2.2.1 a value it lacks
  (2.3.0's new ones, custom ones) is mapped to 2.2.1's catch-all (TokenType, ImageCategory: OTHER), else dropped
  from an optional field or list (ParkingType, Facility, Capability), else refuses its object (ConnectorType,
  EnvironmentalImpactCategory: required; ParkingRestriction: see below). All recorded. The closed enums (Status,
  PowerType, CdrDimensionType, ...) have the same values in both.
- Price: towards 2.2.1 `excl_vat` = `before_taxes`, `incl_vat` = before_taxes + the sum of `taxes` (when taxes are
  given); the breakdown is lost (recorded at `taxes`) unless it is one tax named VAT with only its amount. Towards
  2.3.0 `incl_vat` - `excl_vat` is one TaxAmount {"name": "VAT", "amount": ...} (2.2.1 says the difference is VAT:
  not a placeholder, and exactly what the spec's own examples do); no `incl_vat`, no `taxes`. Decimal arithmetic.
  A PriceLimit (Tariff min_price/max_price) is the 2.2.1 Price renamed (before_taxes/after_taxes).
- Tariff `tax_included`: towards 2.3.0 NO (every 2.2.1 price is "excl. VAT", with or without a `vat`: the spec's
  examples without `vat` became NO); towards 2.2.1 NO and absent go unrecorded, N/A is dropped and recorded, YES is
  refused (a 2.2.1 receiver would add VAT to tax-inclusive prices; in a CDR that Tariff is left out, recorded).

Lossy towards 2.2.1 (from 2.3.0; recorded in `lost`):
- Location: `parking_places`, `help_phone`; ParkingType and Facility values 2.2.1 lacks; a `publish_allowed_to`
  entry whose TokenType 2.2.1 lacks (EMAID) is left out (the Location is shown to fewer drivers, never more).
  EVSE: `parking`, `accepted_service_providers`, Capability values 2.2.1 lacks; an EVSE or Connector that
  cannot be given is left out of its list, as towards 2.1.1. Connector: `capabilities` (ConnectorCapability).
  Image: a category 2.2.1 lacks -> OTHER. EnergyMix: an environ_impact 2.2.1 cannot name is left out.
- Session, CDR: the tax breakdown of each Price (total_cost and the CDR's total_*_cost); `cdr_token.type` EMAID (or
  any type 2.2.1 lacks) -> OTHER. CDR: an embedded Tariff that cannot be given is left out.
- Tariff: `preauthorize_amount`, `tax_included` N/A, PriceLimit as Price (nothing lost).
- Token (and AuthorizationInfo.token, StartSession/ReserveNow.token): `type` EMAID (or unknown) -> OTHER.

Lossy towards 2.3.0 (from 2.2.1): nothing a valid 2.2.1 object holds (the TaxAmount named VAT and `tax_included` NO
are what 2.2.1 says).

Refused (between 2.2.1 and 2.3.0):
- towards 2.2.1: a Connector whose `standard` 2.2.1 lacks (MCS, SAE_J3400, custom: in an EVSE it is left out,
  an EVSE left without connectors is refused); an EVSE with a ParkingRestriction 2.2.1 lacks (EMPLOYEES, TAXIS,
  TENANTS, custom: without it the EVSE would look open to every driver; in a Location it is left out); a CDR whose
  `cdr_location.connector_standard` 2.2.1 lacks; a Tariff with `tax_included` YES or a value that is no
  TaxIncluded; an EnvironmentalImpact of a category 2.2.1 lacks; a Price or PriceLimit without `before_taxes`; the
  2.3.0-only kinds.
- towards 2.3.0: a Price without `excl_vat`, or whose `incl_vat` and `excl_vat` are not both numbers (the VAT
  amount is unknown); a PriceLimit without `excl_vat`; the 2.3.0-only kinds (no 2.2.1 value is one).

Between 2.1.1 and 2.3.0 (translation.chain): through 2.2.1, each step as above. A refusal by either step refuses
the whole; `lost` holds both steps' paths, in terms of the value given (the second step's mapped back: indices
shifted past the list items the first step left out, a Price's `incl_vat` named `taxes`, a PriceLimit's
`after_taxes`). What the hub passes: towards 2.3.0 from 2.1.1, the owner, Context.token (a 2.2.1 or 2.3.0 Token, for
a Session's or CDR's auth_id, an authorization) and, for a Tariff PATCH, Context.stored: the stored Tariff, 2.2.1
(canonical) or 2.3.0 (the result is the whole 2.3.0 Tariff, for a PUT: 2.3.0 has no Tariff PATCH either); towards
2.1.1 from 2.3.0, Context.stored: the Location of a Session (required) or CDR (optional), 2.1.1, 2.2.1 or 2.3.0.
The source's quirks apply to both steps, the receiver's to the last.

Quirks (translation.quirks, PROFILES by name) tolerate deviations of the SOURCE platform: `cdr_end_date_time`,
`other_version_field_names` (without it a field under the other version's name is dropped and recorded, not
guessed at), `single_object_in_list` (where the hub sets Context.one_object), `numbers_as_strings`.
"""

from translation.api import KINDS, translate
from translation.commands import DEFAULT_COMMAND_TIMEOUT_SECONDS
from translation.context import Context, Translated
from translation.quirks import PROFILES, Quirks

__all__ = ["DEFAULT_COMMAND_TIMEOUT_SECONDS", "KINDS", "PROFILES", "Context", "Quirks", "Translated", "translate"]
