"""The tokens platforms issued to the hub, decrypted once per ciphertext: decrypting costs more than the rest of
routing a message."""

from __future__ import annotations

from hub.platforms.tokens import TokenCipher
from storage.models import Platform

MAX_CACHED = 50_000


class PeerTokens:
    def __init__(self, cipher: TokenCipher) -> None:
        self.cipher = cipher
        self._plain: dict[str, str] = {}

    def token_for(self, platform: Platform) -> str | None:
        """The token to call `platform` with, or None when it gave the hub none (not registered)."""
        ciphertext = platform.peer_token_encrypted
        if not ciphertext:
            return None
        token = self._plain.get(ciphertext)
        if token is None:
            token = self.cipher.decrypt(ciphertext)
            if len(self._plain) > MAX_CACHED:
                self._plain.clear()
            self._plain[ciphertext] = token
        return token
