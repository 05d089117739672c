"""Settings: defaults < YAML file (`--config` or OCPI_HUB_CONFIG) < OCPI_HUB_* environment variables < CLI flags.

`config.example.yaml` documents every setting with its default."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

import yaml

from hub.tokens import TokenCipher

ENV_PREFIX = "OCPI_HUB_"


class ConfigError(ValueError):
    pass


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
    # Fernet key (urlsafe Base64, 32 bytes) that encrypts partner tokens at rest. If empty, it is read from (or, on
    # first use, written to) `secret_key_file`.
    secret_key: str = ""
    secret_key_file: str = "data/hub-secret.key"  # noqa: S105 (a path, not a secret)
    # The operator's credential for the admin API (Bearer) and the dashboard (sign-in). If empty, it is read from
    # (or, on first start, written to) `admin_token_file`.
    admin_token: str = ""
    admin_token_file: str = "data/admin-token"  # noqa: S105 (a path, not a secret)
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
    # Time limit for a forwarded request; real-time authorization sits in a driver's wait, so it has its own.
    forward_timeout_seconds: float = 30.0
    authorize_timeout_seconds: float = 5.0
    # Per-module time limits that differ from forward_timeout_seconds, e.g. {"commands": 10}.
    module_timeout_seconds: dict = dataclasses.field(default_factory=dict)
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
    # Message log: records are written in batches off the request path, and kept this long.
    message_log_retention_days: float = 30.0
    message_log_flush_seconds: float = 0.5
    log_format: str = "console"  # console | json
    log_level: str = "info"

    def timeout_for(self, module: str, authorization: bool = False) -> float:
        if authorization:
            return self.authorize_timeout_seconds
        return self.module_timeout_seconds.get(module, self.forward_timeout_seconds)

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def versions_url(self) -> str:
        return f"{self.base_url}/ocpi/versions"

    def token_cipher(self, create_key: bool = True) -> TokenCipher:
        if self.secret_key:
            return _cipher(self.secret_key, "secret_key")
        path = Path(self.secret_key_file)
        if path.exists():
            return _cipher(path.read_text().strip(), str(path))
        if not create_key:
            raise ConfigError(f"no secret key: set OCPI_HUB_SECRET_KEY or create {path}")
        key = TokenCipher.generate_key()
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(key + "\n")
        return TokenCipher(key)


def _cipher(key: str, source: str) -> TokenCipher:
    try:
        return TokenCipher(key)
    except ValueError as error:
        raise ConfigError(
            f"invalid secret key in {source}: expected a Fernet key (32 bytes, urlsafe Base64)"
        ) from error


FIELDS = {field.name: field for field in dataclasses.fields(Settings)}


def load_settings(
    config_file: str | None = None, overrides: dict[str, Any] | None = None, environ: dict[str, str] | None = None
) -> Settings:
    environ = dict(os.environ) if environ is None else environ
    values: dict[str, Any] = {}
    config_file = config_file or environ.get(ENV_PREFIX + "CONFIG")
    if config_file:
        values.update(_read_yaml(config_file))
    for name in FIELDS:
        env_value = environ.get(ENV_PREFIX + name.upper())
        if env_value is not None:
            values[name] = env_value
    values.update({key: value for key, value in (overrides or {}).items() if value is not None})
    return Settings(**{name: _coerce(name, value) for name, value in values.items()})


def _read_yaml(path: str) -> dict[str, Any]:
    try:
        content = yaml.safe_load(Path(path).read_text()) or {}
    except OSError as error:
        raise ConfigError(f"cannot read config file {path}: {error.strerror}") from error
    except yaml.YAMLError as error:
        raise ConfigError(f"config file {path} is not valid YAML: {error}") from error
    if not isinstance(content, dict):
        raise ConfigError(f"config file {path} must be a mapping of setting: value")
    unknown = sorted(set(content) - set(FIELDS))
    if unknown:
        raise ConfigError(f"unknown setting(s) in {path}: {', '.join(unknown)}")
    return content


def _coerce(name: str, value: Any) -> Any:
    if name not in FIELDS:
        raise ConfigError(f"unknown setting: {name}")
    kind = type(getattr(Settings(), name))
    if kind is dict:
        return _mapping_of_seconds(name, value)
    if kind is bool and isinstance(value, str):
        if value.strip().lower() in ("true", "yes", "on", "1"):
            return True
        if value.strip().lower() in ("false", "no", "off", "0"):
            return False
        raise ConfigError(f"setting {name} must be true or false, got {value!r}")
    try:
        return kind(value)
    except (TypeError, ValueError) as error:
        raise ConfigError(f"setting {name} must be a {kind.__name__}, got {value!r}") from error


def _mapping_of_seconds(name: str, value: Any) -> dict[str, float]:
    """A mapping from YAML, or from an environment variable written as YAML/JSON (`{commands: 10}`)."""
    if isinstance(value, str):
        try:
            value = yaml.safe_load(value) or {}
        except yaml.YAMLError as error:
            raise ConfigError(f"setting {name} must be a mapping like {{commands: 10}}, got {value!r}") from error
    if not isinstance(value, dict):
        raise ConfigError(f"setting {name} must be a mapping like {{commands: 10}}, got {value!r}")
    try:
        return {str(key): float(seconds) for key, seconds in value.items()}
    except (TypeError, ValueError) as error:
        raise ConfigError(f"setting {name}: every value must be a number of seconds, got {value!r}") from error


def redacted_store_url(url: str) -> str:
    """A store URL fit for logs and screens: without its user and password."""
    if "@" not in url:
        return url
    scheme, _, rest = url.partition("://")
    return f"{scheme}://***@{rest.rpartition('@')[2]}"
