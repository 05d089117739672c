"""Per-platform rate limits as operators see and set them (CLI, admin API, dashboard, routing YAML): the limits in
force for a platform, and changing its overrides. An override is saved on the platform (`Platform.rate_limits`)
through PlatformUpdater: every hub process applies it within `directory_refresh_seconds`."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

import structlog

from hub.config import Settings
from hub.ocpi.timeutil import now_ocpi
from hub.platforms.directory import Directory
from hub.platforms.parties import OnboardingError
from hub.platforms.updates import PlatformUpdater
from storage.models import Platform
from storage.ports import Store

log = structlog.get_logger("hub.rate_limits")

# The classes of requests rate limits count (hub/traffic/rate_limits.py sorts each request into one).
RATE_CLASSES = ("authorize", "commands", "pushes", "gets")
DEFAULT = "default"  # as an override's value: back to the hub's limit


class LimitError(OnboardingError):
    """A limit an operator gave that cannot be used; the message says what to write instead."""


def parse_limit_items(items: Iterable[str]) -> dict[str, int | None]:
    """`CLASS=N` (per minute, 0 for none) or `CLASS=default`, as the CLI takes them."""
    changes: dict[str, object] = {}
    for item in items:
        name, separator, value = item.partition("=")
        if not separator:
            raise LimitError(
                f"{item!r}: write CLASS=N (per minute) or CLASS=default; classes: {', '.join(RATE_CLASSES)}"
            )
        changes[name.strip()] = value.strip()
    return check_limits(changes)


def check_limits(changes: Mapping[str, object]) -> dict[str, int | None]:
    """Class -> a limit per minute (0: none), or None for the hub's own. Raises LimitError naming what is wrong."""
    checked: dict[str, int | None] = {}
    for name, value in changes.items():
        if name not in RATE_CLASSES:
            raise LimitError(f"unknown rate limit class {name!r}; the classes are: {', '.join(RATE_CLASSES)}")
        if value is None or value == DEFAULT:
            checked[name] = None
            continue
        if isinstance(value, bool) or not (isinstance(value, int) or (isinstance(value, str) and value.isdigit())):
            raise LimitError(
                f"{name}: a whole number of requests per minute (0 for no limit) or default, got {value!r}"
            )
        checked[name] = int(value)
    return checked


def limits_in_force(settings: Settings, platform: Platform) -> list[dict[str, object]]:
    """For each class: the limit per minute (0: none), and whether the platform has its own."""
    return [
        {
            "class": name,
            "per_minute": platform.rate_limits.get(name, settings.rate_limit_per_minute(name)),
            "overridden": name in platform.rate_limits,
        }
        for name in RATE_CLASSES
    ]


@dataclasses.dataclass(frozen=True)
class LimitsChange:
    platform: Platform
    changed: bool


class PlatformLimits:
    def __init__(self, updater: PlatformUpdater) -> None:
        self._updater = updater

    @classmethod
    def on_store(cls, store: Store) -> PlatformLimits:
        """For a command with no hub process around it: the running hubs learn of the change from the store."""
        return cls(PlatformUpdater(store, Directory(store)))

    async def set(self, platform_id: str, changes: Mapping[str, object], by: str) -> LimitsChange:
        """Apply `changes` (class -> limit, None or "default" to drop the override); `by` is logged."""
        checked = check_limits(changes)
        changed = []

        def change(current: Platform) -> Platform | None:
            wanted = dict(current.rate_limits)
            for name, value in checked.items():
                if value is None:
                    wanted.pop(name, None)
                else:
                    wanted[name] = value
            changed[:] = [wanted != current.rate_limits]
            if not changed[0]:
                return None
            current.rate_limits = wanted
            current.updated_at = now_ocpi()
            return current

        platform = await self._updater.update_for_operator(platform_id, change, LimitError)
        if changed[0]:
            log.info(
                "rate limits set", platform=platform.id, name=platform.name, rate_limits=platform.rate_limits, by=by
            )
        return LimitsChange(platform, changed[0])
