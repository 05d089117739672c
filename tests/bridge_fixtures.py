"""A hub bridging versions: a 2.1.1 CPO and a 2.1.1 eMSP (plain tokens, no routing headers, flat credentials),
a 2.2.1 CPO and a 2.2.1 eMSP, all registered on one real hub over loopback, every CPO agreed with every eMSP."""

from __future__ import annotations

import dataclasses
from typing import Any

from tests.hub_server import Answer, RunningHub, call
from tests.onboarding import onboard
from tests.platform_sim import Role, SimulatedPlatform
from tests.platform_sim_211 import SimulatedPlatform211
from tests.routing_fixtures import agree

# The owners of the spec examples in tests/translation/examples.py speak 2.1.1 here.
OLD_CPO = Role("BE", "BEC", "CPO")
OLD_EMSP = Role("DE", "TNM", "EMSP")
NEW_CPO = Role("NL", "CPA", "CPO")
NEW_EMSP = Role("DE", "EMA", "EMSP")


@dataclasses.dataclass
class Bridge:
    hub: RunningHub
    old_cpo: SimulatedPlatform211
    old_emsp: SimulatedPlatform211
    new_cpo: SimulatedPlatform
    new_emsp: SimulatedPlatform

    async def old(self, platform: SimulatedPlatform211, method: str, module: str, path: str = "", body=None) -> Answer:
        """A 2.1.1 platform calls the hub: its module URL (with the trailing slash the hub gave), plain token."""
        url = f"{self.hub.url}/ocpi/2.1.1/{module}/{path.lstrip('/')}"
        return await call(method, url, platform.hub_token, body, encoding="plain")

    async def new(
        self, platform: SimulatedPlatform, method: str, interface: str, module: str, path: str = "", body=None, to=None
    ) -> Answer:
        headers = {}
        if to:
            headers["OCPI-to-country-code"], headers["OCPI-to-party-id"] = to.split(":")
        url = f"{self.hub.url}/ocpi/2.2.1/{interface}/{module}{path}"
        return await call(method, url, platform.hub_token, body, headers=headers)


async def build_bridge(hub: RunningHub, started: list) -> Bridge:
    old_cpo, old_emsp = SimulatedPlatform211(OLD_CPO), SimulatedPlatform211(OLD_EMSP)
    new_cpo, new_emsp = SimulatedPlatform([NEW_CPO]), SimulatedPlatform([NEW_EMSP])
    for platform in (old_cpo, old_emsp, new_cpo, new_emsp):
        await platform.start()
        started.append(platform)
        await onboard(hub, platform)
    for cpo in (OLD_CPO, NEW_CPO):
        for emsp in (OLD_EMSP, NEW_EMSP):
            await agree(hub, f"{cpo.country_code}:{cpo.party_id}:CPO", f"{emsp.country_code}:{emsp.party_id}:EMSP")
    await hub.context.drain()
    for platform in (old_cpo, old_emsp, new_cpo, new_emsp):
        platform.received.clear()
    return Bridge(hub, old_cpo, old_emsp, new_cpo, new_emsp)


def owned(value: dict[str, Any], role: Role) -> dict[str, Any]:
    """A 2.2.1 object of the examples, owned by `role`'s party."""
    return {**value, "country_code": role.country_code, "party_id": role.party_id}
