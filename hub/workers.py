"""Running the hub: one process, or several on one port. Each worker is a whole hub (same settings, same store);
the kernel spreads connections across them (SO_REUSEPORT). No process is special; the parent only starts them and
passes a stop on."""

from __future__ import annotations

import asyncio
import multiprocessing
import signal

from hub.config import Settings


async def serve_until_stopped(settings: Settings, reuse_port: bool) -> None:
    """Serve until SIGINT or SIGTERM, then shut down completely (the message log is written, the store closed),
    however many more signals arrive meanwhile."""
    from aiohttp import web

    from hub.app import create_app

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    runner = web.AppRunner(create_app(settings), access_log=None)
    await runner.setup()
    try:
        if not stop.is_set():
            await web.TCPSite(runner, settings.host, settings.port, reuse_port=reuse_port).start()
            await stop.wait()
    finally:
        await runner.cleanup()


def run_worker(settings: Settings, reuse_port: bool) -> None:
    from hub.logging import configure_logging

    configure_logging(settings.log_format, settings.log_level)
    asyncio.run(serve_until_stopped(settings, reuse_port))


def run_workers(settings: Settings, count: int) -> int:
    context = multiprocessing.get_context("spawn")
    processes = [
        context.Process(target=run_worker, args=(settings, True), name=f"ocpi-hub-worker-{n}") for n in range(count)
    ]
    for process in processes:
        process.start()

    # A stop (Ctrl+C, or SIGTERM from a service manager) is passed on to the workers once; a worker that also got
    # it itself (Ctrl+C reaches the terminal's whole process group) just goes on shutting down.
    passed_on = False

    def pass_on(signum, frame) -> None:
        nonlocal passed_on
        if not passed_on:
            passed_on = True
            for process in processes:
                if process.is_alive():
                    process.terminate()

    signal.signal(signal.SIGINT, pass_on)
    signal.signal(signal.SIGTERM, pass_on)
    for process in processes:
        process.join()
    # A worker stopped by our SIGTERM before it could install its handlers (still importing) had nothing to undo.
    clean = {0, -signal.SIGTERM} if passed_on else {0}
    return max((0 if process.exitcode in clean else abs(process.exitcode or 1) for process in processes), default=0)
