"""One request, followed from the socket to the answer, enters each of the hub's modules at most twice: the request
path reads top to bottom (route → read → decide → forward one leg → record) instead of bouncing between modules.
Counted with a profiler hook: a call into a function of a hub module from another module is an entry (a coroutine
resumed after an await is not; dunder methods and properties are data access, not flow)."""

from __future__ import annotations

import collections
import sys

import pytest

FLOW_ROOTS = ("/hub/", "/routing/")
# The connection's socket callbacks run once per I/O event, under the request flow, not as a step of it.
CONNECTION_LEVEL = "/hub/traffic/client_connections.py"
DATA_ACCESS = {"segments", "is_push", "id", "key", "registered", "supersedes_retiring_token", "accepted"}


def count_entries(calls: collections.Counter, names: dict):
    alive: list = []

    def profile(frame, event, arg):
        if event != "call":
            return
        code = frame.f_code
        module = _module(code.co_filename)
        if module is None or code.co_name.startswith("__") or code.co_name in DATA_ACCESS:
            return
        if code.co_flags & 0x180:  # coroutine or async generator: resumed, not entered again
            if any(known is frame for known in alive):
                return
            alive.append(frame)
        caller = frame.f_back
        if caller is None or _module(caller.f_code.co_filename) != module:
            calls[module] += 1
            names.setdefault(module, []).append(code.co_name)

    return profile


def _module(filename: str) -> str | None:
    if filename.endswith(CONNECTION_LEVEL):
        return None
    for root in FLOW_ROOTS:
        if root in filename:
            return root.strip("/") + "/" + filename.split(root, 1)[1]
    return None


@pytest.mark.parametrize(
    ("label", "method", "path", "body", "headers"),
    [
        ("directed", "PUT", "/NL/CPA/L1", {"id": "L1"}, {"to": "DE:EMA", "frm": "NL:CPA"}),
        ("open routing", "PUT", "/NL/CPA/S1", {"id": "S1", "cdr_token": {"country_code": "DE", "party_id": "EMA"}}, {}),
    ],
)
async def test_a_request_enters_each_hub_module_at_most_twice(network, label, method, path, body, headers):
    module = "locations" if label == "directed" else "sessions"
    url = network.url("receiver", module, path)
    await network.send(network.cpo, method, url, body, **headers)  # warm: hints, caches, first imports
    calls: collections.Counter = collections.Counter()
    names: dict = {}
    sys.setprofile(count_entries(calls, names))
    try:
        answer = await network.send(network.cpo, method, url, body, **headers)
    finally:
        sys.setprofile(None)
    assert answer.status_code == 1000
    entered_often = {m: names[m] for m, count in calls.items() if count > 2 and m.startswith("hub/")}
    assert entered_often == {}, entered_often
    assert calls["hub/relay/route.py"] >= 1, "the counter saw the request"


async def test_the_counter_sees_a_module_entered_many_times():
    calls: collections.Counter = collections.Counter()
    sys.setprofile(count_entries(calls, {}))
    try:
        from hub.ocpi.timeutil import now_ocpi

        for _ in range(3):
            now_ocpi()
    finally:
        sys.setprofile(None)
    assert calls["hub/ocpi/timeutil.py"] == 3
