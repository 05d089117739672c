"""A real hub bridging OCPI 2.1.1 and 2.2.1 (tests/bridge_fixtures.py) for the operator's side of quirk profiles,
and the messages that show what a profile does: a 2.1.1 Token written with a 2.2.1 field name (what
lenient-2.1.1 tolerates, strict refuses), and a 2.2.1 Token whose 2.2.1-only fields a 2.1.1 CPO cannot get."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from tests.bridge_fixtures import Bridge, build_bridge
from tests.hub_server import Answer, hub_settings, start_hub
from tests.translation.examples import TOKEN_211, TOKEN_221_FULL

# A 2.1.1 Token with 2.2.1's `contract_id` where 2.1.1 says `auth_id`.
TOKEN_211_WITH_221_NAME = {**{k: v for k, v in TOKEN_211.items() if k != "auth_id"}, "contract_id": "DE8ACC12E46L89"}
# A 2.2.1 eMSP's Token with what only 2.2.1 can say: a 2.1.1 CPO gets it without those.
FULL_TOKEN_OF_EMA = {**TOKEN_221_FULL, "country_code": "DE", "party_id": "EMA", "uid": "EMA9"}
LOST_FOR_THE_211_CPO = ["request: group_id", "request: default_profile_type", "request: energy_contract"]


@contextlib.asynccontextmanager
async def running_bridge(store_url: str) -> AsyncIterator[Bridge]:
    hub = await start_hub(hub_settings(store_url, routing_policy="agreements"))
    started: list = []
    try:
        yield await build_bridge(hub, started)
    finally:
        for platform in started:
            await platform.stop()
        await hub.stop()


async def put_token_with_221_name(bridge: Bridge) -> Answer:
    """The 2.1.1 eMSP (DE:TNM) pushes its Token with a 2.2.1 field name."""
    return await bridge.old(bridge.old_emsp, "PUT", "tokens", "/DE/TNM/012345678", TOKEN_211_WITH_221_NAME)


async def put_full_token_of_ema(bridge: Bridge) -> Answer:
    """The 2.2.1 eMSP (DE:EMA) pushes a Token to every CPO; the 2.1.1 CPO's copy loses the 2.2.1-only fields."""
    answer = await bridge.new(bridge.new_emsp, "PUT", "receiver", "tokens", "/DE/EMA/EMA9", FULL_TOKEN_OF_EMA)
    await bridge.hub.context.drain()
    await bridge.hub.context.messages.flush()
    return answer


def platform_of(bridge: Bridge, party_key: str):
    """The hub's own copy of the platform holding `party_key`, as its directory has it now."""
    return next(p for p in bridge.hub.context.directory.platforms() if party_key in p.party_keys)
