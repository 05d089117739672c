"""A hub with the default routing policy (agreements) and three platforms on loopback: a CPO, an eMSP platform
hosting two eMSP parties, and a platform hosting a CPO and an eMSP under the same ids."""

from __future__ import annotations

import dataclasses

from hub.platforms import agreements
from hub.platforms.parties import parse_party
from tests.hub_server import RunningHub, call
from tests.onboarding import onboard
from tests.platform_sim import Role, SimulatedPlatform


@dataclasses.dataclass
class Network:
    hub: RunningHub
    cpo: SimulatedPlatform  # NL:CPA CPO
    emsp: SimulatedPlatform  # DE:EMA and DE:EMB, both EMSP
    duo: SimulatedPlatform  # NL:DUO as CPO and as EMSP

    def url(self, interface: str, module: str, path: str = "") -> str:
        return f"{self.hub.url}/ocpi/2.2.1/{interface}/{module}{path}"

    async def send(self, platform: SimulatedPlatform, method: str, url: str, body=None, *, to=None, frm=None, **kw):
        headers = dict(kw.pop("headers", {}) or {})
        if to:
            headers["OCPI-to-country-code"], headers["OCPI-to-party-id"] = to.split(":")
        if frm:
            headers["OCPI-from-country-code"], headers["OCPI-from-party-id"] = frm.split(":")
        return await call(method, url, platform.hub_token, body, headers=headers, **kw)


async def agree(hub: RunningHub, first: str, second: str, modules: list[str] | None = None) -> None:
    await agreements.add(hub.context.store, parse_party(first), parse_party(second), modules or [])
    await hub.context.routing.refresh_agreements()


async def build_network(hub: RunningHub, platforms) -> Network:
    cpo = await platforms([Role("NL", "CPA", "CPO")])
    emsp = await platforms([Role("DE", "EMA", "EMSP"), Role("DE", "EMB", "EMSP")])
    duo = await platforms([Role("NL", "DUO", "CPO"), Role("NL", "DUO", "EMSP")])
    for platform in (cpo, emsp, duo):
        await onboard(hub, platform)
    await agree(hub, "NL:CPA:CPO", "DE:EMA:EMSP")
    await agree(hub, "NL:CPA:CPO", "DE:EMB:EMSP", ["locations"])
    await agree(hub, "NL:DUO:CPO", "DE:EMA:EMSP")
    await agree(hub, "NL:CPA:CPO", "NL:DUO:EMSP")
    await hub.context.drain()
    return Network(hub, cpo, emsp, duo)
