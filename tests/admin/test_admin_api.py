"""The admin API over real HTTP: auth, validation, the OpenAPI description, and what each call does."""

from __future__ import annotations

import re

import aiohttp
import pytest
import yaml

from tests.admin.openapi_check import DOCUMENT, check_request, check_response
from tests.hub_server import ADMIN_TOKEN, call

BEARER = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


async def api(hub, method: str, path: str, body=None, *, template: str | None = None, headers=None, raw=None):
    """Call the admin API; check the answer against the OpenAPI description (`template`: the described path)."""
    sent = BEARER if headers is None else headers
    async with (
        aiohttp.ClientSession() as session,
        session.request(method, f"{hub.url}/admin/api{path}", json=body, data=raw, headers=sent) as response,
    ):
        content_type = response.content_type
        payload = await response.json() if content_type == "application/json" else await response.text()
        status = response.status
    if template is not None:
        check_response(template, method, status, payload)
    return status, payload


def concrete(template: str) -> str:
    return re.sub(r"\{[^}]+\}", "x", template)


async def test_nothing_without_admin_credentials_and_ocpi_tokens_do_not_count(network):
    ocpi_token = network.cpo.hub_token
    attempts = [
        {},
        {"Authorization": f"Bearer {ocpi_token}"},
        {"Authorization": f"Token {ocpi_token}"},
        {"Authorization": "Bearer wrong"},
        {"Authorization": ADMIN_TOKEN},
    ]
    for template, methods in DOCUMENT["paths"].items():
        for method in methods:
            if method == "parameters":
                continue
            for headers in attempts:
                status, payload = await api(
                    network.hub, method.upper(), concrete(template), headers=headers, template=template
                )
                assert status == 401, (method, template, headers)
                assert "admin credentials required" in payload["error"]["message"]
    # The description itself is public.
    status, payload = await api(network.hub, "GET", "/openapi.json", headers={})
    assert status == 200 and payload["openapi"].startswith("3.1")


async def test_platforms_and_invitations(network):
    status, platforms = await api(network.hub, "GET", "/platforms", template="/platforms")
    assert status == 200
    assert {p["parties"][0]["party_id"] for p in platforms} == {"CPA", "EMA", "DUO"}
    cpo = next(p for p in platforms if p["parties"][0]["party_id"] == "CPA")
    assert cpo["state"] == "REGISTERED" and cpo["last_contact_at"] is not None
    status, one = await api(network.hub, "GET", f"/platforms/{cpo['id']}", template="/platforms/{platform_id}")
    assert one == cpo

    request = {"parties": ["fr:new:cpo", "FR:NEW:EMSP"], "name": "Nouveau"}
    assert check_request("/invitations", "POST", request)
    status, invitation = await api(network.hub, "POST", "/invitations", request, template="/invitations")
    assert status == 201
    assert invitation["versions_url"] == network.hub.versions_url
    assert (await call("GET", network.hub.versions_url, invitation["token_a"])).status == 200


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"parties": []}, 422, "parties"),
        ({"parties": ["NL-ABC-CPO"]}, 422, "parties"),
        ({"parties": ["NL:ABC:KING"]}, 422, "parties"),
        ({"parties": ["NL:CPA:CPO"]}, 422, "parties"),  # held by a registered platform
        ({"parties": ["NL:ABC:CPO"], "colour": "red"}, 422, None),
        ({"name": "no parties"}, 422, None),
    ],
)
async def test_invitation_validation(network, body, status, field):
    before = await network.hub.context.store.platforms.list_all()
    answer_status, payload = await api(network.hub, "POST", "/invitations", body, template="/invitations")
    assert answer_status == status
    if field:
        assert payload["error"]["field"] == field
    assert await network.hub.context.store.platforms.list_all() == before, "nothing stored"


async def test_invalid_json_is_400(network):
    status, payload = await api(
        network.hub,
        "POST",
        "/invitations",
        raw=b"{nope",
        headers={**BEARER, "Content-Type": "application/json"},
        template="/invitations",
    )
    assert status == 400 and "not valid JSON" in payload["error"]["message"]


async def test_agreements_lifecycle_changes_routing(network):
    session = {"id": "S1"}

    async def route():
        answer = await network.send(
            network.cpo, "PUT", network.url("receiver", "sessions", "/NL/CPA/S1"), session, to="DE:EMB", frm="NL:CPA"
        )
        return answer.status_code

    assert await route() == 4902
    body = {"parties": ["NL:CPA:CPO", "DE:EMB:EMSP"], "modules": ["sessions"], "state": "PROPOSED"}
    status, _agreement = await api(network.hub, "POST", "/agreements", body, template="/agreements")
    assert status == 409, "CPA and EMB already have a (locations) agreement"
    status, listed = await api(network.hub, "GET", "/agreements", template="/agreements")
    existing = next(a for a in listed if a["parties"] == ["DE:EMB:EMSP", "NL:CPA:CPO"])
    status, changed = await api(
        network.hub,
        "PATCH",
        f"/agreements/{existing['id']}",
        {"modules": ["locations", "sessions"]},
        template="/agreements/{agreement_id}",
    )
    assert status == 200 and changed["modules"] == ["locations", "sessions"]
    assert await route() == 1000, "in effect at once"
    status, changed = await api(
        network.hub,
        "PATCH",
        f"/agreements/{existing['id']}",
        {"state": "SUSPENDED"},
        template="/agreements/{agreement_id}",
    )
    assert changed["state"] == "SUSPENDED"
    assert await route() == 4902
    status, _ = await api(network.hub, "DELETE", f"/agreements/{existing['id']}", template="/agreements/{agreement_id}")
    assert status == 204
    status, _ = await api(network.hub, "GET", f"/agreements/{existing['id']}", template="/agreements/{agreement_id}")
    assert status == 404
    status, created = await api(
        network.hub, "POST", "/agreements", {"parties": ["NL:CPA:CPO", "DE:EMB:EMSP"]}, template="/agreements"
    )
    assert status == 201 and created["state"] == "ACTIVE" and len(created["modules"]) == 8


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"parties": ["NL:CPA:CPO", "NL:CPA:CPO"]}, 422, "parties"),
        ({"parties": ["NL:CPA:CPO", "DE:EMB:EMSP"], "modules": ["parking"]}, 422, "modules"),
        ({"parties": ["NL:CPA:CPO"]}, 422, "parties"),
        ({"parties": ["NL:CPA:CPO", "XX:YYY:EMSP"], "state": "MAYBE"}, 422, "state"),
    ],
)
async def test_agreement_validation(network, body, status, field):
    before = await network.hub.context.store.agreements.list_all()
    answer_status, payload = await api(network.hub, "POST", "/agreements", body, template="/agreements")
    assert (answer_status, payload["error"].get("field")) == (status, field)
    assert await network.hub.context.store.agreements.list_all() == before


async def test_agreements_export_and_import(network):
    status, text = await api(network.hub, "GET", "/agreements.yaml", template="/agreements.yaml")
    exported = yaml.safe_load(text)
    assert len(exported["agreements"]) == 4
    exported["agreements"] = exported["agreements"][:3]
    status, result = await api(
        network.hub,
        "PUT",
        "/agreements.yaml?replace=true",
        raw=yaml.safe_dump(exported),
        headers={**BEARER, "Content-Type": "application/yaml"},
        template="/agreements.yaml",
    )
    assert (status, result) == (200, {"created": 0, "updated": 0, "removed": 1})
    status, result = await api(
        network.hub,
        "PUT",
        "/agreements.yaml",
        raw="agreements: [{parties: [x]}]",
        headers={**BEARER, "Content-Type": "application/yaml"},
        template="/agreements.yaml",
    )
    assert status == 422


async def test_message_search(network):
    await network.send(
        network.cpo,
        "PUT",
        network.url("receiver", "sessions", "/NL/CPA/S1"),
        {"id": "S1"},
        to="DE:EMA",
        frm="NL:CPA",
        headers={"X-Request-ID": "api-find-1", "X-Correlation-ID": "k-1"},
    )
    await network.send(
        network.cpo,
        "PUT",
        network.url("receiver", "sessions", "/NL/CPA/S1"),
        {"id": "S1"},
        to="XX:YYY",
        frm="NL:CPA",
        headers={"X-Request-ID": "api-find-2", "X-Correlation-ID": "k-1"},
    )
    status, found = await api(network.hub, "GET", "/messages?request_id=api-find-1", template="/messages")
    assert [m["to_party"] for m in found] == ["DE:EMA"] and found[0]["failed"] is False
    status, found = await api(network.hub, "GET", "/messages?correlation_id=k-1&failed=true", template="/messages")
    assert [m["request_id"] for m in found] == ["api-find-2"]
    status, found = await api(
        network.hub, "GET", "/messages?party=de:ema&module=sessions&since=2020-01-01T00:00:00Z", template="/messages"
    )
    assert [m["request_id"] for m in found] == ["api-find-1"]
    for query in ("since=yesterday", "limit=0", "limit=x", "failed=maybe"):
        status, _payload = await api(network.hub, "GET", f"/messages?{query}", template="/messages")
        assert status == 400, query
    status, stats = await api(network.hub, "GET", "/overview", template="/overview")
    assert stats["platforms"] == {"REGISTERED": 3} and stats["messages_last_hour"] >= 2


async def test_unregister_and_remove_a_platform(network):
    status, platforms = await api(network.hub, "GET", "/platforms")
    cpo = next(p for p in platforms if p["parties"][0]["party_id"] == "CPA")
    status, unregistered = await api(
        network.hub, "POST", f"/platforms/{cpo['id']}/unregister", template="/platforms/{platform_id}/unregister"
    )
    assert status == 200 and unregistered["state"] == "UNREGISTERED"
    assert (await call("GET", network.hub.versions_url, network.cpo.hub_token)).status == 401
    await network.hub.context.drain()
    assert network.emsp.client_info[("NL", "CPA")]["status"] == "SUSPENDED"
    status, _ = await api(network.hub, "DELETE", f"/platforms/{cpo['id']}", template="/platforms/{platform_id}")
    assert status == 204
    status, _payload = await api(network.hub, "GET", f"/platforms/{cpo['id']}", template="/platforms/{platform_id}")
    assert status == 404
    status, _invitation = await api(
        network.hub, "POST", "/invitations", {"parties": ["NL:CPA:CPO"]}, template="/invitations"
    )
    assert status == 201, "the party is free again"


@pytest.mark.parametrize(
    "text",
    [
        "agreements: [{parties: [NL:CPA:CPO, DE:EMB:EMSP], modules: 7}]",
        "agreements: [{parties: [NL:CPA:CPO, DE:EMB:EMSP], modules: [1]}]",
    ],
)
async def test_agreement_import_with_odd_modules_is_422(network, text):
    status, payload = await api(
        network.hub,
        "PUT",
        "/agreements.yaml",
        raw=text,
        headers={**BEARER, "Content-Type": "application/yaml"},
        template="/agreements.yaml",
    )
    assert status == 422 and "modules" in payload["error"]["message"]


async def test_odd_bytes_get_answers_not_crashes(network):
    async with aiohttp.ClientSession(cookies={"ocpi_hub_admin": "ÄÖ.ü"}) as session:
        async with session.get(f"{network.hub.url}/admin/api/platforms") as response:
            assert response.status == 401
        async with session.get(f"{network.hub.url}/admin/", allow_redirects=False) as response:
            assert response.status == 303
        async with session.post(
            f"{network.hub.url}/admin/login",
            data=b"token=\xff\xfe",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ) as response:
            assert response.status in (400, 401)
    status, _ = await api(
        network.hub,
        "PUT",
        "/agreements.yaml",
        raw=b"\xff\xfe",
        headers={**BEARER, "Content-Type": "application/yaml"},
        template="/agreements.yaml",
    )
    assert status == 400


async def test_headers_naming_unknown_parties_add_no_metric_series(network):
    for number in range(20):
        await network.send(
            network.cpo,
            "PUT",
            network.url("receiver", "sessions", "/NL/CPA/S1"),
            {"id": "S1"},
            to=f"X{chr(65 + number)}:YYY",
            frm="NL:CPA",
        )
    async with aiohttp.ClientSession() as session, session.get(f"{network.hub.url}/metrics") as response:
        text = await response.text()
    assert "XA" not in text and "XT" not in text


async def test_the_session_cookie_is_secure_when_the_hub_is_public_over_https(store_url):
    from tests.hub_server import free_port, hub_settings, start_hub

    port = free_port()
    hub = await start_hub(hub_settings(store_url, port=port, public_url="https://hub.example"))
    try:
        async with (
            aiohttp.ClientSession() as session,
            session.post(
                f"http://127.0.0.1:{port}/admin/login",
                data={"token": ADMIN_TOKEN, "next": "/admin/"},
                allow_redirects=False,
            ) as response,
        ):
            assert response.status == 303
            cookie = response.headers["Set-Cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    finally:
        await hub.stop()
