"""Quirk profiles as operators see and set them: the shipped profiles with what each tolerates, checking a profile's
name, finding a platform by its id or one of its parties, and setting a platform's profile.

The profiles are data in translation/quirks.py; a platform names one in `Platform.quirks` ("" for the default,
strict), and the relay reads it when it translates what that platform sent. A change is saved through
PlatformUpdater: this process's directory has it at once, every other hub process (and a running hub, when the CLI
made the change) within `directory_refresh_seconds`, from the store's change sequence."""

from __future__ import annotations

import dataclasses
from typing import Any

import structlog

from hub.ocpi.timeutil import now_ocpi
from hub.platforms.directory import Directory
from hub.platforms.parties import PARTY_PATTERN, OnboardingError, parse_party
from hub.platforms.updates import PlatformUpdater
from storage.models import Platform
from storage.ports import Store
from translation.quirks import DEFAULT_PROFILE, PROFILE_NOTES, PROFILES, tolerances

log = structlog.get_logger("hub.quirks")


class QuirkProfileError(OnboardingError):
    """An unknown profile, or a platform that is not there; the message says which, and what is known."""


@dataclasses.dataclass(frozen=True)
class Profile:
    """One shipped profile, for operators: its name, what it is for, and one line per tolerance it turns on."""

    name: str
    note: str
    tolerates: tuple[str, ...]

    @property
    def is_default(self) -> bool:
        return self.name == DEFAULT_PROFILE

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "note": self.note, "tolerates": list(self.tolerates), "default": self.is_default}


def profiles() -> list[Profile]:
    """Every shipped profile, the default first."""
    names = sorted(PROFILES, key=lambda name: (name != DEFAULT_PROFILE, name))
    return [Profile(name, PROFILE_NOTES.get(name, ""), tuple(tolerances(name))) for name in names]


def profile_of(platform: Platform) -> str:
    """The name of the profile the hub reads this platform with: "strict" when none is set."""
    return platform.quirks or DEFAULT_PROFILE


def tolerated_by(platform: Platform) -> list[str]:
    """What the hub tolerates in what this platform sends, one line each; [] for strict."""
    return tolerances(profile_of(platform))


def check_profile(profile: str) -> str:
    """The name of a shipped profile, as an operator may type it (any case, spaces around). Raises
    QuirkProfileError for an unknown name, naming the known ones."""
    name = profile.strip().lower()
    if name not in PROFILES:
        known = ", ".join(p.name for p in profiles())
        raise QuirkProfileError(f"unknown quirk profile {profile!r}; the profiles are: {known}")
    return name


async def find_platform(store: Store, reference: str) -> Platform:
    """A platform by its id, or by one of its parties `CC:PID:ROLE`."""
    text = reference.strip()
    if PARTY_PATTERN.match(text):
        party = parse_party(text)
        platform = await store.platforms.find_by_party(party.country_code, party.party_id, party.role)
        if platform is None:
            raise QuirkProfileError(f"no platform holds party {party} (see `ocpi-hub platforms`)")
        return platform
    platform = await store.platforms.get(text)
    if platform is None:
        raise QuirkProfileError(
            f"no platform {text!r}: name it by its id or one of its parties CC:PID:ROLE (see `ocpi-hub platforms`)"
        )
    return platform


@dataclasses.dataclass(frozen=True)
class ProfileChange:
    """A platform as saved after its profile was set, and the profile it had before."""

    platform: Platform
    previous: str

    @property
    def profile(self) -> str:
        return profile_of(self.platform)

    @property
    def changed(self) -> bool:
        return self.previous != self.profile


class QuirkProfiles:
    """Sets platforms' quirk profiles, one logged line per change."""

    def __init__(self, updater: PlatformUpdater) -> None:
        self._updater = updater

    @classmethod
    def on_store(cls, store: Store) -> QuirkProfiles:
        """For a command with no hub process around it: the running hubs learn of the change from the store."""
        return cls(PlatformUpdater(store, Directory(store)))

    async def set(self, platform_id: str, profile: str, by: str) -> ProfileChange:
        """Give the platform `profile`; `by`: who asked (the CLI and its user, the admin API, the dashboard, an
        import), for the log. Setting the profile it already has changes nothing."""
        name = check_profile(profile)
        wanted = "" if name == DEFAULT_PROFILE else name  # as records made before profiles existed say it
        before: list[str] = []

        def change(current: Platform) -> Platform | None:
            before[:] = [current.quirks]
            if current.quirks == wanted:
                return None
            current.quirks = wanted
            current.updated_at = now_ocpi()
            return current

        platform = await self._updater.update_for_operator(platform_id, change, QuirkProfileError)
        result = ProfileChange(platform, before[0] or DEFAULT_PROFILE)
        if result.changed:
            log.info(
                "quirk profile changed",
                platform=platform.id,
                name=platform.name,
                parties=platform.party_keys,
                profile=result.profile,
                previous=result.previous,
                by=by,
            )
        return result
