"""Several hub processes on one port: each worker is a whole hub (same settings, same store), the kernel spreads
connections across them (SO_REUSEPORT). No process is special; the parent only starts them and passes on signals."""

from __future__ import annotations

import multiprocessing
import signal

from hub.config import Settings


def run_worker(settings: Settings, reuse_port: bool) -> None:
    from aiohttp import web

    from hub.app import create_app
    from hub.logging import configure_logging

    configure_logging(settings.log_format, settings.log_level)
    web.run_app(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        print=None,
        access_log=None,
        reuse_port=reuse_port,
    )


def run_workers(settings: Settings, count: int) -> int:
    context = multiprocessing.get_context("spawn")
    processes = [
        context.Process(target=run_worker, args=(settings, True), name=f"ocpi-hub-worker-{n}") for n in range(count)
    ]
    for process in processes:
        process.start()

    def stop(signum, frame) -> None:
        for process in processes:
            if process.is_alive():
                process.terminate()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    for process in processes:
        process.join()
    return max((abs(process.exitcode or 0) for process in processes), default=0)
