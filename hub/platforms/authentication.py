"""Who is calling: the platform behind the request's `Authorization: Token ...`, looked up in the in-memory
directory. A Token A (or the token of a registration in progress) is only good for versions and credentials; a
missing or unknown token is HTTP 401. Any request counts as contact for the still-alive check, and the first one
with a new token retires the token it replaced."""

from __future__ import annotations

from aiohttp import web

from hub.ocpi.errors import OcpiError
from hub.platforms.directory import Caller, Directory
from hub.platforms.liveness import LivenessMonitor
from hub.platforms.token_rotation import TokenRetirement
from routing.status import Status


class Authenticator:
    def __init__(self, directory: Directory, liveness: LivenessMonitor, retirement: TokenRetirement) -> None:
        self._directory = directory
        self._liveness = liveness
        self._retirement = retirement

    async def __call__(self, request: web.Request, *, registration_token_allowed: bool = False) -> Caller:
        authorization = request.headers.get("Authorization")
        if not authorization:
            raise OcpiError(Status.CLIENT_ERROR, "missing Authorization header (expected: Token <base64 token>)", 401)
        caller = await self._directory.authenticate(authorization)
        if caller is None:
            raise OcpiError(Status.CLIENT_ERROR, "unknown or invalid credentials token", 401)
        if not caller.registered and not registration_token_allowed:
            raise OcpiError(
                Status.CLIENT_ERROR, "this token is only valid for versions and credentials until registration", 401
            )
        self._liveness.saw(caller.platform)
        if caller.supersedes_retiring_token:
            await self._retirement.new_token_used(caller.platform)
        return caller
