"""Which asyncio event loop a hub process runs on. uvloop (libuv) is a default dependency on Linux: the same code
on a cheaper loop, about a sixth less CPU per routed message here (docs/benchmarks.md). `event_loop: asyncio`
keeps the standard library's loop, for a platform uvloop does not build on or to rule it out while debugging."""

from __future__ import annotations

import asyncio
import importlib.util
from collections.abc import Callable

CHOICES = ("auto", "uvloop", "asyncio")


def uvloop_installed() -> bool:
    return importlib.util.find_spec("uvloop") is not None


def loop_factory(choice: str) -> Callable[[], asyncio.AbstractEventLoop] | None:
    """The loop factory for `asyncio.Runner`: uvloop's for "uvloop" and, where it is installed, "auto"; None (the
    standard loop) otherwise. Validation has already refused "uvloop" where it is not installed."""
    if choice == "asyncio" or (choice == "auto" and not uvloop_installed()):
        return None
    import uvloop

    return uvloop.new_event_loop


def loop_name() -> str:
    """The running loop, as the start-up line names it."""
    loop = asyncio.get_running_loop()
    return "uvloop" if type(loop).__module__.startswith("uvloop") else "asyncio"
