"""Credentials tokens: generation, hashing, encryption at rest, and the `Authorization: Token ...` header.

Tokens the hub issues are kept only as SHA-256 digests; tokens partners issue to the hub are kept encrypted (Fernet,
key from configuration). A token is never logged or shown in full: use `mask`."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, InvalidToken

from storage.models import AuthEncoding

TOKEN_BYTES = 32
MAX_TOKEN_LENGTH = 64


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


def is_valid_token(token: object) -> bool:
    return (
        isinstance(token, str)
        and 0 < len(token) <= MAX_TOKEN_LENGTH
        and all("\x21" <= character <= "\x7e" for character in token)
    )


def authorization_candidates(header: str | None) -> list[tuple[str, AuthEncoding]]:
    """The tokens an `Authorization` header may carry, most likely first: Base64 (OCPI 2.2.1), then the plain form
    many 2.1.1/2.2 implementations send. Empty when the header is missing or not of the form `Token <value>`."""
    if not header:
        return []
    scheme, _, value = header.strip().partition(" ")
    value = value.strip()
    if scheme.lower() != "token" or not value:
        return []
    candidates: list[tuple[str, AuthEncoding]] = []
    decoded = _decode_base64_token(value)
    if decoded is not None and decoded != value:
        candidates.append((decoded, AuthEncoding.BASE64))
    if is_valid_token(value):
        candidates.append((value, AuthEncoding.PLAIN))
    return candidates


def _decode_base64_token(value: str) -> str | None:
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return decoded if is_valid_token(decoded) else None


def authorization_header(token: str, encoding: AuthEncoding) -> str:
    if encoding is AuthEncoding.PLAIN:
        return f"Token {token}"
    return "Token " + base64.b64encode(token.encode()).decode("ascii")


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
