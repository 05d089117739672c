"""Every bad input gets an OCPI envelope with the right status code and HTTP status, and leaves storage untouched."""

from __future__ import annotations

import orjson
import pytest

from storage.models import PlatformState
from tests.hub_server import call
from tests.onboarding import invite_for, onboard
from tests.platform_sim import Role

CPO = Role("NL", "CPA", "CPO")


def assert_envelope(answer, http_status: int, status_code: int) -> None:
    assert answer.status == http_status, answer.body
    assert answer.status_code == status_code, answer.body
    assert isinstance(answer.body.get("status_message"), str) and answer.body["status_message"]
    assert answer.body["timestamp"].endswith("Z") and len(answer.body["timestamp"]) <= 25


async def stored_state(hub):
    return [(p.id, p.state, p.revision, tuple(p.token_hashes)) for p in await hub.context.store.platforms.list_all()]


async def test_unknown_path_is_a_404_envelope(hub, platforms):
    cpo = await platforms([CPO])
    await onboard(hub, cpo)
    for path in ("/nothing", "/ocpi/2.0/credentials", "/ocpi/2.2.1/payments", "/ocpi/2.2.1/sender/bookings"):
        assert_envelope(await call("GET", hub.url + path, cpo.hub_token), 404, 2000)


async def test_wrong_method_is_a_405_envelope(hub, platforms):
    cpo = await platforms([CPO])
    await onboard(hub, cpo)
    answer = await call("POST", hub.versions_url, cpo.hub_token, {"x": 1})
    assert_envelope(answer, 405, 2000)
    assert "GET" in answer.headers["Allow"]
    assert_envelope(await call("PATCH", f"{hub.url}/ocpi/2.2.1/credentials", cpo.hub_token, {}), 405, 2000)


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Token", "Bearer abc", "Token " + "eA==", "Token not-a-token", "Basic dXNlcjpwYXNz"],
)
async def test_missing_or_bad_token_is_a_401_envelope(hub, platforms, authorization):
    cpo = await platforms([CPO])
    await onboard(hub, cpo)
    headers = {} if authorization is None else {"Authorization": authorization}
    for path in ("/ocpi/versions", "/ocpi/2.2.1", "/ocpi/2.2.1/credentials", "/ocpi/2.2.1/hubclientinfo"):
        assert_envelope(await call("GET", hub.url + path, headers=headers), 401, 2000)


async def test_invalid_json_is_a_400_envelope_and_stores_nothing(hub, platforms):
    cpo = await platforms([CPO])
    token_a = await invite_for(hub, cpo)
    before = await stored_state(hub)
    for raw in (b"{not json", b"", b"\xff\xfe", b'{"token": "abc", '):
        answer = await call("POST", f"{hub.url}/ocpi/2.2.1/credentials", token_a, raw=raw)
        assert_envelope(answer, 400, 2001 if raw == b"" else 2000)
    assert await stored_state(hub) == before
    assert cpo.requests == []


@pytest.mark.parametrize(
    ("body", "complaint"),
    [
        ([], "Expected `object`"),
        ({"url": "http://x/ocpi/versions", "roles": [CPO.as_ocpi()]}, "token"),
        ({"token": "t" * 65, "url": "http://x/ocpi/versions", "roles": [CPO.as_ocpi()]}, "token"),
        ({"token": "has space", "url": "http://x/ocpi/versions", "roles": [CPO.as_ocpi()]}, "printable"),
        ({"token": "abc", "url": "ftp://x", "roles": [CPO.as_ocpi()]}, "url"),
        ({"token": "abc", "url": "http://x/ocpi/versions", "roles": []}, "roles"),
        ({"token": "abc", "url": "http://x/ocpi/versions", "roles": [{**CPO.as_ocpi(), "role": "KING"}]}, "KING"),
        (
            {"token": "abc", "url": "http://x/ocpi/versions", "roles": [{**CPO.as_ocpi(), "party_id": "TOOLONG"}]},
            "party_id",
        ),
        ({"token": "abc", "url": "http://x/ocpi/versions", "roles": [CPO.as_ocpi(), CPO.as_ocpi()]}, "twice"),
    ],
)
async def test_invalid_credentials_object_is_2001_and_stores_nothing(hub, platforms, body, complaint):
    cpo = await platforms([CPO])
    token_a = await invite_for(hub, cpo)
    before = await stored_state(hub)
    answer = await call("POST", f"{hub.url}/ocpi/2.2.1/credentials", token_a, body)
    assert_envelope(answer, 200, 2001)
    assert complaint in answer.body["status_message"]
    assert await stored_state(hub) == before
    assert cpo.requests == [], "the hub did not call the platform back with a bad object"


async def test_oversized_body_is_a_413_envelope_and_stores_nothing(hub, platforms):
    cpo = await platforms([CPO])
    token_a = await invite_for(hub, cpo)
    before = await stored_state(hub)
    credentials = cpo.credentials("t" * 10)
    credentials["padding"] = "x" * (hub.settings.max_body_bytes + 1)
    answer = await call("POST", f"{hub.url}/ocpi/2.2.1/credentials", token_a, raw=orjson.dumps(credentials))
    assert_envelope(answer, 413, 2000)
    assert await stored_state(hub) == before
    (platform,) = await hub.context.store.platforms.list_all()
    assert platform.state is PlatformState.INVITED


async def test_requests_without_ids_get_generated_ones(hub, platforms):
    import aiohttp

    cpo = await platforms([CPO])
    await onboard(hub, cpo)
    from tests.hub_server import token_header

    async with (
        aiohttp.ClientSession() as session,
        session.get(hub.versions_url, headers={"Authorization": token_header(cpo.hub_token)}) as response,
    ):
        assert response.status == 200
        assert response.headers["X-Request-ID"]
        assert response.headers["X-Correlation-ID"]
        assert response.content_type == "application/json"


async def test_a_bug_becomes_a_500_envelope_not_a_stack_trace(hub, platforms, monkeypatch):
    cpo = await platforms([CPO])
    await onboard(hub, cpo)

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("hub.platforms.clientinfo_endpoint.read_page", broken)
    answer = await call("GET", f"{hub.url}/ocpi/2.2.1/hubclientinfo", cpo.hub_token)
    assert_envelope(answer, 500, 3000)
    assert "boom" not in answer.body["status_message"]


async def test_non_ascii_bytes_in_the_authorization_header_are_a_401_envelope(hub, platforms):
    import asyncio

    cpo = await platforms([CPO])
    await onboard(hub, cpo)
    reader, writer = await asyncio.open_connection("127.0.0.1", hub.settings.port)
    writer.write(
        b"GET /ocpi/versions HTTP/1.1\r\nHost: hub\r\nAuthorization: Token \xff\xfe\xc3\r\n"
        b"X-Request-ID: r1\r\nConnection: close\r\n\r\n"
    )
    await writer.drain()
    response = await reader.read()
    writer.close()
    head, _, body = response.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 401"), head
    assert b"X-Request-ID: r1" in head
    assert orjson.loads(body)["status_code"] == 2000


async def test_out_of_range_dates_are_2001(hub, platforms):
    cpo = await platforms([CPO])
    await onboard(hub, cpo)
    for value in ("9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00", "2026-13-01T00:00:00Z"):
        answer = await call("GET", f"{hub.url}/ocpi/2.2.1/hubclientinfo?date_from={value}", cpo.hub_token)
        assert_envelope(answer, 200, 2001)
