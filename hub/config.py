"""Settings: defaults < YAML file (`--config` or OCPI_HUB_CONFIG) < OCPI_HUB_* environment variables < CLI flags.

`config.example.yaml` documents every setting with its default. A value that is not what the hub expects is refused
with one line that names the setting, where the value came from (file, variable or flag) and what is expected."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from hub.event_loop import CHOICES as EVENT_LOOPS
from hub.event_loop import uvloop_installed
from routing.model import FUNCTIONAL_MODULES, is_custom_module
from storage.opening import UnsupportedStoreURL, check_store_url

ENV_PREFIX = "OCPI_HUB_"
_INTERNAL = {"internal": True}


class ConfigError(ValueError):
    """A setting is wrong or missing; the message names it, says where it came from and what to write instead."""


@dataclasses.dataclass
class Settings:
    store: str = "sqlite:///data/ocpi-hub.db"
    host: str = "127.0.0.1"
    port: int = 8080
    # Hub processes sharing the port (SO_REUSEPORT) and the store; one per core is a good start.
    workers: int = 1
    # The URL platforms reach the hub at (behind a proxy, the outside URL). Default: http://{host}:{port}
    public_url: str = ""
    country_code: str = "NL"
    party_id: str = "HUB"
    business_name: str = "OCPI Hub"
    business_website: str = ""
    # Fernet key (urlsafe Base64, 32 bytes) that encrypts partner tokens at rest. If empty, it is read from (or, for
    # a new store, written to) `secret_key_file`, which defaults to `hub-secret.key` beside an SQLite store.
    secret_key: str = ""
    secret_key_file: str = ""
    # The operator's credential for the admin API (Bearer) and the dashboard (sign-in). If empty, it is read from
    # (or, on first start, written to) `admin_token_file`, which defaults to `admin-token` beside an SQLite store.
    admin_token: str = ""
    admin_token_file: str = ""
    # A dashboard session ends after this long without a page view, and after admin_session_hours in any case.
    admin_session_idle_minutes: float = 30.0
    admin_session_hours: float = 12.0
    max_body_bytes: int = 4 * 1024 * 1024
    # After a credentials POST or PUT, the token the platform used stays valid until it first uses the new one, for
    # at most this long (so a platform whose answer was lost in flight is not locked out). 0: it dies at once.
    credentials_overlap_seconds: float = 600.0
    # Outbound calls the hub makes for itself: credentials callbacks, HubClientInfo pushes, still-alive probes.
    callback_timeout_seconds: float = 10.0
    # Still-alive check: probe a platform's versions endpoint after this long without traffic from it.
    alive_check_after_seconds: float = 300.0
    alive_check_interval_seconds: float = 30.0
    # How often each hub process picks up changes other processes (or the CLI) wrote to the store.
    directory_refresh_seconds: float = 1.0
    # How often each hub process re-reads every platform, in case a change slipped past the polling.
    directory_resync_seconds: float = 30.0
    # Routing. agreements: nothing passes between two parties without an active agreement covering the module;
    # open: everything passes (for a closed group of platforms, or for trying the hub out).
    routing_policy: str = "agreements"
    # Custom modules (prefixed ModuleIDs such as nltnm-parking, OCPI 2.2.1 and 2.3.0) the hub routes, by routing
    # headers, between parties whose agreement names the module. Others are not routed (docs/routing.md).
    custom_modules: tuple[str, ...] = ()
    # Time limit for a forwarded request; real-time authorization sits in a driver's wait, so it has its own.
    forward_timeout_seconds: float = 30.0
    authorize_timeout_seconds: float = 5.0
    # Per-module time limits that differ from forward_timeout_seconds, e.g. {"commands": 10}.
    module_timeout_seconds: dict = dataclasses.field(default_factory=dict)
    # Connections the hub keeps open to one receiver (host and port) at once; further requests wait for one.
    max_connections_per_receiver: int = 64
    # Rate limits per calling platform, per minute and class of request (docs/operations.md, "Traffic control"):
    # real-time authorization, commands, pushes (PUT, PATCH, POST, DELETE), GETs. Generous: a well-behaved partner
    # never meets them. Per platform overrides: `ocpi-hub platforms set-limits`. 0: no limit for that class.
    rate_limit_authorize_per_minute: int = 3000
    rate_limit_commands_per_minute: int = 3000
    rate_limit_pushes_per_minute: int = 60000
    rate_limit_gets_per_minute: int = 3000
    # How often each hub process adds its counts to the store's and learns the others' (the limits' tolerance).
    rate_limit_sync_seconds: float = 1.0
    # Fail fast on a dead receiver: after this many consecutive timeouts or connection failures, requests to it are
    # answered 4003 at once for breaker_cooldown_seconds, then one request probes it. 0: never.
    breaker_failures: int = 5
    breaker_cooldown_seconds: float = 30.0
    # Durable delivery (for agreements that ask for it): retries back off exponentially, with jitter, from
    # durable_retry_base_seconds up to durable_retry_max_seconds; a delivery older than durable_max_age_hours, or
    # attempted durable_max_attempts times (0: no such limit), becomes a dead letter.
    durable_retry_base_seconds: float = 2.0
    durable_retry_max_seconds: float = 300.0
    durable_max_age_hours: float = 72.0
    durable_max_attempts: int = 0
    durable_poll_seconds: float = 0.5
    # On SIGTERM, keep serving this long with /health/ready answering 503 (draining), so the load balancer stops
    # sending new requests before the process stops accepting: a rolling restart loses none. 0: stop at once.
    shutdown_drain_seconds: float = 0.0
    # Clients: time to send a request's headers, its body, and how long an idle keep-alive connection stays open;
    # connections served at once (beyond it new connections are closed, logged at most once a minute).
    client_header_timeout_seconds: float = 10.0
    client_body_timeout_seconds: float = 30.0
    client_idle_timeout_seconds: float = 75.0
    max_client_connections: int = 4096
    # HTTP status sent with the hub's own 4xxx errors (OCPI leaves it open; the request reached the OCPI layer).
    hub_error_http_status: int = 200
    # How long the hub URLs it hands out in place of platforms' own URLs stay valid.
    # Only stand in for URLs on a platform's own registered hosts (response_url, Location, Link); anything else is
    # refused (response_url) or dropped (headers), so no platform can make the hub call an address of its choice.
    stand_in_own_hosts_only: bool = True
    command_result_ttl_seconds: float = 900.0  # a RESERVE_NOW's stays until its expiry_date, plus this
    cdr_location_ttl_days: float = 400.0
    page_link_ttl_seconds: float = 3600.0
    # How long open routing remembers which CPO and eMSP a session is between (for STOP_SESSION, PATCH, profiles).
    session_hint_ttl_days: float = 14.0
    # Copies of the sessions and CDRs passed to 2.1.1 eMSPs (their list GETs are answered from them), kept this long
    # after their last_updated.
    recipient_copy_retention_days: float = 90.0
    # Message log: records are written in batches off the request path, and kept this long.
    message_log_retention_days: float = 30.0
    message_log_flush_seconds: float = 0.5
    log_format: str = "console"  # console | json
    # auto: uvloop where it is installed (a default dependency on Linux), else the standard loop | uvloop | asyncio
    event_loop: str = "auto"
    log_level: str = "info"
    # Which settings were given (file, environment or flags) rather than left at their defaults.
    explicit: frozenset[str] = dataclasses.field(default=frozenset(), compare=False, repr=False, metadata=_INTERNAL)

    def timeout_for(self, timeout_class: str, authorization: bool = False) -> float:
        """The time limit for a module's requests, or for real-time authorization (class "authorize")."""
        if authorization or timeout_class == "authorize":
            return self.authorize_timeout_seconds
        return self.module_timeout_seconds.get(timeout_class, self.forward_timeout_seconds)

    def rate_limit_per_minute(self, rate_class: str) -> int:
        """The hub-wide limit of a class of requests (authorize, commands, pushes, gets); 0: none."""
        return getattr(self, f"rate_limit_{rate_class}_per_minute")

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def versions_url(self) -> str:
        return f"{self.base_url}/ocpi/versions"

    @property
    def names_its_own_url(self) -> bool:
        """Whether these settings say where the hub is (public URL, host or port given), rather than leaving it to
        what the serving hub recorded in the store."""
        return bool(self.public_url) or bool({"host", "port"} & self.explicit)

    @property
    def store_directory(self) -> Path | None:
        """Where an SQLite store's file lives; None for MongoDB."""
        if not self.store.startswith("sqlite:///"):
            return None
        return Path(self.store[len("sqlite:///") :]).parent

    @property
    def secret_key_path(self) -> Path:
        return self._beside_store(self.secret_key_file, "hub-secret.key", "secret_key")

    @property
    def admin_token_path(self) -> Path:
        return self._beside_store(self.admin_token_file, "admin-token", "admin_token")

    def _beside_store(self, configured: str, default_name: str, setting: str) -> Path:
        """A secret's file: as configured, else beside the SQLite store (the same file wherever the hub is started
        from). A MongoDB store has no directory: its secrets are set explicitly, the same on every node."""
        if configured:
            return Path(configured).expanduser()
        directory = self.store_directory
        if directory is None:
            raise ConfigError(
                f"with a MongoDB store, set {setting} (OCPI_HUB_{setting.upper()}) or {setting}_file: every hub node "
                "needs the same one, so the hub does not make one up"
            )
        return directory / default_name


FIELDS = {field.name: field for field in dataclasses.fields(Settings) if not field.metadata.get("internal")}


def load_settings(
    config_file: str | None = None, overrides: dict[str, Any] | None = None, environ: dict[str, str] | None = None
) -> Settings:
    """Raises ConfigError naming the setting, where its value came from and what is expected."""
    environ = dict(os.environ) if environ is None else environ
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    config_file = config_file or environ.get(ENV_PREFIX + "CONFIG")
    if config_file:
        for name, value in _read_yaml(config_file).items():
            values[name], sources[name] = value, f"{name} in {config_file}"
    for name in FIELDS:
        variable = ENV_PREFIX + name.upper()
        if variable in environ:
            values[name], sources[name] = environ[variable], variable
    for name, value in (overrides or {}).items():
        if value is not None:
            values[name], sources[name] = value, "--" + name.replace("_", "-")
    coerced = {name: _coerce(name, value, sources[name]) for name, value in values.items()}
    settings = Settings(**coerced, explicit=frozenset(coerced))
    validate(settings, sources)
    return settings


def _read_yaml(path: str) -> dict[str, Any]:
    try:
        content = yaml.safe_load(Path(path).read_text()) or {}
    except OSError as error:
        raise ConfigError(f"cannot read config file {path}: {error.strerror}") from error
    except yaml.YAMLError as error:
        raise ConfigError(f"config file {path} is not valid YAML: {error}") from error
    if not isinstance(content, dict):
        raise ConfigError(f"config file {path} must be a mapping of setting: value")
    unknown = sorted(str(name) for name in set(content) - set(FIELDS))
    if unknown:
        raise ConfigError(f"unknown setting(s) in {path}: {', '.join(unknown)}")
    return content


KIND_NAMES = {int: "a whole number", float: "a number", str: "text", bool: "true or false"}


def _coerce(name: str, value: Any, source: str) -> Any:
    if name not in FIELDS:
        raise ConfigError(f"unknown setting: {name}")
    kind = type(getattr(Settings(), name))
    if kind is dict:
        return _mapping_of_seconds(value, source)
    if kind is tuple:
        return _list_of_names(value, source)
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if kind is bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("true", "yes", "on", "1"):
            return True
        if text in ("false", "no", "off", "0"):
            return False
    elif kind is int:
        if is_number and float(value).is_integer():
            return int(value)
        if isinstance(value, str) and value.strip().lstrip("+-").isdigit():
            return int(value)
    elif kind is float:
        if is_number:
            return float(value)
        try:
            return float(str(value))
        except ValueError:
            pass
    elif isinstance(value, str) or is_number:
        return str(value)
    raise ConfigError(f"{source} must be {KIND_NAMES[kind]}, got {value!r}")


def _list_of_names(value: Any, source: str) -> tuple[str, ...]:
    """A list from YAML, or from an environment variable or flag written `a,b`."""
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    if not isinstance(value, list | tuple) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{source} must be a list of names like [nltnm-parking], got {value!r}")
    return tuple(value)


def _mapping_of_seconds(value: Any, source: str) -> dict[str, float]:
    """A mapping from YAML, or from an environment variable written as YAML/JSON (`{commands: 10}`)."""
    if isinstance(value, str):
        try:
            value = yaml.safe_load(value) or {}
        except yaml.YAMLError as error:
            raise ConfigError(f"{source} must be a mapping like {{commands: 10}}, got {value!r}") from error
    if not isinstance(value, dict):
        raise ConfigError(f"{source} must be a mapping like {{commands: 10}}, got {value!r}")
    try:
        return {str(key): float(seconds) for key, seconds in value.items()}
    except (TypeError, ValueError) as error:
        raise ConfigError(f"{source}: every value must be a number of seconds, got {value!r}") from error


LOG_LEVELS = ("debug", "info", "warning", "error", "critical")
POSITIVE = (
    "workers",
    "admin_session_idle_minutes",
    "admin_session_hours",
    "max_body_bytes",
    "callback_timeout_seconds",
    "alive_check_after_seconds",
    "alive_check_interval_seconds",
    "directory_refresh_seconds",
    "directory_resync_seconds",
    "forward_timeout_seconds",
    "authorize_timeout_seconds",
    "max_connections_per_receiver",
    "command_result_ttl_seconds",
    "cdr_location_ttl_days",
    "page_link_ttl_seconds",
    "session_hint_ttl_days",
    "message_log_retention_days",
    "message_log_flush_seconds",
    "recipient_copy_retention_days",
    "rate_limit_sync_seconds",
    "durable_retry_base_seconds",
    "durable_retry_max_seconds",
    "durable_max_age_hours",
    "durable_poll_seconds",
    "breaker_cooldown_seconds",
    "client_header_timeout_seconds",
    "client_body_timeout_seconds",
    "client_idle_timeout_seconds",
    "max_client_connections",
)
NOT_NEGATIVE = (
    "credentials_overlap_seconds",
    "rate_limit_authorize_per_minute",
    "rate_limit_commands_per_minute",
    "rate_limit_pushes_per_minute",
    "rate_limit_gets_per_minute",
    "breaker_failures",
    "durable_max_attempts",
    "shutdown_drain_seconds",
)


def validate(settings: Settings, sources: dict[str, str] | None = None) -> None:
    """Refuse values the hub would otherwise start with and then misbehave on."""
    sources = sources or {}

    def fail(name: str, expected: str) -> None:
        raise ConfigError(f"{sources.get(name, name)} must be {expected}, got {getattr(settings, name)!r}")

    try:
        check_store_url(settings.store)
    except UnsupportedStoreURL as error:
        raise ConfigError(f"{sources.get('store', 'store')}: {error}") from None
    if not 1 <= settings.port <= 65535:
        fail("port", "a port number from 1 to 65535")
    if not settings.host.strip():
        fail("host", "an address to listen on, such as 127.0.0.1 or 0.0.0.0")
    if settings.public_url and not _is_http_url(settings.public_url):
        fail("public_url", "an http:// or https:// URL with a host, such as https://hub.example.com")
    if settings.business_website and not _is_http_url(settings.business_website):
        fail("business_website", "an http:// or https:// URL")
    if not (len(settings.country_code) == 2 and settings.country_code.isascii() and settings.country_code.isalpha()):
        fail("country_code", "an ISO 3166 alpha-2 country code of 2 letters, such as NL")
    if not (len(settings.party_id) == 3 and settings.party_id.isascii() and settings.party_id.isalnum()):
        fail("party_id", "3 letters or digits, such as HUB")
    if not 1 <= len(settings.business_name) <= 100:
        fail("business_name", "a name of 1 to 100 characters")
    if settings.routing_policy not in ("agreements", "open"):
        fail("routing_policy", "agreements or open")
    if not 200 <= settings.hub_error_http_status <= 599:
        fail("hub_error_http_status", "an HTTP status from 200 to 599")
    if settings.log_format not in ("console", "json"):
        fail("log_format", "console or json")
    if settings.event_loop not in EVENT_LOOPS:
        fail("event_loop", "auto, uvloop or asyncio")
    if settings.event_loop == "uvloop" and not uvloop_installed():
        fail("event_loop", "auto or asyncio: uvloop is not installed here (pip install uvloop)")
    if settings.log_level.lower() not in LOG_LEVELS:
        fail("log_level", "one of " + ", ".join(LOG_LEVELS))
    for name in POSITIVE:
        if getattr(settings, name) <= 0:
            fail(name, "greater than 0")
    for name in NOT_NEGATIVE:
        if getattr(settings, name) < 0:
            fail(name, "0 or more")
    for module in settings.custom_modules:
        if not is_custom_module(module):
            source = sources.get("custom_modules", "custom_modules")
            raise ConfigError(
                f"{source}: {module!r} is not a custom module id: a prefix (such as country code and party id), a "
                "dash and a name, in lower case letters, digits, - and _ (nltnm-parking); OCPI's own modules need "
                "no enabling"
            )
    for module, seconds in settings.module_timeout_seconds.items():
        if module not in FUNCTIONAL_MODULES and module not in settings.custom_modules:
            source = sources.get("module_timeout_seconds", "module_timeout_seconds")
            raise ConfigError(f"{source}: unknown module {module!r}; modules are {', '.join(FUNCTIONAL_MODULES)}")
        if seconds <= 0:
            fail("module_timeout_seconds", "a mapping of module to seconds greater than 0")


def _is_http_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError on a port that is not a number
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and not parts.query and not parts.fragment
