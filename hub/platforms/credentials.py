"""The credentials endpoint (hub as receiver): GET, POST (register with Token A), PUT (update, rotate), DELETE
(unregister). The work is done by Registration and Offboarding; this turns HTTP into their calls."""

from __future__ import annotations

import structlog
from aiohttp import web

from hub.config import Settings
from hub.ocpi.bodies import read_json
from hub.ocpi.credentials_object import hub_credentials
from hub.ocpi.edge import request_ids
from hub.ocpi.envelope import ocpi_response
from hub.ocpi.versions import HUB_VERSION
from hub.platforms.authentication import Authenticator
from hub.platforms.directory import Caller
from hub.platforms.offboarding import Offboarding
from hub.platforms.reachability import Reachability
from hub.platforms.registration import REGISTERED_ALLOW, UNREGISTERED_ALLOW, Registration, not_allowed
from storage.models import PlatformState

log = structlog.get_logger("hub.credentials")


class CredentialsEndpoint:
    """One per OCPI version: the version of the endpoint called is the version the platform registers in (a PUT to
    the other version's endpoint moves it there)."""

    def __init__(
        self,
        settings: Settings,
        authenticate: Authenticator,
        registration: Registration,
        offboarding: Offboarding,
        version: str = HUB_VERSION,
        reachability: Reachability | None = None,
    ) -> None:
        self._version = version
        self._reachability = reachability
        self._settings = settings
        self._authenticate = authenticate
        self._registration = registration
        self._offboarding = offboarding

    async def get(self, request: web.Request) -> web.Response:
        caller = await self._authenticate(request, registration_token_allowed=True)
        # The hub keeps only hashes of the tokens it issued; the one the caller authenticated with is the one it uses.
        reachable = self._reachability.parties_for(caller.platform) if self._reachability else []
        return ocpi_response(hub_credentials(self._settings, caller.token, self._version, reachable))

    async def post(self, request: web.Request) -> web.Response:
        caller = await self._authenticate(request, registration_token_allowed=True)
        if caller.platform.state is PlatformState.REGISTERED and caller.retiring:
            # The Token A of a registration whose answer never arrived: register again, with a new Token C.
            return await self._exchange(request, caller, PlatformState.REGISTERED)
        if caller.platform.state is PlatformState.REGISTERED:
            raise not_allowed(
                "already registered: use PUT to update credentials, or DELETE to unregister", REGISTERED_ALLOW
            )
        if caller.platform.state is not PlatformState.INVITED:
            raise not_allowed("the hub is registering with this platform itself; wait for it to finish", "GET")
        return await self._exchange(request, caller, PlatformState.INVITED)

    async def put(self, request: web.Request) -> web.Response:
        caller = await self._authenticate(request, registration_token_allowed=True)
        if caller.platform.state is not PlatformState.REGISTERED:
            raise not_allowed("not registered: use POST with your Token A to register", UNREGISTERED_ALLOW)
        return await self._exchange(request, caller, PlatformState.REGISTERED)

    async def delete(self, request: web.Request) -> web.Response:
        caller = await self._authenticate(request, registration_token_allowed=True)
        if caller.platform.state is not PlatformState.REGISTERED:
            raise not_allowed("not registered: there are no credentials to delete", UNREGISTERED_ALLOW)
        stored = await self._offboarding.unregister(caller.platform.id)
        log.info("platform unregistered itself", platform=stored.id, request_id=request_ids(request)[0])
        return ocpi_response()

    async def _exchange(self, request: web.Request, caller: Caller, expected_state: PlatformState) -> web.Response:
        request_id, correlation_id = request_ids(request)
        document = await read_json(request)
        credentials = await self._registration.exchange(
            caller, document, expected_state, request_id, correlation_id, self._version
        )
        return ocpi_response(credentials)
