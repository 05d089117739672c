"""The credentials handshake with the hub as receiver, over real HTTP between real aiohttp servers."""

from __future__ import annotations

import secrets

from hub.platforms.tokens import hash_token
from storage.models import ConnectionStatus, PlatformState
from tests.hub_server import call
from tests.onboarding import invite_for, onboard
from tests.platform_sim import Role

CPO = Role("NL", "CPA", "CPO")


async def test_cpo_registers_with_token_a_and_gets_a_token_c(hub, platforms):
    cpo = await platforms([CPO])
    token_a = await invite_for(hub, cpo)

    answer = await cpo.register(hub.versions_url, token_a)

    assert (answer.status, answer.status_code) == (200, 1000)
    credentials = answer.data
    assert credentials["url"] == hub.versions_url
    assert credentials["roles"] == [
        {"role": "HUB", "business_details": {"name": "OCPI Hub"}, "party_id": "HUB", "country_code": "NL"}
    ], "a 2.2.1 hub lists only itself, with role HUB"
    token_c = credentials["token"]
    assert token_c not in (token_a, cpo.token_for_hub)
    assert len(token_c) <= 64
    # Before answering, the hub called the platform back with Token B: versions, then version details.
    callbacks = [(method, path) for method, path, token in cpo.requests if token == cpo.token_for_hub]
    assert callbacks[:2] == [("GET", "/ocpi/versions"), ("GET", "/ocpi/2.2.1")]
    # Token C works; once it has been used, Token A is dead everywhere.
    versions = await call("GET", hub.versions_url, token_c)
    assert versions.data == [
        {"version": "2.3.0", "url": f"{hub.url}/ocpi/2.3.0"},
        {"version": "2.2.1", "url": f"{hub.url}/ocpi/2.2.1"},
        {"version": "2.1.1", "url": f"{hub.url}/ocpi/2.1.1"},
    ]
    assert (await call("GET", hub.versions_url, token_a)).status == 401
    assert (await call("GET", f"{hub.url}/ocpi/2.2.1/credentials", token_a)).status == 401

    stored = await hub.context.store.platforms.find_by_token_hash(hash_token(token_c))
    assert stored.state is PlatformState.REGISTERED
    assert [(p.key, p.status) for p in stored.parties] == [("NL:CPA:CPO", ConnectionStatus.CONNECTED)]
    assert stored.versions_url == f"{cpo.base}/ocpi/versions"
    assert stored.endpoint("locations", "SENDER").url == f"{cpo.base}/ocpi/2.2.1/sender/locations"
    assert stored.endpoint("commands", "RECEIVER").url == f"{cpo.base}/ocpi/2.2.1/receiver/commands"
    assert cpo.token_for_hub not in repr(stored), "the partner's token is stored encrypted"
    assert hub.context.peer_tokens.token_for(stored) == cpo.token_for_hub
    assert token_c not in repr(stored) and stored.token_hashes == [hash_token(token_c)]


async def test_version_details_advertise_every_module_both_ways(hub, platforms):
    cpo = await platforms([CPO])
    token_a = await invite_for(hub, cpo)
    details = await call("GET", f"{hub.url}/ocpi/2.2.1", token_a)
    assert details.data["version"] == "2.2.1"
    endpoints = {(e["identifier"], e["role"]) for e in details.data["endpoints"]}
    assert ("credentials", "SENDER") in endpoints
    assert ("hubclientinfo", "SENDER") in endpoints
    for module in ("cdrs", "chargingprofiles", "commands", "locations", "sessions", "tariffs", "tokens"):
        assert {(module, "SENDER"), (module, "RECEIVER")} <= endpoints
    urls = [e["url"] for e in details.data["endpoints"]]
    assert len(set(urls)) == len(urls)


async def test_token_a_is_refused_outside_versions_and_credentials(hub, platforms):
    cpo = await platforms([CPO])
    token_a = await invite_for(hub, cpo)
    answer = await call("GET", f"{hub.url}/ocpi/2.2.1/hubclientinfo", token_a)
    assert answer.status == 401
    assert answer.status_code == 2000
    answer = await call("GET", f"{hub.url}/ocpi/2.2.1/receiver/locations/NL/CPA/1", token_a)
    assert answer.status == 401


async def test_post_when_registered_and_put_or_delete_when_not_are_405(hub, platforms):
    cpo = await platforms([CPO])
    token_a = await invite_for(hub, cpo)
    credentials_url = f"{hub.url}/ocpi/2.2.1/credentials"
    cpo.token_for_hub = secrets.token_urlsafe(16)
    for method in ("PUT", "DELETE"):
        answer = await call(method, credentials_url, token_a, cpo.credentials() if method == "PUT" else None)
        assert answer.status == 405, method
        assert answer.status_code == 2000
        assert "POST" in answer.headers["Allow"]
    await cpo.register(hub.versions_url, token_a)
    answer = await call("POST", credentials_url, cpo.hub_token, cpo.credentials())
    assert answer.status == 405
    assert "already registered" in answer.body["status_message"]


async def test_get_credentials_returns_the_hub_with_the_callers_token(hub, platforms):
    cpo = await platforms([CPO])
    await onboard(hub, cpo)
    answer = await call("GET", f"{hub.url}/ocpi/2.2.1/credentials", cpo.hub_token)
    assert answer.data["token"] == cpo.hub_token
    assert answer.data["roles"][0]["role"] == "HUB"


async def test_put_rotates_both_tokens_and_refetches_endpoints(hub, platforms):
    cpo = await platforms([CPO])
    await onboard(hub, cpo)
    old_token_c, old_token_b = cpo.hub_token, cpo.token_for_hub
    requests_before = len(cpo.requests)
    new_token_b = secrets.token_urlsafe(24)
    cpo.token_for_hub = new_token_b

    answer = await call("PUT", f"{hub.url}/ocpi/2.2.1/credentials", old_token_c, cpo.credentials())

    assert (answer.status, answer.status_code) == (200, 1000)
    new_token_c = answer.data["token"]
    assert new_token_c != old_token_c
    assert [(m, p) for m, p, t in cpo.requests[requests_before:] if t == new_token_b][:2] == [
        ("GET", "/ocpi/versions"),
        ("GET", "/ocpi/2.2.1"),
    ]
    assert (await call("GET", hub.versions_url, new_token_c)).status == 200
    assert (await call("GET", hub.versions_url, old_token_c)).status == 401
    stored = hub.context.directory.get(next(p.id for p in hub.context.directory.platforms()))
    assert hub.context.peer_tokens.token_for(stored) == new_token_b != old_token_b


async def test_failed_put_keeps_the_old_credentials(hub, platforms):
    cpo = await platforms([CPO])
    await onboard(hub, cpo)
    token_c = cpo.hub_token
    assert (await call("GET", hub.versions_url, token_c)).status == 200  # Token C in use: Token A is retired
    (before,) = await hub.context.store.platforms.list_all()
    answer = await call("PUT", f"{hub.url}/ocpi/2.2.1/credentials", token_c, cpo.credentials("not-known-to-cpo"))
    assert (answer.status, answer.status_code) == (200, 3001)
    assert (await call("GET", hub.versions_url, token_c)).status == 200
    assert await hub.context.store.platforms.list_all() == [before], "nothing stored: old tokens, URL, endpoints"


async def test_delete_unregisters_and_voids_the_token(hub, platforms):
    cpo = await platforms([CPO])
    await onboard(hub, cpo)
    answer = await call("DELETE", f"{hub.url}/ocpi/2.2.1/credentials", cpo.hub_token)
    assert (answer.status, answer.status_code) == (200, 1000)
    assert (await call("GET", hub.versions_url, cpo.hub_token)).status == 401
    (stored,) = await hub.context.store.platforms.list_all()
    assert stored.state is PlatformState.UNREGISTERED
    assert stored.token_hashes == [] and stored.peer_token_encrypted is None
    assert [p.status for p in stored.parties] == [ConnectionStatus.SUSPENDED]


async def test_callbacks_failing_answer_3001_and_store_nothing(hub, platforms):
    cpo = await platforms([CPO])
    cpo.versions_available = False
    token_a = await invite_for(hub, cpo)
    before = await hub.context.store.platforms.list_all()

    answer = await cpo.register(hub.versions_url, token_a)

    assert (answer.status, answer.status_code) == (200, 3001)
    assert "versions" in answer.body["status_message"]
    assert await hub.context.store.platforms.list_all() == before
    cpo.versions_available = True
    retry = await cpo.register(hub.versions_url, token_a)
    assert retry.status_code == 1000, "Token A still works after a failed attempt"


async def test_unreachable_platform_answers_3001(hub, platforms):
    cpo = await platforms([CPO])
    token_a = await invite_for(hub, cpo)
    credentials = cpo.credentials(secrets.token_urlsafe(10))
    credentials["url"] = "http://127.0.0.1:9/ocpi/versions"
    answer = await call("POST", f"{hub.url}/ocpi/2.2.1/credentials", token_a, credentials)
    assert answer.status_code == 3001


async def test_unsupported_version_answers_3002(hub, platforms):
    cpo = await platforms([CPO])
    token_a = await invite_for(hub, cpo)
    cpo.versions_offered = ["2.1.1", "2.2"]
    cpo.token_for_hub = secrets.token_urlsafe(16)
    answer = await call("POST", f"{hub.url}/ocpi/2.2.1/credentials", token_a, cpo.credentials())
    assert (answer.status, answer.status_code) == (200, 3002)
    assert "2.1.1, 2.2" in answer.body["status_message"]
    assert (await call("GET", hub.versions_url, token_a)).status == 200, "nothing changed: Token A still valid"


async def test_platform_without_credentials_endpoint_answers_3003(hub, platforms):
    cpo = await platforms([CPO])
    token_a = await invite_for(hub, cpo)
    cpo.credentials_endpoint = False
    cpo.token_for_hub = secrets.token_urlsafe(16)
    answer = await call("POST", f"{hub.url}/ocpi/2.2.1/credentials", token_a, cpo.credentials())
    assert (answer.status, answer.status_code) == (200, 3003)
    (stored,) = await hub.context.store.platforms.list_all()
    assert stored.state is PlatformState.INVITED


async def test_a_party_the_invitation_does_not_allow_is_refused(hub, platforms):
    cpo = await platforms([CPO, Role("NL", "XYZ", "CPO")])
    token_a = await invite_for(hub, await platforms([CPO]))
    answer = await cpo.register(hub.versions_url, token_a)
    assert (answer.status, answer.status_code) == (200, 2001)
    assert "NL*XYZ (CPO) is not one this platform was invited for" in answer.body["status_message"]
    assert "NL*CPA (CPO)" in answer.body["status_message"]
    (stored,) = await hub.context.store.platforms.list_all()
    assert stored.state is PlatformState.INVITED
    assert cpo.requests == [], "the hub refused before calling the platform back"


async def test_another_platforms_party_is_refused(hub, platforms):
    emsp = await platforms([Role("DE", "EMS", "EMSP")])
    await onboard(hub, emsp)
    impostor = await platforms([CPO, Role("DE", "EMS", "EMSP")])
    token_a = await invite_for(hub, await platforms([CPO]))
    answer = await impostor.register(hub.versions_url, token_a)
    assert answer.status_code == 2001
    assert "DE*EMS (EMSP) belongs to another platform" in answer.body["status_message"]


async def test_platform_may_register_a_subset_of_its_parties_and_add_the_rest_with_put(hub, platforms):
    both = await platforms([Role("NL", "DUO", "CPO"), Role("NL", "DUO", "EMSP")])
    token_a = await invite_for(hub, both)
    both.roles = both.roles[:1]
    assert (await both.register(hub.versions_url, token_a)).status_code == 1000
    (stored,) = hub.context.directory.registered_platforms()
    assert {p.key: p.status for p in stored.parties} == {
        "NL:DUO:CPO": ConnectionStatus.CONNECTED,
        "NL:DUO:EMSP": ConnectionStatus.PLANNED,
    }
    both.roles = [Role("NL", "DUO", "CPO"), Role("NL", "DUO", "EMSP")]
    answer = await call("PUT", f"{hub.url}/ocpi/2.2.1/credentials", both.hub_token, both.credentials())
    assert answer.status_code == 1000
    (stored,) = hub.context.directory.registered_platforms()
    assert {p.status for p in stored.parties} == {ConnectionStatus.CONNECTED}


async def test_plain_token_platform_is_answered_in_kind(hub, platforms):
    legacy = await platforms([CPO], encoding="plain")
    token_a = await invite_for(hub, legacy)
    answer = await legacy.register(hub.versions_url, token_a)
    assert answer.status_code == 1000
    (stored,) = hub.context.directory.registered_platforms()
    assert stored.auth_encoding.value == "plain"
    assert (await call("GET", hub.versions_url, legacy.hub_token, encoding="plain")).status == 200


async def test_simultaneous_posts_with_one_token_a_register_once_and_the_others_get_405(hub, platforms):
    import asyncio

    cpo = await platforms([CPO])
    token_a = await invite_for(hub, cpo)
    cpo.token_for_hub = secrets.token_urlsafe(16)
    answers = await asyncio.gather(
        *(call("POST", f"{hub.url}/ocpi/2.2.1/credentials", token_a, cpo.credentials()) for _ in range(4))
    )
    outcomes = sorted((a.status, a.status_code) for a in answers)
    assert outcomes[0] == (200, 1000)
    assert all(outcome in ((405, 2000), (401, 2000)) for outcome in outcomes[1:]), outcomes
    (stored,) = await hub.context.store.platforms.list_all()
    winner = next(a for a in answers if a.status_code == 1000)
    assert stored.state is PlatformState.REGISTERED
    assert stored.token_hashes == [hash_token(winner.data["token"]), hash_token(token_a)]
    assert stored.retiring_token_hash == hash_token(token_a), "Token A lives on until Token C is first used"
