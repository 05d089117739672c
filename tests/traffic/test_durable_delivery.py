"""Durable delivery, opt-in per agreement and module, over real HTTP: while the eMSP is down, the CPO's session
updates and CDRs are accepted by the hub (1000, "delivery pending"), kept in the store, and once the eMSP is back
each arrives exactly once, in order per object (the PATCHes after their PUT); across a hub restart, and after a
kill -9 of the hub process while it was retrying, another process delivers them. Without the opt-in, behaviour is
the spec's: the sender gets the failure. Operators see the queue and dead letters, and replay or drop them."""

from __future__ import annotations

import asyncio
import signal

import orjson

from hub.platforms import agreements
from hub.platforms.parties import parse_party
from storage.models import DeliveryState
from tests.admin.browser import chromium_page, screenshot
from tests.admin.test_dashboard_browser import sign_in
from tests.hub_process import hub_process
from tests.hub_server import call, hub_settings, start_hub
from tests.onboarding import onboard
from tests.platform_sim import Reply, Role

CPO = Role("NL", "CPA", "CPO")
EMSP = Role("DE", "EMA", "EMSP")
OTHER_EMSP = Role("BE", "OTH", "EMSP")
FAST = {
    "forward_timeout_seconds": 0.5,
    "authorize_timeout_seconds": 0.5,
    "durable_retry_base_seconds": 0.2,
    "durable_retry_max_seconds": 0.4,
    "durable_poll_seconds": 0.1,
    "breaker_failures": 3,
    "breaker_cooldown_seconds": 0.5,
    "routing_policy": "agreements",
}
HEADERS = {"OCPI-from-country-code": "NL", "OCPI-from-party-id": "CPA"}


def to(role: Role) -> dict[str, str]:
    return {**HEADERS, "OCPI-to-country-code": role.country_code, "OCPI-to-party-id": role.party_id}


def session_put(session_id: str) -> dict:
    return {
        "id": session_id,
        "country_code": "NL",
        "party_id": "CPA",
        "kwh": 0.0,
        "cdr_token": {"country_code": "DE", "party_id": "EMA", "uid": "T1", "type": "RFID", "contract_id": "C1"},
        "status": "ACTIVE",
        "last_updated": "2026-12-01T10:00:00Z",
    }


def cdr(cdr_id: str) -> dict:
    return {"id": cdr_id, "country_code": "NL", "party_id": "CPA", "total_cost": {"excl_vat": 1.5}}


async def send_updates(hub_url: str, cpo, count: int = 3) -> list:
    """A session PUT, PATCHes of it, and two CDRs, directed to the eMSP."""
    base = f"{hub_url}/ocpi/2.2.1/receiver"
    answers = [await call("PUT", f"{base}/sessions/NL/CPA/S1", cpo.hub_token, session_put("S1"), headers=to(EMSP))]
    for kwh in range(1, count):
        patch = {"kwh": float(kwh), "last_updated": f"2026-12-01T10:0{kwh}:00Z"}
        answers.append(await call("PATCH", f"{base}/sessions/NL/CPA/S1", cpo.hub_token, patch, headers=to(EMSP)))
    for cdr_id in ("C1", "C2"):
        answers.append(await call("POST", f"{base}/cdrs", cpo.hub_token, cdr(cdr_id), headers=to(EMSP)))
    return answers


def arrived(emsp) -> list[tuple[str, str, object]]:
    found = []
    for received in emsp.received:
        document = orjson.loads(received.body) if received.body else None
        found.append((received.method, received.path, document.get("kwh", document.get("id")) if document else None))
    return found


EXPECTED = [
    ("PUT", "/ocpi/2.2.1/receiver/sessions/NL/CPA/S1", 0.0),
    ("PATCH", "/ocpi/2.2.1/receiver/sessions/NL/CPA/S1", 1.0),
    ("PATCH", "/ocpi/2.2.1/receiver/sessions/NL/CPA/S1", 2.0),
    ("POST", "/ocpi/2.2.1/receiver/cdrs", "C1"),
    ("POST", "/ocpi/2.2.1/receiver/cdrs", "C2"),
]


async def until(check, seconds: float = 15.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not check():
        assert asyncio.get_running_loop().time() < deadline, "did not happen in time"
        await asyncio.sleep(0.05)


async def durable_network(hub, platforms):
    cpo, emsp, other = await platforms([CPO]), await platforms([EMSP]), await platforms([OTHER_EMSP])
    for platform in (cpo, emsp, other):
        await onboard(hub, platform)
    store = hub.context.store
    await agreements.add(store, parse_party("NL:CPA:CPO"), parse_party("DE:EMA:EMSP"), [], durable=["cdrs", "sessions"])
    await agreements.add(store, parse_party("NL:CPA:CPO"), parse_party("BE:OTH:EMSP"), [])
    await hub.context.routing.refresh_agreements()
    await hub.context.drain()
    return cpo, emsp, other


def in_order(seen: list, expected: list) -> bool:
    """Each expected message once, and the session's in the order sent (CDRs are independent objects)."""
    sessions = [entry for entry in seen if "/sessions/" in entry[1]]
    return sorted(map(repr, seen)) == sorted(map(repr, expected)) and sessions == expected[:3]


async def test_pushes_sent_while_the_emsp_is_down_arrive_once_each_in_order(store_url, platforms):
    hub = await start_hub(hub_settings(store_url, **FAST))
    try:
        cpo, emsp, other = await durable_network(hub, platforms)
        await emsp.stop()
        answers = await send_updates(hub.url, cpo)
        assert [(a.status, a.status_code) for a in answers] == [(200, 1000)] * 5
        assert all("accepted by the hub for durable delivery" in a.body["status_message"] for a in answers)
        # Without the opt-in, the spec's behaviour: the failure reaches the sender.
        await other.stop()
        plain = await call(
            "PUT",
            f"{hub.url}/ocpi/2.2.1/receiver/sessions/NL/CPA/S9",
            cpo.hub_token,
            session_put("S9"),
            headers=to(OTHER_EMSP),
        )
        assert plain.status_code in (4002, 4003)
        status, figures = await queue_figures(hub)
        assert status == 200 and figures[0]["pending"] == 5 and figures[0]["oldest_age_seconds"] >= 0

        # The CDR's Location is a hub URL that resolves once the CDR is delivered (the eMSP's own Location then).
        location = answers[3].headers["Location"]
        assert location.startswith(f"{hub.url}/ocpi/2.2.1/hub/callback/")
        assert (await call("GET", location, cpo.hub_token)).status_code == 4903, "not delivered yet"
        emsp.replies[("POST", "/ocpi/2.2.1/receiver/cdrs")] = Reply(
            headers={"Location": emsp.url("/ocpi/2.2.1/receiver/cdrs/stored/C")}
        )
        emsp.replies[("GET", "/ocpi/2.2.1/receiver/cdrs/stored/C")] = Reply(data=cdr("C1"))

        await emsp.start()
        await until(lambda: len(emsp.received) >= 5)
        await asyncio.sleep(0.5)  # nothing more comes
        assert in_order(arrived(emsp), EXPECTED), arrived(emsp)
        fetched = await call("GET", location, cpo.hub_token)
        assert (fetched.status_code, fetched.data) == (1000, cdr("C1"))
        assert emsp.received[-1].path == "/ocpi/2.2.1/receiver/cdrs/stored/C"
        emsp.received.pop()
        await until(
            lambda: not hub.context.durable.last_figures() or hub.context.durable.last_figures()[0].pending == 0
        )
        assert await hub.context.store.deliveries.listed() == [], "delivered pushes are gone, bodies and all"
        await hub.context.messages.flush()
        outcomes = [r.outcome for r in await hub.context.store.messages.query(party="DE:EMA", limit=100)]
        assert outcomes.count("queued") == 5 and outcomes.count("delivered-from-queue") == 5
    finally:
        await hub.stop()


async def queue_figures(hub):
    from tests.admin.test_admin_api import api

    return await api(hub, "GET", "/deliveries/figures", template="/deliveries/figures")


async def test_a_push_of_an_object_that_is_waiting_queues_behind_it_even_with_the_emsp_up(store_url, platforms):
    hub = await start_hub(hub_settings(store_url, **FAST))
    try:
        cpo, emsp, _ = await durable_network(hub, platforms)
        emsp.default_reply = Reply(status=503, body=b"down for maintenance")  # answers, but not OCPI: retried
        base = f"{hub.url}/ocpi/2.2.1/receiver/sessions/NL/CPA/S1"
        first = await call("PUT", base, cpo.hub_token, session_put("S1"), headers=to(EMSP))
        assert first.status_code == 1000 and "accepted by the hub" in first.body["status_message"]
        emsp.default_reply = Reply()
        patch = await call("PATCH", base, cpo.hub_token, {"kwh": 5.0}, headers=to(EMSP))
        assert "an earlier push of it to DE:EMA is waiting" in patch.body["status_message"]
        await until(lambda: len([r for r in emsp.received if r.method == "PATCH"]) == 1)
        methods = [r.method for r in emsp.received]
        assert methods[-2:] == ["PUT", "PATCH"], methods
    finally:
        await hub.stop()


async def test_queued_pushes_survive_a_hub_restart(store_url, platforms):
    settings = hub_settings(store_url, **FAST)
    hub = await start_hub(settings)
    try:
        cpo, emsp, _ = await durable_network(hub, platforms)
        await emsp.stop()
        assert [a.status_code for a in await send_updates(hub.url, cpo)] == [1000] * 5
    finally:
        await hub.stop()
    await emsp.start()
    hub = await start_hub(settings)
    try:
        await until(lambda: len(emsp.received) >= 5)
        await asyncio.sleep(0.5)
        assert in_order(arrived(emsp), EXPECTED), arrived(emsp)
    finally:
        await hub.stop()


async def test_a_hub_process_killed_while_retrying_leaves_its_deliveries_to_another(shared_store_url, platforms):
    settings = {name: str(value) for name, value in FAST.items()}
    onboarding = await start_hub(hub_settings(shared_store_url, **FAST))
    try:
        cpo, emsp, _ = await durable_network(onboarding, platforms)
    finally:
        await onboarding.stop()
    await emsp.stop()
    async with hub_process(shared_store_url, **settings) as first:
        assert [a.status_code for a in await send_updates(first.url, cpo)] == [1000] * 5
        await asyncio.sleep(0.6)  # it has attempted them, and waits to retry
        first.process.send_signal(signal.SIGKILL)
        await first.process.wait()
    await emsp.start()
    async with hub_process(shared_store_url, **settings):
        await until(lambda: len(emsp.received) >= 5, seconds=20)
        await asyncio.sleep(0.5)
        assert in_order(arrived(emsp), EXPECTED), arrived(emsp)


async def test_operators_see_dead_letters_and_replay_or_drop_them(store_url, platforms):
    hub = await start_hub(hub_settings(store_url, **{**FAST, "durable_max_attempts": 2}))
    try:
        cpo, emsp, _ = await durable_network(hub, platforms)
        await emsp.stop()
        await send_updates(hub.url, cpo, count=1)  # a PUT and two CDRs
        store = hub.context.store
        for _ in range(200):
            if len(await store.deliveries.listed(state=DeliveryState.DEAD)) == 3:
                break
            await asyncio.sleep(0.05)
        dead = await store.deliveries.listed(state=DeliveryState.DEAD)
        assert len(dead) == 3 and all("2 attempts" in d.last_error for d in dead)
        await emsp.start()
        await asyncio.sleep(0.5)
        assert emsp.received == [], "dead letters are not attempted again by themselves"
        from tests.cli_runner import run_cli

        code, out, err = await run_cli("deliveries", "--store", store_url)
        assert code == 0, err
        assert "DE:EMA" in out and "3 dead" in out
        assert "kwh" not in out, "no bodies"
        # One replayed from the dashboard, the others with the CLI.
        async with chromium_page() as page:
            await sign_in(page, hub)
            await page.goto(f"{hub.url}/admin/deliveries")
            row = page.locator("#queue tbody tr", has_text="DE:EMA:EMSP")
            assert (await row.locator("td.dead").text_content()).strip() == "3"
            assert "2 attempts" in await page.text_content("#dead-letters")
            await screenshot(page, "32-deliveries-dead-letters")
            await page.locator("#dead-letters tbody tr").first.locator("button", has_text="Replay").click()
            assert "1 replayed" in await page.text_content("#queue .notice")
        await until(lambda: len(emsp.received) == 1)
        code, out, err = await run_cli("deliveries", "replay", "--receiver", "DE:EMA:EMSP", "--store", store_url)
        assert code == 0 and "2 replayed" in out, (out, err)
        await until(lambda: len(emsp.received) == 3)
        assert {(r.method, r.path.rsplit("/", 1)[-1]) for r in emsp.received} == {
            ("PUT", "S1"),
            ("POST", "cdrs"),
        }
        await emsp.stop()
        await send_updates(hub.url, cpo, count=1)
        for _ in range(200):
            if len(await store.deliveries.listed(state=DeliveryState.DEAD)) == 3:
                break
            await asyncio.sleep(0.05)
        code, out, err = await run_cli("deliveries", "drop", "--receiver", "DE:EMA:EMSP", "--store", store_url)
        assert code == 0 and "3 dropped" in out, (out, err)
        assert await store.deliveries.listed() == []
    finally:
        await hub.stop()


async def test_bad_requests_to_the_deliveries_api_are_refused_and_change_nothing(store_url, platforms):
    from tests.admin.test_admin_api import api

    hub = await start_hub(hub_settings(store_url, **{**FAST, "durable_max_attempts": 1}))
    try:
        cpo, emsp, _ = await durable_network(hub, platforms)
        await emsp.stop()
        await send_updates(hub.url, cpo, count=1)
        store = hub.context.store
        for _ in range(200):
            if len(await store.deliveries.listed(state=DeliveryState.DEAD)) == 3:
                break
            await asyncio.sleep(0.05)
        for body in ({}, {"ids": ["x"], "state": "LOST"}, {"receiver": "NL:NOBODY:CPO"}, {"everything": True}):
            status, answer = await api(hub, "POST", "/deliveries/drop", body, template="/deliveries/drop")
            assert status in (404, 422), (body, status, answer)
            assert "message" in answer["error"]
        status, _ = await api(hub, "GET", "/deliveries?state=lost", template="/deliveries")
        assert status == 400
        assert len(await store.deliveries.listed(state=DeliveryState.DEAD)) == 3, "nothing dropped"
    finally:
        await hub.stop()
