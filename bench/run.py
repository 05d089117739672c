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
from pathlib import Path
from typing import Any

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
    duration=10, connections=32, broadcast_sizes=(10, 100, 500), scale_sizes=(10, 1000, 10000), workers=(1, 2)
)
QUICK = Profile(
    duration=1, connections=4, broadcast_sizes=(3,), scale_sizes=(5, 20), workers=(1, 2), rounds=1, drain_count=50
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    apt = shutil.which("apt-get")
    if os.geteuid() == 0 and apt:
        print("Installing wrk (Debian) ...", file=sys.stderr)
        subprocess.run([apt, "update", "-qq"], check=True)
        subprocess.run(
            [apt, "install", "-y", "-qq", "wrk"],
            check=True,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
            stdout=subprocess.DEVNULL,
        )
        return shutil.which("wrk") or WRK
    raise SystemExit("The benchmarks need wrk: sudo apt-get install wrk")


class Processes:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.running: list[subprocess.Popen] = []

    def start(self, name: str, argv: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
        log = open(self.workdir / f"{name}.log", "ab")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(
            argv, stdout=log, stderr=log, env={**os.environ, **(env or {})}, cwd=self.workdir, start_new_session=True
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

    def env(self, delay_ms: float = 0) -> dict[str, str]:
        return {
            "BENCH_METHOD": self.method,
            "BENCH_AUTH": self.auth,
            "BENCH_BODY": str(self.body or ""),
            "BENCH_TO": self.to,
            "BENCH_FROM": self.frm,
            "BENCH_DELAY_MS": f"{delay_ms:.3f}",
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


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (/proc/{pid}/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_wrk(load: Load, profile: Profile, rate: float | None = None, cpu_pid: int | None = None) -> dict[str, Any]:
    """One wrk run (1 thread, so the load generator takes at most one core). With `rate`, paced to about that many
    requests per second. With `cpu_pid`, also the CPU time that process spent per request."""
    status, answer = http(load.method, load.url, load.headers(), load.body.read_bytes() if load.body else None)
    if status >= 300 or answer.get("status_code", 1000) != 1000:
        raise RuntimeError(f"{load.method} {load.url} is not routed: HTTP {status} {answer}")
    delay = profile.connections * 1000 / rate if rate else 0
    cpu_before = cpu_seconds(cpu_pid) if cpu_pid else 0.0
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
        env={**os.environ, **load.env(delay)},
        check=True,
    )
    line = next(line for line in completed.stdout.splitlines() if line.startswith("BENCH "))
    result = json.loads(line[len("BENCH ") :])
    result["rps"] = round(result["requests"] / (result["duration_us"] / 1e6), 1)
    if cpu_pid:
        result["cpu_us_per_request"] = round((cpu_seconds(cpu_pid) - cpu_before) * 1e6 / max(result["requests"], 1), 1)
    if result["non2xx"] or result["socket_errors"]:
        raise RuntimeError(f"errors under load on {load.url}: {result}")
    return result


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
    def __init__(self, profile: Profile, workdir: Path) -> None:
        self.profile = profile
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

    def start_proxy(self, upstream: str) -> str:
        port = free_port()
        self.processes.start(
            "proxy",
            [sys.executable, "-m", "bench.bare_proxy", "--port", str(port), "--upstream", upstream],
            {"PYTHONPATH": str(Path.cwd())},
        )
        wait_for(f"http://127.0.0.1:{port}/p/0/ocpi/2.2.1/receiver/locations/x")
        return f"http://127.0.0.1:{port}"

    def start_hub(
        self, store: str, workers: int = 1, traffic_control: dict[str, Any] | None = None
    ) -> tuple[subprocess.Popen, str, float]:
        """`traffic_control`: the rate limit and breaker settings; by default every request is counted against a
        limit no load here reaches (the limiter's whole cost, and no refusals), and the breaker is on."""
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
        process = self.processes.start(f"hub-{port}", [OCPI_HUB, "serve", "--config", str(config)])
        url = f"http://127.0.0.1:{port}"
        wait_for(f"{url}/health/ready")
        return process, url, round(time.perf_counter() - started, 2)

    def store(self, name: str) -> str:
        return f"sqlite:///{self.workdir}/{name}.db"

    # --- scenarios ------------------------------------------------------------------------------------------
    async def run(self) -> dict[str, Any]:
        profile = self.profile
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
        proxy = self.start_proxy(receiver)
        hub_process, hub, _ = self.start_hub(main_store)
        emsp_slot = seeded["DE:EMA:EMSP"].slot  # its platform's slot in the receiver
        path = "/ocpi/2.2.1/receiver/locations/NL/CPO/LOC1"
        cpo_auth = token_header(cpo_token)
        emsp_auth = token_header(seeded["DE:EMA:EMSP"].token)

        direct = Load(f"{receiver}/p/{emsp_slot}{path}", "PUT", cpo_auth, body, "DE:EMA", "NL:CPO")
        bare = Load(f"{proxy}/p/{emsp_slot}{path}", "PUT", cpo_auth, body, "DE:EMA", "NL:CPO")
        via_hub = Load(f"{hub}{path}", "PUT", cpo_auth, body, "DE:EMA", "NL:CPO")
        peak = {
            name: run_wrk(load, profile) for name, load in (("direct", direct), ("bare_proxy", bare), ("hub", via_hub))
        }
        half = peak["hub"]["rps"] / 2
        paced = {name: run_wrk(load, profile, rate=half) for name, load in (("direct", direct), ("hub", via_hub))}
        self.results["directed"] = {
            "peak": peak,
            "half_load": paced,
            "hub_vs_bare_proxy_throughput": round(peak["hub"]["rps"] / peak["bare_proxy"]["rps"], 3),
            "hub_vs_direct_throughput": round(peak["hub"]["rps"] / peak["direct"]["rps"], 3),
            "added_p99_ms_at_half_load": round((paced["hub"]["p99_us"] - paced["direct"]["p99_us"]) / 1000, 2),
        }

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
        http("POST", f"{receiver}/reset", {})
        others = {
            "open_routing_session_put": run_wrk(
                Load(f"{hub}/ocpi/2.2.1/receiver/sessions/NL/CPO/S1", "PUT", cpo_auth, session), profile
            ),
            "realtime_authorize": run_wrk(
                Load(f"{hub}/ocpi/2.2.1/sender/tokens/T1/authorize", "POST", cpo_auth, authorize, "DE:EMA", "NL:CPO"),
                profile,
            ),
            "command_start_session": run_wrk(
                Load(
                    f"{hub}/ocpi/2.2.1/receiver/commands/START_SESSION", "POST", emsp_auth, command, "NL:CPO", "DE:EMA"
                ),
                profile,
            ),
        }
        stats = await self._settled(receiver, "results")  # the last command results are still on their way
        commands = others["command_start_session"]["requests"] + 1
        others["command_start_session"]["results_delivered"] = stats["counts"].get("results", 0)
        others["command_start_session"]["results_posted_by_cpo"] = stats["results_sent"]
        others["command_start_session"]["result_failures"] = stats["result_failures"]
        others["command_start_session"]["results_expected"] = commands
        for row in others.values():
            row["vs_directed_hub_throughput"] = round(row["rps"] / peak["hub"]["rps"], 3)
        self.results["other_routes"] = others

        # The same requests, sender and receiver speaking different versions, against the same-version ones (each
        # measured again here, interleaved, with the hub's CPU per request).
        session_211 = self.workdir / "session-211.json"
        session_211.write_bytes(session_211_body())
        pid = hub_process.pid
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

        workers = {}
        for count in profile.workers:
            process, url, _ = self.start_hub(main_store, count)
            workers[str(count)] = run_wrk(dataclasses.replace(via_hub, url=f"{url}{path}"), profile)
            self.processes.stop(process)
        base = workers[str(profile.workers[0])]["rps"]
        for row in workers.values():
            row["vs_1_worker_throughput"] = round(row["rps"] / base, 3)
        self.results["workers"] = workers

        self.results["scale"] = await self._scale(receiver, body, path)
        self.processes.stop_all()
        return self.results

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
            cpu_before = cpu_seconds(hub_pid)
            started = time.perf_counter()
            while True:
                figures = await store.deliveries.figures()
                if not any(row.pending for row in figures):
                    break
                await asyncio.sleep(0.05)
            elapsed = time.perf_counter() - started
            cpu = cpu_seconds(hub_pid) - cpu_before
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


def table(results: dict[str, Any]) -> str:
    directed = results["directed"]
    lines = ["", "OCPI hub benchmarks (ratios are against baselines measured in this run)", ""]
    lines.append(f"{'scenario':<46}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'ratio':>9}")
    for name, row in directed["peak"].items():
        ratio = row["rps"] / directed["peak"]["bare_proxy"]["rps"]
        lines.append(
            f"{'Location PUT ~2 KB, peak: ' + name:<46}{row['rps']:>10.0f}{row['p50_us'] / 1000:>9.2f}"
            f"{row['p99_us'] / 1000:>9.2f}{ratio:>8.2f}x"
        )
    for name, row in directed["half_load"].items():
        lines.append(
            f"{'  at half of hub peak: ' + name:<46}{row['rps']:>10.0f}{row['p50_us'] / 1000:>9.2f}"
            f"{row['p99_us'] / 1000:>9.2f}"
        )
    lines.append(
        f"{'  added p99 at half load (hub - direct)':<46}{'':>10}{'':>9}{directed['added_p99_ms_at_half_load']:>9.2f}"
    )
    for name, row in results["other_routes"].items():
        lines.append(
            f"{name:<46}{row['rps']:>10.0f}{row['p50_us'] / 1000:>9.2f}{row['p99_us'] / 1000:>9.2f}"
            f"{row['vs_directed_hub_throughput']:>8.2f}x"
        )
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
    command = results["other_routes"]["command_start_session"]
    lines.append(
        f"  command results delivered back through the hub: {command['results_delivered']} of "
        f"{command['results_expected']}"
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
    parser.add_argument("--json", default="bench-results.json", help="Where to write the figures.")
    arguments = parser.parse_args()
    profile = QUICK if arguments.quick else FULL
    if arguments.duration:
        profile = dataclasses.replace(profile, duration=arguments.duration)
    ensure_wrk()
    with tempfile.TemporaryDirectory(prefix="ocpi-bench-") as directory:
        bench = Bench(profile, Path(directory))
        try:
            results = asyncio.run(bench.run())
        finally:
            bench.processes.stop_all()
    print(table(results))
    Path(arguments.json).write_text(json.dumps(results, indent=2))
    print(f"\nfigures written to {arguments.json}")
