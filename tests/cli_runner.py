"""Run the `ocpi-hub` command as a real process, as an operator would."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from tests.hub_server import TEST_SECRET_KEY

OCPI_HUB = str(Path(sys.executable).parent / "ocpi-hub")


async def run_cli(
    *args: str,
    cwd: Path | None = None,
    routing_policy: str = "open",
    secret_key: str | None = TEST_SECRET_KEY,
    environ: dict[str, str] | None = None,
) -> tuple[int, str, str]:
    """`routing_policy`: as hub_settings() for the in-process hubs, "open" unless a test says otherwise.
    `secret_key`: the key the tests' hubs use; None to leave it to the store's key file."""
    environment = {**os.environ, "OCPI_HUB_ROUTING_POLICY": routing_policy, **(environ or {})}
    if secret_key is not None:
        environment["OCPI_HUB_SECRET_KEY"] = secret_key
    process = await asyncio.create_subprocess_exec(
        OCPI_HUB, *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=environment, cwd=cwd
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode, out.decode(), err.decode()
