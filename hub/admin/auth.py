"""Admin credentials: a bearer token for the API, a signed session cookie for the pages (signed in with the same
token), and CSRF tokens for the pages' forms. Never an OCPI token: those are for platforms."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time

from aiohttp import web

from hub.config import ConfigError, Settings

SESSION_COOKIE = "ocpi_hub_admin"
SESSION_SECONDS = 12 * 3600


MIN_TOKEN_LENGTH = 16


def load_admin_token(settings: Settings) -> str:
    """The configured admin token, else the one in its file (beside an SQLite store unless admin_token_file says
    otherwise), created (mode 600) on first use. The file appears whole or not at all (written aside, then linked
    into place), so no process ever reads it half-written."""
    token = settings.admin_token
    if not token:
        path = settings.admin_token_path
        try:
            if not path.exists():
                path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                aside = path.with_name(f".{path.name}.{os.getpid()}")
                descriptor = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                with os.fdopen(descriptor, "w") as handle:
                    handle.write(secrets.token_urlsafe(24) + "\n")
                try:
                    os.link(aside, path)
                except FileExistsError:
                    pass  # another process made it first: use theirs
                finally:
                    aside.unlink()
            token = path.read_text().strip()
        except OSError as error:
            raise ConfigError(f"cannot read or create the admin token file {path}: {error.strerror}") from error
    if len(token) < MIN_TOKEN_LENGTH:
        raise ConfigError(f"the admin token must be at least {MIN_TOKEN_LENGTH} characters (admin_token or its file)")
    return token


class AdminAuth:
    def __init__(self, admin_token: str) -> None:
        self._token = admin_token.encode()
        # Sessions are signed with a key derived from the admin token: changing the token signs everyone out.
        self._key = hashlib.sha256(b"ocpi-hub admin session|" + self._token).digest()

    def token_matches(self, presented: str) -> bool:
        return hmac.compare_digest(presented.encode("utf-8", "replace"), self._token)

    def bearer_ok(self, request: web.Request) -> bool:
        scheme, _, value = request.headers.get("Authorization", "").partition(" ")
        return scheme.lower() == "bearer" and bool(value) and self.token_matches(value.strip())

    def new_session(self) -> str:
        expires = int(time.time()) + SESSION_SECONDS
        nonce = secrets.token_urlsafe(12)
        payload = f"{expires}.{nonce}"
        return f"{payload}.{self._sign(payload)}"

    def session_ok(self, request: web.Request) -> bool:
        value = request.cookies.get(SESSION_COOKIE, "")
        payload, _, signature = value.rpartition(".")
        if not payload or not hmac.compare_digest(signature.encode("utf-8", "replace"), self._sign(payload).encode()):
            return False
        expires, _, _ = payload.partition(".")
        return expires.isdigit() and int(expires) > time.time()

    def csrf_token(self, request: web.Request) -> str:
        return self._sign("csrf|" + request.cookies.get(SESSION_COOKIE, ""))

    def csrf_ok(self, request: web.Request, presented: str) -> bool:
        expected = self.csrf_token(request).encode()
        return bool(presented) and hmac.compare_digest(presented.encode("utf-8", "replace"), expected)

    def _sign(self, payload: str) -> str:
        return hmac.new(self._key, payload.encode("utf-8", "replace"), hashlib.sha256).hexdigest()


ADMIN_AUTH = web.AppKey("admin_auth", AdminAuth)
