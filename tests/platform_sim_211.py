"""An OCPI 2.1.1 platform played by a real aiohttp server on loopback: one party (2.1.1 has no roles), plain tokens,
no routing headers, endpoints without an interface role under /ocpi/2.1.1/{module}, the flat credentials object.
Records what reaches its modules, and answers as the test tells it (the same Reply and Received as the 2.2.1
simulator)."""

from __future__ import annotations

import secrets

from aiohttp import web

from tests.hub_server import Answer, call
from tests.platform_sim import Role, SimulatedPlatform, envelope, unauthorized

MODULES_211 = ("cdrs", "commands", "locations", "sessions", "tariffs", "tokens")


class SimulatedPlatform211(SimulatedPlatform):
    def __init__(self, role: Role) -> None:
        super().__init__([role], encoding="plain", hubclientinfo_receiver=False)
        self.role = role
        self.versions_offered = ["2.1.1"]

    async def start(self) -> None:
        app = web.Application(middlewares=[self._record])
        app.router.add_get("/ocpi/versions", self._versions)
        app.router.add_get("/ocpi/2.1.1", self._details)
        app.router.add_get("/ocpi/2.2.1", super()._details)  # once it learns 2.2.1 (versions_offered)
        app.router.add_route("*", "/ocpi/2.1.1/credentials", self._credentials)
        app.router.add_route("*", "/ocpi/2.1.1/{module}{rest:.*}", self._module)
        app.router.add_route("*", "/results{rest:.*}", self._module)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def _details(self, request: web.Request) -> web.StreamResponse:
        if not self._authorized(request):
            return unauthorized()
        endpoints = [{"identifier": "credentials", "url": f"{self.base}/ocpi/2.1.1/credentials"}]
        endpoints += [{"identifier": module, "url": self.module_url(module)} for module in MODULES_211]
        return envelope({"version": "2.1.1", "endpoints": endpoints})

    def module_url(self, module: str) -> str:
        return f"{self.base}/ocpi/2.1.1/{module}"

    def credentials(self, token: str | None = None) -> dict:
        return {
            "token": token or self.token_for_hub,
            "url": f"{self.base}/ocpi/versions",
            "business_details": {"name": self.role.name or f"{self.role.country_code}{self.role.party_id}"},
            "party_id": self.role.party_id,
            "country_code": self.role.country_code,
        }

    async def register(self, versions_url: str, token_a: str) -> Answer:
        """The sender side of the 2.1.1 handshake: versions, 2.1.1 details, POST the flat credentials."""
        versions = await call("GET", versions_url, token_a, encoding="plain", from_hub=False)
        assert versions.status == 200, versions.body
        (entry,) = [v for v in versions.data if v["version"] == "2.1.1"]
        details = await call("GET", entry["url"], token_a, encoding="plain", from_hub=False)
        assert "role" not in details.data["endpoints"][0], "2.1.1 endpoints have no role"
        credentials_url = next(e["url"] for e in details.data["endpoints"] if e["identifier"] == "credentials")
        self.token_for_hub = secrets.token_urlsafe(24)
        answer = await call("POST", credentials_url, token_a, self.credentials(), encoding="plain")
        if answer.status == 200 and answer.status_code == 1000:
            self.hub_token = answer.data["token"]
            self.hub_versions_url = answer.data["url"]
        return answer

    async def _credentials(self, request: web.Request) -> web.StreamResponse:
        """The receiver side, for when the hub registers with us using the Token A we issued."""
        token = self._token(request)
        if request.method == "POST":
            if token != self.token_a_issued:
                return unauthorized()
            body = await request.json()
            assert "roles" not in body, "a 2.1.1 credentials object is flat"
            hub_token = body["token"]
            versions = await call("GET", body["url"], hub_token, encoding="plain", from_hub=False)
            if versions.status != 200 or versions.status_code != 1000:
                return envelope(status_code=3001)
            url = next(v["url"] for v in versions.data if v["version"] == "2.1.1")
            details = await call("GET", url, hub_token, encoding="plain", from_hub=False)
            if details.status_code != 1000:
                return envelope(status_code=3001)
            self.hub_token, self.hub_versions_url = hub_token, body["url"]
            self.hub_endpoints = {e["identifier"]: e["url"] for e in details.data["endpoints"]}
            self.token_for_hub = secrets.token_urlsafe(24)
            self.token_a_issued = None
            return envelope(self.credentials())
        if request.method == "DELETE" and token == self.token_for_hub:
            self.token_for_hub = None
            return envelope()
        return web.Response(status=405)
