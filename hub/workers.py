"""Running the hub: one process, or several on one port. Each worker is a whole hub (same settings, same store);
the kernel spreads connections across them (SO_REUSEPORT). No process is special; the parent only starts them,
reports when all are serving (or why one could not start), and passes a stop on.

Only the hub's own workers share the port: the parent first binds it alone (so a port another program or another
hub serves is refused), then holds a bound, never-listening SO_REUSEPORT socket for as long as the group runs, so
no other process can take the port without SO_REUSEPORT in the meantime."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import multiprocessing
import shutil
import signal
import socket
import tempfile
import time
from collections.abc import Callable
from multiprocessing.connection import Connection, wait
from pathlib import Path

import structlog

from hub.config import ConfigError, Settings
from hub.event_loop import loop_factory, loop_name

log = structlog.get_logger("hub.workers")

READY = "ready"
FAILED = "failed"


class StartupError(Exception):
    """The hub cannot start; the message is one line that says what is wrong and what to do."""


async def serve_until_stopped(
    settings: Settings,
    reuse_port: bool,
    on_ready: Callable[[], None] | None = None,
    metrics_directory: Path | None = None,
) -> None:
    """Open the store, bind the port, call `on_ready`, serve until SIGINT or SIGTERM, then shut down completely
    (the message log is written, the store closed), however many more signals arrive meanwhile. Raises
    StartupError when the store cannot be opened or the port bound. In a group of workers, `metrics_directory` is
    where the workers publish their figures for each other's /metrics."""
    from aiohttp import web

    from hub.app import create_app
    from hub.assembly import PUBLIC_URL, open_hub
    from hub.operations.worker_group_metrics import WorkerGroupMetrics
    from hub.traffic.client_connections import runner_for
    from storage.errors import StorageError
    from storage.opening import UnsupportedStoreURL
    from storage.urls import redacted_store_url

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    stopped_by: list[str] = []
    served = False
    group = WorkerGroupMetrics(metrics_directory) if metrics_directory is not None else None
    hub = None

    def request_stop(signum: int) -> None:
        stopped_by.append(signal.Signals(signum).name)
        stop.set()

    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, request_stop, signum)
    # The port first: a port in use is refused before the store is even opened.
    listening = listen_socket(settings, reuse_port)
    try:
        async with contextlib.AsyncExitStack() as stack:
            try:
                hub = await stack.enter_async_context(open_hub(settings, serving=True))
                runner = runner_for(create_app(hub), settings, hub.connections, access_log=None)
                await runner.setup()
            except (StorageError, ConfigError, UnsupportedStoreURL) as error:
                raise StartupError(str(error)) from None
            stack.push_async_callback(runner.cleanup)
            if group is not None:
                hub.metrics.group = group
                group.publish(hub.metrics.own())
                publishing = asyncio.create_task(group.publish_every(hub.metrics.own))
                stack.callback(publishing.cancel)
            if stop.is_set():
                return
            await web.SockSite(runner, listening).start()
            await hub.store.meta.put(PUBLIC_URL, settings.base_url)
            log.info(
                "hub ready",
                listening=f"http://{settings.host}:{settings.port}",
                versions_url=settings.versions_url,
                store=redacted_store_url(settings.store),
                platforms=len(hub.directory.platforms()),
                event_loop=loop_name(),
            )
            served = True
            if on_ready is not None:
                on_ready()
            await stop.wait()
            if settings.shutdown_drain_seconds > 0:
                hub.draining = True
                log.info("draining before stopping: readiness answers 503", seconds=settings.shutdown_drain_seconds)
                await asyncio.sleep(settings.shutdown_drain_seconds)
    finally:
        listening.close()
        if group is not None and hub is not None:
            group.publish(hub.metrics.own())  # the last counts, once nothing more is served
        if served:
            log.info("hub stopped", signal=stopped_by[0] if stopped_by else None)


def listen_socket(settings: Settings, reuse_port: bool) -> socket.socket:
    """A listening socket on the hub's host and port. Raises StartupError saying why not."""
    try:
        family, kind, protocol, _, address = socket.getaddrinfo(
            settings.host, settings.port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as error:
        raise StartupError(listen_error(settings, error)) from None
    sock = socket.socket(family, kind, protocol)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(address)
        sock.listen(1024)
    except OSError as error:
        sock.close()
        raise StartupError(listen_error(settings, error)) from None
    sock.setblocking(False)
    return sock


def listen_error(settings: Settings, error: OSError) -> str:
    address = f"{settings.host}:{settings.port}"
    if error.errno == errno.EADDRINUSE:
        return (
            f"cannot listen on {address}: the port is in use (another hub, or another program, serves it); stop "
            "that one or choose another --port"
        )
    if error.errno in (errno.EACCES, errno.EPERM):
        return f"cannot listen on {address}: not allowed (ports below 1024 need privileges); choose a --port above"
    if isinstance(error, socket.gaierror):
        return f"cannot listen on {address}: no such host ({error.strerror}); check --host"
    if error.errno == errno.EADDRNOTAVAIL:
        return f"cannot listen on {address}: this machine has no such address; check --host"
    return f"cannot listen on {address}: {error.strerror or error}"


def run_worker(
    settings: Settings,
    reuse_port: bool,
    on_ready: Callable[[], None] | None = None,
    metrics_directory: Path | None = None,
) -> None:
    from hub.operations.logging import configure_logging

    configure_logging(settings.log_format, settings.log_level)
    with asyncio.Runner(loop_factory=loop_factory(settings.event_loop)) as runner:
        runner.run(serve_until_stopped(settings, reuse_port, on_ready, metrics_directory))


def _worker_main(settings: Settings, report: Connection, metrics_directory: Path) -> None:
    """One worker: says READY once it serves, or FAILED with the one-line reason it could not start. Each worker
    has its own pipe: a worker killed mid-report can leave no lock held that the others would wait on."""
    try:
        run_worker(settings, True, lambda: report.send((READY, "")), metrics_directory)
    except StartupError as error:
        report.send((FAILED, str(error)))
        raise SystemExit(1) from None
    finally:
        report.close()


def run_workers(settings: Settings, count: int, on_ready: Callable[[], None]) -> int:
    """Start `count` workers; `on_ready` once all serve. Raises StartupError (after stopping the others) when one
    cannot start. Returns the exit status for the group."""
    guard = _claim_port(settings)
    metrics_directory = Path(tempfile.mkdtemp(prefix="ocpi-hub-workers-metrics-"))
    context = multiprocessing.get_context("spawn")
    processes, reports = [], []

    def new_worker(number: int):
        receiving, sending = context.Pipe(duplex=False)
        process = context.Process(
            target=_worker_main, args=(settings, sending, metrics_directory), name=f"ocpi-hub-worker-{number}"
        )
        return process, (receiving, sending)

    for number in range(count):
        process, report = new_worker(number)
        processes.append(process)
        reports.append(report)
    # A stop (Ctrl+C, or SIGTERM from a service manager) is passed on to the workers once; a worker that also got
    # it itself (Ctrl+C reaches the terminal's whole process group) just goes on shutting down.
    passed_on = False

    def pass_on(signum=None, frame=None) -> None:
        nonlocal passed_on
        if not passed_on:
            passed_on = True
            for process in processes:
                if process.is_alive():
                    process.terminate()

    signal.signal(signal.SIGINT, pass_on)
    signal.signal(signal.SIGTERM, pass_on)
    try:
        for process, (_, sending) in zip(processes, reports, strict=True):
            process.start()
            sending.close()  # the worker's end; the parent keeps only the receiving one
        failure = _wait_until_ready(processes, [receiving for receiving, _ in reports], lambda: passed_on)
        if failure is not None:
            pass_on()
            for process in processes:
                process.join()
            raise StartupError(failure)
        if not passed_on:
            on_ready()
        _supervise(processes, reports, new_worker, lambda: passed_on)
        for process in processes:
            process.join()
    finally:
        guard.close()
        shutil.rmtree(metrics_directory, ignore_errors=True)
        for receiving, _ in reports:
            receiving.close()
    # A worker stopped by our SIGTERM before it could install its handlers (still importing) had nothing to undo.
    clean = {0, -signal.SIGTERM} if passed_on else {0}
    return max((0 if process.exitcode in clean else abs(process.exitcode or 1) for process in processes), default=0)


RESTART_AFTER_SECONDS = 1.0  # a worker that died is started again after this, doubling while it keeps dying early
RESTART_AT_MOST_SECONDS = 60.0
STABLE_SECONDS = 30.0  # a worker that ran this long before dying is restarted at once again


def _supervise(processes: list, reports: list, new_worker: Callable, stopping: Callable[[], bool]) -> None:
    """Until a stop: a worker that dies (a crash, a kill -9, the OOM killer) is logged and started again, the
    others serving meanwhile; one that keeps dying soon after starting is restarted less and less often."""
    started = [time.monotonic()] * len(processes)
    delays = [RESTART_AFTER_SECONDS] * len(processes)
    due: dict[int, float] = {}
    while not stopping():
        wait([process.sentinel for process in processes if process.is_alive()] or [], timeout=0.2)
        now = time.monotonic()
        for number, process in enumerate(processes):
            if stopping():
                return
            if process.is_alive() or (number in due and due[number] > now):
                continue
            if number not in due:
                ran = now - started[number]
                delays[number] = (
                    RESTART_AFTER_SECONDS if ran >= STABLE_SECONDS else min(RESTART_AT_MOST_SECONDS, delays[number] * 2)
                )
                due[number] = now + (0 if ran >= STABLE_SECONDS else delays[number])
                log.warning(
                    "hub worker died; starting another",
                    worker=process.name,
                    exit_status=process.exitcode,
                    ran_seconds=round(ran, 1),
                    restart_in_seconds=round(due[number] - now, 1),
                )
                continue
            del due[number]
            process.join()
            reports[number][0].close()
            replacement, report = new_worker(number)
            replacement.start()
            report[1].close()
            processes[number], reports[number] = replacement, report
            started[number] = time.monotonic()
            log.info("hub worker started again", worker=replacement.name, pid=replacement.pid)


def _wait_until_ready(processes, receiving: list[Connection], stopping: Callable[[], bool]) -> str | None:
    """None once every worker serves (or a stop arrived); else why one could not start."""
    waiting = dict(zip(receiving, processes, strict=True))
    while waiting and not stopping():
        for connection in wait(list(waiting), timeout=0.2):
            process = waiting.pop(connection)
            try:
                kind, message = connection.recv()
            except EOFError:  # it exited without a word
                process.join(1)
                return f"hub worker {process.name} exited at start-up (exit status {process.exitcode}); see its log"
            if kind == FAILED:
                return message
    return None


def _claim_port(settings: Settings) -> socket.socket:
    """Bind the port alone (refusing one that anyone serves), then hold it with SO_REUSEPORT for our workers."""
    try:
        family = socket.getaddrinfo(settings.host, settings.port, type=socket.SOCK_STREAM)[0][0]
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            # SO_REUSEADDR as the workers use it: connections of an earlier run in TIME_WAIT do not count as in use;
            # a listening socket (any hub's workers, any server) does.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((settings.host, settings.port))
        guard = socket.socket(family, socket.SOCK_STREAM)
        guard.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        guard.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        guard.bind((settings.host, settings.port))
    except OSError as error:
        raise StartupError(listen_error(settings, error)) from None
    return guard
