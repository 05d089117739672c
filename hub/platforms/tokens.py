"""Credentials tokens the hub issues and keeps: generation, SHA-256 digests (compared in constant time), masking for
logs, and encryption at rest of the tokens partners issue (Fernet, key from configuration). A token is never logged
or shown in full: use `mask`."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, InvalidToken

TOKEN_BYTES = 32


def generate_token() -> str:
    """43 URL-safe characters: printable, non-whitespace ASCII as OCPI requires, within string(64)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hashes_match(left: str, right: str) -> bool:
    return hmac.compare_digest(left.encode(), right.encode())


def mask(token: str | None) -> str:
    if not token:
        return "<none>"
    return f"{token[:4]}…({len(token)} chars)"


class TokenCipher:
    """Encrypts the tokens partners issued to the hub, so a copy of the database alone does not expose them."""

    def __init__(self, key: str | bytes) -> None:
        self._fernet = Fernet(key)

    @staticmethod
    def generate_key() -> str:
        return Fernet.generate_key().decode("ascii")

    def encrypt(self, token: str) -> str:
        return self._fernet.encrypt(token.encode()).decode("ascii")

    def decrypt(self, ciphertext: str) -> str:
        try:
            return self._fernet.decrypt(ciphertext.encode("ascii")).decode()
        except InvalidToken as error:
            raise ValueError(
                "stored partner token cannot be decrypted: is the hub's secret key the right one?"
            ) from error
