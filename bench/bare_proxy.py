"""The floor of our stack: an aiohttp server that passes each request to one upstream with an aiohttp client, with
no OCPI logic at all (no auth, no routing, no log), on the event loop the hub would choose (uvloop where it is
installed). The hub is measured against this."""

from __future__ import annotations

import argparse

import aiohttp
from aiohttp import web

from hub.event_loop import loop_factory

HOP_HEADERS = {"host", "content-length", "transfer-encoding", "connection"}


def make_app(upstream: str) -> web.Application:
    app = web.Application(client_max_size=8 * 1024 * 1024)

    async def session_context(app: web.Application):
        connector = aiohttp.TCPConnector(limit=0, limit_per_host=64)
        async with aiohttp.ClientSession(connector=connector, skip_auto_headers=("User-Agent",)) as session:
            app["session"] = session
            yield

    async def forward(request: web.Request) -> web.Response:
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_HEADERS}
        async with app["session"].request(
            request.method, upstream + request.rel_url.path_qs, data=body or None, headers=headers
        ) as response:
            content = await response.read()
            return web.Response(status=response.status, body=content, content_type="application/json")

    app.cleanup_ctx.append(session_context)
    app.router.add_route("*", "/{tail:.*}", forward)
    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--upstream", required=True)
    arguments = parser.parse_args()
    new_loop = loop_factory("auto")
    web.run_app(
        make_app(arguments.upstream),
        host="127.0.0.1",
        port=arguments.port,
        print=None,
        access_log=None,
        loop=new_loop() if new_loop else None,
    )


if __name__ == "__main__":
    main()
