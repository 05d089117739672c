"""The credentials token on the wire: `Authorization: Token ...`, Base64 in OCPI 2.2.1, plain in 2.1.1 and many
2.2 implementations, and what a token may be (printable ASCII, at most 64 characters)."""

from __future__ import annotations

import base64
import binascii

from storage.models import AuthEncoding

MAX_TOKEN_LENGTH = 64


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
