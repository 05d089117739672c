"""The benchmark runner: `python -m bench` (see docs/benchmarks.md). Starts on loopback a receiver platform process,
a bare aiohttp pass-through proxy (the floor of our stack) and the hub on the embedded store, drives them with wrk,
prints a table of figures and ratios taken in the same run, and writes them as JSON."""

from __future__ import annotations

import argparse
import asyncio
import base64
import dataclasses
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.cores import Cores, CoreWatch, group_cpu_seconds, group_members
from bench.nginx import nginx_config
from bench.seed import seed
from hub.platforms.tokens import TokenCipher
from storage.models import StoredObject

WRK_SCRIPT = Path(__file__).with_name("wrk") / "ocpi.lua"
WRK = "/usr/bin/wrk"
OCPI_HUB = str(Path(sys.executable).parent / "ocpi-hub")


@dataclasses.dataclass
class Profile:
    duration: int
    connections: int
    broadcast_sizes: tuple[int, ...]
    scale_sizes: tuple[int, ...]
    workers: tuple[int, ...]
    rounds: int = 3  # of interleaved on/off runs, where a comparison takes the median of per-round ratios
    drain_count: int = 5000  # pushes in the durable delivery queue for the drain rate


FULL = Profile(
    duration=10,
    connections=32,
    broadcast_sizes=(10, 100, 500),
    scale_sizes=(10, 1000, 10000),
    workers=(1, 2),
    rounds=5,
)
QUICK = Profile(
    duration=1, connections=4, broadcast_sizes=(3,), scale_sizes=(5, 20), workers=(1, 2), rounds=1, drain_count=50
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_installed(command: str, package: str) -> str:
    """The path of `command`, installing Debian's `package` first if it is missing (as root)."""
    found = shutil.which(command)
    if found:
        return found
    apt = shutil.which("apt-get")
    if os.geteuid() == 0 and apt:
        print(f"Installing {package} (Debian) ...", file=sys.stderr)
        subprocess.run([apt, "update", "-qq"], check=True)
        subprocess.run(
            [apt, "install", "-y", "-qq", package],
            check=True,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
            stdout=subprocess.DEVNULL,
        )
        found = shutil.which(command) or shutil.which(command, path="/usr/sbin:/usr/bin")
        if found:
            return found
    raise SystemExit(f"The benchmarks need {command}: sudo apt-get install {package}")


class Processes:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.running: list[subprocess.Popen] = []

    def start(
        self, name: str, argv: list[str], env: dict[str, str] | None = None, prefix: list[str] | None = None
    ) -> subprocess.Popen:
        """`prefix`: what to start `argv` under (taskset, to put it on the measured core)."""
        log = open(self.workdir / f"{name}.log", "ab")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(
            [*(prefix or []), *argv],
            stdout=log,
            stderr=log,
            env={**os.environ, **(env or {})},
            cwd=self.workdir,
            start_new_session=True,
        )
        self.running.append(process)
        return process

    def stop(self, process: subprocess.Popen) -> None:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        if process in self.running:
            self.running.remove(process)

    def stop_all(self) -> None:
        for process in list(self.running):
            self.stop(process)


def wait_for(url: str, seconds: float = 60) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return time.perf_counter() - started
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.02)
    raise RuntimeError(f"{url} did not come up")


def http(method: str, url: str, headers: dict[str, str], body: bytes | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=body, method=method, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def token_header(token: str) -> str:
    return "Token " + base64.b64encode(token.encode()).decode()


RATE_CLASSES = ("authorize", "commands", "pushes", "gets")
TRAFFIC_CONTROL_COUNTING = {f"rate_limit_{name}_per_minute": 10**12 for name in RATE_CLASSES}
TRAFFIC_CONTROL_OFF = {**{f"rate_limit_{name}_per_minute": 0 for name in RATE_CLASSES}, "breaker_failures": 0}


@dataclasses.dataclass
class Load:
    url: str
    method: str
    auth: str = ""
    body: Path | None = None
    to: str = ""
    frm: str = ""

    def env(self, rate: float = 0) -> dict[str, str]:
        return {
            "BENCH_METHOD": self.method,
            "BENCH_AUTH": self.auth,
            "BENCH_BODY": str(self.body or ""),
            "BENCH_TO": self.to,
            "BENCH_FROM": self.frm,
            "BENCH_RATE": f"{rate:.1f}",
        }

    def headers(self) -> dict[str, str]:
        headers = {
            "Authorization": self.auth,
            "X-Request-ID": "check",
            "X-Correlation-ID": "check",
            "Content-Type": "application/json",
        }
        for prefix, value in (("OCPI-to", self.to), ("OCPI-from", self.frm)):
            if value:
                headers[f"{prefix}-country-code"], headers[f"{prefix}-party-id"] = value.split(":")
        return headers


CORES = Cores.detect()


def run_wrk(load: Load, profile: Profile, rate: float | None = None, cpu_pid: int | None = None) -> dict[str, Any]:
    """One wrk run (1 thread, so the load generator takes at most one core). With `rate`, at that constant rate
    (requests per second). With `cpu_pid`, also the CPU time that process's group spent per request, and what else
    its core did meanwhile."""
    status, answer = http(load.method, load.url, load.headers(), load.body.read_bytes() if load.body else None)
    if status >= 300 or answer.get("status_code", 1000) != 1000:
        raise RuntimeError(f"{load.method} {load.url} is not routed: HTTP {status} {answer}")
    watch = CoreWatch(CORES, cpu_pid) if cpu_pid else None
    completed = subprocess.run(
        [
            WRK,
            "-t1",
            f"-c{profile.connections}",
            f"-d{profile.duration}s",
            "--timeout",
            "10s",
            "-s",
            str(WRK_SCRIPT),
            load.url,
        ],
        capture_output=True,
        text=True,
        env={**os.environ, **load.env(rate or 0)},
        check=True,
    )
    line = next(line for line in completed.stdout.splitlines() if line.startswith("BENCH "))
    result = json.loads(line[len("BENCH ") :])
    result["rps"] = round(result["requests"] / (result["duration_us"] / 1e6), 1)
    if watch:
        result["core"] = watch.finish()
        result["cpu_us_per_request"] = round(result["core"]["cpu_seconds"] * 1e6 / max(result["requests"], 1), 1)
    if result["non2xx"] or result["socket_errors"]:
        raise RuntimeError(f"errors under load on {load.url}: {result}")
    return result


def wait_for_workers(group: int, count: int, seconds: float = 30) -> None:
    """Until `count` hub workers of process group `group` are up (with --workers N, N children of the first)."""
    if count < 2:
        return
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if len(group_members(group)) >= count + 1:
            return
        time.sleep(0.05)
    raise RuntimeError(f"{count} hub workers did not start")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def location_body(size: int = 2048) -> bytes:
    evse = {
        "uid": "EVSE1",
        "evse_id": "NL*CPO*E1",
        "status": "AVAILABLE",
        "last_updated": "2026-11-25T08:00:00Z",
        "connectors": [
            {
                "id": "1",
                "standard": "IEC_62196_T2",
                "format": "SOCKET",
                "power_type": "AC_3_PHASE",
                "max_voltage": 230,
                "max_amperage": 32,
                "last_updated": "2026-11-25T08:00:00Z",
            }
        ],
    }
    location = {
        "country_code": "NL",
        "party_id": "CPO",
        "id": "LOC1",
        "publish": True,
        "name": "Bench Station",
        "address": "Stationsplein 1",
        "city": "Utrecht",
        "postal_code": "3511",
        "country": "NLD",
        "coordinates": {"latitude": "52.089444", "longitude": "5.110278"},
        "time_zone": "Europe/Amsterdam",
        "evses": [],
        "last_updated": "2026-11-25T08:00:00Z",
    }
    number = 1
    while len(json.dumps(location)) < size:
        location["evses"].append({**evse, "uid": f"EVSE{number}", "evse_id": f"NL*CPO*E{number}"})
        number += 1
    return json.dumps(location).encode()


def bridge_token() -> StoredObject:
    """The hub's copy of the token a 2.1.1 session names by its contract id (as if DE:EMA had pushed it)."""
    token = {
        "country_code": "DE",
        "party_id": "EMA",
        "uid": "T1",
        "type": "RFID",
        "contract_id": "C1",
        "issuer": "EMA",
        "valid": True,
        "whitelist": "ALLOWED",
        "last_updated": "2026-11-25T08:00:00Z",
    }
    return StoredObject(
        module="tokens",
        country_code="DE",
        party_id="EMA",
        object_id="T1|RFID",
        last_updated=token["last_updated"],
        sort_key="2026-11-25T08:00:00.000000Z",
        body=json.dumps(token).encode(),
        alt_key="C1",
    )


def session_211_body() -> bytes:
    """A 2.1.1 Session (auth_id, the Location embedded with its one EVSE and connector), as a 2.1.1 CPO pushes it."""
    connector = {
        "id": "1",
        "standard": "IEC_62196_T2",
        "format": "SOCKET",
        "power_type": "AC_3_PHASE",
        "voltage": 230,
        "amperage": 32,
        "last_updated": "2026-11-25T08:00:00Z",
    }
    location = {
        "id": "LOC1",
        "type": "ON_STREET",
        "name": "Bench Station",
        "address": "Stationsplein 1",
        "city": "Utrecht",
        "postal_code": "3511",
        "country": "NLD",
        "coordinates": {"latitude": "52.089444", "longitude": "5.110278"},
        "time_zone": "Europe/Amsterdam",
        "evses": [
            {"uid": "EVSE1", "status": "CHARGING", "connectors": [connector], "last_updated": connector["last_updated"]}
        ],
        "last_updated": "2026-11-25T08:00:00Z",
    }
    session = {
        "id": "S1",
        "start_datetime": "2026-11-25T08:00:00Z",
        "kwh": 1.5,
        "auth_id": "C1",
        "auth_method": "WHITELIST",
        "location": location,
        "currency": "EUR",
        "status": "ACTIVE",
        "last_updated": "2026-11-25T08:00:00Z",
    }
    return json.dumps(session).encode()


class Bench:
    def __init__(
        self,
        profile: Profile,
        workdir: Path,
        only: str | None = None,
        profile_to: Path | None = None,
        compare_hub: str | None = None,
    ) -> None:
        self.profile = profile
        self.only = only  # "cost" or "workers": that section alone
        self.profile_to = profile_to
        self.compare_hub = compare_hub
        self.workdir = workdir
        self.processes = Processes(workdir)
        self.secret_key = TokenCipher.generate_key()
        self.admin_token = "bench-admin-token-0123"  # noqa: S105 (a throwaway hub on loopback)
        self.results: dict[str, Any] = {"profile": dataclasses.asdict(profile), "machine": machine()}

    # --- processes ------------------------------------------------------------------------------------------
    def start_receiver(self, port: int, hub_token: str) -> str:
        self.processes.start(
            "receiver",
            [sys.executable, "-m", "bench.receiver", "--port", str(port), "--hub-token", hub_token],
            {"PYTHONPATH": str(Path.cwd())},
        )
        wait_for(f"http://127.0.0.1:{port}/stats")
        return f"http://127.0.0.1:{port}"

    def start_proxy(self, upstream: str) -> tuple[subprocess.Popen, str]:
        port = free_port()
        process = self.processes.start(
            "proxy",
            [sys.executable, "-m", "bench.bare_proxy", "--port", str(port), "--upstream", upstream],
            {"PYTHONPATH": str(Path.cwd())},
            prefix=CORES.measured_prefix(),
        )
        wait_for(f"http://127.0.0.1:{port}/p/0/ocpi/2.2.1/receiver/locations/x")
        return process, f"http://127.0.0.1:{port}"

    def start_nginx(self, upstream: str) -> tuple[subprocess.Popen, str]:
        port = free_port()
        config = nginx_config(self.workdir, port, upstream.removeprefix("http://"))
        nginx = ensure_installed("nginx", "nginx-light")
        process = self.processes.start(
            "nginx", [nginx, "-p", str(self.workdir), "-c", str(config)], prefix=CORES.measured_prefix()
        )
        wait_for(f"http://127.0.0.1:{port}/p/0/ocpi/2.2.1/receiver/locations/x")
        return process, f"http://127.0.0.1:{port}"

    def start_hub(
        self,
        store: str,
        workers: int = 1,
        traffic_control: dict[str, Any] | None = None,
        pinned: bool = True,
        executable: str = OCPI_HUB,
    ) -> tuple[subprocess.Popen, str, float]:
        """`traffic_control`: the rate limit and breaker settings; by default every request is counted against a
        limit no load here reaches (the limiter's whole cost, and no refusals), and the breaker is on. `pinned`: on
        the measured core (else on every core)."""
        port = free_port()
        config = self.workdir / f"hub-{port}.yaml"
        config.write_text(
            json.dumps(
                {
                    "store": store,
                    "port": port,
                    "workers": workers,
                    "secret_key": self.secret_key,
                    "admin_token": self.admin_token,
                    "log_format": "json",
                    "log_level": "info",
                    "routing_policy": "agreements",
                    "alive_check_after_seconds": 3600.0,
                    **(traffic_control or TRAFFIC_CONTROL_COUNTING),
                }
            )
        )
        started = time.perf_counter()
        process = self.processes.start(
            f"hub-{port}",
            [executable, "serve", "--config", str(config)],
            prefix=CORES.measured_prefix() if pinned else CORES.every_core_prefix(),
        )
        url = f"http://127.0.0.1:{port}"
        wait_for(f"{url}/health/ready")
        return process, url, round(time.perf_counter() - started, 2)

    def store(self, name: str) -> str:
        return f"sqlite:///{self.workdir}/{name}.db"

    # --- scenarios ------------------------------------------------------------------------------------------
    async def run(self) -> dict[str, Any]:
        profile = self.profile
        CORES.keep_self_off_the_measured_core()
        body = self.workdir / "location.json"
        body.write_bytes(location_body())
        broadcasters = [f"NL:B{size:02d}:CPO" if size < 100 else f"NL:{size}:CPO" for size in profile.broadcast_sizes]
        emsps = ["DE:EMA:EMSP"] + [f"BE:{number:03d}:EMSP" for number in range(max(profile.broadcast_sizes))]
        # The version bridge: a 2.1.1 eMSP and a 2.1.1 CPO beside the 2.2.1 pair.
        old_cpo, old_emsp = "BE:OLD:CPO", "DE:OLD:EMSP"
        new_emsp = "DE:NEW:EMSP"  # and a 2.3.0 eMSP
        agreements = [
            ("NL:CPO:CPO", "DE:EMA:EMSP"),
            ("NL:CPO:CPO", old_emsp),
            (old_cpo, "DE:EMA:EMSP"),
            ("NL:CPO:CPO", new_emsp),
        ]
        for broadcaster, size in zip(broadcasters, profile.broadcast_sizes, strict=True):
            agreements += [(broadcaster, f"BE:{number:03d}:EMSP") for number in range(size)]
        main_store = self.store("main")
        receiver_port = free_port()
        receiver = f"http://127.0.0.1:{receiver_port}"
        seeded = await seed(
            main_store,
            self.secret_key,
            receiver,
            cpos=["NL:CPO:CPO", *broadcasters, old_cpo],
            emsps=[*emsps, old_emsp, new_emsp],
            agreements=agreements,
            speak_211=(old_cpo, old_emsp),
            speak_230=(new_emsp,),
            objects=[bridge_token()],
        )
        cpo_token = seeded["NL:CPO:CPO"].token
        self.start_receiver(receiver_port, cpo_token)
        hub_process, hub, _ = self.start_hub(main_store)
        emsp_slot = seeded["DE:EMA:EMSP"].slot  # its platform's slot in the receiver
        path = "/ocpi/2.2.1/receiver/locations/NL/CPO/LOC1"
        cpo_auth = token_header(cpo_token)
        emsp_auth = token_header(seeded["DE:EMA:EMSP"].token)

        session = self.workdir / "session.json"
        session.write_bytes(
            json.dumps(
                {
                    "id": "S1",
                    "country_code": "NL",
                    "party_id": "CPO",
                    "kwh": 1.5,
                    "cdr_token": {
                        "country_code": "DE",
                        "party_id": "EMA",
                        "uid": "T1",
                        "type": "RFID",
                        "contract_id": "C1",
                    },
                    "last_updated": "2026-11-25T08:00:00Z",
                }
            ).encode()
        )
        command = self.workdir / "command.json"
        command.write_bytes(
            json.dumps(
                {
                    "response_url": f"{receiver}/p/{emsp_slot}/results/start",
                    "token": {"uid": "T1"},
                    "location_id": "LOC1",
                    "evse_uid": "EVSE1",
                }
            ).encode()
        )
        authorize = self.workdir / "authorize.json"
        authorize.write_bytes(b'{"location_id": "LOC1"}')
        via_hub = Load(f"{hub}{path}", "PUT", cpo_auth, body, "DE:EMA", "NL:CPO")
        hub_pid = hub_process.pid

        def to_receiver(base: str) -> Load:
            return Load(f"{base}/p/{emsp_slot}{path}", "PUT", cpo_auth, body, "DE:EMA", "NL:CPO")

        hub_loads = {
            "hub_directed": lambda base: Load(f"{base}{path}", "PUT", cpo_auth, body, "DE:EMA", "NL:CPO"),
            "hub_open_routing": lambda base: Load(
                f"{base}/ocpi/2.2.1/receiver/sessions/NL/CPO/S1", "PUT", cpo_auth, session
            ),
            "hub_authorize": lambda base: Load(
                f"{base}/ocpi/2.2.1/sender/tokens/T1/authorize", "POST", cpo_auth, authorize, "DE:EMA", "NL:CPO"
            ),
            "hub_command": lambda base: Load(
                f"{base}/ocpi/2.2.1/receiver/commands/START_SESSION", "POST", emsp_auth, command, "NL:CPO", "DE:EMA"
            ),
        }
        # What each round starts afresh, and the loads measured on it.
        groups: dict[str, tuple[Callable[[], tuple[subprocess.Popen, str]], dict[str, Callable[[str], Load]]]] = {
            "nginx": (lambda: self.start_nginx(receiver), {"nginx": to_receiver}),
            "bare_proxy": (lambda: self.start_proxy(receiver), {"bare_proxy": to_receiver}),
            "hub": (lambda: self.start_hub(main_store)[:2], hub_loads),
        }
        if self.compare_hub:
            groups["compare_hub"] = (
                lambda: self.start_hub(main_store, executable=self.compare_hub)[:2],
                {"compare_hub_directed": hub_loads["hub_directed"]},
            )
        if self.only == "workers":
            self.processes.stop(hub_process)
            self.results["workers"] = self._workers(main_store, via_hub, path)
            return self.results
        self.results["cost"] = await self._cost(groups, receiver)
        if self.only == "cost":
            return self.results
        # The same requests, sender and receiver speaking different versions, against the same-version ones (each
        # measured again here, interleaved, with the hub's CPU per request).
        session_211 = self.workdir / "session-211.json"
        session_211.write_bytes(session_211_body())
        pid = hub_pid
        old_cpo_auth = f"Token {seeded[old_cpo].token}"
        bridge = {
            "location_put_same_version": run_wrk(via_hub, profile, cpu_pid=pid),
            "location_put_to_211_emsp": run_wrk(
                dataclasses.replace(via_hub, to=old_emsp.rsplit(":", 1)[0]), profile, cpu_pid=pid
            ),
            "location_put_to_230_emsp": run_wrk(
                dataclasses.replace(via_hub, to=new_emsp.rsplit(":", 1)[0]), profile, cpu_pid=pid
            ),
            "session_put_same_version": run_wrk(
                Load(f"{hub}/ocpi/2.2.1/receiver/sessions/NL/CPO/S1", "PUT", cpo_auth, session), profile, cpu_pid=pid
            ),
            "session_put_from_211_cpo": run_wrk(
                Load(f"{hub}/ocpi/2.1.1/sessions/BE/OLD/S1", "PUT", old_cpo_auth, session_211), profile, cpu_pid=pid
            ),
        }
        for translated, same in (
            ("location_put_to_211_emsp", "location_put_same_version"),
            ("location_put_to_230_emsp", "location_put_same_version"),
            ("session_put_from_211_cpo", "session_put_same_version"),
        ):
            bridge[translated]["vs_same_version_throughput"] = round(bridge[translated]["rps"] / bridge[same]["rps"], 3)
            bridge[translated]["vs_same_version_cpu"] = round(
                bridge[translated]["cpu_us_per_request"] / bridge[same]["cpu_us_per_request"], 3
            )
        self.results["version_bridge"] = bridge

        # Traffic control: the same directed PUT through a fresh hub with rate limits and the breaker on (counting
        # every request) and a fresh one with both off, on the same store, interleaved; the median of the per-round
        # ratios.
        on_process, on_hub, _ = self.start_hub(main_store, traffic_control=TRAFFIC_CONTROL_COUNTING)
        off_process, off_hub, _ = self.start_hub(main_store, traffic_control=TRAFFIC_CONTROL_OFF)
        via_on = dataclasses.replace(via_hub, url=via_hub.url.replace(hub, on_hub))
        via_off = dataclasses.replace(via_hub, url=via_hub.url.replace(hub, off_hub))
        rounds = []
        for _ in range(profile.rounds):
            on = run_wrk(via_on, profile, cpu_pid=on_process.pid)
            off = run_wrk(via_off, profile, cpu_pid=off_process.pid)
            rounds.append((on, off))
        self.processes.stop(on_process)
        self.processes.stop(off_process)
        self.results["durable_drain"] = await self._drain(
            main_store, receiver, emsp_slot, seeded["DE:EMA:EMSP"].slot, profile.drain_count, hub_process.pid
        )
        self.results["traffic_control"] = {
            "on": rounds[-1][0],
            "off": rounds[-1][1],
            "rounds": len(rounds),
            "cpu_on_vs_off": round(
                statistics.median(r[0]["cpu_us_per_request"] / r[1]["cpu_us_per_request"] for r in rounds), 3
            ),
            "throughput_on_vs_off": round(statistics.median(r[0]["rps"] / r[1]["rps"] for r in rounds), 3),
            "per_round_cpu_ratios": [round(r[0]["cpu_us_per_request"] / r[1]["cpu_us_per_request"], 3) for r in rounds],
        }

        self.results["broadcast"] = [
            self._broadcast(hub, receiver, seeded[broadcaster].token, broadcaster, size)
            for broadcaster, size in zip(broadcasters, profile.broadcast_sizes, strict=True)
        ]
        self.processes.stop(hub_process)

        self.results["workers"] = self._workers(main_store, via_hub, path)

        self.results["scale"] = await self._scale(receiver, body, path)
        self.processes.stop_all()
        return self.results

    async def _cost(
        self,
        groups: dict[str, tuple[Callable[[], tuple[subprocess.Popen, str]], dict[str, Callable[[str], Load]]]],
        receiver: str,
    ) -> dict[str, Any]:
        """CPU per request, req/s and latency of each load, interleaved over `rounds` rounds. Each round starts
        every measured process afresh (one process's cost stayed 20-25 % off another's of the same build for its
        whole life on this virtual machine, so one process per target for all rounds measured the process, not the
        build), warms it up, and runs each load on it on the measured core, again (up to twice) if something else
        took that core. Then the bare proxy and the hub at one constant rate, half of the hub's peak, also afresh
        per round. Ratios are medians of the per-round ratios."""
        profile = self.profile
        warm_up = dataclasses.replace(profile, duration=min(profile.duration, 2))
        rounds: list[dict[str, dict[str, Any]]] = []
        discarded = 0
        targets = [name for _, loads in groups.values() for name in loads]
        for _ in range(profile.rounds):
            round_: dict[str, dict[str, Any]] = {}
            for group, (start, loads) in groups.items():
                process, base = start()
                for make_load in loads.values():
                    run_wrk(make_load(base), warm_up)  # connections open, caches filled: not a figure
                if self.profile_to and group == "hub" and not rounds:
                    self._profile_hub(loads["hub_directed"](base), process.pid)
                for name, make_load in loads.items():
                    if name == "hub_command":
                        await self._settled(receiver, "results")
                        http("POST", f"{receiver}/reset", {})
                    for _attempt in range(3):
                        result = run_wrk(make_load(base), profile, cpu_pid=process.pid)
                        if result["core"].get("had_its_core", True):
                            break
                        discarded += 1
                    if name == "hub_command":
                        stats = await self._settled(receiver, "results")  # the last results are still on their way
                        result["results_expected"] = result["requests"] + 1  # and the check request's
                        result["results_delivered"] = stats["counts"].get("results", 0)
                        # Each command is two routed messages: the command, and its result to the stand-in URL.
                        result["cpu_us_per_message"] = round(result["cpu_us_per_request"] / 2, 1)
                    round_[name] = result
                self.processes.stop(process)
            rounds.append(round_)

        def median_ratio(name: str, figure: str, baseline: str) -> float:
            return round(statistics.median(r[name][figure] / r[baseline][figure] for r in rounds), 3)

        def median(name: str, figure: str) -> float:
            return round(statistics.median(r[name][figure] for r in rounds), 1)

        summary: dict[str, Any] = {}
        for name in targets:
            summary[name] = {
                "cpu_us_per_request": median(name, "cpu_us_per_request"),
                "rps": median(name, "rps"),
                "p50_us": median(name, "p50_us"),
                "p99_us": median(name, "p99_us"),
                "cpu_vs_bare_proxy": median_ratio(name, "cpu_us_per_request", "bare_proxy"),
                "throughput_vs_bare_proxy": median_ratio(name, "rps", "bare_proxy"),
            }
            if name.startswith("hub_"):
                summary[name]["cpu_vs_directed"] = median_ratio(name, "cpu_us_per_request", "hub_directed")
        if "compare_hub_directed" in targets:
            summary["hub_directed"]["cpu_vs_compare_hub"] = median_ratio(
                "hub_directed", "cpu_us_per_request", "compare_hub_directed"
            )
            summary["hub_directed"]["throughput_vs_compare_hub"] = median_ratio(
                "hub_directed", "rps", "compare_hub_directed"
            )
        command = rounds[-1]["hub_command"]
        summary["hub_command"] |= {
            "cpu_us_per_message": median("hub_command", "cpu_us_per_message"),
            "results_expected": command["results_expected"],
            "results_delivered": command["results_delivered"],
        }
        summary["hub_command"]["cpu_per_message_vs_directed"] = round(
            statistics.median(
                r["hub_command"]["cpu_us_per_message"] / r["hub_directed"]["cpu_us_per_request"] for r in rounds
            ),
            3,
        )

        rate = round(summary["hub_directed"]["rps"] / 2)
        paced_rounds = []
        for _ in range(profile.rounds):
            paced: dict[str, dict[str, Any]] = {}
            for group, name in (("bare_proxy", "bare_proxy"), ("hub", "hub_directed")):
                start, loads = groups[group]
                process, base = start()
                run_wrk(loads[name](base), warm_up)
                paced[name] = run_wrk(loads[name](base), profile, rate=rate, cpu_pid=process.pid)
                self.processes.stop(process)
            paced_rounds.append(paced)
        at_rate = {
            "rate": rate,
            "rounds": paced_rounds,
            "bare_proxy_p99_us": round(statistics.median(r["bare_proxy"]["p99_us"] for r in paced_rounds)),
            "hub_p99_us": round(statistics.median(r["hub_directed"]["p99_us"] for r in paced_rounds)),
            "hub_added_p99_ms": round(
                statistics.median(r["hub_directed"]["p99_us"] - r["bare_proxy"]["p99_us"] for r in paced_rounds) / 1000,
                2,
            ),
        }
        return {
            "rounds": rounds,
            "discarded_runs": discarded,
            "pinned": CORES.pinned,
            "summary": summary,
            "at_constant_rate": at_rate,
        }

    def _workers(self, store: str, via_hub: Load, path: str) -> dict[str, Any]:
        """1 and 2 workers on every core, the runner's wrk and receiver beside them (with 2 cores there is no core
        to pin the load generator away to): req/s, and CPU per request over the whole group."""
        workers = {}
        for count in self.profile.workers:
            process, url, _ = self.start_hub(store, count, pinned=False)
            wait_for_workers(process.pid, count)
            workers[str(count)] = run_wrk(
                dataclasses.replace(via_hub, url=f"{url}{path}"), self.profile, cpu_pid=process.pid
            )
            self.processes.stop(process)
        base = workers[str(self.profile.workers[0])]["rps"]
        for row in workers.values():
            row["vs_1_worker_throughput"] = round(row["rps"] / base, 3)
        return workers

    def _profile_hub(self, load: Load, pid: int) -> None:
        """py-spy samples the hub (200 Hz, idle frames left out) while wrk drives `load`; the collapsed stacks go
        to `profile_to` (flamegraph.pl or speedscope read them)."""
        py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
        sampler = subprocess.Popen(
            [py_spy, "record", "--pid", str(pid), "--rate", "200", "--format", "raw", "-o", str(self.profile_to)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(1)
        run_wrk(load, self.profile)
        sampler.send_signal(signal.SIGINT)
        sampler.wait(30)
        print(f"hub profile (collapsed stacks) written to {self.profile_to}", file=sys.stderr)

    async def _drain(
        self, store_url: str, receiver: str, slot: int, receiver_slot: int, count: int, hub_pid: int
    ) -> dict[str, Any]:
        """Durable delivery's drain rate: `count` session PUTs (each its own object) put in the queue while the hub
        runs, as if their receiver had been down; the time until the hub has delivered them all."""
        from storage.models import QueuedDelivery
        from storage.opening import open_store

        store = await open_store(store_url)
        try:
            now = time.time()
            for number in range(count):
                await store.deliveries.enqueue(
                    QueuedDelivery(
                        id=f"bench-{number}",
                        receiver_platform_id=f"bench-{receiver_slot}",
                        receiver="DE:EMA",
                        sender="NL:CPO",
                        module="sessions",
                        method="PUT",
                        url=f"{receiver}/p/{slot}/ocpi/2.2.1/receiver/sessions/NL/CPO/Q{number}",
                        headers={"OCPI-to-country-code": "DE", "OCPI-to-party-id": "EMA"},
                        body=b'{"id": "Q%d", "kwh": 1.0}' % number,
                        object_key=f"DE:EMA:EMSP|sessions|NL/CPO/Q{number}",
                        created_at=now,
                    )
                )
            cpu_before = group_cpu_seconds(hub_pid)
            started = time.perf_counter()
            while True:
                figures = await store.deliveries.figures()
                if not any(row.pending for row in figures):
                    break
                await asyncio.sleep(0.05)
            elapsed = time.perf_counter() - started
            cpu = group_cpu_seconds(hub_pid) - cpu_before
        finally:
            await store.close()
        return {
            "deliveries": count,
            "seconds": round(elapsed, 2),
            "per_second": round(count / elapsed, 1),
            "cpu_us_per_delivery": round(cpu * 1e6 / count, 1),
        }

    async def _settled(self, receiver: str, kind: str) -> dict[str, Any]:
        """The receiver's counts once `kind` stops growing for a second."""
        last, quiet_since = -1, time.monotonic()
        while True:
            _, stats = http("GET", f"{receiver}/stats", {})
            count = stats["counts"].get(kind, 0)
            if count != last:
                last, quiet_since = count, time.monotonic()
            elif time.monotonic() - quiet_since > 1:
                return stats
            await asyncio.sleep(0.1)

    def _broadcast(self, hub: str, receiver: str, token: str, broadcaster: str, size: int) -> dict[str, Any]:
        country, party, _ = broadcaster.split(":")
        body = location_body().replace(b'"party_id": "CPO"', f'"party_id": "{party}"'.encode())
        headers = {
            "Authorization": token_header(token),
            "Content-Type": "application/json",
            "X-Request-ID": "b",
            "X-Correlation-ID": "b",
            "OCPI-to-country-code": "NL",
            "OCPI-to-party-id": "HUB",
            "OCPI-from-country-code": country,
            "OCPI-from-party-id": party,
        }
        times = []
        for attempt in range(3):
            http("POST", f"{receiver}/reset", {})
            started = time.time()
            _, answer = http(
                "PUT",
                f"{hub}/ocpi/2.2.1/receiver/locations/{country}/{party}/LOC{attempt}",
                headers,
                body.replace(b'"id": "LOC1"', f'"id": "LOC{attempt}"'.encode()),
            )
            assert answer.get("status_code") == 1000, answer
            while True:
                _, stats = http("GET", f"{receiver}/stats", {})
                if stats["counts"].get("locations", 0) >= size:
                    times.append(stats["last_arrival"]["locations"] - started)
                    break
                if time.time() - started > 30:
                    raise RuntimeError(f"broadcast to {size} did not complete: {stats}")
                time.sleep(0.005)
        return {"receivers": size, "seconds_until_all_have_it": round(statistics.median(times), 3)}

    async def _scale(self, receiver: str, body: Path, path: str) -> list[dict[str, Any]]:
        rows = []
        for size in self.profile.scale_sizes:
            store = self.store(f"scale-{size}")
            seeded = await seed(
                store,
                self.secret_key,
                receiver,
                cpos=["NL:CPO:CPO"],
                emsps=["DE:EMA:EMSP"],
                extra_platforms=max(0, size - 2),
                agreements=[("NL:CPO:CPO", "DE:EMA:EMSP")],
            )
            process, url, startup = self.start_hub(store)
            load = Load(f"{url}{path}", "PUT", token_header(seeded["NL:CPO:CPO"].token), body, "DE:EMA", "NL:CPO")
            result = run_wrk(load, self.profile)
            rows.append({"platforms": size, "startup_seconds": startup, "rss_mb": rss_mb(process.pid), **result})
            self.processes.stop(process)
        for row in rows:
            row["vs_smallest_throughput"] = round(row["rps"] / rows[0]["rps"], 3)
        return rows


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "processor": platform.processor() or platform.machine(),
        "system": f"{platform.system()} {platform.release()}",
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
    }


def cost_table(cost: dict[str, Any]) -> str:
    lines = ["", "OCPI hub benchmarks (ratios are medians of per-round ratios against baselines in this run)", ""]
    lines.append(
        f"cost: {len(cost['rounds'])} interleaved rounds, measured process "
        + ("alone on its core" if cost["pinned"] else "NOT pinned (one core)")
        + f", {cost['discarded_runs']} run(s) discarded and run again"
    )
    lines.append(f"{'scenario':<46}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'CPU us':>9}{'CPU x':>8}{'req/s x':>9}")
    for name, row in cost["summary"].items():
        lines.append(
            f"{name.replace('_', ' '):<46}{row['rps']:>10.0f}{row['p50_us'] / 1000:>9.2f}{row['p99_us'] / 1000:>9.2f}"
            f"{row['cpu_us_per_request']:>9.0f}{row['cpu_vs_bare_proxy']:>8.2f}{row['throughput_vs_bare_proxy']:>9.2f}"
        )
    directed = cost["summary"]["hub_directed"]
    if "cpu_vs_compare_hub" in directed:
        lines.append(
            f"  hub directed vs the compared build: CPU x{directed['cpu_vs_compare_hub']:.2f}, "
            f"req/s x{directed['throughput_vs_compare_hub']:.2f}"
        )
    for name in ("hub_open_routing", "hub_authorize"):
        lines.append(f"  {name.replace('_', ' ')}: CPU x{cost['summary'][name]['cpu_vs_directed']:.2f} of directed")
    command = cost["summary"]["hub_command"]
    lines.append(
        f"  hub command: {command['cpu_us_per_message']:.0f} us per routed message (command + result), "
        f"x{command['cpu_per_message_vs_directed']:.2f} of directed; results delivered "
        f"{command['results_delivered']} of {command['results_expected']}"
    )
    paced = cost["at_constant_rate"]
    lines.append(
        f"  at a constant {paced['rate']} req/s (half the hub's peak): p99 bare proxy "
        f"{paced['bare_proxy_p99_us'] / 1000:.2f} ms, hub {paced['hub_p99_us'] / 1000:.2f} ms, "
        f"hub adds {paced['hub_added_p99_ms']:.2f} ms"
    )
    return "\n".join(lines)


def table(results: dict[str, Any]) -> str:
    lines = [cost_table(results["cost"])]
    bridge = results["version_bridge"]
    for name, row in bridge.items():
        ratio = f"{row['vs_same_version_throughput']:>8.2f}x" if "vs_same_version_throughput" in row else ""
        lines.append(
            f"{name.replace('_', ' '):<46}{row['rps']:>10.0f}{row['p50_us'] / 1000:>9.2f}{row['p99_us'] / 1000:>9.2f}"
            f"{ratio}   CPU {row['cpu_us_per_request']:.0f} us/req"
        )
    control = results["traffic_control"]
    for name in ("on", "off"):
        row = control[name]
        lines.append(
            f"{'directed PUT, rate limits + breaker ' + name:<46}{row['rps']:>10.0f}{row['p50_us'] / 1000:>9.2f}"
            f"{row['p99_us'] / 1000:>9.2f}   CPU {row['cpu_us_per_request']:.0f} us/req"
        )
    lines.append(
        f"  traffic control on vs off (median of {control['rounds']} rounds): CPU x{control['cpu_on_vs_off']:.3f}, "
        f"throughput x{control['throughput_on_vs_off']:.3f}"
    )
    drain = results["durable_drain"]
    lines.append(
        f"{'durable delivery drain (' + str(drain['deliveries']) + ' queued)':<46}{drain['per_second']:>10.0f}"
        f"   per second, CPU {drain['cpu_us_per_delivery']:.0f} us/delivery"
    )
    for row in results["broadcast"]:
        lines.append(
            f"{'broadcast one Location to ' + str(row['receivers']) + ' eMSPs':<46}"
            f"{'all have it after ' + str(row['seconds_until_all_have_it']) + ' s':>37}"
        )
    for count, row in results["workers"].items():
        lines.append(
            f"{'directed, ' + count + ' hub worker(s)':<46}{row['rps']:>10.0f}{row['p50_us'] / 1000:>9.2f}"
            f"{row['p99_us'] / 1000:>9.2f}{row['vs_1_worker_throughput']:>8.2f}x"
            f"   CPU {row['cpu_us_per_request']:.0f} us/req over the group, every core"
        )
    for row in results["scale"]:
        lines.append(
            f"{'directed, ' + str(row['platforms']) + ' platforms registered':<46}{row['rps']:>10.0f}"
            f"{row['p50_us'] / 1000:>9.2f}{row['p99_us'] / 1000:>9.2f}{row['vs_smallest_throughput']:>8.2f}x"
            f"   start {row['startup_seconds']} s, RSS {row['rss_mb']} MB"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="A tiny configuration (seconds), to check the runner.")
    parser.add_argument("--duration", type=int, help="Seconds per load run.")
    parser.add_argument("--connections", type=int, help="wrk connections per load run.")
    parser.add_argument("--rounds", type=int, help="Interleaved rounds of the cost section (default 5).")
    parser.add_argument("--json", default="bench-results.json", help="Where to write the figures.")
    parser.add_argument(
        "--only",
        choices=("cost", "workers"),
        help="One section alone: cost (CPU per request against the baselines), or workers (1 and 2).",
    )
    parser.add_argument(
        "--compare-hub",
        metavar="OCPI_HUB",
        help="Also measure another build's ocpi-hub executable (an older checkout's .venv/bin/ocpi-hub) in the "
        "same rounds: before/after of a change.",
    )
    parser.add_argument(
        "--profile-hub",
        metavar="FILE",
        help="Also sample the hub with py-spy (pip install py-spy) during one directed run; collapsed stacks to FILE.",
    )
    arguments = parser.parse_args()
    profile = QUICK if arguments.quick else FULL
    if arguments.duration:
        profile = dataclasses.replace(profile, duration=arguments.duration)
    if arguments.rounds:
        profile = dataclasses.replace(profile, rounds=arguments.rounds)
    if arguments.connections:
        profile = dataclasses.replace(profile, connections=arguments.connections)
    ensure_installed("wrk", "wrk")
    ensure_installed("nginx", "nginx-light")
    with tempfile.TemporaryDirectory(prefix="ocpi-bench-") as directory:
        bench = Bench(
            profile,
            Path(directory),
            only=arguments.only,
            profile_to=Path(arguments.profile_hub).resolve() if arguments.profile_hub else None,
            compare_hub=arguments.compare_hub,
        )
        try:
            results = asyncio.run(bench.run())
        finally:
            bench.processes.stop_all()
    if arguments.only == "cost":
        print(cost_table(results["cost"]))
    elif arguments.only == "workers":
        print(json.dumps(results["workers"], indent=2))
    else:
        print(table(results))
    Path(arguments.json).write_text(json.dumps(results, indent=2))
    print(f"\nfigures written to {arguments.json}")
