"""OCPI 2.1.1 <-> 2.2.1 translation of bodies: pure functions (no I/O, no clock), beside `routing/`.

    translate(kind, value, source, target, context=Context(), partial=False) -> Translated(body, lost, refused)

The hub calls it on a leg whose sender and receiver speak different versions; what the translation needs to know
beyond the value (the owner of a 2.1.1 object, the Token a 2.1.1 `auth_id` names, a stored object) the hub looks up
beforehand and passes in `Context`. Unknown fields pass through unchanged; enum values neither version knows (2.3.0,
custom) pass through, except into 2.1.1's LocationType and TokenType, whose catch-all OTHER takes them. `lost` names
what the receiver will not learn (paths in the value given; placeholders by their path in the body); `refused` says
why the hub must not send it at all (translating would make the receiver get something wrong).

Kinds (KINDS): location, evse, connector, session, cdr, charging_period, cdr_dimension, tariff, tariff_element,
price_component, tariff_restrictions, token, authorization_info, location_references, start_session, stop_session,
reserve_now, unlock_connector, cancel_reservation, command_response (the synchronous answer), command_result (the
asynchronous result POSTed to response_url; a CommandResponse{result} in 2.1.1), price (2.2.1 Price <-> 2.1.1
number), display_text, business_details, image, energy_mix, energy_source, environmental_impact, hours,
regular_hours, exceptional_period, status_schedule, geo_location, additional_geo_location.

Everywhere:
- Towards 2.2.1 the owner (`country_code`, `party_id`) comes from Context (refused without it, unless a PATCH);
  towards 2.1.1 it goes (the URL says who owns an object), not recorded as lost.
- Towards 2.1.1 DateTimes lose their fractional seconds (truncated; "Z" kept); coordinates get exactly 6 decimals.
- Ids longer than the target allows are refused (a shortened id would name another object): Location.id,
  EVSE.uid and the location and EVSE ids of commands, authorizations and Sessions over 36 towards 2.2.1 (2.1.1
  allowed 39), CDR.id over 36 towards 2.1.1 (2.2.1 allows 39). An EVSE inside a Location is left out instead.
- A PATCH (`partial`) converts only the fields present; nested objects in it are whole values.
- An EVSE, Connector, ChargingPeriod or CdrDimension that cannot be translated is left out of its list (lost);
  an EVSE left without connectors, a CDR without charging periods, is refused. Items of a list value likewise.

Lossy towards 2.1.1 (recorded in `lost`):
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

Lossy towards 2.2.1 (recorded in `lost`):
- Location: `type` OTHER (no `parking_type`; UNKNOWN is dropped unrecorded). (No `publish`: true.)
- CDR and Session: CdrDimension FLAT. The embedded Location becomes references (Session: location_id, evse_uid,
  connector_id, #NA where the Location has no EVSE or connector; CDR: a CdrLocation, evse_id #NA when the EVSE has
  none); the rest of that Location is not recorded, 2.2.1 keeps it in the Locations module. `auth_id` becomes the
  cdr_token of the Token in Context.token.
- LocationReferences: `connector_ids`.
- CommandResponse: TIMEOUT -> REJECTED, explained in `message`; `timeout` is DEFAULT_COMMAND_TIMEOUT_SECONDS (30).
  CommandResult: UNKNOWN_SESSION -> FAILED, explained in `message`. ReserveNow `reservation_id` int -> string.
- Tariff PATCH: 2.2.1 has none; the body becomes the whole Tariff (the PATCH over Context.stored) for a PUT.

Refused:
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

Quirks (translation.quirks, PROFILES by name) tolerate deviations of the SOURCE platform: `cdr_end_date_time`,
`other_version_field_names` (without it a field under the other version's name is dropped and recorded, not
guessed at), `single_object_in_list` (where the hub sets Context.one_object), `numbers_as_strings`.
"""

from translation.api import KINDS, translate
from translation.commands import DEFAULT_COMMAND_TIMEOUT_SECONDS
from translation.context import Context, Translated
from translation.quirks import PROFILES, Quirks

__all__ = ["DEFAULT_COMMAND_TIMEOUT_SECONDS", "KINDS", "PROFILES", "Context", "Quirks", "Translated", "translate"]
