"""The record of one answer on a functional module, a stand-in URL or a broadcast leg: the message-log record, the
metrics and the `routed` log line, written once, in one place, whatever the answer (forwarded, broadcast,
answered by the hub, refused by a decision or by an error). Refusals are also answered here (error_response)."""

from __future__ import annotations

import time

from aiohttp import web

from hub.ocpi.edge import request_ids
from hub.ocpi.errors import OcpiError, error_response
from hub.operations.message_log import MessageRecorder
from hub.operations.metrics import HubMetrics
from hub.operations.routed_line import write_routed
from routing.model import PartyId
from routing.request import RoutingRequest
from storage.models import MessageRecord


class Trails:
    """Opens a trail for each answer; holds what every trail writes to."""

    def for_request(self, request: web.Request, platform_id: str, module: str, interface: str) -> Trail:
        """The trail of an answer to `request`, from the authenticated platform."""
        request_id, correlation_id = request_ids(request)
        return self.open(
            request_id=request_id,
            correlation_id=correlation_id,
            platform_id=platform_id,
            method=request.method,
            path=request.path,
            module=module,
            interface=interface,
        )

    def __init__(self, messages: MessageRecorder, metrics: HubMetrics, hub_error_http_status: int) -> None:
        self.messages = messages
        self.metrics = metrics
        self.hub_error_http_status = hub_error_http_status

    def open(
        self,
        *,
        request_id: str,
        correlation_id: str,
        platform_id: str,
        method: str,
        path: str,
        module: str,
        interface: str,
        at: float | None = None,
        leg: bool = False,
    ) -> Trail:
        """`at`: when it began (default: when it is done). `leg`: one delivery of a broadcast, recorded in the
        message log but logged at debug and not counted as a request (the broadcast has its own line and count)."""
        return Trail(self, request_id, correlation_id, platform_id, method, path, module, interface, at, leg)


class Trail:
    def __init__(
        self,
        trails: Trails,
        request_id: str,
        correlation_id: str,
        platform_id: str,
        method: str,
        path: str,
        module: str,
        interface: str,
        at: float | None,
        leg: bool,
    ) -> None:
        self._trails = trails
        self._leg = leg
        self.request_id, self.correlation_id = request_id, correlation_id
        self.platform_id, self.method, self.path = platform_id, method, path
        self.module, self.interface = module, interface
        self.at = at
        self.started = time.perf_counter()
        self.request_bytes = 0
        self.to: PartyId | None = None
        self.routed: RoutingRequest | None = None
        self.version = "2.2.1"  # the OCPI version the caller speaks: refusals are answered in its codes
        self.translation = ""  # "2.1.1>2.2.1" when a version bridge translated on the way
        self.lost: list[str] = []

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
        recipients: int = 0,
        from_party: str | None = None,
        receiver_platform: str | None = None,
        status_message: str = "",
        downstream_request_id: str = "",
        downstream_http_status: int | None = None,
        downstream_status_code: int | None = None,
    ) -> None:
        latency = (time.perf_counter() - self.started) * 1000
        record = MessageRecord(
            at=self.at if self.at is not None else time.time(),
            request_id=self.request_id,
            correlation_id=self.correlation_id,
            platform_id=self.platform_id,
            from_party=from_party if from_party is not None else self.from_party,
            to_party=to_party,
            module=self.module,
            interface=self.interface,
            method=self.method,
            path=self.path,
            http_status=http_status,
            status_code=status_code,
            downstream_http_status=downstream_http_status,
            downstream_status_code=downstream_status_code,
            downstream_request_id=downstream_request_id,
            status_message=status_message,
            translation=self.translation,
            lost=self.lost,
            latency_ms=round(latency, 2),
            request_bytes=self.request_bytes,
            response_bytes=response_bytes,
            outcome=outcome,
            recipients=recipients,
        )
        self._trails.messages.record(record)
        if not self._leg:
            self._count(record, latency, receiver_platform, recipients)
        write_routed(
            "debug" if self._leg else "info",
            {
                "outcome": outcome,
                "module": record.module,
                "method": record.method,
                "from_party": record.from_party,
                "to_party": to_party,
                "http_status": http_status,
                "status_code": status_code,
                "status_message": status_message or None,
                "ms": record.latency_ms,
                "request_id": self.request_id,
                "correlation_id": self.correlation_id,
                "downstream_request_id": downstream_request_id or None,
                "translation": self.translation or None,
                "lost": self.lost or None,
            },
        )

    def translated(self, source: str, target: str, lost: tuple[str, ...], where: str) -> None:
        """A version bridge translated the request or the answer; `lost`: what it could not carry. The record says
        the way the message went: "2.1.1>2.2.1", and for a request and its answer "2.1.1>2.2.1>2.1.1"."""
        if source == target:
            return
        if not self.translation:
            self.translation = f"{source}>{target}"
        elif self.translation.endswith(source):
            self.translation += f">{target}"
        self.lost += [f"{where}: {path}" for path in lost]

    def _count(self, record: MessageRecord, latency: float, receiver_platform: str | None, recipients: int) -> None:
        metrics = self._trails.metrics
        outcome, to_party, status_code = record.outcome, record.to_party, record.status_code
        # Label values are parties on the hub only: what a caller writes in a header never becomes a new series.
        known = outcome != "rejected"
        metrics.requests.add(
            (
                record.module,
                record.method,
                record.from_party if known else "",
                to_party if known else "",
                str(status_code or ""),
                outcome,
            )
        )
        if receiver_platform is not None and outcome == "forwarded":
            metrics.forward_latency.observe((receiver_platform,), latency / 1000)
        if outcome == "timeout":
            metrics.timeouts.add((receiver_platform or "", record.module))
        if outcome == "broadcast":
            metrics.fan_out.observe((record.module,), recipients)

    def refuse(self, error: OcpiError) -> web.Response:
        """Record the refusal, and answer it."""
        response = error_response(error, self._trails.hub_error_http_status, self.version)
        self.done(
            to_party=str(self.to or ""),
            http_status=response.status,
            status_code=error.status_code,
            outcome=error.outcome,
            response_bytes=len(response.body),
            receiver_platform=error.receiver_platform,
            status_message=error.message,
            downstream_request_id=error.downstream_request_id,
        )
        return response
