"""Routing through the hub with an OCPI implementation we did not write: python-ocpi 0.3.1 (PyPI `python-ocpi`,
Flask, by NOWUM) plays a CPO (DE:PYC) and, in a second instance, an eMSP (DE:PYE). Both register with the hub
through its credentials endpoint with python-ocpi's own client code (`_sendRegisterResponse`), beside our simulated
eMSP (DE:EMA) and CPO (NL:CPA), and then real functional-module traffic crosses the hub:

- the hub's stored endpoints for both python-ocpi platforms, as it read them from python-ocpi's version details;
- pulls from python-ocpi's Sender interfaces, directed with OCPI-to headers: our eMSP GETs python-ocpi's locations,
  our CPO GETs the python-ocpi eMSP's tokens;
- a START_SESSION from our eMSP to python-ocpi's commands endpoint, directed and (after python-ocpi broadcast the
  location) by open routing on `location_id`; python-ocpi receives the hub's stand-in `response_url`, and its
  CommandResult comes back through the hub to our eMSP's own URL;
- python-ocpi's push client (`CredentialsManager.sendToModule` / `_pushObjects`): the python-ocpi CPO broadcasts a
  location (received by our eMSP and by the python-ocpi eMSP), PUTs and PATCHes a session that open routing takes to
  the python-ocpi eMSP by `cdr_token` and then by the session, and POSTs a CDR that open routing takes to our eMSP;
- open routing of a GET of one location to its owner, python-ocpi, as learnt from its broadcast.

python-ocpi keeps its configuration in module globals (the Flask-RESTX namespaces, the credentials manager
singleton `SingleCredMan`), so two instances cannot share an interpreter: each runs in its own child process
(`serve_python_ocpi`, started once for the module and reset before each test), serves on loopback with Werkzeug, and
is driven over stdin/stdout (reset, register, push, report what it saw). Its backend is what python-ocpi expects its
user to plug in: its own `LocationManager`, `SessionManager`, `TokensManager` and `CommandsManager`, subclassed only
to record what arrives and, for commands, to send the CommandResult (python-ocpi has no client code for that; the
subclass POSTs it to `response_url` with python-ocpi's `createOcpiHeader` and the hub's Token C, as a backend would).
A WSGI wrapper records every request python-ocpi's server receives (path, headers, status), changing nothing.

Shims, all in this file, each for a python-ocpi defect:
1. Version details are served only at `/ocpi/2.2` (hard-coded); the same resource is added at `/ocpi/2.2.1` so
   python-ocpi can announce 2.2.1 truthfully (as in test_interop_python_ocpi.py).
2. Commands role: python-ocpi's `makeCommandsNamespace("SENDER")` serves START_SESSION, STOP_SESSION, ... (the CPO's
   side) and advertises it as `{"identifier": "commands", "role": "SENDER"}`; in OCPI 2.2.1 the CPO implements the
   commands *Receiver* interface. The hub reads the role as the spec defines it (a commands SENDER endpoint is an
   eMSP's), finds no commands Receiver and answers 4901 (`test_python_ocpis_own_commands_role_...` shows this). The
   CPO child flips only that advertised role to RECEIVER.
3. The hub's endpoints: python-ocpi as registration initiator never fetches them, and its `_getEndpoints` GETs
   `{url}/{version}` without an Authorization header (the hub answers 401; the test checks it gets nothing). The child
   therefore GETs the hub's version details with Token C and stores only the RECEIVER endpoints: `sendToModule` takes
   the first endpoint whose identifier matches, ignoring the role, and the hub lists SENDER first, so a push would go
   to the hub's Sender interface.
4. CDRs: `sendToModule` drops its `with_path` argument and would POST to `{cdrs}/{cc}/{pid}/{id}`; the child calls
   python-ocpi's `_pushObjects(..., with_path=False)` itself, the loop `sendToModule` runs.
The test data carries python-ocpi's non-OCPI required fields so its validation accepts it: a Session's `kWh` (OCPI:
`kwh`, also sent) and a Location's `state`.

python-ocpi limitations met (not shimmed): its locations Sender serves only the list, at `{locations}/` with a
trailing slash (Werkzeug answers `{locations}` with a 308 redirect, which the hub does not follow; our platforms call
the hub's `.../sender/locations/`), and no GET of one location (an HTML 404); START_SESSION and RESERVE_NOW answer
HTTP 500 unless the tokens module is configured too (only the tokens namespace registers the Token model the command
schemas refer to; our python-ocpi CPO has tokens, as a CPO would); its cdrs Receiver cannot take a POST (the route
wants a `cdr_uid` the handler does not accept), so CDRs go to our eMSP; real-time authorization is not exercised: the
default `validateToken` fails (status 3000) and any answer is marshalled as a Token, dropping AuthorizationInfo's
`allowed`; `sendToModule` builds object URLs from `id`, so Tokens (`uid`) cannot be pushed; no hubclientinfo."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import dataclasses
import json
import logging
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import traceback
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import requests

from hub.platforms.parties import parse_party
from tests.hub_server import Answer, RunningHub, call, hub_settings, start_hub
from tests.onboarding import onboard
from tests.platform_sim import Role, SimulatedPlatform
from tests.routing_fixtures import agree

managers = pytest.importorskip("ocpi.managers", reason="python-ocpi is installed by the test command ([test] extra)")

ROOT = Path(__file__).resolve().parents[1]
PARTIES = {"CPO": ("DE", "PYC"), "EMSP": ("DE", "PYE")}
STAMP = "2026-11-25T08:00:00Z"

# Valid OCPI 2.2.1, and accepted by python-ocpi's validating models (which also want `state`).
LOCATION = {
    "country_code": "DE",
    "party_id": "PYC",
    "id": "LOC1",
    "publish": True,
    "name": "Interop Platz",
    "address": "Marktplatz 1",
    "city": "Aachen",
    "postal_code": "52062",
    "state": "NRW",
    "country": "DEU",
    "coordinates": {"latitude": "50.776351", "longitude": "6.083862"},
    "evses": [
        {
            "uid": "EVSE1",
            "evse_id": "DE*PYC*E1",
            "status": "AVAILABLE",
            "connectors": [
                {
                    "id": "1",
                    "standard": "IEC_62196_T2",
                    "format": "SOCKET",
                    "power_type": "AC_3_PHASE",
                    "max_voltage": 230,
                    "max_amperage": 32,
                    "last_updated": STAMP,
                }
            ],
            "last_updated": STAMP,
        }
    ],
    "time_zone": "Europe/Berlin",
    "last_updated": STAMP,
}
TOKEN = {
    "country_code": "DE",
    "party_id": "EMA",
    "uid": "T1",
    "type": "RFID",
    "contract_id": "DE-EMA-C1",
    "issuer": "EMA",
    "valid": True,
    "whitelist": "ALLOWED",
    "last_updated": STAMP,
}
EMSP_TOKEN = {**TOKEN, "party_id": "PYE", "uid": "PT1", "contract_id": "DE-PYE-C1", "issuer": "PYE"}
SESSION = {
    "country_code": "DE",
    "party_id": "PYC",
    "id": "S1",
    "start_date_time": STAMP,
    "kwh": 0.0,
    "kWh": 0.0,  # python-ocpi's name for it, required by its model
    "cdr_token": {"country_code": "DE", "party_id": "PYE", "uid": "PT1", "type": "RFID", "contract_id": "DE-PYE-C1"},
    "auth_method": "WHITELIST",
    "location_id": "LOC1",
    "evse_uid": "EVSE1",
    "connector_id": "1",
    "currency": "EUR",
    "status": "ACTIVE",
    "last_updated": STAMP,
}
CDR = {
    "country_code": "DE",
    "party_id": "PYC",
    "id": "CDR1",
    "start_date_time": STAMP,
    "end_date_time": "2026-11-25T09:00:00Z",
    "cdr_token": {"country_code": "DE", "party_id": "EMA", "uid": "T1", "type": "RFID", "contract_id": "DE-EMA-C1"},
    "auth_method": "WHITELIST",
    "currency": "EUR",
    "total_cost": {"excl_vat": 7.5},
    "total_energy": 15.0,
    "total_time": 1.0,
    "last_updated": "2026-11-25T09:00:05Z",
}


# --- python-ocpi's side, in a child process --------------------------------------------------------------------
class RecordingLocations(managers.LocationManager):
    def __init__(self, owned: list[dict]) -> None:
        super().__init__()
        self.locations = {location["id"]: location for location in owned}
        self.received: list[list] = []

    def putLocation(self, country_id, party_id, location_id, location):
        self.received.append([country_id, party_id, location_id, location])
        super().putLocation(country_id, party_id, location_id, location)


class RecordingSessions(managers.SessionManager):
    def __init__(self) -> None:
        super().__init__()
        self.received: list[list] = []

    def createSession(self, country_id, party_id, session):
        self.received.append(["PUT", country_id, party_id, session])
        self.sessions[session["id"]] = session

    def patchSession(self, country_id, party_id, session_id, sessionPart):
        self.received.append(["PATCH", country_id, party_id, session_id, sessionPart])


class ResultSendingCommands(managers.CommandsManager):
    """Records each START_SESSION, answers ACCEPTED, and POSTs the CommandResult to the `response_url` it was given,
    with the token python-ocpi keeps for the caller (`client_token`) and python-ocpi's own header helper."""

    def __init__(self, credentials) -> None:
        super().__init__()
        self.credentials = credentials
        self.received: list[dict] = []
        self.results: list[dict] = []
        self.senders: list[threading.Thread] = []

    def startSession(self, session_info, token):
        self.received.append(session_info)
        client_token = self.credentials.readJson()[token]["client_token"]
        sender = threading.Thread(target=self._send_result, args=(session_info["response_url"], client_token))
        self.senders.append(sender)
        sender.start()
        return {"result": "ACCEPTED", "timeout": 30}

    def _send_result(self, url: str, client_token: str) -> None:
        answer = requests.post(
            url, json={"result": "ACCEPTED"}, headers=managers.createOcpiHeader(client_token), timeout=5
        )
        self.results.append({"url": url, "status": answer.status_code, "status_code": answer.json()["status_code"]})


_RECORDED_HEADERS = (
    "Authorization",
    "X-Request-ID",
    "X-Correlation-ID",
    "OCPI-to-country-code",
    "OCPI-to-party-id",
    "OCPI-from-country-code",
    "OCPI-from-party-id",
)


def _recording(wsgi_app, seen: list[dict]):
    """Wrap a WSGI app to record each request it receives and the status it answers; nothing else changes."""

    def app(environ, start_response):
        headers = {}
        for name in _RECORDED_HEADERS:
            value = environ.get("HTTP_" + name.upper().replace("-", "_"))
            if value is not None:
                headers[name] = value
        entry = {
            "method": environ["REQUEST_METHOD"],
            "path": environ["PATH_INFO"],
            "query": environ.get("QUERY_STRING", ""),
            "headers": headers,
        }
        seen.append(entry)

        def start(status, response_headers, exc_info=None):
            entry["status"] = int(status.split(" ", 1)[0])
            return start_response(status, response_headers, exc_info)

        return wsgi_app(environ, start)

    return app


def serve_python_ocpi(role: str) -> None:
    """Run python-ocpi as `role` on a loopback port and obey one JSON command per stdin line, answering on stdout."""
    from flask import Flask
    from ocpi import createOcpiBlueprint
    from ocpi.namespaces.versions import get_details, versions_ns
    from werkzeug.serving import make_server

    protocol, sys.stdout = sys.stdout, sys.stderr  # whatever else prints must not garble the protocol
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    problems: list[str] = []  # python-ocpi logs failed pushes and discovery instead of raising

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            problems.append(record.getMessage())

    logging.getLogger("ocpi").addHandler(Collect(logging.WARNING))

    versions_ns.add_resource(get_details, "2.2.1", endpoint="get_details_221")  # shim 1
    app = Flask(f"python_ocpi_{role.lower()}")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}/ocpi"
    country_code, party_id = PARTIES[role]
    roles = [
        {
            "role": role,
            "party_id": party_id,
            "country_code": country_code,
            "business_details": {"name": f"python-ocpi {role}"},
        }
    ]
    credentials = managers.CredentialsDictMan(
        roles, f"{base}/versions", filename=os.path.join(tempfile.mkdtemp(), "credentials.json")
    )
    locations = RecordingLocations([LOCATION] if role == "CPO" else [])
    sessions = RecordingSessions()
    commands = ResultSendingCommands(credentials)
    tokens = managers.TokensManager()
    tokens.tokens = {EMSP_TOKEN["uid"]: EMSP_TOKEN}
    if role == "CPO":
        modules = {
            "locations": {"role": "SENDER", "object": locations},
            "sessions": {"role": "SENDER", "object": sessions},
            "commands": {"role": "SENDER", "object": commands},  # python-ocpi's role for START_SESSION & co.
            # A CPO's side of tokens. Also needed for commands: only the tokens namespace registers the Token model
            # that python-ocpi's StartSession schema refers to; without it every START_SESSION is an HTTP 500.
            "tokens": {"role": "RECEIVER", "object": tokens},
        }
    else:
        modules = {
            "locations": {"role": "RECEIVER", "object": locations},
            "sessions": {"role": "RECEIVER", "object": sessions},
            "tokens": {"role": "SENDER", "object": tokens},
        }
    blueprint = createOcpiBlueprint(
        base, {"credentials": {"role": "SENDER", "object": credentials}, **modules}, ocpi_version="2.2.1"
    )
    app.register_blueprint(blueprint)
    version_manager = versions_ns.resources[0].kwargs["resource_class_kwargs"]["versions"]
    advertised = [dict(endpoint) for endpoint in version_manager.details()["endpoints"]]
    seen: list[dict] = []
    app.wsgi_app = _recording(app.wsgi_app, seen)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def register(hub_ocpi: str, token_a: str) -> dict:
        token_b = secrets.token_urlsafe(24)
        token_c = credentials._sendRegisterResponse(hub_ocpi, "2.2.1", token_b, token_a)
        discovered = credentials._getEndpoints(hub_ocpi, "2.2.1")  # python-ocpi's own discovery
        details = requests.get(f"{hub_ocpi}/2.2.1", headers=managers.createOcpiHeader(token_c), timeout=5)
        receivers = [e for e in details.json()["data"]["endpoints"] if e["role"] == "RECEIVER"]  # shim 3
        credentials._updateToken(token_b, f"{hub_ocpi}/versions", token_c, receivers)
        reply = {"token_b": token_b, "token_c": token_c, "discovered": discovered, "problems": list(problems)}
        seen.clear()  # from here on, only what routing brings
        problems.clear()
        return reply

    def push(module: str, method: str, objects: list[dict], with_path: bool = True) -> dict:
        if with_path:
            credentials.sendToModule(objects, module, method)
        else:  # shim 4: sendToModule's own loop, with the with_path it drops
            for peer in credentials.readJson().values():
                for endpoint in [e for e in peer["endpoints"] if e["identifier"] == module][:1]:
                    credentials._pushObjects(objects, method, peer["client_token"], endpoint["url"], with_path=False)
        return {"problems": problems}

    def reset(commands_role: str) -> dict:
        """A clean python-ocpi for the next test: no registration, nothing seen or received, and its commands
        endpoint advertised with `commands_role` (shim 2 when RECEIVER)."""
        for sender in commands.senders:
            sender.join(5)
        credentials.writeJson({})
        for recorded in (seen, problems, locations.received, sessions.received, commands.received, commands.results):
            recorded.clear()
        locations.locations = {LOCATION["id"]: LOCATION} if role == "CPO" else {}
        sessions.sessions = {}
        for endpoint in version_manager._details:
            if endpoint["identifier"] == "commands":
                endpoint["role"] = commands_role
        return {}

    def state() -> dict:
        return {
            "seen": seen,
            "problems": problems,
            "locations": locations.received,
            "sessions": sessions.received,
            "commands": commands.received,
            "results": commands.results,
        }

    operations = {"reset": reset, "register": register, "push": push, "state": state}
    print(json.dumps({"base": base, "advertised": advertised}), file=protocol, flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        try:
            reply = operations[request["op"]](**request["args"])
        except Exception:
            reply = {"error": traceback.format_exc()}
        print(json.dumps(reply, default=str), file=protocol, flush=True)


# --- the test's side --------------------------------------------------------------------------------------------
class PythonOcpi:
    """A python-ocpi platform in a child process, started once for the module and reset for each test."""

    def __init__(self, role: str) -> None:
        code = f"from tests.test_interop_routing_python_ocpi import serve_python_ocpi; serve_python_ocpi({role!r})"
        self.process = subprocess.Popen(
            [sys.executable, "-c", code], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        self.role = role
        self.country_code, self.party_id = PARTIES[role]
        self.base = ""
        self.advertised: list[dict] = []  # python-ocpi's own version details endpoints, before any shim
        self.platform_id = self.token_b = self.token_c = ""
        self.discovered: list = []
        self.registration_problems: list[str] = []

    def wait_ready(self) -> None:
        ready = self._read()
        self.base, self.advertised = ready["base"], ready["advertised"]

    @property
    def party(self) -> str:
        return f"{self.country_code}:{self.party_id}"

    def _read(self) -> Any:
        line = self.process.stdout.readline()
        assert line, "python-ocpi child exited; its stderr is in the captured output"
        reply = json.loads(line)
        assert not (isinstance(reply, dict) and "error" in reply), reply.get("error")
        return reply

    def _ask(self, op: str, args: dict) -> Any:
        self.process.stdin.write(json.dumps({"op": op, "args": args}).encode() + b"\n")
        self.process.stdin.flush()
        return self._read()

    async def ask(self, op: str, **args: Any) -> Any:
        """One command; python-ocpi may call the hub meanwhile, so the event loop goes on while we wait."""
        async with asyncio.timeout(15):
            return await asyncio.to_thread(self._ask, op, args)

    async def register(self, hub: RunningHub) -> None:
        """python-ocpi registers with the hub with its own `_sendRegisterResponse`."""
        invitation = await hub.context.invitations.invite_and_announce([parse_party(f"{self.party}:{self.role}")])
        reply = await self.ask("register", hub_ocpi=f"{hub.url}/ocpi", token_a=invitation.token_a)
        self.platform_id = invitation.platform.id
        self.token_b, self.token_c, self.discovered = reply["token_b"], reply["token_c"], reply["discovered"]
        self.registration_problems = reply["problems"]

    async def state(self, until: str | None = None, count: int = 1) -> dict:
        """What python-ocpi saw; with `until`, once that list has `count` entries (results are sent in a thread)."""
        async with asyncio.timeout(5):
            state = await self.ask("state")
            while until and len(state[until]) < count:
                await asyncio.sleep(0.01)
                state = await self.ask("state")
        return state

    def stop(self) -> None:
        self.process.stdin.close()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="module")
def python_ocpi():
    """python-ocpi keeps its configuration in module globals, so each instance has its own interpreter."""
    children = [PythonOcpi("CPO"), PythonOcpi("EMSP")]
    try:
        for child in children:  # both start at once; this only waits for them
            child.wait_ready()
        yield children
    finally:
        for child in children:
            child.stop()


@dataclasses.dataclass
class Network:
    hub: RunningHub
    emsp: SimulatedPlatform  # DE:EMA
    cpo: SimulatedPlatform  # NL:CPA
    py_cpo: PythonOcpi  # DE:PYC
    py_emsp: PythonOcpi  # DE:PYE

    def url(self, interface: str, module: str, path: str = "") -> str:
        return f"{self.hub.url}/ocpi/2.2.1/{interface}/{module}{path}"


async def send(platform: SimulatedPlatform, method: str, url: str, body=None, *, to=None, frm=None) -> Answer:
    headers = {}
    if to:
        headers["OCPI-to-country-code"], headers["OCPI-to-party-id"] = to.split(":")
    if frm:
        headers["OCPI-from-country-code"], headers["OCPI-from-party-id"] = frm.split(":")
    return await call(method, url, platform.hub_token, body, headers=headers)


async def arrived(platform: SimulatedPlatform, count: int) -> list:
    """What reached our platform's module endpoints, once there are `count` (results arrive asynchronously)."""
    # SimulatedPlatform.expect would wait out its whole timeout: nothing sets the event it waits on.
    async with asyncio.timeout(5):
        while True:
            if len(platform.received) >= count:
                return platform.received
            await asyncio.sleep(0.01)


def envelope_status(body: bytes) -> int | None:
    try:
        document = json.loads(body)
    except ValueError:
        return None
    return document.get("status_code") if isinstance(document, dict) else None


def token_of(request: dict) -> str:
    return base64.b64decode(request["headers"]["Authorization"].removeprefix("Token ")).decode()


@contextlib.asynccontextmanager
async def python_ocpi_network(store_url, platforms, python_ocpi, commands_role: str = "RECEIVER"):
    py_cpo, py_emsp = python_ocpi
    await asyncio.gather(py_cpo.ask("reset", commands_role=commands_role), py_emsp.ask("reset", commands_role=""))
    hub = await start_hub(hub_settings(store_url, routing_policy="agreements", forward_timeout_seconds=5.0))
    try:
        emsp = await platforms([Role("DE", "EMA", "EMSP")])
        cpo = await platforms([Role("NL", "CPA", "CPO")])
        for platform in (emsp, cpo):
            await onboard(hub, platform)
        await py_cpo.register(hub)
        await py_emsp.register(hub)
        await agree(hub, "DE:PYC:CPO", "DE:EMA:EMSP")
        await agree(hub, "DE:PYC:CPO", "DE:PYE:EMSP")
        await agree(hub, "NL:CPA:CPO", "DE:PYE:EMSP")
        await hub.context.drain()
        yield Network(hub, emsp, cpo, py_cpo, py_emsp)
    finally:
        await hub.stop()


@pytest.fixture
async def network(store_url, platforms, python_ocpi):
    async with python_ocpi_network(store_url, platforms, python_ocpi) as built:
        yield built


async def test_the_hub_reads_python_ocpis_endpoints(network):
    py_cpo, py_emsp = network.py_cpo, network.py_emsp
    # What python-ocpi announces by itself: its CPO's START_SESSION & co. as a commands SENDER.
    assert ("commands", "SENDER") in [(e["identifier"], e["role"]) for e in py_cpo.advertised]
    stored = {}
    for peer in (py_cpo, py_emsp):
        platform = await network.hub.context.store.platforms.get(peer.platform_id)
        assert platform.versions_url == f"{peer.base}/versions"
        assert [(p.key, p.status.value) for p in platform.parties] == [(f"{peer.party}:{peer.role}", "CONNECTED")]
        stored[peer.role] = sorted((e.identifier, e.role, e.url.removeprefix(peer.base)) for e in platform.endpoints)
    assert stored["CPO"] == [
        ("commands", "RECEIVER", "/2.2.1/commands"),  # after shim 2
        ("credentials", "SENDER", "/2.2.1/credentials"),
        ("locations", "SENDER", "/2.2.1/locations"),
        ("sessions", "SENDER", "/2.2.1/sessions"),
        ("tokens", "RECEIVER", "/2.2.1/tokens"),
    ]
    assert stored["EMSP"] == [
        ("credentials", "SENDER", "/2.2.1/credentials"),
        ("locations", "RECEIVER", "/2.2.1/locations"),
        ("sessions", "RECEIVER", "/2.2.1/sessions"),
        ("tokens", "SENDER", "/2.2.1/tokens"),
    ]
    # python-ocpi's own endpoint discovery GETs the hub's version details without a token: the hub says 401.
    assert (await call("GET", f"{network.hub.url}/ocpi/2.2.1")).status == 401
    for peer in (py_cpo, py_emsp):
        assert peer.discovered == []
        assert [p for p in peer.registration_problems if "could not get version details" in p], (
            peer.registration_problems
        )


async def test_pulls_from_python_ocpis_sender_interfaces(network):
    answer = await send(
        network.emsp, "GET", network.url("sender", "locations", "/?limit=10"), to="DE:PYC", frm="DE:EMA"
    )
    assert (answer.status, answer.status_code) == (200, 1000)
    (location,) = answer.data
    assert (location["country_code"], location["party_id"], location["id"]) == ("DE", "PYC", "LOC1")
    assert location["evses"][0]["connectors"][0]["standard"] == "IEC_62196_T2"
    (seen,) = (await network.py_cpo.state())["seen"]
    assert (seen["method"], seen["path"], seen["query"], seen["status"]) == (
        "GET",
        "/ocpi/2.2.1/locations/",
        "limit=10",
        200,
    )
    assert token_of(seen) == network.py_cpo.token_b
    assert (seen["headers"]["OCPI-to-party-id"], seen["headers"]["OCPI-from-party-id"]) == ("PYC", "EMA")

    answer = await send(network.cpo, "GET", network.url("sender", "tokens", "/"), to="DE:PYE", frm="NL:CPA")
    assert (answer.status, answer.status_code) == (200, 1000)
    assert [(t["uid"], t["contract_id"], t["whitelist"]) for t in answer.data] == [("PT1", "DE-PYE-C1", "ALLOWED")]
    (seen,) = (await network.py_emsp.state())["seen"]
    assert (seen["path"], seen["headers"]["OCPI-to-party-id"], seen["headers"]["OCPI-from-party-id"]) == (
        "/ocpi/2.2.1/tokens/",
        "PYE",
        "CPA",
    )


async def test_a_command_to_python_ocpi_and_its_result_come_back_through_the_hub(network):
    original = network.emsp.url("/results/start/1")
    command = {"response_url": original, "token": TOKEN, "location_id": "LOC1", "evse_uid": "EVSE1"}
    answer = await send(
        network.emsp, "POST", network.url("receiver", "commands", "/START_SESSION"), command, to="DE:PYC", frm="DE:EMA"
    )
    assert (answer.status, answer.status_code) == (200, 1000)
    assert answer.data["result"] == "ACCEPTED" and answer.data["timeout"] == 30

    (delivered,) = await arrived(network.emsp, 1)
    state = await network.py_cpo.state(until="results")
    (received,) = state["commands"]
    handed_out = received["response_url"]
    assert handed_out.startswith(f"{network.hub.url}/ocpi/2.2.1/hub/callback/")
    assert received == {**command, "response_url": handed_out}
    assert state["results"] == [{"url": handed_out, "status": 200, "status_code": 1000}]
    assert (delivered.method, delivered.path, delivered.json) == ("POST", "/results/start/1", {"result": "ACCEPTED"})
    assert (delivered.headers["OCPI-from-party-id"], delivered.headers["OCPI-to-party-id"]) == ("PYC", "EMA")


async def test_python_ocpi_pushes_locations_sessions_and_cdrs_through_the_hub(network):
    py_cpo, py_emsp, emsp = network.py_cpo, network.py_emsp, network.emsp
    hub_party = network.hub.context.hub_party

    # A location, broadcast (python-ocpi sends no OCPI-to): to our eMSP and to the python-ocpi eMSP.
    assert (await py_cpo.ask("push", module="locations", method="PUT", objects=[LOCATION]))["problems"] == []
    await network.hub.context.drain()
    (put,) = emsp.received
    assert (put.method, put.path, put.json) == ("PUT", "/ocpi/2.2.1/receiver/locations/DE/PYC/LOC1", LOCATION)
    assert (put.headers["OCPI-from-country-code"], put.headers["OCPI-from-party-id"]) == (
        hub_party.country_code,
        hub_party.party_id,
    )
    emsp_state = await py_emsp.state()
    assert emsp_state["locations"] == [["DE", "PYC", "LOC1", LOCATION]]
    (seen,) = emsp_state["seen"]
    assert (seen["path"], seen["status"], seen["headers"]["OCPI-to-party-id"]) == (
        "/ocpi/2.2.1/locations/DE/PYC/LOC1",
        200,
        "PYE",
    )
    assert token_of(seen) == py_emsp.token_b

    # A session, python-ocpi to python-ocpi: open routing by cdr_token, then the PATCH by the session.
    assert (await py_cpo.ask("push", module="sessions", method="PUT", objects=[SESSION]))["problems"] == []
    patch = {"country_code": "DE", "party_id": "PYC", "id": "S1", "kwh": 3.5, "kWh": 3.5, "last_updated": STAMP}
    assert (await py_cpo.ask("push", module="sessions", method="PATCH", objects=[patch]))["problems"] == []
    emsp_state = await py_emsp.state()
    assert emsp_state["sessions"] == [["PUT", "DE", "PYC", SESSION], ["PATCH", "DE", "PYC", "S1", patch]]
    _, put_seen, patch_seen = emsp_state["seen"]
    for seen, method in ((put_seen, "PUT"), (patch_seen, "PATCH")):
        assert (seen["method"], seen["path"], seen["status"]) == (method, "/ocpi/2.2.1/sessions/DE/PYC/S1", 200)
        assert (seen["headers"]["OCPI-to-party-id"], seen["headers"]["OCPI-from-party-id"]) == ("PYE", "PYC")

    # A CDR: open routing by cdr_token to our eMSP (python-ocpi's cdrs Receiver cannot take a POST).
    assert (await py_cpo.ask("push", module="cdrs", method="POST", objects=[CDR], with_path=False))["problems"] == []
    posted = emsp.received[-1]
    assert (posted.method, posted.path, posted.json) == ("POST", "/ocpi/2.2.1/receiver/cdrs", CDR)
    assert (posted.headers["OCPI-from-party-id"], posted.headers["OCPI-to-party-id"]) == ("PYC", "EMA")
    assert (await py_cpo.state())["problems"] == []


async def test_open_routing_finds_python_ocpi_by_its_broadcast_location(network):
    await network.py_cpo.ask("push", module="locations", method="PUT", objects=[LOCATION])
    await network.hub.context.drain()

    # A GET of one location, without OCPI-to: the hub finds its owner. python-ocpi has no such GET and answers 404
    # with an HTML page; whatever the hub makes of that, it must not look like a success to our eMSP.
    async with (
        aiohttp.ClientSession() as session,
        session.get(
            network.url("sender", "locations", "/LOC1"),
            headers={"Authorization": "Token " + base64.b64encode(network.emsp.hub_token.encode()).decode()},
        ) as response,
    ):
        body = await response.read()
    assert (response.status, envelope_status(body)) != (200, 1000)
    (seen,) = (await network.py_cpo.state())["seen"]
    assert (seen["method"], seen["path"], seen["status"]) == ("GET", "/ocpi/2.2.1/locations/LOC1", 404)
    assert (seen["headers"]["OCPI-to-party-id"], seen["headers"]["OCPI-from-party-id"]) == ("PYC", "EMA")

    # START_SESSION without OCPI-to: the CPO owning location_id.
    command = {"response_url": network.emsp.url("/results/start/2"), "token": TOKEN, "location_id": "LOC1"}
    answer = await send(network.emsp, "POST", network.url("receiver", "commands", "/START_SESSION"), command)
    assert (answer.status, answer.status_code, answer.data["result"]) == (200, 1000, "ACCEPTED")
    seen = (await network.py_cpo.state())["seen"][-1]
    assert (seen["path"], seen["headers"]["OCPI-to-party-id"]) == ("/ocpi/2.2.1/commands/START_SESSION", "PYC")
    result = next(r for r in await arrived(network.emsp, 2) if r.path == "/results/start/2")
    assert result.json == {"result": "ACCEPTED"}


async def test_python_ocpis_own_commands_role_finds_no_receiver(store_url, platforms, python_ocpi):
    """Without shim 2: python-ocpi advertises its CPO commands endpoint as SENDER, so for the hub (as for OCPI
    2.2.1) the python-ocpi CPO implements no commands Receiver."""
    async with python_ocpi_network(store_url, platforms, python_ocpi, commands_role="SENDER") as network:
        command = {"response_url": network.emsp.url("/results/start/3"), "token": TOKEN, "location_id": "LOC1"}
        answer = await send(
            network.emsp,
            "POST",
            network.url("receiver", "commands", "/START_SESSION"),
            command,
            to="DE:PYC",
            frm="DE:EMA",
        )
        assert (answer.status, answer.status_code) == (200, 4901)
        assert "does not implement the commands receiver interface" in answer.body["status_message"]
        assert (await network.py_cpo.state())["seen"] == []
