"""What goes into a translation besides the value (`Context`) and what comes out (`Translated`)."""

from __future__ import annotations

import dataclasses
from typing import Any

from translation.quirks import Quirks


@dataclasses.dataclass(frozen=True)
class Context:
    """Facts the hub gives a translation (looked up by the hub beforehand; translation itself does no I/O)."""

    # The party that owns the object (2.1.1 objects have no country_code/party_id): filled in towards 2.2.1 and
    # 2.3.0, and it overrides what an object says about itself (the hub knows who sent it). Also the owner of the
    # Token inside a 2.1.1 StartSession or ReserveNow (the eMSP sending the command). Not needed between 2.2.1 and
    # 2.3.0 (both carry the owner).
    owner_country_code: str | None = None
    owner_party_id: str | None = None
    # A known 2.2.1 (or 2.3.0: the fields read are the same) Token object: the one a 2.1.1 Session's or CDR's auth_id
    # refers to (it becomes the `cdr_token`), or the one a 2.1.1 authorize was asked for (it becomes
    # AuthorizationInfo.token); towards 2.2.1 or 2.3.0.
    token: dict | None = None
    # The hub's stored full object in the TARGET version's shape:
    # - a 2.2.1 Tariff, for a 2.1.1 Tariff PATCH (2.2.1 has no Tariff PATCH: the translation is the full PUT body);
    #   towards 2.3.0 too, where a 2.3.0 Tariff is accepted as well (2.3.0 has no Tariff PATCH either);
    # - a 2.1.1 Location (or a 2.1.1 Session or CDR holding one in `location`), for a 2.2.1 or 2.3.0 Session
    #   towards 2.1.1 (which embeds the full Location; required) and a 2.2.1 or 2.3.0 CDR towards 2.1.1 (optional:
    #   it fills what a CdrLocation does not say, such as the connector's voltage). A 2.2.1 or 2.3.0 Location is
    #   accepted too (translated there, unpublished or not: a Session publishes nothing).
    # Between 2.2.1 and 2.3.0 nothing stored is needed.
    stored: dict | None = None
    # Tolerated deviations of the SOURCE platform.
    quirks: Quirks = dataclasses.field(default_factory=Quirks)
    # Deviations of the TARGET platform that the body must meet (only where a quirk says what it needs to be given).
    receiver_quirks: Quirks = dataclasses.field(default_factory=Quirks)
    # The hub expects one object here (the answer to a GET of one object, a PUT body): with
    # `quirks.single_object_in_list` a list holding exactly one object is read as that object.
    one_object: bool = False


@dataclasses.dataclass(frozen=True)
class Translated:
    """A translation's outcome: the body to send, and what the receiver will not learn from it."""

    # The translated JSON-ready value (dict / list / None).
    body: Any
    # Paths, in the value given, of what could not be carried: fields dropped (e.g. "evses[0].capabilities"), enum
    # values replaced by their nearest equivalent (e.g. "type" for an APP_USER Token towards 2.1.1), list items
    # dropped (e.g. "[3]"); and paths, in the body, of required fields the source could not supply and that hold a
    # placeholder (e.g. "location.evses[0].connectors[0].voltage" in a 2.2.1 CDR towards 2.1.1).
    lost: tuple[str, ...] = ()
    # Set when translating would make the receiver get something wrong: the hub refuses instead (body then None).
    refused: str | None = None
