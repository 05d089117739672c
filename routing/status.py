"""Every OCPI status code the hub answers with or reads: the spec's (OCPI 2.2.1 status_codes.asciidoc) and the hub's
own documented 49xx codes (docs/routing.md). The one table: everything else refers to these names."""

from __future__ import annotations

import enum


class Status(enum.IntEnum):
    SUCCESS = 1000
    CLIENT_ERROR = 2000
    INVALID_PARAMETERS = 2001
    NOT_ENOUGH_INFORMATION = 2002
    UNKNOWN_LOCATION = 2003  # also the hub's answer for a GET of any object a receiver does not know
    UNKNOWN_TOKEN = 2004
    NOT_YOUR_PARTY = 2901  # OCPI-from names a party the calling platform does not host
    BROADCAST_REFUSED = 2902  # broadcast (TO = hub) of a module that is not meant for everyone
    RATE_LIMITED = 2903  # the calling platform is over its rate limit for this class of request (HTTP 429)
    SERVER_ERROR = 3000
    UNABLE_TO_USE_CLIENT_API = 3001
    UNSUPPORTED_VERSION = 3002
    NO_MATCHING_ENDPOINTS = 3003
    HUB_ERROR = 4000
    UNKNOWN_RECEIVER = 4001
    TIMEOUT = 4002
    NOT_CONNECTED = 4003
    NO_SUCH_INTERFACE = 4901  # the receiver does not implement this module's interface
    NO_AGREEMENT = 4902  # the two parties have no active agreement covering this module
    UNKNOWN_CALLBACK = 4903  # a stand-in URL that is unknown, expired, or not yours to call

    @property
    def is_hub_error(self) -> bool:
        """4xxx: errors the hub meets while routing (their HTTP status is the operator's choice)."""
        return 4000 <= self < 5000


def is_success(status_code: int | None) -> bool:
    return status_code is not None and 1000 <= status_code < 2000
