"""A CPO or eMSP platform played by a real aiohttp server on loopback: versions, version details, credentials
(receiver and sender side), a HubClientInfo receiver that records what the hub pushes, and the functional modules'
interfaces its roles implement, which record what they receive and answer as the test tells them."""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import dataclasses
import secrets
from typing import Any

import orjson
from aiohttp import web

from routing.model import CPO_INTERFACE, MODULES_OF_VERSION
from tests.hub_server import Answer, call, free_port


@dataclasses.dataclass
class Received:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return orjson.loads(self.body)


@dataclasses.dataclass
class Reply:
    """What a module endpoint answers: an envelope with `data` (or raw `body`), with `status` and `headers`."""

    data: Any = None
    status: int = 200
    status_code: int = 1000
    headers: dict[str, str] = dataclasses.field(default_factory=dict)
    delay: float = 0.0
    body: bytes | None = None


@dataclasses.dataclass
class Role:
    country_code: str
    party_id: str
    role: str
    name: str = ""

    def as_ocpi(self) -> dict:
        return {
            "role": self.role,
            "business_details": {"name": self.name or f"{self.country_code}{self.party_id} {self.role}"},
            "party_id": self.party_id,
            "country_code": self.country_code,
        }


def envelope(data: Any = None, status_code: int = 1000) -> web.Response:
    body = {"status_code": status_code, "timestamp": "2026-11-25T10:00:00Z"}
    if data is not None:
        body["data"] = data
    return web.json_response(body, dumps=lambda value: orjson.dumps(value).decode())


def unauthorized() -> web.Response:
    """What most web frameworks and proxies send: a text body, not an OCPI envelope."""
    return web.Response(status=401, text="401: Unauthorized")


class SimulatedPlatform:
    """`encoding`: how this platform reads and writes tokens (base64 as OCPI 2.2.1 asks, or plain)."""

    def __init__(
        self, roles: list[Role], encoding: str = "base64", hubclientinfo_receiver: bool = True, version: str = "2.2.1"
    ) -> None:
        self.version = version
        self.roles = roles
        self.encoding = encoding
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.hubclientinfo_receiver = hubclientinfo_receiver
        self.versions_available = True
        self.versions_delay = 0.0  # seconds to hold a versions GET (a platform slow to answer the hub's callback)
        self.versions_offered = [version]
        self.credentials_updates: list[dict] = []  # credentials the hub PUT to us (2.3.0: its reachable parties)
        self.credentials_endpoint = True
        self.custom_modules: list[str] = []  # custom module ids it implements (both interfaces)
        self.token_for_hub: str | None = None  # the token the hub must use towards us (Token B, or our Token C)
        self.token_a_issued: str | None = None  # when the hub registers with us
        self.hub_token: str | None = None  # the token we use towards the hub
        self.hub_versions_url: str | None = None
        self.client_info: dict[tuple[str, str], dict] = {}
        self.client_info_pushes: list[dict] = []
        self.requests: list[tuple[str, str, str | None]] = []  # every request that reached this platform
        self.push_delays: list[float] = []  # seconds to hold each next ClientInfo PUT before answering
        self._runner: web.AppRunner | None = None
        self.pushed = asyncio.Event()
        self.received: list[Received] = []  # functional module requests and callbacks, in arrival order
        self.replies: dict[tuple[str, str], Reply] = {}  # (method, path) -> reply; path as received
        self.default_reply = Reply()
        self._arrived = asyncio.Event()

    # --- serving -------------------------------------------------------------------------------------------------
    async def start(self) -> None:
        app = web.Application(middlewares=[self._record])
        app.router.add_get("/ocpi/versions", self._versions)
        root = f"/ocpi/{self.version}"
        app.router.add_get(root, self._details)
        app.router.add_route("*", f"{root}/credentials", self._credentials)
        app.router.add_put(f"{root}/hubclientinfo/{{cc}}/{{pid}}", self._put_client_info)
        app.router.add_route("*", root + "/{interface:sender|receiver}/{module}{rest:.*}", self._module)
        app.router.add_route("*", "/results{rest:.*}", self._module)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @web.middleware
    async def _record(self, request: web.Request, handler) -> web.StreamResponse:
        self.requests.append((request.method, request.path, self._token(request)))
        return await handler(request)

    def _token(self, request: web.Request) -> str | None:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Token "):
            return None
        value = header[len("Token ") :]
        if self.encoding == "plain":
            return value
        try:
            return base64.b64decode(value, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None

    def _authorized(self, request: web.Request) -> bool:
        token = self._token(request)
        return token is not None and token in (self.token_for_hub, self.token_a_issued)

    async def _versions(self, request: web.Request) -> web.StreamResponse:
        if not self._authorized(request):
            return unauthorized()
        if self.versions_delay:
            await asyncio.sleep(self.versions_delay)
        if not self.versions_available:
            return web.Response(status=503, text="down for maintenance")
        return envelope([{"version": v, "url": f"{self.base}/ocpi/{v}"} for v in self.versions_offered])

    async def _details(self, request: web.Request) -> web.StreamResponse:
        if not self._authorized(request):
            return unauthorized()
        endpoints = []
        if self.credentials_endpoint:
            endpoints.append(
                {"identifier": "credentials", "role": "RECEIVER", "url": f"{self.base}/ocpi/{self.version}/credentials"}
            )
        if self.hubclientinfo_receiver:
            endpoints.append(
                {
                    "identifier": "hubclientinfo",
                    "role": "RECEIVER",
                    "url": f"{self.base}/ocpi/{self.version}/hubclientinfo",
                }
            )
        endpoints += [
            {"identifier": module, "role": interface, "url": url} for module, interface, url in self.module_endpoints()
        ]
        return envelope({"version": self.version, "endpoints": endpoints})

    def module_endpoints(self) -> list[tuple[str, str, str]]:
        """The interfaces this platform's roles implement: a CPO's side of each module, or the other side."""
        found = []
        for module in MODULES_OF_VERSION[self.version]:
            cpo_side = CPO_INTERFACE[module]
            other_side = "RECEIVER" if cpo_side == "SENDER" else "SENDER"
            interfaces = {cpo_side if role.role == "CPO" else other_side for role in self.roles}
            for interface in sorted(interfaces):
                found.append((module, interface, f"{self.base}/ocpi/{self.version}/{interface.lower()}/{module}"))
        for module in self.custom_modules:
            for interface in ("SENDER", "RECEIVER"):
                found.append((module, interface, f"{self.base}/ocpi/{self.version}/{interface.lower()}/{module}"))
        return found

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    async def _module(self, request: web.Request) -> web.StreamResponse:
        if not self._authorized(request):
            return unauthorized()
        body = await request.read()
        self.received.append(Received(request.method, request.path, request.query_string, dict(request.headers), body))
        self._arrived.set()
        reply = self.replies.get((request.method, request.path), self.default_reply)
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.body is not None:
            return web.Response(status=reply.status, body=reply.body, headers=reply.headers)
        document = {"status_code": reply.status_code, "timestamp": "2026-11-25T10:00:00Z"}
        if reply.data is not None:
            document["data"] = reply.data
        headers = {"Content-Type": "application/json", **reply.headers}
        return web.Response(status=reply.status, body=orjson.dumps(document), headers=headers)

    async def expect(self, count: int, seconds: float = 5.0) -> list[Received]:
        """Wait until at least `count` module requests arrived (fan-out is asynchronous)."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                while len(self.received) < count:
                    self._arrived.clear()
                    await self._arrived.wait()
        return self.received

    async def _put_client_info(self, request: web.Request) -> web.StreamResponse:
        if not self._authorized(request):
            return unauthorized()
        body = await request.json()
        if self.push_delays:
            await asyncio.sleep(self.push_delays.pop(0))
        self.client_info[(request.match_info["cc"], request.match_info["pid"])] = body
        self.client_info_pushes.append(body)
        self.pushed.set()
        return envelope()

    async def _credentials(self, request: web.Request) -> web.StreamResponse:
        """The receiver side, for when the hub registers with us using the Token A we issued."""
        token = self._token(request)
        if request.method == "POST":
            if token != self.token_a_issued:
                return unauthorized()
            body = await request.json()
            self.credentials_received = body  # the hub's credentials, as it registered with us
            hub_token = body["token"]
            # Like any OCPI receiver: check the hub's versions with the token it gave us before answering.
            versions = await call("GET", body["url"], hub_token, encoding=self.encoding)
            if versions.status != 200 or versions.status_code != 1000:
                return envelope(status_code=3001)
            (entry,) = [v for v in versions.data if v["version"] == self.version]
            details = await call("GET", entry["url"], hub_token, encoding=self.encoding)
            if details.status_code != 1000:
                return envelope(status_code=3001)
            self.hub_token, self.hub_versions_url = hub_token, body["url"]
            self.token_for_hub = secrets.token_urlsafe(24)
            self.token_a_issued = None
            return envelope({"token": self.token_for_hub, "url": f"{self.base}/ocpi/versions", "roles": self._roles()})
        if request.method == "DELETE" and token == self.token_for_hub:
            self.token_for_hub = None
            return envelope()
        if request.method == "PUT" and token == self.token_for_hub:
            # The hub updates its credentials with us (2.3.0: the parties reachable through it changed). Like any
            # server: fetch its versions with the new token, then give it a new token of ours.
            body = await request.json()
            versions = await call("GET", body["url"], body["token"], encoding=self.encoding)
            if versions.status != 200 or versions.status_code != 1000:
                return envelope(status_code=3001)
            self.credentials_updates.append(body)
            self.hub_token = body["token"]
            self.token_for_hub = secrets.token_urlsafe(24)
            self.pushed.set()
            return envelope({"token": self.token_for_hub, "url": f"{self.base}/ocpi/versions", "roles": self._roles()})
        return web.Response(status=405)

    def _roles(self) -> list[dict]:
        return [role.as_ocpi() for role in self.roles]

    # --- acting as credentials sender towards the hub -----------------------------------------------------------
    def credentials(self, token: str | None = None) -> dict:
        return {"token": token or self.token_for_hub, "url": f"{self.base}/ocpi/versions", "roles": self._roles()}

    async def register(self, versions_url: str, token_a: str) -> Answer:
        """The full sender side of the 2.2.1 (or 2.3.0) handshake: versions, details, POST credentials with a new
        Token B."""
        versions = await call("GET", versions_url, token_a, encoding=self.encoding)
        assert versions.status == 200, versions.body
        (entry,) = [v for v in versions.data if v["version"] == self.version]
        details = await call("GET", entry["url"], token_a, encoding=self.encoding)
        credentials_url = next(e["url"] for e in details.data["endpoints"] if e["identifier"] == "credentials")
        self.token_for_hub = secrets.token_urlsafe(24)
        answer = await call("POST", credentials_url, token_a, self.credentials(), encoding=self.encoding)
        if answer.status == 200 and answer.status_code == 1000:
            self.hub_token = answer.data["token"]
            self.hub_versions_url = answer.data["url"]
        return answer

    def issue_token_a(self) -> str:
        self.token_a_issued = secrets.token_urlsafe(24)
        return self.token_a_issued
