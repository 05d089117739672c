"""Two `ocpi-hub serve` processes on one store (SQLite, and MongoDB over the wire), as two nodes behind a load
balancer would be: a platform registered on each, with the invitation made on the other node; messages routed
between them in both directions, whichever node they enter; an agreement made on one node and a deletion made on
the other honoured by both."""

from __future__ import annotations

import asyncio
import time

import aiohttp

from tests.hub_process import hub_process
from tests.hub_server import ADMIN_TOKEN, call
from tests.platform_sim import Role

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
LOCATION = {"id": "LOC1", "country_code": "NL", "party_id": "CPA", "last_updated": "2026-12-01T10:00:00Z"}
TOKEN = {"country_code": "DE", "party_id": "EMA", "uid": "T1", "type": "RFID", "last_updated": "2026-12-01T10:00:00Z"}


async def admin(method: str, url: str, body=None):
    async with aiohttp.ClientSession() as session, session.request(method, url, json=body, headers=ADMIN) as answer:
        return answer.status, (await answer.json() if answer.content_type == "application/json" else None)


async def test_two_nodes_share_platforms_agreements_routing_and_deletions(shared_store_url, platforms):
    settings = {"routing_policy": "agreements", "directory_refresh_seconds": "0.2"}
    async with (
        hub_process(shared_store_url, **settings) as node_a,
        hub_process(shared_store_url, **settings) as node_b,
    ):
        cpo = await platforms([Role("NL", "CPA", "CPO")])
        emsp = await platforms([Role("DE", "EMA", "EMSP")])
        # Each invited on one node, registering at the other.
        for platform, inviting, registering in ((cpo, node_a, node_b), (emsp, node_b, node_a)):
            role = platform.roles[0]
            status, invitation = await admin(
                "POST",
                f"{inviting.url}/admin/api/invitations",
                {"parties": [f"{role.country_code}:{role.party_id}:{role.role}"]},
            )
            assert status == 201, invitation
            answer = await platform.register(registering.versions_url, invitation["token_a"])
            assert answer.status_code == 1000, answer.body
        status, _ = await admin(
            "POST", f"{node_b.url}/admin/api/agreements", {"parties": ["NL:CPA:CPO", "DE:EMA:EMSP"]}
        )
        assert status == 201

        async def routed(node, platform, method, path, body, to) -> int:
            headers = {"OCPI-to-country-code": to[0], "OCPI-to-party-id": to[1]}
            answer = await call(
                method, f"{node.url}/ocpi/2.2.1/receiver/{path}", platform.hub_token, body, headers=headers
            )
            return answer.status_code

        # Messages in both directions, entering either node (the agreement made on node B reaches node A).
        for node in (node_a, node_b):
            started = time.monotonic()
            while (code := await routed(node, cpo, "PUT", "locations/NL/CPA/LOC0", LOCATION, ("DE", "EMA"))) != 1000:
                assert time.monotonic() - started < 10, f"{node.url} answers {code}"
                await asyncio.sleep(0.05)
        assert (
            await routed(node_b, cpo, "PUT", "locations/NL/CPA/LOC2", {**LOCATION, "id": "LOC2"}, ("DE", "EMA")) == 1000
        )
        assert await routed(node_a, emsp, "PUT", "tokens/DE/EMA/T1", TOKEN, ("NL", "CPA")) == 1000
        assert await routed(node_b, emsp, "PUT", "tokens/DE/EMA/T2", {**TOKEN, "uid": "T2"}, ("NL", "CPA")) == 1000
        assert {r.path.rsplit("/", 1)[-1] for r in emsp.received} == {"LOC0", "LOC2"}
        assert {r.path.rsplit("/", 1)[-1] for r in cpo.received} == {"T1", "T2"}

        # One view of the hub: the overview's traffic figures are the same whichever node answers.
        # (Each node adds its counts to the store's every 5 s and when it answers the overview: read both once so
        # each has shared its own, then both show the whole hub.)
        await admin("GET", f"{node_a.url}/admin/api/overview")
        status, seen_by_b = await admin("GET", f"{node_b.url}/admin/api/overview")
        status, seen_by_a = await admin("GET", f"{node_a.url}/admin/api/overview")
        assert seen_by_a["messages_last_hour"] >= 6
        for key in ("messages_last_hour", "traffic", "error_rate"):
            assert seen_by_a[key] == seen_by_b[key], key
        assert {row["party"] for row in seen_by_b["slowest_partners"]} == {"DE:EMA", "NL:CPA"}

        # The eMSP deleted on node A: refused on node B within a refresh, and nothing routes to it from either.
        status, listed = await admin("GET", f"{node_a.url}/admin/api/platforms")
        (emsp_id,) = [p["id"] for p in listed if p["parties"][0]["party_id"] == "EMA"]
        assert (await admin("DELETE", f"{node_a.url}/admin/api/platforms/{emsp_id}"))[0] == 204
        deadline = time.monotonic() + 10
        while (await call("GET", node_b.versions_url, emsp.hub_token)).status != 401:
            assert time.monotonic() < deadline, "node B still accepts the deleted platform"
            await asyncio.sleep(0.05)
        for node in (node_a, node_b):
            assert (
                await routed(node, cpo, "PUT", "locations/NL/CPA/LOC3", {**LOCATION, "id": "LOC3"}, ("DE", "EMA"))
                == 4001
            )
