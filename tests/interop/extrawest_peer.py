"""Run extrawest_ocpi (PyPI `extrawest_ocpi`, import name `py_ocpi`, MIT) as a real OCPI 2.1.1 CPO or eMSP on
loopback, for the interop tests (one platform per process: extrawest reads its settings at import).

    python tests/interop/extrawest_peer.py --role CPO --country DE --party EXC --token-a <TOKEN_A>

Prints one JSON line {"port", "versions_url", "token_a"} on stdout once listening. Everything under /ocpi is
extrawest_ocpi as published; this file only plugs in the storage (Crud) and Authenticator it asks its user for, and
adds test hooks under /_test (seed objects, read what it received).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import socket


def bound_socket(port: int) -> socket.socket:
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    return s


ap = argparse.ArgumentParser()
ap.add_argument("--role", choices=["CPO", "EMSP"], required=True)
ap.add_argument("--country", default="DE")
ap.add_argument("--party", default="EXW")
ap.add_argument("--port", type=int, default=0)
ap.add_argument("--token-a", default=None)
ap.add_argument("--trailing-slash", default="1")
ap.add_argument(
    "--advertise-cpo-commands",
    action="store_true",
    help="shim: extrawest 2.1.1 CPO serves commands but omits it from version details",
)
args = ap.parse_args()
SOCK = bound_socket(args.port)  # bound before import: extrawest computes its URLs from OCPI_HOST at import time
port = SOCK.getsockname()[1]

# extrawest_ocpi reads its settings (pydantic BaseSettings) from the environment at import time.
os.environ.update(
    {
        "OCPI_HOST": f"127.0.0.1:{port}",
        "PROTOCOL": "http",
        "COUNTRY_CODE": args.country,
        "PARTY_ID": args.party,
        "ENVIRONMENT": "development",
        "TRAILING_SLASH": "true" if args.trailing_slash == "1" else "false",
        "COMMAND_AWAIT_TIME": "1",
    }
)

import uvicorn  # noqa: E402
from fastapi import Request  # noqa: E402
from py_ocpi import get_application  # noqa: E402
from py_ocpi.core.authentication.authenticator import Authenticator  # noqa: E402
from py_ocpi.core.crud import Crud  # noqa: E402
from py_ocpi.core.enums import Action, ModuleID, RoleEnum  # noqa: E402
from py_ocpi.modules.versions.enums import VersionNumber  # noqa: E402

TOKENS_A: set[str] = {args.token_a or "/w" + secrets.token_hex(11)}
TOKENS_C: dict[str, dict] = {}  # token C we issued -> {"peer_token": token B, "peer": credentials, "endpoints": ...}
STORE: dict[tuple, dict] = {}  # (module, cc, pid, id) -> object
RECEIVED: list[dict] = []  # every write the library handed to us
OWN_CREDS = {
    "url": f"http://127.0.0.1:{port}/ocpi/versions",
    "business_details": {"name": f"extrawest {args.role}"},
    "party_id": args.party,
    "country_code": args.country,
}


def safe_token() -> str:
    """A plain token extrawest's /ocpi/versions check survives: that check Base64-decodes any token it can (a
    bad-padding token gives HTTP 200 + status 3000, a token that decodes to UTF-8 is compared decoded). '/w' makes
    the first decoded byte 0xFF (never UTF-8), and 24 Base64-alphabet characters pad correctly, so the token is
    compared as sent."""
    return "/w" + secrets.token_hex(11)


def _key(module, id, kw):
    return (str(module.value), kw.get("country_code"), kw.get("party_id"), str(id))


class MemAuth(Authenticator):
    @classmethod
    async def get_valid_token_c(cls):
        return list(TOKENS_C)

    @classmethod
    async def get_valid_token_a(cls):
        return list(TOKENS_A)


class MemCrud(Crud):
    @classmethod
    async def get(cls, module, role, id, *a, **kw):
        if module == ModuleID.credentials_and_registration:
            return {"token": id, **OWN_CREDS} if id in TOKENS_C else None
        if module == ModuleID.commands:  # CPO: poll for the charge point's result; answer at once
            return {"result": "ACCEPTED"}
        if module == ModuleID.tokens and role == RoleEnum.emsp:  # own tokens, no cc/pid in path
            return next((v for k, v in STORE.items() if k[0] == "tokens" and k[3] == str(id)), None)
        if module == ModuleID.locations and role == RoleEnum.cpo:
            return next((v for k, v in STORE.items() if k[0] == "locations" and k[3] == str(id)), None)
        return STORE.get(_key(module, id, kw))

    @classmethod
    async def list(cls, module, role, filters, *a, **kw):
        items = [v for k, v in STORE.items() if k[0] == module.value]
        off, lim = filters["offset"], filters["limit"]
        page = items[off : off + lim]
        return page, len(items), off + lim >= len(items)

    @classmethod
    async def create(cls, module, role, data, *a, **kw):
        if module == ModuleID.credentials_and_registration:
            used = kw["auth_token"]
            TOKENS_A.discard(used)  # a Token A serves once
            token_c = safe_token()
            TOKENS_C[token_c] = {"peer_token": data["credentials"]["token"], **data}
            RECEIVED.append({"module": "credentials", "op": "POST", "data": data})
            return {"token": token_c, **OWN_CREDS}
        RECEIVED.append({"module": module.value, "op": "create", "kw": _jsonable(kw), "data": _jsonable(data)})
        oid = data.get("id") or data.get("uid") or secrets.token_hex(4)
        STORE[_key(module, oid, kw)] = _jsonable(data)
        return data

    @classmethod
    async def update(cls, module, role, data, id, *a, **kw):
        if module == ModuleID.credentials_and_registration:
            old = kw["auth_token"]
            TOKENS_C.pop(old, None)
            token_c = safe_token()
            TOKENS_C[token_c] = {"peer_token": data["credentials"]["token"], **data}
            RECEIVED.append({"module": "credentials", "op": "PUT", "data": data})
            return {"token": token_c, **OWN_CREDS}
        RECEIVED.append(
            {"module": module.value, "op": "update", "id": str(id), "kw": _jsonable(kw), "data": _jsonable(data)}
        )
        if module != ModuleID.commands:
            STORE[_key(module, id, kw)] = _jsonable(data)
        return data

    @classmethod
    async def delete(cls, module, role, id, *a, **kw):
        RECEIVED.append({"module": module.value, "op": "delete", "id": str(id), "kw": _jsonable(kw)})
        if module == ModuleID.credentials_and_registration:
            TOKENS_C.pop(id, None)
        else:
            STORE.pop(_key(module, id, kw), None)

    @classmethod
    async def do(cls, module, role, action, *a, data=None, **kw):
        RECEIVED.append(
            {"module": module.value, "op": f"do:{action.value}", "args": _jsonable(a), "data": _jsonable(data)}
        )
        if action == Action.get_client_token:
            return TOKENS_C[kw["auth_token"]]["peer_token"]  # Token B: how the CPO reaches the eMSP's response_url
        if action == Action.authorize_token:
            return {"allowed": "ALLOWED"}
        if action == Action.send_command:
            return {"result": "ACCEPTED"}
        return None


def _jsonable(o):
    return json.loads(json.dumps(o, default=str))


role = RoleEnum.cpo if args.role == "CPO" else RoleEnum.emsp
if args.advertise_cpo_commands:
    from py_ocpi.core.endpoints import ENDPOINTS
    from py_ocpi.core.endpoints.v_2_1_1.utils import cpo_generator

    ENDPOINTS[VersionNumber.v_2_1_1][RoleEnum.cpo][ModuleID.commands] = cpo_generator.generate_endpoint(
        ModuleID.commands
    )
modules = [
    ModuleID.credentials_and_registration,
    ModuleID.locations,
    ModuleID.sessions,
    ModuleID.cdrs,
    ModuleID.tariffs,
    ModuleID.tokens,
    ModuleID.commands,
]
app = get_application(
    version_numbers=[VersionNumber.v_2_1_1],
    roles=[role],
    crud=MemCrud,
    modules=modules,
    authenticator=MemAuth,
    http_push=True,  # POST /push/2.1.1 {module_id, object_id, receivers:[{endpoints_url, auth_token}]}
)


@app.post("/_test/seed/{module}")
async def seed(module: str, request: Request):
    body = await request.json()
    oid = body.get("id") or body.get("uid")
    cc, pid = (args.country, args.party) if module in ("tokens", "locations") and role == RoleEnum.cpo else (None, None)
    STORE[(module, cc, pid, oid)] = body
    return {"ok": True}


@app.get("/_test/state")
async def state():
    return {
        "token_a": sorted(TOKENS_A),
        "tokens_c": _jsonable(TOKENS_C),
        "received": RECEIVED,
        "store": [[*k, v] for k, v in STORE.items()],
    }


@app.post("/_test/token_a")
async def new_token_a():
    t = safe_token()
    TOKENS_A.add(t)
    return {"token_a": t}


if __name__ == "__main__":
    print(json.dumps({"port": port, "versions_url": OWN_CREDS["url"], "token_a": sorted(TOKENS_A)[0]}), flush=True)
    uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[SOCK])
