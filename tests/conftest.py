from __future__ import annotations

import uuid

import pytest

from storage.mongodb import MongoStore
from storage.sqlite import SqliteStore
from tests.mongo_server import real_mongodb_uri, secantus_server

STORE_KINDS = ["sqlite", "mongodb-secantus"] + (["mongodb-real"] if real_mongodb_uri() else [])


@pytest.fixture(scope="session")
def secantus_uri():
    with secantus_server() as uri:
        yield uri


@pytest.fixture(params=STORE_KINDS)
async def any_store(request, tmp_path):
    """Every storage backend the contract suite must pass, each fresh for one test."""
    if request.param == "sqlite":
        store = await SqliteStore.open(str(tmp_path / "hub.db"))
    else:
        uri = request.getfixturevalue("secantus_uri") if request.param == "mongodb-secantus" else real_mongodb_uri()
        store = await MongoStore.open(uri, database_name=f"test_{uuid.uuid4().hex[:12]}")
    try:
        yield store
    finally:
        if isinstance(store, MongoStore):
            await store._client.drop_database(store._database.name)
        await store.close()


@pytest.fixture
def store_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path}/hub.db"


@pytest.fixture(params=["sqlite", "mongodb"])
def shared_store_url(request, tmp_path) -> str:
    """A store several hub processes share: the embedded one, and MongoDB (a real one when
    OCPI_HUB_TEST_MONGODB_URI is set, else the test server)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/hub.db"
    base = real_mongodb_uri() or request.getfixturevalue("secantus_uri")
    return f"{base.rstrip('/')}/hub_{uuid.uuid4().hex[:10]}"


@pytest.fixture
async def hub(store_url):
    from tests.hub_server import hub_settings, start_hub

    running = await start_hub(hub_settings(store_url))
    try:
        yield running
    finally:
        await running.stop()


@pytest.fixture
async def platforms():
    """Start simulated platforms on demand; all are stopped at the end of the test."""
    from tests.platform_sim import SimulatedPlatform

    started = []

    async def start(*args, **kwargs) -> SimulatedPlatform:
        platform = SimulatedPlatform(*args, **kwargs)
        await platform.start()
        started.append(platform)
        return platform

    yield start
    for platform in started:
        await platform.stop()


@pytest.fixture
async def network(store_url, platforms, request):
    """A hub with the default routing policy (agreements) and three platforms on loopback (see routing_fixtures).
    A test module may set NETWORK_SETTINGS (a dict of hub settings) to change the hub's settings."""
    from tests.hub_server import hub_settings, start_hub
    from tests.routing_fixtures import build_network

    overrides = {"routing_policy": "agreements", **getattr(request.module, "NETWORK_SETTINGS", {})}
    hub = await start_hub(hub_settings(store_url, **overrides))
    try:
        yield await build_network(hub, platforms)
    finally:
        await hub.stop()
