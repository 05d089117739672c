"""The secret key that encrypts partner tokens at rest, and the check that it is the one the store was set up with.

A key that cannot decrypt the store's tokens would let the hub start and then fail every call to a platform. So the
store keeps a check value (a known text, encrypted with its key) and the hub refuses to start with another key. A
key file is only ever created for a store that has no encrypted tokens yet."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from hub.config import ConfigError, Settings
from hub.platforms.tokens import TokenCipher
from storage.errors import ConcurrentUpdate
from storage.models import Platform
from storage.ports import Store

KEY_CHECK = "secret_key_check"
_CHECK_TEXT = "ocpi-hub secret key check"


async def open_cipher(settings: Settings, store: Store, platforms: Iterable[Platform]) -> TokenCipher:
    """The cipher for this store's partner tokens. Raises ConfigError (one line: which key, which store, what to
    do) when the configured key is not the store's, or when the store has a key and the key file is missing."""
    check = await store.meta.get(KEY_CHECK)
    sample = next((p.peer_token_encrypted for p in platforms if p.peer_token_encrypted), None)
    key, source = _configured_key(settings)
    if key is None:
        path = settings.secret_key_path
        if check is not None or sample is not None:
            raise ConfigError(
                f"the store {_store(settings)} holds partner tokens encrypted with a secret key, and {path} does "
                "not exist: set secret_key (OCPI_HUB_SECRET_KEY) or secret_key_file to that key"
            )
        key, source = _create_key_file(path), str(path)
    cipher = _cipher(key, source)
    if not _decrypts(cipher, check if check is not None else sample):
        raise ConfigError(
            f"the secret key from {source} is not the one the store {_store(settings)} was set up with (it cannot "
            "decrypt the partner tokens): use that store's key (secret_key, OCPI_HUB_SECRET_KEY or secret_key_file)"
        )
    if check is None:
        stored = await store.meta.put_if_absent(KEY_CHECK, cipher.encrypt(_CHECK_TEXT))
        if not _decrypts(cipher, stored):  # another process set the store up with another key at the same moment
            raise ConfigError(f"another hub process set up the store {_store(settings)} with another secret key")
    return cipher


def _configured_key(settings: Settings) -> tuple[str | None, str]:
    if settings.secret_key:
        return settings.secret_key, "the secret_key setting"
    path = settings.secret_key_path
    try:
        return path.read_text().strip(), str(path)
    except FileNotFoundError:
        return None, str(path)
    except OSError as error:
        raise ConfigError(f"cannot read the secret key file {path}: {error.strerror}") from error


def _create_key_file(path: Path) -> str:
    key = TokenCipher.generate_key()
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()  # another process made it first: use theirs
    except OSError as error:
        raise ConfigError(f"cannot create the secret key file {path}: {error.strerror}") from error
    with os.fdopen(descriptor, "w") as handle:
        handle.write(key + "\n")
    return key


def _cipher(key: str, source: str) -> TokenCipher:
    try:
        return TokenCipher(key)
    except ValueError as error:
        raise ConfigError(
            f"invalid secret key in {source}: expected a Fernet key (32 bytes, urlsafe Base64)"
        ) from error


def _decrypts(cipher: TokenCipher, ciphertext: str | None) -> bool:
    if ciphertext is None:
        return True
    try:
        cipher.decrypt(ciphertext)
    except ValueError:
        return False
    return True


def _store(settings: Settings) -> str:
    from storage.urls import redacted_store_url

    return redacted_store_url(settings.store)


async def rotate(settings: Settings, store: Store) -> tuple[str, int]:
    """Re-encrypt every partner token with a new key, and make that key the store's. Run with every hub process
    of the store stopped (a running one still holds the old key). Returns the new key and how many tokens were
    re-encrypted. Safe to run again after an interruption: the new key is kept in `<key file>.new` until done,
    and each token is re-encrypted only if the new key cannot already read it."""
    platforms = await store.platforms.list_all()
    old = await open_cipher(settings, store, platforms) if not _pending(settings) else None
    new_key = _pending_or_new_key(settings)
    new = TokenCipher(new_key)
    if old is None:  # resuming: the old key is the configured one
        key, source = _configured_key(settings)
        old = _cipher(key or "", source)
    rotated = 0
    for platform in platforms:
        for _ in range(5):
            current = await store.platforms.get(platform.id)
            if current is None or not current.peer_token_encrypted or _decrypts(new, current.peer_token_encrypted):
                break
            token = old.decrypt(current.peer_token_encrypted)
            current.peer_token_encrypted = new.encrypt(token)
            try:
                await store.platforms.save(current)
            except ConcurrentUpdate:
                continue
            rotated += 1
            break
        else:
            raise ConfigError(f"platform {platform.id} kept changing while rotating: is a hub still running?")
    await store.meta.put(KEY_CHECK, new.encrypt(_CHECK_TEXT))
    if not settings.secret_key:
        path = settings.secret_key_path
        path.replace(path.with_name(path.name + ".old"))
        _pending_path(settings).replace(path)
    return new_key, rotated


def _pending(settings: Settings) -> bool:
    return not settings.secret_key and _pending_path(settings).exists()


def _pending_path(settings: Settings) -> Path:
    path = settings.secret_key_path
    return path.with_name(path.name + ".new")


def _pending_or_new_key(settings: Settings) -> str:
    if settings.secret_key:
        return TokenCipher.generate_key()
    pending = _pending_path(settings)
    if pending.exists():
        return pending.read_text().strip()
    key = TokenCipher.generate_key()
    descriptor = os.open(pending, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(key + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return key
