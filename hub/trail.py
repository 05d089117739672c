"""The record of one request to a functional module or a stand-in URL: the message-log record, the metrics and the
log line, written once, whatever the answer (forwarded, broadcast, answered by the hub, refused by a decision or by
an error)."""

from __future__ import annotations

import time

import structlog
from aiohttp import web

from hub.context import HubContext
from hub.directory import Caller
from hub.edge import request_ids
from hub.envelope import JSON_CONTENT_TYPE, envelope_bytes
from hub.forwarder import Relayed
from routing.model import PartyId, Status
from routing.request import RoutingRequest
from storage.models import MessageRecord

log = structlog.get_logger("hub.routing")


class Trail:
    """Writes the message log record, the metrics and the log line for one request to a functional module: once,
    whatever the answer (forwarded, broadcast, answered by the hub, refused by a decision or by an error)."""

    def __init__(self, context: HubContext, request: web.Request, caller: Caller, module: str, interface: str) -> None:
        self.context, self.request, self.caller = context, request, caller
        self.module, self.interface = module, interface
        self.started = time.perf_counter()
        self.request_bytes = 0
        self.request_id, self.correlation_id = request_ids(request)
        self.to: PartyId | None = None
        self.routed: RoutingRequest | None = None

    @property
    def from_party(self) -> str:
        return str(self.routed.from_) if self.routed is not None and self.routed.from_ else ""

    def done(
        self,
        *,
        to_party: str,
        http_status: int,
        status_code: int | None,
        outcome: str,
        response_bytes: int = 0,
        relayed: Relayed | None = None,
        recipients: int = 0,
        from_party: str | None = None,
        receiver_platform: str | None = None,
        status_message: str = "",
        downstream_request_id: str = "",
        downstream_status_code: int | None = None,
    ) -> None:
        latency = (time.perf_counter() - self.started) * 1000
        record = MessageRecord(
            at=time.time(),
            request_id=self.request_id,
            correlation_id=self.correlation_id,
            platform_id=self.caller.platform.id,
            from_party=from_party if from_party is not None else self.from_party,
            to_party=to_party,
            module=self.module,
            interface=self.interface,
            method=self.request.method,
            path=self.request.path,
            http_status=http_status,
            status_code=status_code,
            downstream_http_status=relayed.status if relayed else None,
            downstream_status_code=downstream_status_code,
            downstream_request_id=relayed.request_id if relayed else downstream_request_id,
            status_message=status_message,
            latency_ms=round(latency, 2),
            request_bytes=self.request_bytes,
            response_bytes=response_bytes,
            outcome=outcome,
            recipients=recipients,
        )
        self.context.messages.record(record)
        metrics = self.context.metrics
        # Label values are parties on the hub only: what a caller writes in a header never becomes a new series.
        known = outcome != "rejected"
        metrics.requests.labels(
            record.module,
            record.method,
            record.from_party if known else "",
            to_party if known else "",
            str(status_code or ""),
            outcome,
        ).inc()
        if receiver_platform is not None and outcome == "forwarded":
            metrics.forward_latency.labels(receiver_platform).observe(latency / 1000)
        if outcome == "timeout":
            metrics.timeouts.labels(receiver_platform or "", record.module).inc()
        if outcome == "broadcast":
            metrics.fan_out.labels(record.module).observe(recipients)
        log.info(
            "routed",
            outcome=outcome,
            module=record.module,
            method=record.method,
            from_party=record.from_party,
            to_party=to_party,
            http_status=http_status,
            status_code=status_code,
            status_message=status_message or None,
            ms=record.latency_ms,
            request_id=self.request_id,
            correlation_id=self.correlation_id,
            downstream_request_id=record.downstream_request_id or None,
        )

    def refuse(
        self,
        status: Status | int,
        message: str,
        http_status: int = 200,
        outcome: str = "rejected",
        receiver_platform: str | None = None,
        headers: dict[str, str] | None = None,
        downstream_request_id: str = "",
    ) -> web.Response:
        if status >= 4000 and http_status == 200:  # the hub's own errors, unless a caller named an HTTP status
            http_status = self.context.settings.hub_error_http_status
        body = envelope_bytes(int(status), message)
        self.done(
            to_party=str(self.to or ""),
            http_status=http_status,
            status_code=int(status),
            outcome=outcome,
            response_bytes=len(body),
            receiver_platform=receiver_platform,
            status_message=message,
            downstream_request_id=downstream_request_id,
        )
        response = web.Response(body=body, status=http_status, content_type=JSON_CONTENT_TYPE, headers=headers)
        response.ocpi_status_code = int(status)  # type: ignore[attr-defined]
        return response
