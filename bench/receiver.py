"""A minimal OCPI platform for benchmarks: one aiohttp process that plays any number of platforms, each under its
own prefix `/p/{n}`. Answers every functional module with a 1000 envelope, counts what arrives, and for commands
sends the CommandResult back to the hub URL it was given (as a CPO does)."""

from __future__ import annotations

import argparse
import asyncio
import base64
import time

import aiohttp
import orjson
from aiohttp import web

OK = orjson.dumps({"status_code": 1000, "timestamp": "2026-11-25T10:00:00Z"})
AUTHORIZED = orjson.dumps(
    {"data": {"allowed": "ALLOWED", "token": {"uid": "T1"}}, "status_code": 1000, "timestamp": "2026-11-25T10:00:00Z"}
)
COMMAND_ACCEPTED = orjson.dumps(
    {"data": {"result": "ACCEPTED", "timeout": 30}, "status_code": 1000, "timestamp": "2026-11-25T10:00:00Z"}
)


class Receiver:
    def __init__(self, hub_token: str) -> None:
        self.hub_token = hub_token  # the token the CPO side uses to post command results to the hub
        self.counts: dict[str, int] = {}
        self.last_arrival: dict[str, float] = {}
        self.session: aiohttp.ClientSession | None = None
        self.results_sent = 0
        self.result_failures: dict[str, int] = {}
        self.pending: set[asyncio.Task] = set()

    async def handle(self, request: web.Request) -> web.Response:
        path = request.match_info["rest"]
        kind = request.match_info["kind"]
        self.counts[kind] = self.counts.get(kind, 0) + 1
        self.last_arrival[kind] = time.time()
        body = await request.read()
        if path.endswith("/authorize"):
            return web.Response(body=AUTHORIZED, content_type="application/json")
        if kind == "commands" and request.method == "POST" and body:
            response_url = orjson.loads(body).get("response_url")
            if response_url:
                task = asyncio.get_running_loop().create_task(self._result(response_url))
                self.pending.add(task)
                task.add_done_callback(self.pending.discard)
            return web.Response(body=COMMAND_ACCEPTED, content_type="application/json")
        return web.Response(body=OK, content_type="application/json")

    async def _result(self, response_url: str) -> None:
        assert self.session is not None
        headers = {
            "Authorization": "Token " + base64.b64encode(self.hub_token.encode()).decode(),
            "Content-Type": "application/json",
            "X-Request-ID": "r",
            "X-Correlation-ID": "c",
        }
        try:
            async with self.session.post(response_url, data=b'{"result":"ACCEPTED"}', headers=headers) as response:
                body = await response.read()
                if response.status == 200:
                    self.results_sent += 1
                    return
                problem = f"HTTP {response.status} {body[:120]!r}"
        except (aiohttp.ClientError, OSError) as error:
            problem = type(error).__name__
        self.result_failures[problem] = self.result_failures.get(problem, 0) + 1

    async def stats(self, request: web.Request) -> web.Response:
        return web.json_response(
            {
                "counts": self.counts,
                "last_arrival": self.last_arrival,
                "results_sent": self.results_sent,
                "result_failures": self.result_failures,
            }
        )

    async def reset(self, request: web.Request) -> web.Response:
        self.counts.clear()
        self.last_arrival.clear()
        self.results_sent = 0
        self.result_failures.clear()
        return web.json_response({})


def make_app(hub_token: str) -> web.Application:
    receiver = Receiver(hub_token)
    app = web.Application(client_max_size=8 * 1024 * 1024)

    async def session_context(app: web.Application):
        async with aiohttp.ClientSession() as session:
            receiver.session = session
            yield

    app.cleanup_ctx.append(session_context)
    app.router.add_get("/stats", receiver.stats)
    app.router.add_post("/reset", receiver.reset)
    # /p/{n}/ocpi/2.2.1/{sender|receiver}/{module}... and the eMSP's own response URLs /p/{n}/results/...
    app.router.add_route("*", "/p/{n}/ocpi/{version:2.2.1|2.3.0}/{interface}/{kind}{rest:.*}", receiver.handle)
    app.router.add_route("*", "/p/{n}/{kind:results}{rest:.*}", receiver.handle)
    # 2.1.1 platforms: one URL per module, no interface.
    app.router.add_route("*", "/p/{n}/ocpi/2.1.1/{kind}{rest:.*}", receiver.handle)
    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--hub-token", default="")
    arguments = parser.parse_args()
    web.run_app(make_app(arguments.hub_token), host="127.0.0.1", port=arguments.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
