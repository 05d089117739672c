"""Hub URLs that stand in for platforms' own URLs: a command's `response_url`, a charging profile's
`response_url` (body or query), a CDR's `Location`, a paginated GET's `Link`. Each maps, in storage and with an
expiry, to the original URL, the one platform allowed to call it, and where the call goes."""

from __future__ import annotations

import json
import re
import time
import uuid
from json.decoder import scanstring
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import orjson
import structlog

from hub.context import HubContext
from routing.model import PartyId
from storage.models import CallbackMapping, Platform

log = structlog.get_logger("hub.hub_urls")

CALLBACK_PATH = "/ocpi/2.2.1/hub/callback"
LINK_PATTERN = re.compile(r"<([^>]*)>\s*;\s*rel=\"?next\"?", re.IGNORECASE)


async def stand_in(
    context: HubContext,
    *,
    kind: str,
    target_url: str,
    caller_platform_id: str,
    recipient_platform_id: str,
    module: str,
    from_party: PartyId,
    to_party: PartyId,
    ttl_seconds: float,
) -> str:
    now = time.time()
    mapping = CallbackMapping(
        id=uuid.uuid4().hex,
        kind=kind,
        target_url=target_url,
        caller_platform_id=caller_platform_id,
        recipient_platform_id=recipient_platform_id,
        module=module,
        from_party=str(from_party),
        to_party=str(to_party),
        expires_at=now + ttl_seconds,
        created_at=now,
    )
    await context.mappings.write(mapping)
    return f"{context.settings.base_url}{CALLBACK_PATH}/{mapping.id}"


def replace_response_url(body: bytes, new_url: str) -> bytes:
    """The body with the value of its top-level `response_url` replaced, and not one other byte changed: number
    formats, escapes, field order and unknown fields stay exactly as sent (checklist R-D-5)."""
    return replace_top_level_value(body, "response_url", orjson.dumps(new_url))


def replace_top_level_value(body: bytes, key: str, new_value: bytes) -> bytes:
    """Replace the value of every top-level `key` of a JSON object, found by scanning the text: a nested field of
    the same name, or the same URL elsewhere in the body, is left alone."""
    text = body.decode("utf-8")
    decoder = json.JSONDecoder()
    pieces, position = [], _skip_space(text, 0)
    if position >= len(text) or text[position] != "{":
        raise ValueError("not a JSON object")
    position = _skip_space(text, position + 1)
    last = 0
    while position < len(text) and text[position] != "}":
        name, position = scanstring(text, position + 1)
        position = _skip_space(text, position)
        position = _skip_space(text, position + 1)  # past the colon
        _, end = decoder.raw_decode(text, position)
        if name == key:
            pieces.append(text[last:position].encode("utf-8"))
            pieces.append(new_value)
            last = end
        position = _skip_space(text, end)
        if position < len(text) and text[position] == ",":
            position = _skip_space(text, position + 1)
    pieces.append(text[last:].encode("utf-8"))
    return b"".join(pieces)


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\n\r":
        position += 1
    return position


def replace_query_value(query_string: str, name: str, new_value: str) -> str:
    pairs = parse_qsl(query_string, keep_blank_values=True)
    return urlencode([(key, new_value if key == name else value) for key, value in pairs])


def receivers_url(context: HubContext, url: str | None, base_url: str, platform_id: str) -> str | None:
    """A Link or Location from a receiver, made absolute against the URL it answered; None if it leads off the
    receiver's own registered hosts (stand_in_own_hosts_only)."""
    if not url:
        return None
    absolute = urljoin(base_url, url)
    if context.settings.stand_in_own_hosts_only and not on_platform_host(absolute, context.directory.get(platform_id)):
        log.warning("receiver's URL is not on its hosts; dropped", url=absolute, receiver_platform=platform_id)
        return None
    return absolute


async def stand_in_next_page(
    context: HubContext,
    link_header: str | None,
    *,
    answered_url: str,
    caller_platform_id: str,
    recipient_platform_id: str,
    module: str,
    from_party: PartyId,
    to_party: PartyId,
) -> str | None:
    """The `Link` header to give the requester for a receiver's next page: a hub URL, or None."""
    link = receivers_url(context, next_link(link_header), answered_url, recipient_platform_id)
    if not link:
        return None
    hub_url = await stand_in(
        context,
        kind="link",
        target_url=link,
        caller_platform_id=caller_platform_id,
        recipient_platform_id=recipient_platform_id,
        module=module,
        from_party=from_party,
        to_party=to_party,
        ttl_seconds=context.settings.page_link_ttl_seconds,
    )
    return f'<{hub_url}>; rel="next"'


def next_link(header: str | None) -> str | None:
    if not header:
        return None
    match = LINK_PATTERN.search(header)
    return match.group(1) if match else None


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
