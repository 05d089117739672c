"""Hub URLs that stand in for platforms' own URLs: a command's `response_url`, a charging profile's
`response_url` (body or query), a CDR's `Location`, a paginated GET's `Link`. Each maps, in storage and with an
expiry, to the original URL, the one platform allowed to call it, and where the call goes."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any
from urllib.parse import parse_qsl, urlencode

import orjson

from hub.context import HubContext
from routing.model import PartyId
from storage.models import CallbackMapping

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
    await context.store.callbacks.put(mapping)
    return f"{context.settings.base_url}{CALLBACK_PATH}/{mapping.id}"


def replace_response_url(body: bytes, document: dict[str, Any], new_url: str) -> bytes:
    """The body with `response_url` replaced. Where the original value occurs once as encoded, only those bytes
    change, so everything else (number formats, field order, unknown fields) stays exactly as sent."""
    original = orjson.dumps(document["response_url"])
    if body.count(original) == 1:
        return body.replace(original, orjson.dumps(new_url))
    return orjson.dumps({**document, "response_url": new_url})


def replace_query_value(query_string: str, name: str, new_value: str) -> str:
    pairs = parse_qsl(query_string, keep_blank_values=True)
    return urlencode([(key, new_value if key == name else value) for key, value in pairs])


def next_link(header: str | None) -> str | None:
    if not header:
        return None
    match = LINK_PATTERN.search(header)
    return match.group(1) if match else None
