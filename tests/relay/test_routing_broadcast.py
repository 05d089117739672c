"""Broadcast push and GET All via the hub (checklist §3.4, §3.5), and agreements changing while the hub runs."""

from __future__ import annotations

import asyncio

import orjson
import pytest

from tests.cli_runner import run_cli
from tests.hub_server import call
from tests.platform_sim import Reply
from tests.routing_fixtures import agree


@pytest.fixture
def store_url(shared_store_url: str) -> str:
    """These scenarios run on the embedded store and on the MongoDB adapter."""
    return shared_store_url


def location(location_id: str, last_updated: str, evse_status: str = "AVAILABLE") -> dict:
    return {
        "country_code": "NL",
        "party_id": "CPA",
        "id": location_id,
        "evses": [
            {
                "uid": "E1",
                "status": evse_status,
                "connectors": [{"id": "1", "standard": "IEC_62196_T2", "last_updated": last_updated}],
                "last_updated": last_updated,
            }
        ],
        "last_updated": last_updated,
    }


async def broadcast(network, method: str, path: str, body: dict, **kw):
    return await network.send(
        network.cpo, method, network.url("receiver", "locations", path), body, to="NL:HUB", frm="NL:CPA", **kw
    )


async def test_a_broadcast_reaches_only_partners_with_an_agreement(network):
    answer = await broadcast(network, "PUT", "/NL/CPA/L1", location("L1", "2026-11-25T08:00:00Z"))
    assert (answer.status, answer.status_code) == (200, 1000), "the hub answers the broadcaster itself"
    assert (answer.headers["OCPI-from-party-id"], answer.headers["OCPI-to-party-id"]) == ("HUB", "CPA")
    await network.hub.context.drain()
    # EMA, EMB (locations agreement) on one platform, and DUO's eMSP; not DUO's CPO, never the sender.
    received = {(r.headers["OCPI-to-party-id"], r.path) for r in network.emsp.received + network.duo.received}
    assert received == {
        ("EMA", "/ocpi/2.2.1/receiver/locations/NL/CPA/L1"),
        ("EMB", "/ocpi/2.2.1/receiver/locations/NL/CPA/L1"),
        ("DUO", "/ocpi/2.2.1/receiver/locations/NL/CPA/L1"),
    }, "the URL keeps the owner's country code and party id"
    for request in network.emsp.received + network.duo.received:
        assert (request.headers["OCPI-from-country-code"], request.headers["OCPI-from-party-id"]) == ("NL", "HUB")

    # Tariffs: EMB has no agreement for them.
    await network.send(
        network.cpo,
        "PUT",
        network.url("receiver", "tariffs", "/NL/CPA/T1"),
        {"id": "T1", "last_updated": "2026-11-25T08:00:00Z"},
        to="NL:HUB",
        frm="NL:CPA",
    )
    await network.hub.context.drain()
    tariff_receivers = {
        r.headers["OCPI-to-party-id"] for r in network.emsp.received + network.duo.received if "/tariffs/" in r.path
    }
    assert tariff_receivers == {"EMA", "DUO"}


async def test_receivers_errors_do_not_reach_the_broadcaster(network):
    network.emsp.default_reply = Reply(status=500, status_code=3000)
    answer = await broadcast(network, "PUT", "/NL/CPA/L1", location("L1", "2026-11-25T08:00:00Z"))
    assert answer.status_code == 1000
    await network.hub.context.drain()
    await network.hub.context.messages.flush()
    legs = await network.hub.context.store.messages.query(party="DE:EMA")
    assert [(leg.from_party, leg.downstream_http_status) for leg in legs] == [("NL:HUB", 500)]


async def test_sessions_cdrs_and_commands_are_never_broadcast(network):
    for module, path in (("sessions", "/NL/CPA/S1"), ("cdrs", "")):
        method = "POST" if module == "cdrs" else "PUT"
        answer = await network.send(
            network.cpo, method, network.url("receiver", module, path), {"id": "X"}, to="NL:HUB", frm="NL:CPA"
        )
        assert (answer.status, answer.status_code) == (200, 2902), module
    await network.hub.context.drain()
    assert network.emsp.received == [] and network.duo.received == []


async def test_a_broadcast_must_name_its_owner_in_the_url(network):
    answer = await broadcast(network, "PUT", "/DE/EMA/L1", location("L1", "2026-11-25T08:00:00Z"))
    assert answer.status_code == 2001
    await network.hub.context.drain()
    assert network.emsp.received == []


async def test_get_all_via_the_hub_serves_the_latest_copies(network):
    await broadcast(network, "PUT", "/NL/CPA/L1", location("L1", "2026-11-25T08:00:00Z"))
    await broadcast(network, "PUT", "/NL/CPA/L2", location("L2", "2026-11-25T07:00:00Z"))
    # EVSE and connector PATCHes are applied to the hub's copy; the Location's last_updated follows its children.
    await broadcast(network, "PATCH", "/NL/CPA/L1/E1", {"status": "CHARGING", "last_updated": "2026-11-25T09:00:00Z"})
    await broadcast(network, "PATCH", "/NL/CPA/L1/E1/1", {"max_amperage": 32, "last_updated": "2026-11-25T09:30:00Z"})
    await network.send(
        network.duo,
        "PUT",
        network.url("receiver", "locations", "/NL/DUO/D1"),
        {**location("D1", "2026-11-25T06:00:00Z"), "party_id": "DUO"},
        to="NL:HUB",
        frm="NL:DUO",
    )
    await network.hub.context.drain()

    everything = await network.send(network.emsp, "GET", network.url("sender", "locations"), to="NL:HUB", frm="DE:EMA")
    assert everything.status == 200
    assert [item["id"] for item in everything.data] == ["D1", "L2", "L1"], "oldest first"
    assert (everything.headers["OCPI-from-party-id"], everything.headers["OCPI-to-party-id"]) == ("HUB", "EMA")
    l1 = everything.data[2]
    assert l1["evses"][0]["status"] == "CHARGING"
    assert l1["evses"][0]["connectors"][0]["max_amperage"] == 32
    assert l1["last_updated"] == "2026-11-25T09:30:00Z", "the original timestamps, as the CPO sent them"
    assert everything.headers["X-Total-Count"] == "3"

    # EMB's agreement covers CPA's locations only; DUO's CPO locations are not for it.
    emb = await network.send(network.emsp, "GET", network.url("sender", "locations"), to="NL:HUB", frm="DE:EMB")
    assert [item["id"] for item in emb.data] == ["L2", "L1"]

    # Paginated and filtered, without headers too (a list GET without TO is GET All via the hub).
    page = await network.send(
        network.emsp,
        "GET",
        network.url("sender", "locations") + "?limit=1&date_from=2026-11-25T06:30:00Z",
        frm="DE:EMA",
    )
    assert [item["id"] for item in page.data] == ["L2"]
    assert (page.headers["X-Total-Count"], page.headers["X-Limit"]) == ("2", "1000")
    next_url = page.headers["Link"][1 : page.headers["Link"].index(">")]
    follow = await call(
        "GET", next_url, network.emsp.hub_token, headers={"OCPI-from-country-code": "DE", "OCPI-from-party-id": "EMA"}
    )
    assert [item["id"] for item in follow.data] == ["L1"] and "Link" not in follow.headers


async def test_a_single_object_get_without_to_goes_to_its_owner(network):
    await broadcast(network, "PUT", "/NL/CPA/L1", location("L1", "2026-11-25T08:00:00Z"))
    network.cpo.replies[("GET", "/ocpi/2.2.1/sender/locations/L1")] = Reply(data={"id": "L1", "fresh": True})
    answer = await network.send(network.emsp, "GET", network.url("sender", "locations", "/L1"), frm="DE:EMA")
    assert answer.data == {"id": "L1", "fresh": True}


async def test_token_broadcast_lets_authorization_find_the_owner(network):
    token = {
        "country_code": "DE",
        "party_id": "EMA",
        "uid": "T1",
        "type": "RFID",
        "last_updated": "2026-11-25T08:00:00Z",
    }
    answer = await network.send(
        network.emsp, "PUT", network.url("receiver", "tokens", "/DE/EMA/T1?type=RFID"), token, frm="DE:EMA"
    )
    assert answer.status_code == 1000
    await network.hub.context.drain()
    assert network.cpo.received[-1].path == "/ocpi/2.2.1/receiver/tokens/DE/EMA/T1"
    assert network.cpo.received[-1].query == "type=RFID"
    network.emsp.replies[("POST", "/ocpi/2.2.1/sender/tokens/T1/authorize")] = Reply(data={"allowed": "ALLOWED"})
    authorized = await network.send(network.cpo, "POST", network.url("sender", "tokens", "/T1/authorize"), frm="NL:CPA")
    assert authorized.data == {"allowed": "ALLOWED"}
    assert network.emsp.received[-1].headers["OCPI-to-party-id"] == "EMA"


async def test_agreements_changed_from_the_cli_apply_within_a_second(network):
    store = network.hub.settings.store
    session = {"id": "S1"}

    async def send_session():
        return await network.send(
            network.cpo, "PUT", network.url("receiver", "sessions", "/NL/CPA/S1"), session, to="DE:EMB", frm="NL:CPA"
        )

    assert (await send_session()).status_code == 4902
    code, out, err = await run_cli("agreements", "remove", "NL:CPA:CPO,DE:EMB:EMSP", "--store", store)
    assert code == 0, err
    code, out, err = await run_cli(
        "agreements", "add", "NL:CPA:CPO", "DE:EMB:EMSP", "--module", "sessions", "--store", store
    )
    assert code == 0, err
    loop = asyncio.get_running_loop()
    started = loop.time()
    while (await send_session()).status_code != 1000:
        assert loop.time() - started < 1.5, "the running hub did not pick the agreement up"
        await asyncio.sleep(0.05)
    code, out, err = await run_cli("agreements", "suspend", "DE:EMB:EMSP,NL:CPA:CPO", "--store", store)
    assert code == 0 and "SUSPENDED" in out, err
    started = loop.time()
    while (await send_session()).status_code != 4902:
        assert loop.time() - started < 1.5, "suspension did not reach the running hub"
        await asyncio.sleep(0.05)


async def test_agreements_export_and_import_round_trip(network, tmp_path):
    store = network.hub.settings.store
    exported = tmp_path / "agreements.yaml"
    code, _, err = await run_cli("agreements", "export", str(exported), "--store", store)
    assert code == 0, err
    before = await network.hub.context.store.agreements.list_all()
    code, out, err = await run_cli("agreements", "import", str(exported), "--replace", "--store", store)
    assert (code, out.strip()) == (0, "0 created, 0 updated, 0 removed"), err
    exported.write_text(exported.read_text().replace("state: ACTIVE", "state: SUSPENDED", 1))
    code, out, err = await run_cli("agreements", "import", str(exported), "--store", store)
    assert out.strip() == "0 created, 1 updated, 0 removed"
    bad = tmp_path / "bad.yaml"
    bad.write_text("agreements:\n- parties: [NL:CPA:CPO]\n")
    code, out, err = await run_cli("agreements", "import", str(bad), "--store", store)
    assert code != 0 and "needs `parties" in err and "Traceback" not in err
    after = await network.hub.context.store.agreements.list_all()
    assert len(after) == len(before)
    assert orjson.dumps(sorted(a.state for a in after)) != orjson.dumps(sorted(a.state for a in before))


async def test_hubclientinfo_shows_only_partners_with_an_agreement(network):
    listing = await call("GET", f"{network.hub.url}/ocpi/2.2.1/hubclientinfo", network.emsp.hub_token)
    assert {(c["party_id"], c["role"]) for c in listing.data} == {("CPA", "CPO"), ("DUO", "CPO")}
    listing = await call("GET", f"{network.hub.url}/ocpi/2.2.1/hubclientinfo", network.cpo.hub_token)
    assert {(c["party_id"], c["role"]) for c in listing.data} == {("EMA", "EMSP"), ("EMB", "EMSP"), ("DUO", "EMSP")}
    await agree(network.hub, "NL:DUO:EMSP", "DE:EMB:EMSP", ["tokens"])
    listing = await call("GET", f"{network.hub.url}/ocpi/2.2.1/hubclientinfo", network.emsp.hub_token)
    assert ("DUO", "EMSP") in {(c["party_id"], c["role"]) for c in listing.data}


async def test_the_message_log_is_searchable_from_the_cli(network):
    await network.send(
        network.cpo,
        "PUT",
        network.url("receiver", "sessions", "/NL/CPA/S9"),
        {"id": "S9"},
        to="DE:EMA",
        frm="NL:CPA",
        headers={"X-Request-ID": "cli-find-1", "X-Correlation-ID": "c-9"},
    )
    await network.hub.context.messages.flush()
    store = network.hub.settings.store
    code, out, err = await run_cli("messages", "--request-id", "cli-find-1", "--json", "--store", store)
    assert code == 0, err
    (record,) = orjson.loads(out)
    assert (record["from_party"], record["to_party"], record["correlation_id"]) == ("NL:CPA", "DE:EMA", "c-9")
    code, out, err = await run_cli("messages", "--party", "de:ema", "--since", "2020-01-01T00:00:00Z", "--store", store)
    assert "cli-find-1" in out and "sessions" in out
    code, out, err = await run_cli("messages", "--since", "yesterday", "--store", store)
    assert code != 0 and "not an RFC 3339 date-time" in err


async def test_a_put_and_the_patch_after_it_arrive_in_order(network):
    network.emsp.replies[("PUT", "/ocpi/2.2.1/receiver/locations/NL/CPA/L1")] = Reply(delay=0.3)
    await broadcast(network, "PUT", "/NL/CPA/L1", location("L1", "2026-11-25T08:00:00Z"))
    await broadcast(network, "PATCH", "/NL/CPA/L1/E1", {"status": "CHARGING", "last_updated": "2026-11-25T09:00:00Z"})
    await network.hub.context.drain()
    to_ema = [r.method for r in network.emsp.received if r.headers["OCPI-to-party-id"] == "EMA"]
    assert to_ema == ["PUT", "PATCH"]


async def test_a_deleted_tariff_is_deleted_everywhere_it_went(network):
    tariff = {"country_code": "NL", "party_id": "CPA", "id": "T1", "currency": "EUR", "elements": []}
    tariffs = network.url("receiver", "tariffs", "/NL/CPA/T1")
    put = await network.send(
        network.cpo, "PUT", tariffs, {**tariff, "last_updated": "2026-11-25T08:00:00Z"}, to="NL:HUB"
    )
    assert put.status_code == 1000
    await network.hub.context.drain()
    listed = await network.send(network.emsp, "GET", network.url("sender", "tariffs"), to="NL:HUB", frm="DE:EMA")
    assert [t["id"] for t in listed.data] == ["T1"]

    deleted = await network.send(network.cpo, "DELETE", tariffs, to="NL:HUB", frm="NL:CPA")
    assert (deleted.status, deleted.status_code) == (200, 1000)
    await network.hub.context.drain()
    legs = [r for p in (network.emsp, network.duo) for r in p.received if r.method == "DELETE"]
    assert sorted(leg.path for leg in legs) == ["/ocpi/2.2.1/receiver/tariffs/NL/CPA/T1"] * 2, "EMA's and DUO's"
    assert all(leg.headers["OCPI-from-party-id"] == "HUB" for leg in legs)
    listed = await network.send(network.emsp, "GET", network.url("sender", "tariffs"), to="NL:HUB", frm="DE:EMA")
    assert listed.data == [], "GET All no longer serves it"
    refused = await network.send(
        network.cpo, "DELETE", network.url("receiver", "locations", "/NL/CPA/L1"), to="NL:HUB", frm="NL:CPA"
    )
    assert refused.status_code == 2902, "locations have no DELETE in OCPI"


async def test_an_agreement_import_that_meets_a_conflict_changes_nothing(network, monkeypatch):
    import aiohttp
    import msgspec

    from tests.hub_server import ADMIN_TOKEN

    store = network.hub.context.store
    before = await store.agreements.list_all()
    listing = store.agreements.list_all

    async def read_while_another_operator_edits():
        # The import reads the agreements, then someone changes the last one before the import writes.
        agreements = await listing()
        await store.agreements.save(msgspec.structs.replace(agreements[-1], modules=["cdrs"]))
        return agreements

    monkeypatch.setattr(store.agreements, "list_all", read_while_another_operator_edits)
    document = (
        "agreements:\n"
        "- {parties: [FR:NEW:CPO, DE:EMA:EMSP]}\n"  # new: would have been created first
        f"- {{parties: [{before[-1].party_a}, {before[-1].party_b}], modules: [tariffs]}}\n"
    )
    async with (
        aiohttp.ClientSession() as session,
        session.put(
            f"{network.hub.url}/admin/api/agreements.yaml",
            data=document,
            headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        ) as response,
    ):
        assert response.status == 409
        assert "nothing was changed" in (await response.json())["error"]["message"]
    monkeypatch.undo()
    after = await store.agreements.list_all()
    assert len(after) == len(before), "the new agreement listed first was not created"
    assert after[-1].modules == ["cdrs"], "only the other operator's change is there"
