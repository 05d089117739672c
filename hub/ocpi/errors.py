"""The one way the hub refuses: raise OcpiError anywhere under a handler. The edge (for versions, credentials,
HubClientInfo) and the trail (for functional modules and stand-in URLs) turn it into the answer with
`error_response`, the one place that writes an error envelope and chooses its HTTP status."""

from __future__ import annotations

from aiohttp import web

from hub.ocpi.envelope import JSON_CONTENT_TYPE, envelope_bytes
from routing.status import Status


class OcpiError(Exception):
    """An answer with an OCPI error status. `http_status` None: the hub's policy (200, and for the hub's own 4xxx
    errors the operator's `hub_error_http_status`). For the message log, when the refusal concerns a receiver:
    `outcome` (timeout, unreachable; else rejected), the receiver's platform, the request id it was sent with and
    the HTTP status it answered with."""

    def __init__(
        self,
        status: Status | int,
        message: str,
        http_status: int | None = None,
        headers: dict[str, str] | None = None,
        *,
        outcome: str = "rejected",
        receiver_platform: str | None = None,
        downstream_request_id: str = "",
        downstream_http_status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = int(status)
        self.message = message
        self.http_status = http_status
        self.headers = headers or {}
        self.outcome = outcome
        self.receiver_platform = receiver_platform
        self.downstream_request_id = downstream_request_id
        self.downstream_http_status = downstream_http_status

    def http_status_for(self, hub_error_http_status: int) -> int:
        if self.http_status is not None:
            return self.http_status
        return hub_error_http_status if 4000 <= self.status_code < 5000 else 200


def status_for_version(status_code: int, message: str, version: str) -> tuple[int, str]:
    """The status code and message to answer a client of `version` with. OCPI 2.1.1 knows no 4xxx (hub errors)
    and no 2004: those become 3000 (generic server error: the client can do nothing about it) and 2000, with the
    hub's own code kept at the front of the message (docs/versions.md)."""
    if version != "2.1.1":
        return status_code, message
    if 4000 <= status_code < 5000:
        return 3000, f"hub error {status_code}: {message}".rstrip(": ")
    if status_code == 2004:
        return 2000, f"unknown token (2004): {message}".rstrip(": ")
    return status_code, message


def error_response(error: OcpiError, hub_error_http_status: int, version: str = "2.2.1") -> web.Response:
    status_code, message = status_for_version(error.status_code, error.message, version)
    body = envelope_bytes(status_code, message)
    response = web.Response(
        body=body,
        status=error.http_status_for(hub_error_http_status),
        content_type=JSON_CONTENT_TYPE,
        headers=error.headers or None,
    )
    response.ocpi_status_code = status_code  # type: ignore[attr-defined]
    return response
