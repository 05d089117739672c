"""The benchmark command runs end to end on a tiny configuration. It checks that the runner works, never timings."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def test_the_bench_command_runs_on_a_tiny_configuration(tmp_path):
    output = tmp_path / "figures.json"
    completed = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--json", str(output)],
        cwd=Path(__file__).parents[1],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    assert "OCPI hub benchmarks" in completed.stdout
    figures = json.loads(output.read_text())
    assert set(figures) >= {
        "cost",
        "version_bridge",
        "traffic_control",
        "broadcast",
        "workers",
        "scale",
        "machine",
    }
    assert figures["traffic_control"]["off"]["cpu_us_per_request"] > 0
    assert figures["durable_drain"]["deliveries"] == 50 and figures["durable_drain"]["per_second"] > 0
    assert figures["version_bridge"]["session_put_from_211_cpo"]["cpu_us_per_request"] > 0
    cost = figures["cost"]
    for name in ("nginx", "bare_proxy", "hub_directed", "hub_open_routing", "hub_authorize", "hub_command"):
        assert cost["summary"][name]["cpu_us_per_request"] > 0, name
    assert cost["at_constant_rate"]["rounds"][0]["hub_directed"]["requests"] > 0
    assert figures["workers"]["2"]["cpu_us_per_request"] > 0
    command = cost["summary"]["hub_command"]
    # wrk counts the commands it saw answered; a few more may be in flight when it stops, and their results come too.
    assert command["results_delivered"] >= command["results_expected"], "every command result came back"
