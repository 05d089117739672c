"""extrawest_ocpi (PyPI, MIT; an OCPI 2.1.1 implementation we did not write) as a platform on the hub: run in its
own process (tests/interop/extrawest_peer.py), connected by the hub with the Token A it issued (extrawest is a
credentials receiver only), read and driven through the peer's test hooks."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import secrets
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp

PEER = Path(__file__).with_name("extrawest_peer.py")


@dataclasses.dataclass
class ExtrawestPeer:
    role: str
    country_code: str
    party_id: str
    base: str
    versions_url: str
    token_a: str
    process: asyncio.subprocess.Process

    @property
    def party(self) -> str:
        return f"{self.country_code}:{self.party_id}:{self.role}"

    async def state(self) -> dict[str, Any]:
        async with aiohttp.ClientSession() as session, session.get(f"{self.base}/_test/state") as response:
            return await response.json()

    async def seed(self, module: str, value: dict[str, Any]) -> None:
        async with aiohttp.ClientSession() as session, session.post(f"{self.base}/_test/seed/{module}", json=value):
            pass

    async def hub_token(self) -> str:
        """The token extrawest calls the hub with (the hub's Token B, which it keeps)."""
        (entry,) = (await self.state())["tokens_c"].values()
        return entry["peer_token"]

    async def token_c(self) -> str:
        """The token the hub calls extrawest with (which it issued)."""
        (token,) = (await self.state())["tokens_c"]
        return token

    async def push(self, module: str, object_id: str, hub_details_url: str) -> dict[str, Any]:
        """extrawest's own push client: it reads the hub's version details and PUTs (or POSTs, for CDRs) the stored
        object to the hub's endpoint for the module."""
        body = {
            "module_id": module,
            "object_id": object_id,
            "receivers": [{"endpoints_url": hub_details_url, "auth_token": await self.hub_token()}],
        }
        headers = {"Authorization": f"Token {await self.token_c()}"}
        async with (
            aiohttp.ClientSession() as session,
            session.post(f"{self.base}/push/2.1.1", json=body, headers=headers) as response,
        ):
            return {"status": response.status, "body": await response.text()}

    async def received(self, module: str) -> list[dict[str, Any]]:
        """What extrawest's storage was handed for `module` (create/update/delete/do), in order."""
        return [entry for entry in (await self.state())["received"] if entry["module"] == module]


def safe_token() -> str:
    """A token extrawest compares as sent everywhere (see safe_token in extrawest_peer.py)."""
    return "/w" + secrets.token_hex(11)


@contextlib.asynccontextmanager
async def extrawest(role: str, country_code: str, party_id: str) -> AsyncIterator[ExtrawestPeer]:
    token_a = safe_token()
    arguments = [sys.executable, str(PEER), "--role", role, "--country", country_code, "--party", party_id]
    arguments += ["--token-a", token_a, "--advertise-cpo-commands"]
    process = await asyncio.create_subprocess_exec(
        *arguments, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL
    )
    try:
        line = await asyncio.wait_for(process.stdout.readline(), 60)
        if not line:
            raise RuntimeError(f"extrawest peer did not start (exit code {await process.wait()})")
        started = json.loads(line)
        base = f"http://127.0.0.1:{started['port']}"
        await _until_listening(base)
        yield ExtrawestPeer(role, country_code, party_id, base, started["versions_url"], token_a, process)
    finally:
        if process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), 10)
            except TimeoutError:
                process.kill()
                await process.wait()


async def _until_listening(base: str) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(200):
            with contextlib.suppress(aiohttp.ClientError):
                async with session.get(f"{base}/_test/state") as response:
                    if response.status == 200:
                        return
            await asyncio.sleep(0.05)
    raise RuntimeError(f"extrawest peer at {base} does not answer")
