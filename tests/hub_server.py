"""Start a real hub on a loopback port, on a real embedded store, and talk to it like a platform would."""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import socket
import uuid
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import orjson
from aiohttp import web

from hub.app import create_app
from hub.assembly import Hub, open_hub
from hub.config import Settings
from hub.platforms.tokens import TokenCipher
from hub.traffic.client_connections import runner_for


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def hub_settings(store_url: str, port: int | None = None, **overrides: Any) -> Settings:
    port = port or free_port()
    values = {
        "store": store_url,
        "host": "127.0.0.1",
        "port": port,
        "secret_key": TEST_SECRET_KEY,
        "callback_timeout_seconds": 3.0,
        "alive_check_after_seconds": 3600.0,
        "alive_check_interval_seconds": 3600.0,
        "directory_refresh_seconds": 0.2,
        "max_body_bytes": 64 * 1024,
        # Tests of onboarding and HubClientInfo run with everyone allowed to see everyone; routing tests set
        # routing_policy="agreements" (the default of a real hub) and create agreements.
        "routing_policy": "open",
        "admin_token": ADMIN_TOKEN,
    }
    values.update(overrides)
    return Settings(**values)


TEST_SECRET_KEY = TokenCipher.generate_key()
ADMIN_TOKEN = "test-admin-token-0123456789"


@dataclasses.dataclass
class RunningHub:
    settings: Settings
    runner: web.AppRunner
    context: Hub  # the hub's parts
    exits: contextlib.AsyncExitStack

    @property
    def versions_url(self) -> str:
        return self.settings.versions_url

    @property
    def url(self) -> str:
        return self.settings.base_url

    async def stop(self) -> None:
        await self.exits.aclose()


async def start_hub(settings: Settings) -> RunningHub:
    exits = contextlib.AsyncExitStack()
    try:
        hub = await exits.enter_async_context(open_hub(settings, serving=True))
        runner = runner_for(create_app(hub), settings, hub.connections, access_log=None)
        await runner.setup()
        exits.push_async_callback(runner.cleanup)
        await web.TCPSite(runner, settings.host, settings.port).start()
    except BaseException:
        await exits.aclose()
        raise
    return RunningHub(settings, runner, hub, exits)


@contextlib.asynccontextmanager
async def running_hub(settings: Settings) -> AsyncIterator[RunningHub]:
    hub = await start_hub(settings)
    try:
        yield hub
    finally:
        await hub.stop()


def token_header(token: str, encoding: str = "base64") -> str:
    if encoding == "plain":
        return f"Token {token}"
    return "Token " + base64.b64encode(token.encode()).decode()


@dataclasses.dataclass
class Answer:
    status: int
    body: Any
    headers: Any

    @property
    def status_code(self) -> int | None:
        return self.body.get("status_code") if isinstance(self.body, dict) else None

    @property
    def data(self) -> Any:
        return self.body.get("data") if isinstance(self.body, dict) else None


async def call(
    method: str,
    url: str,
    token: str | None = None,
    body: Any = None,
    *,
    raw: bytes | None = None,
    encoding: str = "base64",
    headers: dict[str, str] | None = None,
    from_hub: bool = True,
) -> Answer:
    """One OCPI request. `from_hub`: the answer comes from our hub, so also check what every hub answer must carry."""
    sent = {"X-Request-ID": str(uuid.uuid4()), "X-Correlation-ID": str(uuid.uuid4())}
    if token is not None:
        sent["Authorization"] = token_header(token, encoding)
    data = raw
    if body is not None:
        data = orjson.dumps(body)
    if data is not None:
        sent["Content-Type"] = "application/json"
    sent.update(headers or {})
    async with (
        aiohttp.ClientSession() as session,
        session.request(method, url, data=data, headers=sent) as response,
    ):
        content = await response.read()
        if not from_hub:
            return Answer(response.status, orjson.loads(content), response.headers)
        assert response.headers.get("X-Request-ID") == sent["X-Request-ID"], "the hub must echo X-Request-ID"
        assert response.headers.get("X-Correlation-ID") == sent["X-Correlation-ID"], "and X-Correlation-ID"
        assert response.content_type == "application/json", f"{method} {url} answered {response.content_type}"
        return Answer(response.status, orjson.loads(content), response.headers)
