"""Hub URLs that stand in for platforms' own URLs: a command's `response_url`, a charging profile's `response_url`
(body or query), a CDR's `Location`, a paginated GET's `Link`. Each maps, in storage and with an expiry, to the
original URL, the one platform allowed to call it, and where the call goes (stand_in_calls serves the calls).
Which URLs get one is the routing decision's to say (routing.decision.StandIn); this carries it out."""

from __future__ import annotations

import contextlib
import dataclasses
import time
import uuid
from typing import Any
from urllib.parse import urljoin, urlsplit

import structlog

from hub.config import Settings
from hub.ocpi.errors import OcpiError
from hub.ocpi.versions import CALLBACK_PATH
from hub.platforms.directory import Directory
from hub.relay.group_commit import GroupCommitter
from hub.relay.rewrite import next_link, query_value, replace_query_value, replace_response_url
from routing.datetimes import parse_datetime
from routing.decision import StandIn
from routing.model import PartyId
from routing.status import Status
from storage.models import CallbackMapping, Platform

log = structlog.get_logger("hub.stand_ins")


@dataclasses.dataclass(slots=True)
class Conversation:
    """Who a stand-in URL is for: the platform that may call it (and the party it speaks for), and the platform
    whose URL it stands in for (and its party)."""

    caller_platform_id: str
    recipient_platform_id: str
    module: str
    from_party: PartyId  # OCPI-from when the call is forwarded: the caller's party
    to_party: PartyId  # OCPI-to: the recipient's party


class StandIns:
    def __init__(self, settings: Settings, directory: Directory, mappings: GroupCommitter[CallbackMapping]) -> None:
        self._settings = settings
        self._directory = directory
        self._mappings = mappings

    async def create(
        self, kind: str, target_url: str, conversation: Conversation, ttl_seconds: float, mapping_id: str | None = None
    ) -> str:
        """A new hub URL for `target_url`, stored (with group commit) before it is handed out. `mapping_id`: the
        one a hub URL already handed out names (durable delivery's CDR Location, which resolves once delivered)."""
        now = time.time()
        mapping = CallbackMapping(
            id=mapping_id or uuid.uuid4().hex,
            kind=kind,
            target_url=target_url,
            caller_platform_id=conversation.caller_platform_id,
            recipient_platform_id=conversation.recipient_platform_id,
            module=conversation.module,
            from_party=str(conversation.from_party),
            to_party=str(conversation.to_party),
            expires_at=now + ttl_seconds,
            created_at=now,
        )
        await self._mappings.write(mapping)
        return f"{self._settings.base_url}{CALLBACK_PATH}/{mapping.id}"

    async def in_request(
        self, stand_ins: tuple[StandIn, ...], body: bytes, document: Any, query: str, conversation: Conversation
    ) -> tuple[bytes, str]:
        """The request's body and query with the requester's response_url replaced by hub URLs. `document`: the
        body, parsed. `conversation`: the receiver will call them, for the requester. A response_url off the
        requester's own hosts is refused."""
        for stand_in in stand_ins:
            ttl = self.result_ttl(stand_in.until)
            if stand_in.where == "body":
                original = document.get("response_url") if isinstance(document, dict) else None
                if not isinstance(original, str):
                    continue
                hub_url = await self.create("response_url", self._own(original, conversation), conversation, ttl)
                body = replace_response_url(body, hub_url)
            else:
                original = query_value(query, "response_url")
                if not original:
                    continue
                hub_url = await self.create("response_url", self._own(original, conversation), conversation, ttl)
                query = replace_query_value(query, "response_url", hub_url)
        return body, query

    async def next_page(self, link_header: str | None, answered_url: str, conversation: Conversation) -> str | None:
        """The `Link` header to give the requester for a receiver's next page: a hub URL, or None. `conversation`:
        the requester will call it, for the receiver."""
        link = self.receivers_url(next_link(link_header), answered_url, conversation.recipient_platform_id)
        if not link:
            return None
        hub_url = await self.create("link", link, conversation, self._settings.page_link_ttl_seconds)
        return f'<{hub_url}>; rel="next"'

    async def location(
        self, location: str | None, answered_url: str, conversation: Conversation, mapping_id: str | None = None
    ) -> str | None:
        """A hub URL for the CDR's `Location` the receiver answered with, or None."""
        url = self.receivers_url(location, answered_url, conversation.recipient_platform_id)
        if not url:
            return None
        ttl = self._settings.cdr_location_ttl_days * 86400
        return await self.create("location", url, conversation, ttl, mapping_id)

    def url_of(self, mapping_id: str) -> str:
        """The hub URL a mapping with this id is called at."""
        return f"{self._settings.base_url}{CALLBACK_PATH}/{mapping_id}"

    def result_ttl(self, until: str | None) -> float:
        """How long a result URL lives: command_result_ttl_seconds, after `until` when there is one (a
        reservation's results, a later CANCELED_RESERVATION among them, may come until it expires)."""
        ttl = self._settings.command_result_ttl_seconds
        if until:
            with contextlib.suppress(ValueError):  # not a DateTime: the plain lifetime
                ttl += max(0.0, parse_datetime(until).timestamp() - time.time())
        return ttl

    def receivers_url(self, url: str | None, base_url: str, platform_id: str) -> str | None:
        """A Link or Location from a receiver, made absolute against the URL it answered; None if it leads off the
        receiver's own registered hosts (stand_in_own_hosts_only)."""
        if not url:
            return None
        absolute = urljoin(base_url, url)
        if self._settings.stand_in_own_hosts_only and not on_platform_host(absolute, self._directory.get(platform_id)):
            log.warning("receiver's URL is not on its hosts; dropped", url=absolute, receiver_platform=platform_id)
            return None
        return absolute

    def _own(self, url: str, conversation: Conversation) -> str:
        """The requester's response_url, if it is on the requester's own registered hosts."""
        requester = self._directory.get(conversation.recipient_platform_id)
        if self._settings.stand_in_own_hosts_only and not on_platform_host(url, requester):
            raise OcpiError(
                Status.INVALID_PARAMETERS,
                f"response_url {url!r} is not on your platform's registered hosts (those of your OCPI endpoints)",
            )
        return url


def on_platform_host(url: str, platform: Platform | None) -> bool:
    """Whether a URL points at a server the platform registered (the host and port of its versions URL or of one
    of its endpoints): the hub calls no other address on a platform's say-so."""
    if platform is None:
        return False
    target = _origin(url)
    if target is None:
        return False
    registered = {_origin(endpoint.url) for endpoint in platform.endpoints}
    if platform.versions_url:
        registered.add(_origin(platform.versions_url))
    return target in registered


def _origin(url: str) -> tuple[str, str, int] | None:
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return parts.scheme, parts.hostname.lower(), port
