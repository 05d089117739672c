from __future__ import annotations

import pytest

from tests.bridge_230_fixtures import build_bridge_230
from tests.bridge_fixtures import build_bridge
from tests.hub_server import hub_settings, start_hub


@pytest.fixture
async def bridge(store_url):
    hub = await start_hub(hub_settings(store_url, routing_policy="agreements"))
    started: list = []
    try:
        yield await build_bridge(hub, started)
    finally:
        for platform in started:
            await platform.stop()
        await hub.stop()


@pytest.fixture
async def bridge230(store_url):
    hub = await start_hub(hub_settings(store_url, routing_policy="agreements"))
    started: list = []
    try:
        yield await build_bridge_230(hub, started)
    finally:
        for platform in started:
            await platform.stop()
        await hub.stop()
