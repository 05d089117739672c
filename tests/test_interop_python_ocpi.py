"""Interop with an OCPI implementation we did not write: python-ocpi 0.3.1 (PyPI `python-ocpi`, Flask), playing a
CPO, registers with the hub through the hub's credentials endpoint using its own client code, and both sides then
use the exchanged tokens.

python-ocpi serves its version details only at `/ocpi/2.2` (hard-coded route); the test adds the same resource at
`/ocpi/2.2.1` so it can announce 2.2.1 truthfully. Everything else is python-ocpi as published, including two
habits the hub must tolerate: it skips the versions discovery and POSTs straight to `{url}/2.2.1/credentials`, and
its versions endpoint wraps the list as `{"versions": [...]}`."""

from __future__ import annotations

import asyncio
import os
import secrets
import tempfile
import threading

import pytest

from hub.platforms.invitations import invite
from hub.platforms.parties import parse_party
from storage.models import ConnectionStatus, PlatformState
from tests.hub_server import call

ocpi = pytest.importorskip("ocpi", reason="python-ocpi is installed by the test command (pyproject [test] extra)")

_ROUTE_ADDED = False


def start_python_ocpi_cpo():
    import ocpi.managers as managers
    from flask import Flask
    from ocpi import createOcpiBlueprint
    from ocpi.namespaces.versions import get_details, versions_ns
    from werkzeug.serving import make_server

    global _ROUTE_ADDED
    if not _ROUTE_ADDED:
        versions_ns.add_resource(get_details, "2.2.1", endpoint="get_details_221")
        _ROUTE_ADDED = True
    app = Flask("python_ocpi_cpo")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}/ocpi"
    roles = [{"role": "CPO", "party_id": "NOW", "country_code": "DE", "business_details": {"name": "python-ocpi CPO"}}]
    credentials_file = os.path.join(tempfile.mkdtemp(), "credentials.json")
    manager = managers.CredentialsDictMan(roles, f"{base}/versions", filename=credentials_file)
    blueprint = createOcpiBlueprint(
        base,
        {
            "credentials": {"role": "SENDER", "object": manager},
            "locations": {"role": "SENDER", "object": managers.LocationManager()},
        },
        ocpi_version="2.2.1",
    )
    app.register_blueprint(blueprint)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, manager, base


async def test_python_ocpi_registers_with_the_hub(hub):
    server, manager, peer_base = start_python_ocpi_cpo()
    try:
        invitation = await invite(hub.context.store, [parse_party("DE:NOW:CPO")])
        token_b = secrets.token_urlsafe(24)
        # python-ocpi's own registration client (blocking `requests`), run beside the hub's event loop.
        token_c = await asyncio.to_thread(
            manager._sendRegisterResponse, f"{hub.url}/ocpi", "2.2.1", token_b, invitation.token_a
        )
        manager._updateToken(token_b, hub.versions_url, token_c, [])

        platform = await hub.context.store.platforms.get(invitation.platform.id)
        assert platform.state is PlatformState.REGISTERED
        assert [(p.key, p.status) for p in platform.parties] == [("DE:NOW:CPO", ConnectionStatus.CONNECTED)]
        assert platform.versions_url == f"{peer_base}/versions"
        assert platform.endpoint("credentials", "SENDER") is not None
        # The hub reaches python-ocpi with Token B, python-ocpi reaches the hub with Token C.
        assert hub.context.peer_tokens.token_for(platform) == token_b
        peer_credentials = await call("GET", f"{peer_base}/2.2.1/credentials/", token_b, from_hub=False)
        assert (peer_credentials.status, peer_credentials.status_code) == (200, 1000)
        assert (await call("GET", f"{hub.url}/ocpi/2.2.1/hubclientinfo", token_c)).status == 200
        assert (await call("GET", hub.versions_url, invitation.token_a)).status == 401
    finally:
        server.shutdown()
