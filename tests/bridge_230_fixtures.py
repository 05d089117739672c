"""A hub bridging OCPI 2.3.0 to 2.2.1 and 2.1.1: a CPO and an eMSP of each version, and a 2.3.0 payment terminal
provider (registered as OTHER), all on one real hub over loopback; every CPO agreed with every eMSP, the provider
with the 2.3.0 and the 2.2.1 CPO for payments. The 2.3.0 CPO and eMSP are the owners of the spec's 2.3.0 examples
(tests/translation/examples_230.py): BE*BEC and DE*TNM."""

from __future__ import annotations

import dataclasses

from tests.hub_server import Answer, RunningHub, call
from tests.onboarding import onboard
from tests.platform_sim import Role, SimulatedPlatform
from tests.platform_sim_211 import SimulatedPlatform211
from tests.routing_fixtures import agree

CPO_230 = Role("BE", "BEC", "CPO")
EMSP_230 = Role("DE", "TNM", "EMSP")
PTP_230 = Role("AT", "PTP", "OTHER")
CPO_221 = Role("NL", "CPA", "CPO")
EMSP_221 = Role("DE", "EMA", "EMSP")
CPO_211 = Role("FR", "OLD", "CPO")
EMSP_211 = Role("SE", "EMO", "EMSP")


@dataclasses.dataclass
class Bridge230:
    hub: RunningHub
    cpo_230: SimulatedPlatform
    emsp_230: SimulatedPlatform
    ptp_230: SimulatedPlatform
    cpo_221: SimulatedPlatform
    emsp_221: SimulatedPlatform
    cpo_211: SimulatedPlatform211
    emsp_211: SimulatedPlatform211

    @property
    def platforms(self) -> tuple[SimulatedPlatform, ...]:
        return (self.cpo_230, self.emsp_230, self.ptp_230, self.cpo_221, self.emsp_221, self.cpo_211, self.emsp_211)

    async def send(
        self,
        platform: SimulatedPlatform,
        method: str,
        interface: str,
        module: str,
        path: str = "",
        body=None,
        to: str | None = None,
        raw: bytes | None = None,
    ) -> Answer:
        """A 2.3.0 or 2.2.1 platform calls the hub at its version's module URL; `to` as CC:PID sets the routing
        headers (with OCPI-from for the platform's first party). `raw`: send these bytes as the body."""
        headers = {}
        if to:
            headers["OCPI-to-country-code"], headers["OCPI-to-party-id"] = to.split(":")
            headers["OCPI-from-country-code"] = platform.roles[0].country_code
            headers["OCPI-from-party-id"] = platform.roles[0].party_id
        url = f"{self.hub.url}/ocpi/{platform.version}/{interface}/{module}{path}"
        return await call(method, url, platform.hub_token, body, headers=headers, raw=raw)

    async def old(self, platform: SimulatedPlatform211, method: str, module: str, path: str = "", body=None) -> Answer:
        """A 2.1.1 platform calls the hub: no routing headers, plain token."""
        url = f"{self.hub.url}/ocpi/2.1.1/{module}/{path.lstrip('/')}"
        return await call(method, url, platform.hub_token, body, encoding="plain")

    def clear(self) -> None:
        for platform in self.platforms:
            platform.received.clear()


async def build_bridge_230(hub: RunningHub, started: list) -> Bridge230:
    bridge = Bridge230(
        hub,
        SimulatedPlatform([CPO_230], version="2.3.0"),
        SimulatedPlatform([EMSP_230], version="2.3.0"),
        SimulatedPlatform([PTP_230], version="2.3.0"),
        SimulatedPlatform([CPO_221]),
        SimulatedPlatform([EMSP_221]),
        SimulatedPlatform211(CPO_211),
        SimulatedPlatform211(EMSP_211),
    )
    for platform in bridge.platforms:
        await platform.start()
        started.append(platform)
        await onboard(hub, platform)
    for cpo in (CPO_230, CPO_221, CPO_211):
        for emsp in (EMSP_230, EMSP_221, EMSP_211):
            await agree(hub, key(cpo), key(emsp))
    for cpo in (CPO_230, CPO_221):
        await agree(hub, key(PTP_230), key(cpo), ["payments"])
    await hub.context.drain()
    bridge.clear()
    return bridge


def key(role: Role) -> str:
    return f"{role.country_code}:{role.party_id}:{role.role}"
