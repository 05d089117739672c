"""Admin credentials: a bearer token for the API, a session for the pages (signed in with the same token), and CSRF
tokens for the pages' forms. Never an OCPI token: those are for platforms.

Sessions live in the store (the cookie holds a random value, the store its digest), so signing out ends a session
on every hub process at once; a session also ends after `admin_session_idle_minutes` without a page view, after
`admin_session_hours` in any case, and when the admin token changes."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time

from aiohttp import web

from hub.config import ConfigError, Settings
from storage.models import AdminSession
from storage.ports import Store

SESSION_COOKIE = "ocpi_hub_admin"
MAX_COOKIE_LENGTH = 100


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
    def __init__(self, admin_token: str, idle_seconds: float, lifetime_seconds: float) -> None:
        self._token = admin_token.encode()
        self._key = hashlib.sha256(b"ocpi-hub admin csrf|" + self._token).digest()
        self._fingerprint = hashlib.sha256(b"ocpi-hub admin token|" + self._token).hexdigest()
        self.idle_seconds = idle_seconds
        self.lifetime_seconds = lifetime_seconds
        # Activity is written at most this often (a page view is not worth a write each).
        self._touch_every = min(30.0, idle_seconds / 4)

    def token_matches(self, presented: str) -> bool:
        return hmac.compare_digest(presented.encode("utf-8", "replace"), self._token)

    def bearer_ok(self, request: web.Request) -> bool:
        scheme, _, value = request.headers.get("Authorization", "").partition(" ")
        return scheme.lower() == "bearer" and bool(value) and self.token_matches(value.strip())

    async def new_session(self, store: Store) -> str:
        """A new session; returns the cookie value."""
        value = secrets.token_urlsafe(32)
        now = time.time()
        await store.admin_sessions.create(
            AdminSession(
                id_hash=_digest(value),
                token_fingerprint=self._fingerprint,
                created_at=now,
                last_seen_at=now,
                expires_at=now + self.lifetime_seconds,
            )
        )
        return value

    async def session_ok(self, request: web.Request, store: Store, activity: bool = True) -> bool:
        """Whether the request's cookie is a live session. `activity`: the operator did something (a page view),
        which keeps the session from going idle; a page refreshing itself is not activity."""
        value = request.cookies.get(SESSION_COOKIE, "")
        if not value or len(value) > MAX_COOKIE_LENGTH:
            return False
        session = await store.admin_sessions.get(_digest(value))
        if session is None:
            return False
        now = time.time()
        if (
            session.expires_at <= now
            or now - session.last_seen_at > self.idle_seconds
            or not hmac.compare_digest(session.token_fingerprint, self._fingerprint)
        ):
            await store.admin_sessions.delete(session.id_hash)
            return False
        if activity and now - session.last_seen_at >= self._touch_every:
            await store.admin_sessions.touch(session.id_hash, now)
        return True

    async def end_session(self, request: web.Request, store: Store) -> None:
        value = request.cookies.get(SESSION_COOKIE, "")
        if value and len(value) <= MAX_COOKIE_LENGTH:
            await store.admin_sessions.delete(_digest(value))

    def csrf_token(self, request: web.Request) -> str:
        return self._sign("csrf|" + request.cookies.get(SESSION_COOKIE, ""))

    def csrf_ok(self, request: web.Request, presented: str) -> bool:
        expected = self.csrf_token(request).encode()
        return bool(presented) and hmac.compare_digest(presented.encode("utf-8", "replace"), expected)

    def _sign(self, payload: str) -> str:
        return hmac.new(self._key, payload.encode("utf-8", "replace"), hashlib.sha256).hexdigest()


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()
