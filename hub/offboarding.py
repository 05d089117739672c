"""The operator ends a platform's access: its tokens are voided at once, the platform is told (credentials DELETE
at its end, best effort), and its parties are reported SUSPENDED to everyone else. The way out of a leaked token, or
of a platform that lost the token the hub answered with; re-invite it afterwards to let it register again."""

from __future__ import annotations

import structlog

from hub.context import HubContext
from hub.credentials import unregister
from hub.ocpi_client import CallFailed
from storage.models import Platform, PlatformState

log = structlog.get_logger("hub.offboarding")


async def revoke(context: HubContext, platform: Platform) -> Platform:
    if platform.state is PlatformState.REGISTERED:
        await _tell_platform(context, platform)
    return await unregister(context, platform.id)


async def _tell_platform(context: HubContext, platform: Platform) -> None:
    endpoint = next((e for e in platform.endpoints if e.identifier == "credentials"), None)
    try:
        token = context.peer_token(platform)
    except ValueError as error:
        log.warning("cannot tell the platform it is unregistered", platform=platform.id, error=str(error))
        return
    if endpoint is None or token is None:
        return
    try:
        reply = await context.client.call("DELETE", endpoint.url, token, platform.auth_encoding)
        log.info("told the platform it is unregistered", platform=platform.id, http_status=reply.http_status)
    except CallFailed as error:
        log.warning("cannot tell the platform it is unregistered", platform=platform.id, error=str(error))


async def remove(context: HubContext, platform: Platform) -> None:
    """Unregister the platform if need be, then delete its record: its parties are free for another platform."""
    if platform.state is not PlatformState.UNREGISTERED:
        platform = await revoke(context, platform)
    await context.store.platforms.delete(platform.id)
    context.directory.forget(platform.id)
